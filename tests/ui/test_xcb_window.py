"""The real X11 (xcb) window opens on a virtual screen, as on a Linux desktop.

Offscreen tests cannot catch a missing system library or an xcb-only fault, so
this one runs the app under Xvfb when it is installed (.ci/run installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import SAMPLES

SCRIPT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from lendready.ui.main_window import MainWindow
app = QApplication(sys.argv[:1])
window = MainWindow()
window.show()
window.open_path(sys.argv[1])
def done():
    print("platform", app.platformName(), "band", window.session.assessment.band, "title", window.windowTitle())
    window.session = None
    app.quit()
QTimer.singleShot(800, done)
app.exec()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("xvfb-run") is None,
                    reason="needs Linux and xvfb-run")
def test_app_opens_a_case_in_a_real_xcb_window(tmp_path):
    case = tmp_path / "crown.lendready"
    case.write_bytes((SAMPLES / "crown_inn.lendready").read_bytes())
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", LENDREADY_CONFIG_DIR=str(tmp_path / "config"),
               LENDREADY_DATA_DIR=str(tmp_path / "data"))
    out = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", sys.executable, "-c", SCRIPT,
         str(case)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "platform xcb band nearly_ready title crown.lendready[*]" in out.stdout
