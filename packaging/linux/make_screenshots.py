#!/usr/bin/env python3
"""Regenerates the AppStream screenshots from the real app, drawn offscreen.

    .venv/bin/python packaging/linux/make_screenshots.py

Writes packaging/linux/screenshots/{start,explainer,stress,exercise}.png: the
start page, the riverside sample open with its risk explainer, the vale sample's
forecast with its stress tests, and a teaching exercise on riverside with the
room's predictions being entered. The
metainfo file refers to them by their address in the repository. The user's own
settings are not touched (a temporary profile is used).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "screenshots"
SAMPLE = "riverside.lendready"
STRESS_SAMPLE = "vale.lendready"  # has a monthly forecast to chart


def main() -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    profile = tempfile.mkdtemp(prefix="lendready-shots-")
    for kind in ("CONFIG", "DATA", "CACHE", "LOG"):
        os.environ[f"LENDREADY_{kind}_DIR"] = os.path.join(profile, kind.lower())
    from lendready.app import make_application
    from lendready.resources import resources_dir
    from lendready.ui.main_window import MainWindow

    app = make_application(sys.argv[:1])
    window = MainWindow()
    window.resize(1320, 860)
    window.show()
    app.processEvents()
    OUT.mkdir(exist_ok=True)

    def shot(name: str) -> None:
        for _ in range(5):
            app.processEvents()
        if not window.grab().save(str(OUT / f"{name}.png"), "PNG"):
            sys.exit(f"cannot write {name}.png")

    shot("start")
    if not window.open_path(str(resources_dir() / "samples" / SAMPLE)) or window.workspace is None:
        sys.exit(f"cannot open {SAMPLE}")
    window.workspace.right_tabs.setCurrentIndex(0)
    shot("explainer")
    if not window.open_path(str(resources_dir() / "samples" / STRESS_SAMPLE)) or window.workspace is None:
        sys.exit(f"cannot open {STRESS_SAMPLE}")
    window.go_to_question("fin.forecast")
    window.workspace.right_tabs.setCurrentIndex(1)
    shot("stress")
    # A training room's view: the exercise on a sample, predictions being made.
    if not window.open_path(str(resources_dir() / "samples" / SAMPLE)):
        sys.exit(f"cannot open {SAMPLE}")
    view = window.teach.start_exercise()
    while view is not None and view.exercise.step.kind != "predict":
        view.advance()
    for area, rating in (("organisation", "green"), ("governance", "green"), ("asset_lock", "green"),
                         ("cashflow", "amber"), ("income", "red")):
        view.choose(area, rating)
    shot("exercise")
    window.teach.leave_exercise()
    window.close()
    print(f"wrote {', '.join(sorted(p.name for p in OUT.glob('*.png')))} to {OUT}")


if __name__ == "__main__":
    main()
