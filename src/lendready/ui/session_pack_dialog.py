"""Choosing the sample cases for a session pack: a checklist in the library's order."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lendready.domain.files.outside_text import for_display
from lendready.domain.teaching.samples import Sample
from lendready.ui.start_page import TitledItemDelegate


class SessionPackDialog(QDialog):
    def __init__(self, samples: Sequence[Sample], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Session pack")
        self.resize(640, 620)
        self.samples = list(samples)
        layout = QVBoxLayout(self)
        intro = QLabel()
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setText("Tick the cases for the session. The pack prints every exercise sheet first, "
                      "then the answers, then the myths and glossary.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        self.list.setAccessibleName("Cases in the session pack")
        self.list.setWordWrap(True)  # the items wrap to the width, and are laid out again when it changes
        self.list.setItemDelegate(TitledItemDelegate(self.list))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        for sample in self.samples:
            # A sample library can be extended with files from elsewhere: their titles are shown as text.
            item = QListWidgetItem(f"{for_display(sample.meta.title)}\n{for_display(sample.meta.summary)}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, sample.id)
            self.list.addItem(item)
        self.list.itemActivated.connect(self._toggle)
        intro.setBuddy(self.list)
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        for text, state in (("Tick all", Qt.CheckState.Checked), ("Clear", Qt.CheckState.Unchecked)):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=state: self.set_all(s))
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Make the pack…")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.list.itemChanged.connect(lambda _item: self._update_ok())
        self._update_ok()

    def _toggle(self, item: QListWidgetItem) -> None:
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def set_all(self, state: Qt.CheckState) -> None:
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(state)

    def check(self, sample_ids: Sequence[str]) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setCheckState(
                Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in sample_ids else Qt.CheckState.Unchecked
            )

    def chosen(self) -> list[Sample]:
        ticked = {
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        }
        return [s for s in self.samples if s.id in ticked]

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.chosen()))
