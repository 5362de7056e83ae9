"""The first thing a user sees: start a case in their role, open one, or open a sample.

Role comes first because it changes how every question is worded and what the
explanations say; trainers mostly want the sample cases, so they are one click
(or one Enter) away.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
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


PAD = 6


class TitledItemDelegate(QStyledItemDelegate):
    """Each item's first line in bold, the rest wrapped beneath it, with room between items.

    Thirteen samples as plain two-line text run together; a bold title per case
    lets a trainer find one at a glance.
    """

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self.viewport = view.viewport()  # asked for every item's size: fetch the wrapper once

    def _parts(self, index: QModelIndex | QPersistentModelIndex) -> tuple[str, str]:
        title, _, rest = str(index.data(Qt.ItemDataRole.DisplayRole) or "").partition("\n")
        return title, rest

    def _width(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> int:
        check = 28 if index.data(Qt.ItemDataRole.CheckStateRole) is not None else 0
        return max(self.viewport.width() - check, 120) - 2 * PAD

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        title, rest = self._parts(index)
        bold = QFont(option.font)
        bold.setBold(True)
        width = self._width(option, index)
        flags = int(Qt.TextFlag.TextWordWrap)
        height = QFontMetrics(bold).boundingRect(QRect(0, 0, width, 10_000), flags, title).height()
        if rest:
            height += option.fontMetrics.boundingRect(QRect(0, 0, width, 10_000), flags, rest).height() + 2
        return QSize(width, height + 2 * PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title, rest = self._parts(index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else self.viewport.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = opt.palette.ColorRole.HighlightedText if selected else opt.palette.ColorRole.Text
        painter.save()
        painter.setPen(opt.palette.color(role))
        # Beside the check box, when the item has one (the session-pack list).
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        area = QRect(text_rect.left() + PAD, opt.rect.top() + PAD, text_rect.width() - 2 * PAD,
                     opt.rect.height() - 2 * PAD)
        bold = QFont(opt.font)
        bold.setBold(True)
        painter.setFont(bold)
        flags = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft) | int(Qt.AlignmentFlag.AlignTop)
        used = painter.drawText(area, flags, title)
        if rest:
            painter.setFont(opt.font)
            painter.drawText(area.adjusted(0, used.height() + 2, 0, 0), flags, rest)
        painter.restore()


class StartPage(QWidget):
    newCase = Signal(str)
    openRequested = Signal()
    pathChosen = Signal(str)
    exerciseChosen = Signal(str)

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
        self.samples.setItemDelegate(TitledItemDelegate(self.samples))
        self.samples.setUniformItemSizes(False)
        self.samples.setResizeMode(QListWidget.ResizeMode.Adjust)
        for path, name, summary in samples:
            item = QListWidgetItem(f"{name}\n{summary}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(summary)
            self.samples.addItem(item)
        if samples:
            self.samples.setCurrentRow(0)
        sample_box.addWidget(sample_label)
        sample_box.addWidget(self.samples, 1)
        sample_buttons = QHBoxLayout()
        self.open_sample_button = QPushButton("Open sample")
        self.open_sample_button.setToolTip("Open the sample as a case to read or change (Enter)")
        self.exercise_button = QPushButton("Start an exercise with it")
        self.exercise_button.setToolTip("For a training room: predict each area's rating, then reveal (Ctrl+T)")
        self.open_sample_button.clicked.connect(lambda: self._sample_chosen(self.pathChosen))
        self.exercise_button.clicked.connect(lambda: self._sample_chosen(self.exerciseChosen))
        sample_buttons.addWidget(self.open_sample_button)
        sample_buttons.addWidget(self.exercise_button)
        sample_buttons.addStretch(1)
        sample_box.addLayout(sample_buttons)

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

    def _sample_chosen(self, signal: Signal) -> None:
        item = self.samples.currentItem()
        if item is not None and item.data(Qt.ItemDataRole.UserRole):
            signal.emit(str(item.data(Qt.ItemDataRole.UserRole)))  # type: ignore[attr-defined]

    def _activated(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.pathChosen.emit(str(path))
