"""What the app loads before its first window: the budget bench/gui_start.py measures, kept by a test.

A bare PySide6 window is the baseline; the start page must follow within 2x the
time and 1.3x the memory. The first window loads nothing it does not show: the
case panes, the dialogs, pydantic and reportlab load when first needed, and this
test names what must stay out until then.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = r"""
import json, sys
from PySide6.QtWidgets import QApplication
from PySide6.QtTest import QTest

def first_frame(self=None):
    app = QApplication.instance()
    app.processEvents()
    for window in app.topLevelWidgets():
        if window.isVisible():
            QTest.qWaitForWindowExposed(window)
    print(json.dumps(sorted(sys.modules)))
    return 0

QApplication.exec = first_frame
from lendready.app import run
sys.exit(run())
"""

# Loaded later, when asked for: validation models, OpenSSL, the PDF library, the rules and the case reader,
# the case panes, the teaching windows and the dialogs.
NOT_AT_START = (
    "pydantic", "pydantic_core", "_hashlib", "reportlab", "lendready.report.briefing",
    "lendready.ui.workspace", "lendready.ui.section_view", "lendready.ui.stress_panel",
    "lendready.ui.exercise_view", "lendready.ui.help_browser", "lendready.domain.engine.resource_schema", "decimal",
    "ctypes", "lendready.domain.engine.knowledge", "lendready.domain.files.case_file", "lendready.model.session",
    "lendready.ui.session_pack_dialog", "lendready.ui.about_dialog",
)


def test_the_first_window_loads_only_what_it_shows(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for kind in ("CACHE", "CONFIG", "DATA", "LOG"):
        env[f"LENDREADY_{kind}_DIR"] = str(tmp_path / kind.lower())
    first = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120,
                           check=False)
    assert first.returncode == 0, first.stderr
    # The first start validates the resources and fills the cache (pydantic is allowed then);
    # every start after that must read the cache.
    again = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120,
                           check=False)
    assert again.returncode == 0, again.stderr
    loaded = set(json.loads(again.stdout.strip().splitlines()[-1]))
    assert "lendready.ui.main_window" in loaded and "lendready.ui.start_page" in loaded
    assert sorted(m for m in NOT_AT_START if m in loaded) == []
