"""The refused save: someone else saved the case since you opened it. See both, answer by answer, and merge.

Shown when :meth:`Register.save_version` raises ``VersionConflict``; nothing has been written.
Each answer (and note) that either of you changed is a row: as it was when you opened the case,
their answer, yours, and what the merge keeps. An answer only one of you changed is kept without
asking; for an answer you both changed differently you choose theirs or yours ("Merge and save"
waits until each has a choice). Notes you both changed keep both texts. Cancel leaves the
register as it is and your answers open here, unsaved.

Every value from the case is shown as plain text in table cells (never read as markup).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lendready.model.register_view import ConflictRow, shown

COLUMNS = ("Question", "When you opened it", "Their answer", "Your answer", "Keep")


class ConflictDialog(QDialog):
    """Choose a side for each answer both changed; :meth:`choices` gives ``{question: "theirs"|"mine"}``."""

    def __init__(self, rows: list[ConflictRow], author: str | None, expected: int, current: int,
                 organisation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = rows
        self.setWindowTitle("Someone else saved this case")
        self.setAccessibleName("Someone else saved this case")
        layout = QVBoxLayout(self)
        who = shown(author, 60) if author else "someone else"
        heading = QLabel()
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        heading.setText(f"{who} saved {organisation} (version {current}) after you opened version {expected}. "
                        "Your save was not made, so nothing of theirs has been overwritten.")
        layout.addWidget(heading)
        need = sum(1 for r in rows if r.needs_choice)
        explain = QLabel()
        explain.setTextFormat(Qt.TextFormat.PlainText)
        explain.setWordWrap(True)
        explain.setText(
            "Below is every answer either of you changed. Answers only one of you changed are kept as they are. "
            + (f"You both changed {need} answer{'s' if need != 1 else ''} differently: choose which to keep for "
               f"{'each' if need != 1 else 'it'}, then Merge and save. " if need else
               "None of your changes clash with theirs: Merge and save keeps them all. ")
            + "Notes you both changed keep both texts."
        )
        layout.addWidget(explain)

        self.table = QTableWidget(len(rows), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setAccessibleName("Changed answers: as opened, theirs, yours, and which to keep")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes straight to the Theirs / Yours choices
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        self.groups: dict[str, QButtonGroup] = {}
        self.theirs_buttons: dict[str, QRadioButton] = {}
        self.mine_buttons: dict[str, QRadioButton] = {}
        for r, row in enumerate(rows):
            for c, text in enumerate((row.label, row.base, row.theirs, row.mine)):
                item = QTableWidgetItem(text)
                if row.needs_choice and c == 0:
                    bold = item.font()
                    bold.setBold(True)
                    item.setFont(bold)
                self.table.setItem(r, c, item)
            if row.needs_choice:
                self.table.setCellWidget(r, 4, self._chooser(row))
            else:
                self.table.setItem(r, 4, QTableWidgetItem(row.merged))
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)

        sides = QHBoxLayout()
        self.all_theirs = QPushButton("Keep &all of theirs where you both changed")
        self.all_mine = QPushButton("Keep all of &yours where you both changed")
        self.all_theirs.clicked.connect(lambda: self.choose_all("theirs"))
        self.all_mine.clicked.connect(lambda: self.choose_all("mine"))
        self.all_theirs.setEnabled(bool(need))
        self.all_mine.setEnabled(bool(need))
        sides.addWidget(self.all_theirs)
        sides.addWidget(self.all_mine)
        sides.addStretch(1)
        layout.addLayout(sides)

        self.buttons = QDialogButtonBox()
        self.merge_button = self.buttons.addButton("&Merge and save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("Cancel (save nothing)", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()
        self.resize(1000, 520)

    def _chooser(self, row: ConflictRow) -> QWidget:
        cell = QWidget()
        box = QHBoxLayout(cell)
        box.setContentsMargins(4, 0, 4, 0)
        theirs = QRadioButton("Theirs")
        mine = QRadioButton("Yours")
        theirs.setAccessibleName(f"Keep their answer to {row.label}")
        mine.setAccessibleName(f"Keep your answer to {row.label}")
        group = QButtonGroup(cell)
        group.addButton(theirs)
        group.addButton(mine)
        group.buttonToggled.connect(lambda _b, _on: self._update())
        box.addWidget(theirs)
        box.addWidget(mine)
        self.groups[row.key] = group
        self.theirs_buttons[row.key] = theirs
        self.mine_buttons[row.key] = mine
        return cell

    def choose(self, key: str, side: str) -> None:
        (self.mine_buttons if side == "mine" else self.theirs_buttons)[key].setChecked(True)

    def choose_all(self, side: str) -> None:
        for key in self.groups:
            self.choose(key, side)

    def choices(self) -> dict[str, str]:
        out = {}
        for key in self.groups:
            if self.theirs_buttons[key].isChecked():
                out[key] = "theirs"
            elif self.mine_buttons[key].isChecked():
                out[key] = "mine"
        return out

    def unresolved(self) -> list[str]:
        made = self.choices()
        return [key for key in self.groups if key not in made]

    def _update(self) -> None:
        left = len(self.unresolved())
        self.merge_button.setEnabled(left == 0)
        self.merge_button.setToolTip("" if left == 0 else f"Choose theirs or yours for {left} more answer(s)")

    def row_texts(self) -> list[tuple[str, str, str, str, str]]:
        """Each row as a reader sees it (the Keep column's text, or the choice made)."""
        out = []
        for row in self.rows:
            keep = self.choices().get(row.key, "choose") if row.needs_choice else row.merged
            out.append((row.label, row.base, row.theirs, row.mine, keep))
        return out


__all__ = ["ConflictDialog"]
