"""The first thing a user sees: start a case in their role, open one, or open a sample.

Role comes first because it changes how every question is worded and what the
explanations say; trainers mostly want the sample cases, so they are one click
(or one Enter) away.

The recent list shows file names and folders, which can hold anything a file
system allows: ``<b>``, a right-to-left override, a zero-width space. Item views
draw plain text, but their characters still act, so every name and path goes
through :func:`~lendready.domain.files.outside_text.for_display` (a ``[U+202E]``
token is shown instead), and tooltips through :func:`plain_tip`, since Qt
guesses a tooltip's format.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
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

from lendready.domain.files.outside_text import for_display
from lendready.ui.tips import plain_tip

ROLE_BUTTONS = (
    ("lender", "New case as a bank officer",
     "Assess a mutual's loan request: questions in credit language, findings as conditions."),
    ("founder", "New case as a founder",
     "Prepare your organisation's application: plain questions, and what a lender will ask."),
    ("trainer", "New case as a trainer",
     "Build a teaching case: questions that explain why a lender asks them."),
)


PAD = 6  # around an item's text
GAP = 2  # between a title and its text
WRAP = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap


class TitledItemDelegate(QStyledItemDelegate):
    """Each item's first line in bold, the rest wrapped beneath it, with room between items.

    Thirteen samples as plain two-line text run together; a bold title per case
    lets a trainer find one at a glance. The style draws the item (background,
    selection, focus, check box) without its text; ``paint`` writes the two parts
    in the text area the style leaves beside the check box, if the item has one.
    """

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self.view = view

    @staticmethod
    def parts(index: QModelIndex | QPersistentModelIndex) -> tuple[str, str]:
        """The item's title (its first line) and the rest of its text."""
        title, _, rest = str(index.data() or "").partition("\n")
        return title, rest

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.text = ""  # the style draws the item without text; paint() writes the title and the rest

    def _text_rect(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QRect:
        """Where the text goes in ``option.rect``: the style's text area, less the padding."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        area = self.view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, self.view)
        return QRect(area.left() + PAD, option.rect.top() + PAD, area.width() - 2 * PAD, option.rect.height() - 2 * PAD)

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        return bold, option.font

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        """As wide as the list, and as tall as the title and the rest wrapped to that width."""
        opt = QStyleOptionViewItem(option)
        opt.rect = QRect(0, 0, self.view.viewport().width(), 10_000)
        width = max(self._text_rect(opt, index).width(), 60)
        title, rest = self.parts(index)
        bold, font = self._fonts(option)
        height = QFontMetrics(bold).boundingRect(QRect(0, 0, width, 0), WRAP, title).height()
        if rest:
            height += GAP + QFontMetrics(font).boundingRect(QRect(0, 0, width, 0), WRAP, rest).height()
        return QSize(opt.rect.width(), height + 2 * PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)  # background, selection, focus and check box
        title, rest = self.parts(index)
        bold, font = self._fonts(option)
        state = option.state
        group = (QPalette.ColorGroup.Disabled if not state & QStyle.StateFlag.State_Enabled
                 else QPalette.ColorGroup.Active if state & QStyle.StateFlag.State_Active
                 else QPalette.ColorGroup.Inactive)
        selected = bool(state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        rect = self._text_rect(option, index)
        painter.save()
        painter.setPen(option.palette.color(group, role))
        painter.setFont(bold)
        used = painter.drawText(rect, WRAP, title)
        if rest:
            painter.setFont(font)
            painter.drawText(rect.adjusted(0, used.height() + GAP, 0, 0), WRAP, rest)
        painter.restore()




def _own_rich(markup: str) -> QLabel:
    """A heading in the page's own markup: rich text by decision, never by Qt's guess."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(markup)
    return label


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

        title = _own_rich("<h1>lendready</h1>")
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
            column = QVBoxLayout()
            column.addWidget(button)
            column.addWidget(note, alignment=Qt.AlignmentFlag.AlignTop)
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
        recent_label = _own_rich("<b>Recent cases</b>")
        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent cases")
        recent_label.setBuddy(self.recent)
        self.open_button = QPushButton("Open a case file…")
        self.open_button.setAccessibleName("Open a case file")
        self.open_button.clicked.connect(self.openRequested.emit)
        recent_box.addWidget(recent_label)
        recent_box.addWidget(self.recent, 1)
        recent_box.addWidget(self.open_button, alignment=Qt.AlignmentFlag.AlignLeft)

        sample_box = QVBoxLayout()
        sample_label = _own_rich("<b>Sample cases</b> (fictional, for learning and training)")
        self.samples = QListWidget()
        self.samples.setAccessibleName("Sample cases")
        self.samples.setWordWrap(True)
        sample_label.setBuddy(self.samples)
        self.delegate = TitledItemDelegate(self.samples)
        self.samples.setItemDelegate(self.delegate)
        self.samples.setUniformItemSizes(False)
        self.samples.setResizeMode(QListWidget.ResizeMode.Adjust)
        for path, name, summary in samples:
            item = QListWidgetItem(f"{for_display(name)}\n{for_display(summary)}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(plain_tip(summary))
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
        """List recent case files: the name, then its folder, each shown as text with acting characters visible.

        The item keeps the real path (the one opened); only what is drawn is made visible.
        """
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{for_display(Path(path).name)}\n{for_display(str(Path(path).parent))}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(plain_tip(path))
            self.recent.addItem(item)
        if not paths:
            self.recent.addItem(QListWidgetItem("No recent cases yet"))
        self.recent.setEnabled(bool(paths))  # greyed, and nothing to select, while empty

    def _sample_chosen(self, signal: Signal) -> None:
        item = self.samples.currentItem()
        if item is not None and item.data(Qt.ItemDataRole.UserRole):
            signal.emit(str(item.data(Qt.ItemDataRole.UserRole)))  # type: ignore[attr-defined]

    def _activated(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.pathChosen.emit(str(path))
