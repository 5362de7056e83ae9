#!/usr/bin/env python3
"""Regenerates the icon files from resources/icons/lendready.svg (the one drawing).

Writes resources/icons/lendready-<N>.png at every hicolor size the Linux desktop
uses, packaging/windows/lendready.ico and packaging/macos/lendready.icns. The
PNGs ship in the wheel (the window icon) and the .ico/.icns only in the
installers. Run after changing the SVG, and commit the results:

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ICONS = REPO / "resources" / "icons"
SVG = ICONS / "lendready.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(size: int, out: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        sys.exit(f"cannot read {SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(out), "PNG"):
        sys.exit(f"cannot write {out}")


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts, image plugins)
    for size in SIZES:
        render(size, ICONS / f"lendready-{size}.png")
    from PIL import Image  # reportlab's dependency, so always installed

    big = Image.open(ICONS / "lendready-512.png")
    (REPO / "packaging" / "windows").mkdir(exist_ok=True)
    (REPO / "packaging" / "macos").mkdir(exist_ok=True)
    big.save(REPO / "packaging" / "windows" / "lendready.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    big.save(REPO / "packaging" / "macos" / "lendready.icns")
    print(f"wrote {len(SIZES)} PNGs to {ICONS.relative_to(REPO)}, lendready.ico and lendready.icns")


if __name__ == "__main__":
    main()
