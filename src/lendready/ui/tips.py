"""Tooltips for outside text, in a module of its own so the start page can use it cheaply.

(``lendready.ui.widgets`` brings the answer inputs and ``decimal`` with it, which
tests/ui/test_startup_imports.py keeps out of the first window.)
"""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import Qt

from lendready.domain.files.outside_text import for_display


def plain_tip(text: str) -> str:
    """A tooltip for outside text: Qt guesses a tooltip's format, so a plain one is handed over as escaped HTML.

    Text that Qt would not take for HTML is returned with only its acting
    characters made visible, so ordinary tooltips stay as they were.
    """
    shown = for_display(str(text), multiline=True)
    if not shown or not QtGui.Qt.mightBeRichText(shown):  # PySide6 has these two in QtGui's Qt, not QtCore's
        return shown
    return QtGui.Qt.convertFromPlainText(shown, Qt.WhiteSpaceMode.WhiteSpaceNormal)
