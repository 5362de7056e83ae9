"""Starting the desktop app: the platform check, QApplication, the first window.

Kept apart from the command line so ``lendready assess`` never pays for Qt.
The crash handler and the log (:mod:`lendready.crash`) are installed first, so
even a failure while the window is being built is logged and explained.

Two more things are set up before the window, both about leaving nothing behind
that the user did not ask for:

* **Qt's own settings.** QFileDialog keeps its last folder and history (which
  name the user's case folders) in ``QSettings(UserScope, "QtProject")``: a
  ``QtProject.conf`` shared by every Qt program, outside lendready's folders.
  :func:`keep_qt_settings_private` points Qt's user settings into lendready's
  own config folder (owner-only). That constructor uses ``NativeFormat``
  whatever ``setDefaultFormat`` says (checked on Qt 6.11), so the native path is
  moved; on Linux and the BSDs that is an INI file and the move is complete. On
  Windows (the registry) and macOS (CFPreferences) Qt has no path to move, so
  the dialog's history keys are put back as they were when lendready closes.
* **Termination signals.** A log-out, a shutdown or ``kill`` sends SIGTERM (a
  closed terminal SIGHUP). Python runs its signal handlers only while Python
  code runs, and Qt's event loop is C++, so the handler is woken through a pipe
  (``signal.set_wakeup_fd``) watched by a QSocketNotifier. The unsaved work is
  written to the recovery folder, with no question asked (nobody is there to
  answer it), and the app quits with status 128 + the signal's number (143 for
  SIGTERM), as a shell reports a process the signal ended. The recovery copy is
  kept, so the next start offers the work back.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from lendready.resources import resources_dir

EXIT_NO_DISPLAY = 3
TERMINATION_SIGNALS = ("SIGTERM", "SIGHUP")  # SIGHUP exists only on POSIX
QT_ORGANISATION = "QtProject"  # where Qt's own widgets (QFileDialog) keep their settings
FILE_DIALOG_GROUP = "FileDialog"
WAKE_TICK_MS = 250  # where no wake-up pipe can be used (Windows): how often Python gets to run

_termination: _Termination | None = None
DESKTOP_ID = "org.example.lendready"  # the .desktop file, AppStream id and Wayland app id
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def app_icon() -> Any:
    """The window icon from the PNGs shipped in resources/icons (no SVG plugin needed)."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    folder = resources_dir() / "icons"
    for size in ICON_SIZES:
        path = folder / f"lendready-{size}.png"
        if path.is_file():
            icon.addFile(str(path))
    return icon


def keep_qt_settings_private() -> Callable[[], None]:
    """Send Qt's own user settings (QFileDialog's folder history) to lendready's config folder.

    Returns what to call at exit: on platforms whose native settings are not a
    file (Windows, macOS), it puts the file dialog's history back as it was at
    start, so the folders lendready's user worked in do not stay behind; elsewhere
    it does nothing.
    """
    from PySide6.QtCore import QSettings

    from lendready.paths import config_dir, private_dir

    folder = config_dir()
    try:
        private_dir(folder)
    except OSError:
        pass  # Qt then cannot write there either: nothing is written at all, which is still private
    for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, str(folder))
    if sys.platform not in ("win32", "darwin"):
        return lambda: None
    return _file_dialog_history_restorer()


def _file_dialog_history_restorer() -> Callable[[], None]:
    """Snapshot the shared file dialog history now; the function returned writes the snapshot back."""
    from PySide6.QtCore import QSettings

    shared = QSettings(QSettings.Scope.UserScope, QT_ORGANISATION)
    shared.beginGroup(FILE_DIALOG_GROUP)
    before = {key: shared.value(key) for key in shared.childKeys()}

    def restore() -> None:
        settings = QSettings(QSettings.Scope.UserScope, QT_ORGANISATION)
        settings.beginGroup(FILE_DIALOG_GROUP)
        for key in settings.childKeys():
            if key not in before:
                settings.remove(key)
        for key, value in before.items():
            settings.setValue(key, value)
        settings.endGroup()
        settings.sync()

    return restore


def make_application(argv: list[str] | None = None) -> Any:
    from PySide6.QtWidgets import QApplication

    app: Any = QApplication.instance()
    if app is None:
        # Before anything can make a file dialog; what puts the shared history back runs as the app ends.
        restore = keep_qt_settings_private()
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.aboutToQuit.connect(restore)
    app.setApplicationName("lendready")
    app.setApplicationDisplayName("lendready")
    app.setOrganizationName("lendready")
    from lendready import __version__

    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_ID)
    app.setWindowIcon(app_icon())
    return app


def _file_open_filter(window: Any) -> Any:
    """macOS hands a double-clicked document to the running app as a QFileOpenEvent, not in argv."""
    from PySide6.QtCore import QEvent, QObject

    class FileOpenFilter(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.FileOpen:
                path = event.file()  # type: ignore[attr-defined]
                if path:
                    window.open_path(path)
                    return True
            return False

    return FileOpenFilter(window)  # the window keeps it alive


def keep_unsaved_work() -> int:
    """Write every open window's unsaved case to the recovery folder, asking nothing; how many were written.

    Text typed but not confirmed is committed first: when the session is ending
    there is no one left typing into the box, and those words are the work.
    """
    from PySide6.QtWidgets import QApplication

    from lendready import crash

    written = 0
    for widget in QApplication.topLevelWidgets():
        session = getattr(widget, "session", None)
        autosave = getattr(widget, "autosave", None)
        if session is None or not callable(autosave):
            continue
        try:
            commit = getattr(widget, "commit_pending", None)
            if callable(commit):
                commit()
            if getattr(session, "dirty", False):
                autosave()
                written += 1
        except Exception:  # noqa: BLE001 (ending cleanly matters more than any one window)
            crash.log.error("could not write the recovery copy before closing")
    return written


class _Termination:
    """Turns SIGTERM/SIGHUP into "keep the work and quit" on Qt's event loop (see the module's docstring)."""

    def __init__(self, app: Any) -> None:
        from PySide6.QtCore import QSocketNotifier, QTimer

        self.app = app
        self.received: int | None = None
        self.notifier: Any = None
        self.tick: Any = None
        self._read_fd: int | None = None
        names = [n for n in TERMINATION_SIGNALS if hasattr(signal, n)]
        for name in names:
            signal.signal(getattr(signal, name), self._handler)
        try:
            read_fd, write_fd = os.pipe()
            os.set_blocking(read_fd, False)
            os.set_blocking(write_fd, False)
            signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
        except (OSError, ValueError, AttributeError):
            # Windows takes only a socket here, and a socket is a network object lendready never makes:
            # a short timer lets Python run (and so its handlers) instead.
            self.tick = QTimer(app)
            self.tick.setInterval(WAKE_TICK_MS)
            self.tick.timeout.connect(lambda: None)
            self.tick.start()
            return
        self._read_fd = read_fd
        self._write_fd = write_fd
        self.notifier = QSocketNotifier(read_fd, QSocketNotifier.Type.Read, app)
        self.notifier.activated.connect(self._drain)

    def _drain(self, *_: Any) -> None:
        """Empty the wake-up pipe; running this Python code is what lets the handler run."""
        if self._read_fd is None:
            return
        try:
            while os.read(self._read_fd, 256):
                pass
        except (BlockingIOError, InterruptedError):
            pass

    def _handler(self, signum: int, _frame: Any) -> None:
        """Python's handler: note the signal and leave the work to the event loop (never done mid-slot)."""
        from PySide6.QtCore import QTimer

        if self.received is not None:
            return  # a second signal while closing: the first is already being handled
        self.received = signum
        QTimer.singleShot(0, self.app, self.finish)

    def finish(self) -> None:
        """Keep the unsaved work, then quit without a prompt: ``exit`` does not ask windows to close."""
        from lendready import crash

        signum = self.received or signal.SIGTERM
        name = signal.Signals(signum).name
        written = keep_unsaved_work()
        crash.log.info("%s received: %d unsaved case(s) kept in the recovery folder; closing", name, written)
        self.app.exit(128 + int(signum))


def install_termination_handlers(app: Any) -> _Termination:
    """SIGTERM and SIGHUP save unsaved work to the recovery folder and quit (status 128 + signal)."""
    global _termination
    _termination = _Termination(app)  # kept for the process's life: Qt holds no Python reference to it
    return _termination


def run(case_path: str | None = None, argv: list[str] | None = None) -> int:
    from lendready import crash

    crash.install()
    from lendready.platform_check import display_problem

    problem = display_problem()
    if problem:
        sys.stderr.write(problem + "\n")
        return EXIT_NO_DISPLAY
    from PySide6.QtCore import QTimer

    from lendready.ui.main_window import MainWindow

    app = make_application(argv)
    install_termination_handlers(app)
    window = MainWindow()
    if sys.platform == "darwin":  # an application-wide filter sees every event: only where it is needed
        app.installEventFilter(_file_open_filter(window))
    window.show()

    def start() -> None:
        # Offer crash recovery before anything else can overwrite it; then open the file asked for.
        restored = window.offer_recovery()
        if case_path and not restored:
            window.open_path(case_path)

    QTimer.singleShot(0, start)
    status = app.exec()
    crash.log.info("lendready closed (status %s)", status)
    return status


def main() -> int:
    """Entry point of the ``lendready-gui`` script (desktop shortcuts, file association)."""
    from lendready import crash

    crash.ensure_streams()  # a windowed program (pythonw, the frozen bundle) may have no stdout
    # macOS adds -psn_... when Finder starts an app; a desktop's "Open with" passes the file.
    args = [a for a in sys.argv[1:] if not a.startswith("-psn_")]
    if args and args[0] == "--self-test":
        from lendready.self_test import main as self_test

        return self_test(args[1:])
    return run(args[0] if args else None)
