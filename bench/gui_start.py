"""Start-up of the desktop app against a bare PySide6 window (goals: time <= 2x, peak memory <= 1.3x).

Both are started as fresh processes, as a user starts them, and timed from launch
until their first window has been shown and painted (the child reports the moment);
each child then exits at once and the parent reads its peak resident memory from
``wait4``. lendready runs its real
entry point (``lendready.app.run``: crash handler, display check, QApplication,
the main window with the start page, the first-event work) with only
``QApplication.exec`` replaced by "paint the first frame, then return". The
baseline shows a bare QMainWindow with one label. Runs alternate so both see
the same machine load; medians are reported.

The user folders point at a fresh temporary folder, so no recovery prompt or
recent-file list changes the work. Runs offscreen by default; ``--platform xcb``
measures on a real X display (Xvfb).

Run: .venv/bin/python bench/gui_start.py [--runs 9] [--platform offscreen|xcb]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

REPO = Path(__file__).resolve().parents[1]
TIME_GOAL = 2.0
MEMORY_GOAL = 1.3

BARE = """
import os, time
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
from PySide6.QtTest import QTest
app = QApplication([])
window = QMainWindow()
window.setCentralWidget(QLabel("Hello"))
window.resize(1320, 860)
window.show()
QTest.qWaitForWindowExposed(window)
window.repaint()
print(time.time(), flush=True)
os._exit(0)
"""

LENDREADY = """
import os, sys, time
from PySide6.QtWidgets import QApplication
from PySide6.QtTest import QTest

def first_frame(self=None):
    app = QApplication.instance()
    app.processEvents()  # the zero-delay start-up work (recovery offer, a case named on the command line)
    for window in app.topLevelWidgets():
        if window.isVisible():
            QTest.qWaitForWindowExposed(window)
            window.repaint()
    print(time.time(), flush=True)
    os._exit(0)

QApplication.exec = first_frame
from lendready.app import run
sys.exit(run())
"""


def launch(code: str, env: dict[str, str]) -> tuple[float, int]:
    """Seconds from launch to the first painted window, and the child's peak resident memory in KiB.

    The child prints the wall-clock time once its first frame is painted and leaves
    at once (``os._exit``), so neither figure includes tearing down.
    """
    start = time.time()
    child = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    out = child.stdout.read().decode() if child.stdout else ""
    err = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if child.returncode != 0 or not out.strip():
        raise RuntimeError(f"start-up run failed ({child.returncode}): {err[-2000:]}")
    return float(out.split()[-1]) - start, usage.ru_maxrss


def measure(runs: int, platform: str) -> dict[str, tuple[float, float]]:
    from assess import compile_package

    compile_package()  # as a wheel install leaves it: PySide6's own modules are compiled too
    home = tempfile.mkdtemp(prefix="lendready-bench-gui-")
    env = dict(os.environ, QT_QPA_PLATFORM=platform)
    for kind in ("CACHE", "CONFIG", "DATA", "LOG"):
        env[f"LENDREADY_{kind}_DIR"] = os.path.join(home, kind.lower())
    launch(LENDREADY, env)  # warm-up: the resource cache and the OS file cache, as on a second start
    launch(BARE, env)
    times: dict[str, list[float]] = {"lendready": [], "bare": []}
    memory: dict[str, list[float]] = {"lendready": [], "bare": []}
    for _ in range(runs):
        for name, code in (("lendready", LENDREADY), ("bare", BARE)):
            seconds, kib = launch(code, env)
            times[name].append(seconds)
            memory[name].append(kib / 1024)
    return {name: (statistics.median(times[name]), statistics.median(memory[name])) for name in times}


def rows(runs: int = 9, platform: str = "offscreen") -> list[tuple[str, str, str, str]]:
    got = measure(runs, platform)
    (ours_s, ours_mb), (bare_s, bare_mb) = got["lendready"], got["bare"]
    return [
        (f"GUI start to first window ({platform})", f"{ours_s * 1000:.0f} ms", f"<= {TIME_GOAL:g}x baseline",
         f"{ours_s / bare_s:.2f}x"),
        (f"GUI peak memory ({platform})", f"{ours_mb:.0f} MB", f"<= {MEMORY_GOAL:g}x baseline",
         f"{ours_mb / bare_mb:.2f}x"),
        ("baseline: bare PySide6 window", f"{bare_s * 1000:.0f} ms, {bare_mb:.0f} MB", "", "1.00x"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--platform", default="offscreen", choices=("offscreen", "xcb"))
    args = parser.parse_args()
    for row in rows(args.runs, args.platform):
        print(" | ".join(row))


if __name__ == "__main__":
    main()
