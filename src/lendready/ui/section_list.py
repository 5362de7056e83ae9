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


class _SectionDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        metrics = QFontMetrics(option.font)
        small = QFontMetrics(self._small(option.font))
        return QSize(option.rect.width(), metrics.height() + small.height() + 2 * PADDING + 2)

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
        progress: str = index.data(PROGRESS_ROLE) or ""
        painter.save()
        painter.setPen(colour)
        bold = QFont(option.font)
        bold.setBold(selected)
        painter.setFont(bold)
        metrics = QFontMetrics(bold)
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(title, Qt.TextElideMode.ElideRight, rect.width()))
        small = self._small(option.font)
        painter.setFont(small)
        muted = colour if selected else option.palette.color(group, QPalette.ColorRole.PlaceholderText)
        painter.setPen(muted)
        painter.drawText(QRect(rect.left(), rect.top() + metrics.height() + 2, rect.width(), QFontMetrics(small).height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, progress)
        painter.restore()


class SectionList(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(_SectionDelegate(self))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(True)
        self.setAccessibleName("Sections of the questionnaire")

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
        item.setData(PROGRESS_ROLE, f"{line}   {state}".rstrip())
        item.setText(title)
        spoken = f"{title}: {line}" + (f", {state[2:]}" if state else "")
        item.setToolTip(spoken)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)
