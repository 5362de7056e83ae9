"""The first thing a user sees: start a case in their role, open one, or open a sample.

Role comes first because it changes how every question is worded and what the
explanations say; trainers mostly want the sample cases, so they are one click
(or one Enter) away.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

ROLE_BUTTONS = (
    ("lender", "New case as a bank officer",
     "Assess a mutual's loan request: questions in credit language, findings as conditions."),
    ("founder", "New case as a founder",
     "Prepare your organisation's application: plain questions, and what a lender will ask."),
    ("trainer", "New case as a trainer",
     "Build a teaching case: questions that explain why a lender asks them."),
)


class StartPage(QWidget):
    newCase = Signal(str)
    openRequested = Signal()
    pathChosen = Signal(str)

    def __init__(self, samples: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        """``samples`` are (path, title, summary) for the sample-case library."""
        super().__init__(parent)
        self.setAccessibleName("Start page")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 24, 32, 24)
        outer.setSpacing(16)

        title = QLabel("<h1>lendready</h1>")
        title.setTextFormat(Qt.TextFormat.RichText)
        subtitle = QLabel(
            "How a lender will read a loan request from a co-operative, community benefit society, "
            "CIC or employee-owned spin-out, and what would make it ready."
        )
        subtitle.setWordWrap(True)
        outer.addWidget(title)
        outer.addWidget(subtitle)

        roles = QGridLayout()
        roles.setHorizontalSpacing(16)
        self.role_buttons: dict[str, QPushButton] = {}
        for column, (role, text, blurb) in enumerate(ROLE_BUTTONS):
            button = QPushButton(text)
            button.setMinimumHeight(44)
            button.setAccessibleName(text)
            button.setAccessibleDescription(blurb)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, r=role: self.newCase.emit(r))
            note = QLabel(blurb)
            note.setWordWrap(True)
            note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            roles.addWidget(button, 0, column)
            roles.addWidget(note, 1, column)
            self.role_buttons[role] = button
        outer.addLayout(roles)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        outer.addWidget(line)

        lists = QHBoxLayout()
        lists.setSpacing(24)
        recent_box = QVBoxLayout()
        recent_label = QLabel("<b>Recent cases</b>")
        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent cases")
        recent_label.setBuddy(self.recent)
        self.open_button = QPushButton("Open a case file…")
        self.open_button.setAccessibleName("Open a case file")
        self.open_button.clicked.connect(self.openRequested.emit)
        recent_box.addWidget(recent_label)
        recent_box.addWidget(self.recent, 1)
        recent_box.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)

        sample_box = QVBoxLayout()
        sample_label = QLabel("<b>Sample cases</b> (fictional, for learning and training)")
        self.samples = QListWidget()
        self.samples.setAccessibleName("Sample cases")
        self.samples.setWordWrap(True)
        sample_label.setBuddy(self.samples)
        for path, name, summary in samples:
            item = QListWidgetItem(f"{name}\n{summary}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(summary)
            self.samples.addItem(item)
        sample_box.addWidget(sample_label)
        sample_box.addWidget(self.samples, 1)

        lists.addLayout(recent_box, 2)
        lists.addLayout(sample_box, 3)
        outer.addLayout(lists, 1)

        for widget in (self.recent, self.samples):
            widget.itemActivated.connect(self._activated)

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{Path(path).name}\n{Path(path).parent}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.recent.addItem(item)
        if not paths:
            empty = QListWidgetItem("No recent cases yet")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(empty)

    def _activated(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.pathChosen.emit(str(path))
