"""File → Export briefing: which of the three briefings, and the file it will write.

Each briefing is offered with a line saying what it holds, so nobody has to
export all three to find the one they want; the file name follows the briefing
chosen until the user types their own, and Browse… picks a folder and name the
usual way. The dialog only chooses: the window writes the PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from lendready.report import AUDIENCE_TITLES, AUDIENCES, PDF_FILTER

# One line each: what the reader gets (the facts are the same in all three; order and wording differ).
AUDIENCE_CONTENTS = {
    "lender": "For the credit committee: the band, area ratings, key figures against their limits, every "
              "finding with its evidence, the conditions to set, and a provenance page.",
    "founder": "For the founder or board: what a lender will ask, worded plainly, as an action plan with "
               "the documents still needed and the kinds of finance that fit.",
    "trainer": "For a training session: the exercise sheet for the room first, then the answers and the "
               "reference for the trainer.",
}


class ExportDialog(QDialog):
    """Choose the briefing (default: the current wording) and the PDF's path; OK exports."""

    def __init__(
        self, current: str, folder: Path, suggested: Callable[[str], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export briefing")
        self._folder = folder
        self._suggested = suggested
        self._path_typed = False  # once the user edits the path, choosing a briefing no longer renames it
        layout = QVBoxLayout(self)

        box = QGroupBox("Briefing for")
        box_layout = QVBoxLayout(box)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for audience in AUDIENCES:
            button = QRadioButton(AUDIENCE_TITLES[audience])
            about = QLabel(AUDIENCE_CONTENTS[audience])
            about.setTextFormat(Qt.TextFormat.PlainText)
            about.setWordWrap(True)
            about.setContentsMargins(24, 0, 0, 6)
            button.setAccessibleDescription(AUDIENCE_CONTENTS[audience])
            self.group.addButton(button)
            self.buttons[audience] = button
            box_layout.addWidget(button)
            box_layout.addWidget(about)
        layout.addWidget(box)

        path_label = QLabel("&File to write:")
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("File to write")
        path_label.setBuddy(self.path_edit)
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.setAccessibleName("Browse for the file to write")
        self.browse_button.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        layout.addWidget(path_label)
        layout.addLayout(row)

        self.buttons_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons_box.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Export")
        self.buttons_box.accepted.connect(self.accept)
        self.buttons_box.rejected.connect(self.reject)
        layout.addWidget(self.buttons_box)

        self.buttons.get(current, self.buttons[AUDIENCES[0]]).setChecked(True)
        self._name_path()
        self.group.buttonToggled.connect(lambda _button, on: on and self._name_path())
        self.path_edit.textEdited.connect(self._typed)
        self.path_edit.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        self.resize(560, self.sizeHint().height())

    # -- what was chosen -------------------------------------------------------------------
    def audience(self) -> str:
        return next(a for a, b in self.buttons.items() if b.isChecked())

    def path(self) -> Path:
        """The PDF to write, ``.pdf`` added when left off."""
        text = self.path_edit.text().strip()
        return Path(text) if text.lower().endswith(".pdf") else Path(text + ".pdf")

    def set_audience(self, audience: str) -> None:
        self.buttons[audience].setChecked(True)

    # -- reactions ---------------------------------------------------------------------------
    def _name_path(self) -> None:
        if self._path_typed:
            return
        text = self.path_edit.text().strip()
        folder = Path(text).parent if text else self._folder
        self.path_edit.setText(str(folder / self._suggested(self.audience())))

    def _typed(self, _text: str) -> None:
        self._path_typed = True

    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export briefing", self.path_edit.text(), PDF_FILTER)
        if path:
            self.path_edit.setText(path)
            self._path_typed = True
