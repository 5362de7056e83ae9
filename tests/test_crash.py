"""Crash handling: the log (rotated, in the user log folder, free of case content), the dialog, no stdout."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES

from lendready import crash

SECRET_NAME = "Zebrafinch Quokka Workers Co-operative"
SECRET_FIGURE = 987654321


@pytest.fixture
def log_dir(tmp_path, monkeypatch):
    folder = tmp_path / "logs"
    monkeypatch.setenv("LENDREADY_LOG_DIR", str(folder))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    yield folder
    for handler in list(crash.log.handlers):
        crash.log.removeHandler(handler)
        handler.close()


def _raise_with_case_content(name: str) -> None:
    figure = SECRET_FIGURE
    raise ValueError(f"cannot use {name!r} with reserves {figure}")


def _exc_info(name: str = SECRET_NAME):
    try:
        try:
            _raise_with_case_content(name)
        except ValueError as inner:
            raise RuntimeError(f"assessing {name} failed") from inner
    except RuntimeError:
        return sys.exc_info()
    raise AssertionError("no exception")


def test_log_is_in_the_log_dir_and_rotates(log_dir):
    path = crash.setup_logging()
    assert path == log_dir / "lendready.log"
    handler = next(h for h in crash.log.handlers if isinstance(h, crash.RotatingLog))
    assert handler.max_bytes == crash.MAX_BYTES and handler.backups == crash.BACKUPS
    line = "x" * 1000
    for _ in range(crash.MAX_BYTES // 1000 * 2 + 10):
        crash.log.info(line)
    assert (log_dir / "lendready.log.1").is_file()
    assert (log_dir / "lendready.log.2").is_file()
    assert path.stat().st_size <= crash.MAX_BYTES
    for _ in range(crash.MAX_BYTES // 1000 * 3):
        crash.log.info(line)
    kept = sorted(p.name for p in log_dir.glob("lendready.log*"))
    assert kept == ["lendready.log"] + [f"lendready.log.{i}" for i in range(1, crash.BACKUPS + 1)]
    assert all(p.stat().st_size <= crash.MAX_BYTES for p in log_dir.glob("lendready.log*"))
    assert (log_dir / "faults.log").is_file()  # faulthandler's file beside it
    if os.name == "posix":
        assert (log_dir.stat().st_mode & 0o077) == 0  # private folder


def test_crash_hook_logs_the_traceback_but_no_case_content(log_dir, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(crash, "show_dialog", lambda text: shown.append(text) or False)
    crash.install()
    assert sys.excepthook is crash.handle
    sys.excepthook(*_exc_info())

    text = (log_dir / "lendready.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last):" in text
    assert "_raise_with_case_content" in text and "builtins.ValueError" in text and "builtins.RuntimeError" in text
    assert "direct cause" in text
    assert SECRET_NAME not in text and str(SECRET_FIGURE) not in text and "Zebrafinch" not in text
    assert len(shown) == 1
    assert str(log_dir / "lendready.log") in shown[0]
    assert "RuntimeError" in shown[0] and "recovery" in shown[0]
    assert SECRET_NAME not in shown[0]


def test_crash_saves_the_open_case_to_recovery_and_says_so(qtbot, knowledge, log_dir, tmp_path, monkeypatch):
    from lendready.model.recovery import RecoveryStore
    from lendready.model.settings import Settings
    from lendready.ui.main_window import MainWindow

    shown: list[str] = []
    monkeypatch.setattr(crash, "show_dialog", lambda text: shown.append(text) or False)
    store = RecoveryStore(tmp_path / "recovery")
    window = MainWindow(knowledge=knowledge, settings=Settings(), recovery=store, autosave_ms=3_600_000)
    qtbot.addWidget(window)
    monkeypatch.setattr(window, "confirm_discard", lambda: True)  # closing at teardown must not ask
    window.show()
    assert window.open_path(str(SAMPLES / "riverside.lendready"))
    window.session.set_answer("org.name", SECRET_NAME)
    assert window.session.dirty
    crash.install()
    sys.excepthook(*_exc_info())

    assert store.pending_files(), "the crash handler did not copy the unsaved case to the recovery folder"
    assert "just been copied to the recovery folder" in shown[0]
    assert SECRET_NAME not in (log_dir / "lendready.log").read_text(encoding="utf-8")


def test_crash_dialog_names_the_log_and_offers_quit(qtbot, log_dir, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    seen = {}

    def fake_exec(box):
        seen["text"] = box.text()
        seen["buttons"] = [b.text() for b in box.buttons()]
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    text = crash.crash_message(KeyError, "lendready.ui.main_window.save", log_dir / "lendready.log", None)
    crash._dialog(text)
    assert str(log_dir / "lendready.log") in seen["text"]
    assert "KeyError" in seen["text"] and "every 30 seconds" in seen["text"]
    assert set(seen["buttons"]) == {"Quit lendready", "Keep working"}


def _run(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", LENDREADY_LOG_DIR=str(tmp_path / "log"), **env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120,
        env=environment, cwd=REPO,
    )


def test_an_exception_in_a_qt_slot_reaches_the_dialog_and_quit_exits(tmp_path):
    """PySide6 hands slot exceptions to sys.excepthook: the app logs, asks, and 'Quit' ends it (status 70)."""
    out = _run(
        f"""
        import sys
        from PySide6.QtCore import QTimer
        from lendready import crash
        from lendready.app import make_application
        crash.install()
        crash.show_dialog = lambda text: open({str(tmp_path / 'dialog.txt')!r}, 'w').write(text) > 0  # "Quit"
        app = make_application()
        def slot():
            name = {SECRET_NAME!r}
            raise LookupError("no answer for " + name)
        QTimer.singleShot(0, slot)
        QTimer.singleShot(5000, lambda: app.exit(99))
        sys.exit(app.exec())
        """,
        tmp_path,
    )
    assert out.returncode == 70, out.stderr
    log_text = (tmp_path / "log" / "lendready.log").read_text(encoding="utf-8")
    assert "builtins.LookupError" in log_text and "in slot" in log_text
    assert SECRET_NAME not in log_text
    assert str(tmp_path / "log" / "lendready.log") in (tmp_path / "dialog.txt").read_text(encoding="utf-8")
    assert "details in" in out.stderr


def test_no_stdout_or_stderr_does_not_crash(tmp_path):
    """A windowed bundle (or pythonw) starts with sys.stdout and sys.stderr set to None."""
    out = _run(
        f"""
        import sys
        sys.stdout = None
        sys.stderr = None
        from lendready import crash
        crash.install()
        print("printing must not fail")
        sys.stderr.write("nor writing to stderr\\n")
        from lendready.cli import main
        status = main(["--self-test"])
        open({str(tmp_path / 'status')!r}, "w").write(str(status))
        """,
        tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "status").read_text() == "0"
    assert "self-test passed" in (tmp_path / "log" / "lendready.log").read_text(encoding="utf-8")
