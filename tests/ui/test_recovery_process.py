"""A real app process is killed mid-edit; the next start offers the work back, all but the last 30 s.

The recovery copy is written every ``AUTOSAVE_MS`` (30 s) and on leaving a section. The bound is
proved on a real process with the interval scaled down (30 s → 1 s): the app is typed into
continuously, killed with SIGKILL at a random moment and at the worst moment (just before the next
timed copy), and every edit made more than one interval before the kill must come back.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from itertools import pairwise
from pathlib import Path

import pytest

from lendready.model.recovery import RecoveryStore
from lendready.model.settings import Settings
from lendready.ui.main_window import AUTOSAVE_MS, MainWindow

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


def test_the_recovery_copy_is_timed_every_30_seconds_at_most(qtbot, knowledge, tmp_path):
    assert AUTOSAVE_MS <= 30_000
    window = MainWindow(knowledge, settings=Settings(), recovery=RecoveryStore(tmp_path / "recovery"))
    qtbot.addWidget(window)
    timer = window.autosave_timer
    assert timer.isActive() and not timer.isSingleShot() and timer.interval() == AUTOSAVE_MS
    assert timer.receivers("2timeout()") >= 1


# Types a new name every TYPE_MS and prints each committed edit and each recovery copy with the
# time (time.monotonic is the system-wide monotonic clock, shared with the test process).
TYPIST = textwrap.dedent(
    """
    import sys, time
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from lendready.ui.main_window import MainWindow

    interval, type_ms = int(sys.argv[1]), int(sys.argv[2])
    app = QApplication([])
    window = MainWindow(autosave_ms=interval)
    window.show()
    window.new_case("founder")
    write = window.recovery.write

    def recorded_write(case, knowledge, original_path):
        path = write(case, knowledge, original_path)
        print("COPY", time.monotonic(), case.answers.get("org.name"), flush=True)
        return path

    window.recovery.write = recorded_write
    count = 0

    def type_next():
        global count
        count += 1
        value = f"Typed edit {count}"
        edit = window.workspace.views[window.session.section_of("org.name")].editor("org.name").input.edit
        edit.setFocus()
        edit.selectAll()
        QTest.keyClicks(edit, value)
        QTest.keyClick(edit, Qt.Key.Key_Return)
        assert window.session.answers["org.name"] == value
        print("EDIT", time.monotonic(), value, flush=True)
        if count == 3:
            window.next_section()  # leaving a section copies at once, whatever the timer says
        QTimer.singleShot(type_ms, type_next)

    QTimer.singleShot(0, type_next)
    app.exec()
    """
)


def _type_and_kill(tmp_path, name: str, interval_ms: int, aim) -> tuple[float, list, list, Path]:
    """Start the typist, kill it at the moment ``aim(edits, copies)`` names; the kill time, edits, copies."""
    data = tmp_path / name
    env = dict(os.environ, LENDREADY_DATA_DIR=str(data), LENDREADY_CONFIG_DIR=str(tmp_path / "config"),
               QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen([sys.executable, "-c", TYPIST, str(interval_ms), "40"], env=env,
                             stdout=subprocess.PIPE, text=True)
    edits: list[tuple[float, str]] = []
    copies: list[tuple[float, str]] = []

    def read() -> None:
        for line in child.stdout:
            kind, stamp, value = line.rstrip("\n").split(" ", 2)
            (edits if kind == "EDIT" else copies).append((float(stamp), value))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        moment = None
        while moment is None:
            assert time.monotonic() < deadline and child.poll() is None, "the typist never got going"
            time.sleep(0.01)
            moment = aim(list(edits), list(copies))
        while time.monotonic() < moment:
            time.sleep(0.001)
        killed_at = time.monotonic()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    reader.join(timeout=5)
    return killed_at, edits, copies, data / "recovery"


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_killed_while_typing_loses_at_most_one_autosave_interval(qtbot, tmp_path, knowledge, monkeypatch):
    """30 s scaled to 1 s: every edit older than the interval at the moment of the kill is recovered."""
    import random

    interval = 1.0  # seconds, standing for AUTOSAVE_MS = 30 s
    latency = 0.25  # the event loop finishing one edit before the timer's copy can run (real, not scaled)
    rng = random.Random()

    def at_random(edits, copies):
        # typing for 2.5 to 3.5 intervals, then pull the plug
        return edits[0][0] + interval * rng.uniform(2.5, 3.5) if edits else None

    def just_before_next_copy(edits, copies):
        # the worst moment: just before the next timed copy, with everything since the last one unsaved
        timed = [t for t, _ in copies if edits and t > edits[0][0] + 1.5 * interval]
        return timed[0] + interval * 0.97 if timed else None

    losses = []
    for name, aim in (("random", at_random), ("worst", just_before_next_copy)):
        killed_at, edits, copies, folder = _type_and_kill(tmp_path, name, int(interval * 1000), aim)
        assert len(edits) >= 20 and len(copies) >= 3, (len(edits), len(copies))
        # The copies themselves: never more than one interval apart while typing went on.
        stamps = [t for t, _ in copies]
        gaps = [b - a for a, b in pairwise(stamps)]
        assert max(gaps) <= interval + latency, gaps
        assert killed_at - stamps[-1] <= interval + latency

        store = RecoveryStore(folder)
        window = MainWindow(knowledge, settings=Settings(), recovery=store)
        qtbot.addWidget(window)
        monkeypatch.setattr(window, "ask_restore", lambda entry: "restore")
        assert window.offer_recovery()
        recovered = window.session.answers["org.name"]
        assert window.session.dirty and window.session.path is None
        values = [v for _, v in edits]
        assert recovered in values
        kept = values.index(recovered)
        # every edit made before (kill − interval) is in the recovered case
        old_enough = [i for i, (t, _) in enumerate(edits) if t < killed_at - interval - latency]
        assert old_enough and kept >= old_enough[-1], (recovered, edits[old_enough[-1]], killed_at)
        lost_from = edits[kept + 1][0] if kept + 1 < len(edits) else killed_at
        losses.append((name, killed_at - lost_from, len(edits) - 1 - kept))
        window.session = None
        window.close()
    for name, lost_for, lost_edits in losses:
        print(f"\nkill at a {name} moment: lost the last {lost_for:.2f} s of typing ({lost_edits} edits), "
              f"bound {interval:.2f} s (30 s scaled by 1/30)")
