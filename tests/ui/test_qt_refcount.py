"""Guards against the Qt binding build that frees Python's None (PySide6 6.12.0 on Python 3.11).

That build drops one reference to None on every Qt call returning nothing; after
a few thousand edits the interpreter aborts with "none_dealloc". The pin in
pyproject.toml keeps it out; this test fails if a future binding brings it back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_the_reference_count_of_none(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    holder = QObject()
    before = sys.getrefcount(None)
    for i in range(2000):
        holder.setObjectName("x")
        label.setText(str(i))
    assert sys.getrefcount(None) >= before - 50
