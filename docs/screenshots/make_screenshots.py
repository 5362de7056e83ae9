#!/usr/bin/env python3
"""Screenshots of the main window at the display settings the layout is checked at, drawn offscreen.

    .venv/bin/python docs/screenshots/make_screenshots.py

Writes, beside this file, the vale sample open with its explainer and with its stress tests & what-ifs:

* ``1366x768-explainer.png``, ``1366x768-whatif.png``: a common bank laptop;
* ``1920x1080-150pct-explainer.png``, ``1920x1080-150pct-whatif.png``: a full-HD screen at 150 %
  scaling (QT_SCALE_FACTOR=1.5, so the window is laid out at 1280×720 and drawn at 1920×1080);
* ``1366x768-dark-explainer.png``, ``1366x768-dark-whatif.png``: a dark system palette.

Each setting runs in its own process (the scale factor is read when Qt starts). The user's own
settings are not touched: a temporary profile is used.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = "vale.lendready"
# name: (logical window size, QT_SCALE_FACTOR, dark palette)
SETTINGS = {
    "1366x768": ((1366, 768), "1", False),
    "1920x1080-150pct": ((1280, 720), "1.5", False),
    "1366x768-dark": ((1366, 768), "1", True),
}
DARK = {
    "Window": "#2b2b2b", "WindowText": "#e6e6e6", "Base": "#1e1e1e", "AlternateBase": "#2f2f2f",
    "Text": "#e6e6e6", "Button": "#3a3a3a", "ButtonText": "#e6e6e6", "ToolTipBase": "#3a3a3a",
    "ToolTipText": "#e6e6e6", "Highlight": "#2f65ca", "HighlightedText": "#ffffff", "Link": "#8ab4f8",
    "PlaceholderText": "#9a9a9a", "Mid": "#555555", "Dark": "#1a1a1a", "Light": "#505050",
    "Midlight": "#454545", "Shadow": "#000000", "BrightText": "#ffffff",
}


def shoot(name: str) -> None:
    """In a process of its own: open the sample at one setting and save the two tabs."""
    (width, height), _scale, dark = SETTINGS[name]
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QColor, QPalette

    from lendready.app import make_application
    from lendready.resources import resources_dir
    from lendready.ui.main_window import MainWindow

    app = make_application(sys.argv[:1])
    if dark:
        palette = QPalette()
        for role, colour in DARK.items():
            palette.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
        for role in ("WindowText", "Text", "ButtonText"):  # greyed when disabled, as a real theme does
            palette.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role), QColor("#7a7a7a"))
        app.setPalette(palette)

    def settle(ms: int = 250) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    window = MainWindow()
    window.resize(width, height)
    window.show()
    settle()
    if not window.open_path(str(resources_dir() / "samples" / SAMPLE)) or window.workspace is None:
        sys.exit(f"cannot open {SAMPLE}")
    for index, tab in ((0, "explainer"), (1, "whatif")):
        window.workspace.right_tabs.setCurrentIndex(index)
        settle()
        target = HERE / f"{name}-{tab}.png"
        if not window.grab().save(str(target), "PNG"):
            sys.exit(f"cannot write {target}")
    window.close()


def main() -> None:
    if len(sys.argv) > 1:
        shoot(sys.argv[1])
        return
    profile = tempfile.mkdtemp(prefix="lendready-doc-shots-")
    for name, (_size, scale, _dark) in SETTINGS.items():
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale)
        for kind in ("CONFIG", "DATA", "CACHE", "LOG"):
            env[f"LENDREADY_{kind}_DIR"] = os.path.join(profile, name, kind.lower())
        subprocess.run([sys.executable, __file__, name], env=env, check=True)
    print(f"wrote {', '.join(sorted(p.name for p in HERE.glob('*.png')))} to {HERE}")


if __name__ == "__main__":
    main()
