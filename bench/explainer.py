"""How long the app takes to react to one changed answer (goal: p95 <= 16 ms, one frame at 60 Hz).

Measures the whole path a keystroke-commit takes in the main window: the
session records the answer, skip logic and constraints are re-applied, the
case is re-assessed, section progress and the explainer pane are redrawn.
Runs offscreen. Run: .venv/bin/python bench/explainer.py [--changes 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def measure(changes: int) -> tuple[float, float, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = tempfile.mkdtemp(prefix="lendready-bench-")
    for kind in ("CONFIG", "DATA", "LOG"):
        os.environ.setdefault(f"LENDREADY_{kind}_DIR", os.path.join(home, kind.lower()))
    from PySide6.QtWidgets import QApplication

    from lendready.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.resize(1320, 860)
    window.show()
    window.confirm_discard = lambda: True  # the benchmark's edits are thrown away between samples
    times: list[float] = []
    edits = [("fin.surplus", 18_000, -40_000), ("inc.largest_customer_share", 2, 90), ("loan.amount", 150_000, 900_000)]
    for sample in ("crown_inn", "riverside", "vale"):
        window.open_path(str(REPO / "resources" / "samples" / f"{sample}.lendready"))
        app.processEvents()
        for i in range(changes // 3):
            qid, a, b = edits[i % len(edits)]
            start = time.perf_counter()
            window._answer_changed(qid, a if i % 2 else b)
            times.append(time.perf_counter() - start)
        app.processEvents()
    window.close()
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    return statistics.median(times) * 1000, p95 * 1000, times[-1] * 1000


def rows(changes: int = 300) -> list[tuple[str, str, str, str]]:
    median, p95, worst = measure(changes)
    return [
        ("explainer refresh per answer change, p95", f"{p95:.1f} ms", "<= 16 ms", f"{p95 / 16:.2f}x goal"),
        ("explainer refresh per answer change, median", f"{median:.1f} ms", "", f"worst {worst:.1f} ms"),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=300)
    for row in rows(parser.parse_args().changes):
        print(" | ".join(row))
