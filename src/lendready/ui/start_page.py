"""The first thing a user sees: start a case in their role, open one, or open a sample.

Role comes first because it changes how every question is worded and what the
explanations say; trainers mostly want the sample cases, so they are one click
(or one Enter) away.
"""

from __future__ import annotations

from math import ceil
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Signal
from PySide6.QtGui import QFont, QPainter, QTextCharFormat, QTextLayout
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractItemView

# The start page is the first window, so it stays clear of the Python types of ``Qt``,
# ``QStyle`` and a bare ``viewport()``: PySide6 builds their enums (some 150) on first
# touch, which cost ~25 ms of start-up. Even ``QPainter.setPen`` builds ``Qt`` (one of its
# overloads takes a ``Qt.PenStyle``), so the delegate draws with ``QTextLayout`` and an
# explicit colour. The item role is the int Qt's ``setData`` takes; a test checks it.
USER_ROLE = 0x0100  # Qt.ItemDataRole.UserRole

ROLE_BUTTONS = (
    ("lender", "New case as a bank officer",
     "Assess a mutual's loan request: questions in credit language, findings as conditions."),
    ("founder", "New case as a founder",
     "Prepare your organisation's application: plain questions, and what a lender will ask."),
    ("trainer", "New case as a trainer",
     "Build a teaching case: questions that explain why a lender asks them."),
)


PAD = 6
CHECK_WIDTH = 28  # room a check box takes beside the text
GAP = 2  # between a title and its text


class TitledItemDelegate(QStyledItemDelegate):
    """Each item's first line in bold, the rest wrapped beneath it, with room between items.

    Thirteen samples as plain two-line text run together; a bold title per case
    lets a trainer find one at a glance. The style draws the item (background,
    selection, focus, check box) with its text blanked; the two text runs are
    drawn on top.
    """

    def __init__(self, view: QAbstractItemView, checkable: bool = False) -> None:
        super().__init__(view)
        self.view = view
        self.checkable = checkable
        self._laid_out: dict[tuple[str, str, int, str], list[tuple[QTextLayout, float]]] = {}

    def _parts(self, index: QModelIndex | QPersistentModelIndex) -> tuple[str, str]:
        title, _, rest = str(index.data() or "").partition("\n")
        return title, rest

    def _viewport_width(self) -> int:
        """The viewport's width, without asking for the viewport (see the note at the top)."""
        width = self.view.maximumViewportSize().width()
        bar = self.view.verticalScrollBar()
        return width - bar.width() if bar.isVisible() else width

    def _width(self) -> int:
        check = CHECK_WIDTH if self.checkable else 0
        return max(self._viewport_width() - check, 120) - 2 * PAD

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        title, rest = self._parts(index)
        width = self._width()
        return QSize(width, ceil(sum(height for _, height in self._runs(option, title, rest, width))) + 2 * PAD)

    def _runs(self, option: QStyleOptionViewItem, title: str, rest: str, width: int) -> list[tuple[QTextLayout, float]]:
        """The bold title and the wrapped rest, each laid out to ``width``: one layout serves size and paint.

        The view asks each item's size several times while it settles, then paints it, all at
        one width: the layouts are kept for the text, font and width they were made for.
        """
        key = (title, rest, width, option.font.key())
        runs = self._laid_out.get(key)
        if runs is None:
            bold = QFont(option.font)
            bold.setBold(True)
            runs = [_wrapped(title, bold, width)]
            if rest:
                runs.append(_wrapped(rest, option.font, width, gap=GAP))
            if len(self._laid_out) > 256:  # widths come and go as the window is resized
                self._laid_out.clear()
            self._laid_out[key] = runs
        return runs

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.text = ""  # the style draws the item without text; paint() writes the two runs

    def _text_rect(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QRect:
        if not self.checkable:
            return QRect(option.rect)
        from PySide6.QtWidgets import QStyle  # the session-pack checklist only, never at start-up

        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        return self.view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, self.view)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)  # background, selection, focus and check box
        title, rest = self._parts(index)
        palette = option.palette
        selected = self.view.selectionModel().isSelected(index)
        colour = QTextCharFormat()
        colour.setForeground(palette.brush(palette.ColorRole.HighlightedText if selected else palette.ColorRole.Text))
        text_rect = self._text_rect(option, index)  # beside the check box, when the item has one
        x, y = text_rect.left() + PAD, option.rect.top() + PAD
        for layout, height in self._runs(option, title, rest, text_rect.width() - 2 * PAD):
            whole = QTextLayout.FormatRange()
            whole.start, whole.length, whole.format = 0, len(layout.text().encode("utf-16-le")) // 2, colour
            layout.draw(painter, QPointF(x, y), [whole])
            y += height


def _wrapped(text: str, font: QFont, width: int, gap: float = 0.0) -> tuple[QTextLayout, float]:
    """``text`` broken into lines of at most ``width`` pixels (at word boundaries), and the height it takes."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    y = gap
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, y))
        y += line.height()
    layout.endLayout()
    return layout, y


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

        title = QLabel("<h1>lendready</h1>")  # shown as rich text: Qt recognises the markup
        subtitle = QLabel(
            "How a lender will read a loan request from a co-operative, community benefit society, "
            "CIC or employee-owned spin-out, and what would make it ready."
        )
        subtitle.setWordWrap(True)
        outer.addWidget(title)
        outer.addWidget(subtitle)

        roles = QHBoxLayout()
        roles.setSpacing(16)
        self.role_buttons: dict[str, QPushButton] = {}
        for role, text, blurb in ROLE_BUTTONS:
            button = QPushButton(text)
            button.setMinimumHeight(44)
            button.setAccessibleName(text)
            button.setAccessibleDescription(blurb)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, r=role: self.newCase.emit(r))
            note = QLabel(blurb)
            note.setWordWrap(True)
            column = QVBoxLayout()  # each note under its button; the stretch keeps it there
            column.addWidget(button)
            column.addWidget(note)
            column.addStretch(1)
            roles.addLayout(column, 1)
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
        open_row = QHBoxLayout()
        open_row.addWidget(self.open_button)
        open_row.addStretch(1)
        recent_box.addLayout(open_row)

        sample_box = QVBoxLayout()
        sample_label = QLabel("<b>Sample cases</b> (fictional, for learning and training)")
        self.samples = QListWidget()
        self.samples.setAccessibleName("Sample cases")
        self.samples.setWordWrap(True)
        sample_label.setBuddy(self.samples)
        self.delegate = TitledItemDelegate(self.samples)
        self.samples.setItemDelegate(self.delegate)
        self.samples.setUniformItemSizes(False)
        self.samples.setResizeMode(QListWidget.ResizeMode.Adjust)
        for path, name, summary in samples:
            item = QListWidgetItem(f"{name}\n{summary}")
            item.setData(USER_ROLE, path)
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
            item.setData(USER_ROLE, path)
            item.setToolTip(path)
            self.recent.addItem(item)
        if not paths:
            self.recent.addItem(QListWidgetItem("No recent cases yet"))
        self.recent.setEnabled(bool(paths))  # greyed, and nothing to select, while empty

    def _sample_chosen(self, signal: Signal) -> None:
        item = self.samples.currentItem()
        if item is not None and item.data(USER_ROLE):
            signal.emit(str(item.data(USER_ROLE)))  # type: ignore[attr-defined]

    def _activated(self, item: QListWidgetItem) -> None:
        path = item.data(USER_ROLE)
        if path:
            self.pathChosen.emit(str(path))
