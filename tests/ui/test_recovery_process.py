"""A real app process is killed mid-edit; the next start offers the work back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from lendready.recovery import RecoveryStore
from lendready.settings import Settings
from lendready.ui.main_window import MainWindow

CHILD = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from lendready.ui.main_window import MainWindow

    app = QApplication([])
    window = MainWindow(autosave_ms=100)
    window.show()
    window.new_case("founder")

    def type_answer(qid, text):
        view = window.workspace.views[window.session.section_of(qid)]
        edit = view.editor(qid).input.edit
        edit.setFocus()
        QTest.keyClicks(edit, text)
        QTest.keyClick(edit, Qt.Key.Key_Return)

    type_answer("org.name", "Riverside Community Health CIC")
    type_answer("org.years_trading", "4")
    window.next_section()  # leaving a section also writes the recovery copy
    type_answer("gov.board_size", "9")

    def report():
        if window.recovery.pending_files():
            print("READY", flush=True)
        else:
            QTimer.singleShot(50, report)

    QTimer.singleShot(300, report)  # wait for at least one timed autosave after the last answer
    app.exec()
    """
)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_killed_mid_edit_then_restored(qtbot, tmp_path, knowledge, monkeypatch):
    data = tmp_path / "data"
    env = dict(os.environ, LENDREADY_DATA_DIR=str(data), LENDREADY_CONFIG_DIR=str(tmp_path / "config"),
               QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen([sys.executable, "-c", CHILD], env=env, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and "READY" not in line:
            line = child.stdout.readline()
            if not line and child.poll() is not None:
                break
        assert "READY" in line, "the app never wrote a recovery copy"
        time.sleep(0.3)  # keep editing-time autosaves going a little, then pull the plug
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()

    store = RecoveryStore(data / "recovery")
    window = MainWindow(knowledge, settings=Settings(), recovery=store)
    asked = []
    monkeypatch.setattr(window, "ask_restore", lambda entry: asked.append(entry) or "restore")
    assert window.offer_recovery()
    assert asked[0].organisation == "Riverside Community Health CIC"
    answers = window.session.answers
    assert answers["org.name"] == "Riverside Community Health CIC"
    assert answers["org.years_trading"] == 4 and answers["gov.board_size"] == 9
    assert window.session.dirty
    assert window.session.path is None
    window.session = None
    window.close()
