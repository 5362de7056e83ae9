"""A log-out, a shutdown or ``kill`` ends the real app: the unsaved work is kept, nothing is asked.

The app (``lendready.app.run``, offscreen, in its own process) opens a case; one answer is typed and
confirmed, another is typed and left in its box unconfirmed, as someone would be mid-answer when the
session ends. Then SIGTERM (or SIGHUP, a closed terminal) arrives. The app must:

* end within a few seconds, with status 128 + the signal's number (143 for SIGTERM, 129 for SIGHUP),
  as a shell reports a process the signal ended, and without showing any dialog (offscreen nobody can
  answer one: every message box is made to fail the run);
* leave a recovery copy holding both answers, which the next start offers back.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import SAMPLES

from lendready.model.recovery import RecoveryStore
from lendready.model.settings import Settings
from lendready.ui.main_window import MainWindow

CONFIRMED = "Signal Test Workers Co-operative"
UNCONFIRMED = "Typed but not confirmed"

CHILD = textwrap.dedent(
    """
    import os, sys
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox
    from lendready import app as app_module
    from lendready.ui.main_window import MainWindow

    def no_dialog(*args, **kwargs):  # a prompt on the way out would hang a log-out: fail fast instead
        print("unexpected dialog", flush=True)
        os._exit(3)

    for name in ("warning", "question", "critical", "information", "exec"):
        setattr(QMessageBox, name, no_dialog)

    def window():
        return next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))

    def edit(qid):
        w = window()
        box = w.workspace.views[w.session.section_of(qid)].editor(qid).input.edit
        box.setFocus()
        box.selectAll()
        return box

    def type_answers():
        w = window()
        assert w.session is not None and not w.session.dirty
        QTest.keyClicks(edit("org.name"), sys.argv[2])
        QTest.keyClick(edit("org.name"), Qt.Key.Key_Return)
        assert w.session.dirty
        QTest.keyClicks(edit("org.registration_number"), sys.argv[3])  # no Enter: still in the box
        print("READY", flush=True)  # the test sends the signal now

    real_make = app_module.make_application

    def make_application(argv=None):
        app = real_make(argv)
        QTimer.singleShot(300, type_answers)
        QTimer.singleShot(30_000, lambda: app.exit(99))  # never hang the suite
        return app

    app_module.make_application = make_application
    sys.exit(app_module.run(sys.argv[1]))
    """
)


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM and SIGHUP are delivered the POSIX way")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_termination_signal_keeps_the_work_and_quits_without_asking(qtbot, tmp_path, knowledge, monkeypatch,
                                                                    signum):
    data = tmp_path / "data"
    case = tmp_path / "case.lendready"
    case.write_text((SAMPLES / "riverside.lendready").read_text(encoding="utf-8"), encoding="utf-8")
    env = dict(os.environ, LENDREADY_DATA_DIR=str(data), LENDREADY_CONFIG_DIR=str(tmp_path / "config"),
               LENDREADY_LOG_DIR=str(tmp_path / "log"), QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(case), CONFIRMED, UNCONFIRMED], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "READY", (line, child.stderr.read() if child.poll() is not None else "")
        assert not list(data.glob("recovery/*.recovery.json")), "no recovery copy may exist before the signal"
        sent = time.monotonic()
        os.kill(child.pid, signum)
        status = child.wait(timeout=10)
        took = time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
    out, err = child.communicate()
    assert status == 128 + signum, (status, out, err)
    assert took < 5, took
    assert "unexpected dialog" not in out

    copies = list((data / "recovery").glob("*.recovery.json"))
    assert len(copies) == 1, copies
    kept = json.loads(copies[0].read_text(encoding="utf-8"))
    text = json.dumps(kept)
    assert CONFIRMED in text and UNCONFIRMED in text
    log = (tmp_path / "log" / "lendready.log").read_text(encoding="utf-8")
    assert f"{signal.Signals(signum).name} received: 1 unsaved case(s) kept" in log

    # The next start offers the work back, both answers in it.
    window = MainWindow(knowledge, settings=Settings(), recovery=RecoveryStore(data / "recovery"))
    qtbot.addWidget(window)
    monkeypatch.setattr(window, "ask_restore", lambda entry: "restore")
    assert window.offer_recovery()
    assert window.session.answers["org.name"] == CONFIRMED
    assert window.session.answers["org.registration_number"] == UNCONFIRMED
    assert window.session.dirty
    window.session = None
    window.close()


def test_a_signal_with_nothing_unsaved_quits_and_leaves_no_recovery_copy(tmp_path):
    """No case open: the app still ends promptly on SIGTERM, and writes nothing."""
    if os.name != "posix":
        pytest.skip("SIGTERM is delivered the POSIX way")
    code = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import QTimer
        from lendready import app as app_module
        real_make = app_module.make_application
        def make_application(argv=None):
            app = real_make(argv)
            QTimer.singleShot(300, lambda: print("READY", flush=True))
            QTimer.singleShot(30_000, lambda: app.exit(99))
            return app
        app_module.make_application = make_application
        sys.exit(app_module.run(None))
        """
    )
    env = dict(os.environ, LENDREADY_DATA_DIR=str(tmp_path / "data"), LENDREADY_CONFIG_DIR=str(tmp_path / "config"),
               LENDREADY_LOG_DIR=str(tmp_path / "log"), QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "READY"
        os.kill(child.pid, signal.SIGTERM)
        assert child.wait(timeout=10) == 128 + signal.SIGTERM
    finally:
        if child.poll() is None:
            child.kill()
    assert not list((tmp_path / "data").glob("recovery/*.recovery.json"))
