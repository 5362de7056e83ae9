"""The log and what happens when lendready fails unexpectedly.

* :func:`ensure_streams` gives a windowed bundle (``sys.stdout``/``sys.stderr``
  are None there) harmless streams, so a stray ``print`` cannot kill the app.
* :func:`setup_logging` writes ``lendready.log`` in the user log folder
  (platformdirs; ``LENDREADY_LOG_DIR`` moves it), rotated at 1 MB with three
  old copies kept, and points :mod:`faulthandler` at ``faults.log`` beside it
  so a hard crash inside Qt still leaves a Python stack behind.
* :func:`install` replaces ``sys.excepthook`` (which PySide6 also calls for an
  exception raised in a slot) and ``threading.excepthook``: the traceback goes
  to the log, the open case is copied to the recovery folder, and a dialog says
  what happened, where the log is and that the work is safe. The dialog is plain
  text (:func:`lendready.ui.widgets.messages.message_box`): the log and recovery
  paths in it come from the environment (``LENDREADY_LOG_DIR``, the user's
  profile folder) and may hold ``<`` or ``&``, which must never be read as markup.

The log never holds case content. Exception *messages* can quote an answer or
an organisation's name (``ValueError: 'Riverside Care CIC' ...``), so only the
exception's type and the stack (file, line, function, source line) are written;
local variables are never captured. lendready logs nothing else about a case.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from lendready import __version__

LOG_NAME = "lendready.log"
FAULTS_NAME = "faults.log"
MAX_BYTES = 1_000_000
BACKUPS = 3

log = logging.getLogger("lendready")

_faults_file: Any = None
_in_handler = False


def ensure_streams() -> None:
    """Replace a missing stdout/stderr (windowed bundle, pythonw) with the null device."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (lives as long as the process)


def log_path() -> Path:
    from lendready.paths import log_dir

    return log_dir() / LOG_NAME


class RotatingLog(logging.FileHandler):
    """A log file that rolls over to ``.1`` … ``.BACKUPS`` once it would pass ``max_bytes``.

    What ``logging.handlers.RotatingFileHandler`` does, without importing that
    module: it brings sockets, pickle and queues with it, 1.4 MB of the app's
    start-up memory and a network module in a process that never networks.
    """

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        super().__init__(path, encoding="utf-8", delay=True)
        self.max_bytes = max_bytes
        self.backups = backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            size = os.path.getsize(self.baseFilename) if os.path.exists(self.baseFilename) else 0
            if size and size + len(self.format(record)) + 1 > self.max_bytes:
                self.roll_over()
        except OSError:
            pass  # a log that cannot roll over still takes the line
        super().emit(record)

    def roll_over(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None  # type: ignore[assignment]
        for i in range(self.backups - 1, 0, -1):
            older = f"{self.baseFilename}.{i}"
            if os.path.exists(older):
                os.replace(older, f"{self.baseFilename}.{i + 1}")
        os.replace(self.baseFilename, f"{self.baseFilename}.1")


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Send lendready's log to the rotated file; None (and no file log) if the folder cannot be made."""
    global _faults_file
    from lendready.paths import private_dir

    path = log_path()
    for handler in log.handlers:
        if isinstance(handler, RotatingLog):
            if Path(handler.baseFilename) == path.resolve():
                return path
            log.removeHandler(handler)
            handler.close()
    try:
        private_dir(path.parent)
        handler = RotatingLog(path, MAX_BYTES, BACKUPS)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(process)d %(message)s"))
    log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False
    try:
        faults = path.with_name(FAULTS_NAME)
        if faults.exists() and faults.stat().st_size > MAX_BYTES:
            faults.replace(faults.with_suffix(".log.1"))
        if _faults_file is not None:
            _faults_file.close()
        _faults_file = open(faults, "a", encoding="utf-8")  # noqa: SIM115 (faulthandler needs it open)
        faulthandler.enable(_faults_file, all_threads=True)
    except (OSError, ValueError, RuntimeError):
        pass
    return path


def describe(exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None) -> str:
    """The traceback with every exception's message withheld (it may quote case data)."""
    lines: list[str] = []
    seen: set[int] = set()
    chain: list[tuple[type[BaseException], TracebackType | None, str]] = []
    current: BaseException | None = exc
    kind, trace, link = exc_type, tb, ""
    while True:
        chain.append((kind, trace, link))
        if current is None or id(current) in seen:
            break
        seen.add(id(current))
        if current.__cause__ is not None:
            link, current = "The above was the direct cause of", current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            link, current = "During handling of the above, there was", current.__context__
        else:
            break
        kind, trace = type(current), current.__traceback__
    # chain runs from the exception raised to its causes; print the first cause first, as Python does
    for kind, trace, link in reversed(chain):
        lines.append("Traceback (most recent call last):")
        lines.extend(s.rstrip("\n") for s in traceback.format_list(traceback.extract_tb(trace)))
        lines.append(f"{kind.__module__}.{kind.__qualname__} (message withheld: it may quote case data)")
        if link:
            lines.append(f"{link} the following exception:")
    return "\n".join(lines)


def where(tb: TracebackType | None) -> str:
    """'module.function' of the innermost lendready frame (or the innermost frame)."""
    frames = traceback.extract_tb(tb) if tb is not None else []
    for frame in reversed(frames):
        if "lendready" in Path(frame.filename).parts:
            parts = Path(frame.filename).with_suffix("").parts
            module = ".".join(parts[parts.index("lendready"):])
            return f"{module}.{frame.name}"
    return frames[-1].name if frames else "start-up"


def save_recovery() -> str | None:
    """Copy every open window's unsaved case to the recovery folder; the folder, or None if nothing was saved."""
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError:
        return None
    app = QApplication.instance()
    if app is None:
        return None
    saved = False
    for widget in QApplication.topLevelWidgets():
        autosave = getattr(widget, "autosave", None)
        session = getattr(widget, "session", None)
        if callable(autosave) and session is not None and getattr(session, "dirty", False):
            try:
                autosave()
                saved = True
            except Exception:  # noqa: BLE001 (a crash handler must not crash)
                log.error("could not write the recovery copy after the crash")
    if not saved:
        return None
    from lendready.model.recovery import recovery_dir

    return str(recovery_dir())


def crash_message(exc_type: type[BaseException], place: str, log_file: Path | None, recovery: str | None) -> str:
    """The crash dialog's text: plain text in paragraphs (the paths in it are shown, never read as markup)."""
    paragraphs = [f"lendready hit an unexpected problem ({exc_type.__name__} in {place})."]
    if recovery:
        paragraphs.append(
            f"Your answers are safe. Your unsaved work has just been copied to the recovery folder "
            f"({recovery}); if you close lendready, it is offered back the next time you start it."
        )
    else:
        paragraphs.append(
            "Your answers are safe. Unsaved work is copied to the recovery folder every 30 seconds and "
            "offered back the next time lendready starts; saved case files are not touched."
        )
    if log_file is not None:
        paragraphs.append(
            f"The details are in the log file:\n{log_file}\n"
            "It holds no answers or names from your case; send it to whoever supports lendready."
        )
    else:
        paragraphs.append("The log folder could not be written, so the details were not kept.")
    paragraphs.append("You can keep working, but saving your case (Save as… a new file) and restarting is safest.")
    return "\n\n".join(paragraphs)


def _dialog(text: str) -> bool:
    """Show the crash dialog; True if the user chose to quit."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None:
        return False
    from lendready.ui.widgets.messages import message_box

    box = message_box(None, QMessageBox.Icon.Critical, "lendready: unexpected problem", text)
    quit_button = box.addButton("Quit lendready", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Keep working", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(keep)
    box.exec()
    return box.clickedButton() is quit_button


show_dialog: Callable[[str], bool] = _dialog


def handle(exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None) -> None:
    """The excepthook: log, keep the work, tell the user."""
    global _in_handler
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc if exc is not None else exc_type(), tb)
        return
    place = where(tb)
    log.critical("uncaught %s in %s\n%s", exc_type.__name__, place, describe(exc_type, exc, tb))
    for handler in log.handlers:
        handler.flush()
    stream: TextIO | None = sys.stderr
    if stream is not None:
        try:
            stream.write(f"lendready: unexpected {exc_type.__name__} in {place}; details in {_log_file()}\n")
        except (OSError, ValueError):
            pass
    if _in_handler:
        return  # a second failure while the dialog is open: logged, not shown again
    _in_handler = True
    try:
        recovery = save_recovery()
        if show_dialog(crash_message(exc_type, place, _log_file(), recovery)):
            from PySide6.QtWidgets import QApplication

            app = QApplication.instance()
            if app is not None:
                app.exit(70)
    except Exception:  # noqa: BLE001
        log.critical("the crash dialog itself failed\n%s", describe(*sys.exc_info()))  # type: ignore[arg-type]
    finally:
        _in_handler = False


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    log.critical(
        "uncaught %s in thread %s\n%s",
        args.exc_type.__name__,
        args.thread.name if args.thread else "?",
        describe(args.exc_type, args.exc_value, args.exc_traceback),
    )


def _log_file() -> Path | None:
    for handler in log.handlers:
        if isinstance(handler, RotatingLog):
            return Path(handler.baseFilename)
    return None


def _system() -> str:
    """'Linux 6.1.0', 'Darwin 23.4.0' or 'Windows 10.0.19045': enough to match a log to a machine."""
    if hasattr(os, "uname"):
        info = os.uname()
        return f"{info.sysname} {info.release}"
    version = sys.getwindowsversion()  # type: ignore[attr-defined]
    return f"Windows {version.major}.{version.minor}.{version.build}"


def install() -> Path | None:
    """Streams, log, faulthandler and the hooks; returns the log file (None if it cannot be written)."""
    ensure_streams()
    path = setup_logging()
    sys.excepthook = handle
    threading.excepthook = _thread_hook
    log.info(
        "lendready %s starting: Python %s, %s, frozen=%s",
        # From os.uname: the platform module costs ~2 ms to import, and platform.platform() reads the
        # interpreter binary for its libc version.
        __version__, sys.version.split()[0], _system(),
        bool(getattr(sys, "frozen", False)),
    )
    return path
