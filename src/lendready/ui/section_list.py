"""The sections list: each section's title, how far it is answered, and whether it needs attention.

Drawn by a small delegate so the progress line reads as secondary (smaller,
muted) and the status is a word-bearing mark, not colour alone.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from lendready.model.session import SectionProgress

PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 1
PADDING = 6


WRAP = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
PROGRESS_GAP = "   "  # between "4 of 9 answered" and "✓ complete" when both fit on one line


def progress_lines(progress: str, metrics: QFontMetrics, width: int) -> list[str]:
    """The progress line, or its two phrases on two lines where one line is too narrow: never broken mid-phrase."""
    if not progress or metrics.horizontalAdvance(progress) <= width or PROGRESS_GAP not in progress:
        return [progress] if progress else []
    return [part.strip() for part in progress.split(PROGRESS_GAP, 1)]


class _SectionDelegate(QStyledItemDelegate):
    """A section's full title (wrapped, never elided) and, smaller and muted, how far it is answered."""

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QListWidget) else option.rect.width()
        return max(width - 2 * PADDING - 2, 40)

    def _layout(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex,
                width: int, selected: bool) -> tuple[QFont, QRect, QFont, list[str]]:
        bold = QFont(option.font)
        bold.setBold(selected)
        title = index.data(Qt.ItemDataRole.DisplayRole) or ""
        # Measured bold, so selecting a section never needs more room than it was given.
        measure = QFont(option.font)
        measure.setBold(True)
        title_rect = QFontMetrics(measure).boundingRect(QRect(0, 0, width, 10_000), WRAP, title)
        small = self._small(option.font)
        lines = progress_lines(index.data(PROGRESS_ROLE) or "", QFontMetrics(small), width)
        return bold, title_rect, small, lines

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        width = self._text_width(option)
        _bold, title_rect, small, lines = self._layout(option, index, width, True)
        height = title_rect.height() + 2 + max(len(lines), 1) * QFontMetrics(small).height()
        return QSize(width + 2 * PADDING + 2, height + 2 * PADDING + 2)

    @staticmethod
    def _small(font: QFont) -> QFont:
        small = QFont(font)
        small.setPointSizeF(max(font.pointSizeF() * 0.88, 7.0))
        return small

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        self.initStyleOption(option, index)
        title = option.text
        option.text = ""
        widget = option.widget
        style = widget.style() if widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Active if option.state & QStyle.StateFlag.State_Active else QPalette.ColorGroup.Inactive
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        colour = option.palette.color(group, text_role)
        rect = option.rect.adjusted(PADDING + 2, PADDING, -PADDING, -PADDING)
        bold, title_rect, small, lines = self._layout(option, index, rect.width(), selected)
        painter.save()
        painter.setPen(colour)
        painter.setFont(bold)
        # The whole title, wrapped at word boundaries when the list is narrow: never cut to "Governance and fi…".
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), title_rect.height()), WRAP, title)
        painter.setFont(small)
        muted = colour if selected else option.palette.color(group, QPalette.ColorRole.PlaceholderText)
        painter.setPen(muted)
        line_height = QFontMetrics(small).height()
        top = rect.top() + title_rect.height() + 2
        for line in lines:
            painter.drawText(QRect(rect.left(), top, rect.width(), line_height),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line)
            top += line_height
        painter.restore()


class SectionList(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(_SectionDelegate(self))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # A long title takes two lines when the list is narrow, so the rows differ in height and are laid
        # out again whenever the width changes.
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setAccessibleName("Sections of the questionnaire")

    def natural_width(self) -> int:
        """The width at which every title and progress line fits on one line (bold, as when selected)."""
        bold = QFont(self.font())
        bold.setBold(True)
        titles = QFontMetrics(bold)
        small = QFontMetrics(_SectionDelegate._small(self.font()))
        widest = 0
        for row in range(self.count()):
            item = self.item(row)
            widest = max(widest, titles.horizontalAdvance(item.text()),
                         small.horizontalAdvance(item.data(PROGRESS_ROLE) or ""))
        scroll = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return widest + 2 * PADDING + 2 + 2 * self.frameWidth() + scroll + 4

    def add_section(self, section_id: str, title: str) -> None:
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, section_id)
        self.addItem(item)

    def set_progress(self, row: int, title: str, progress: SectionProgress) -> None:
        item = self.item(row)
        if progress.problems:
            state = f"⚠ {progress.problems} to correct"
        elif progress.complete:
            state = "✓ complete"
        else:
            state = ""
        line = f"{progress.answered} of {progress.relevant} answered"
        item.setData(PROGRESS_ROLE, f"{line}{PROGRESS_GAP}{state}".rstrip())
        item.setText(title)
        spoken = f"{title}: {line}" + (f", {state[2:]}" if state else "")
        item.setToolTip(spoken)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)
