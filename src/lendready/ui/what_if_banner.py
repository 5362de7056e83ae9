"""The bar above the questions while a what-if is showing: what it changed, both bands, and the way back.

A what-if is a layer over the case, not a case of its own: the bar says so in
words (never by colour alone), lists every answer the what-if changed as "label:
from → to", puts the what-if's band beside the case's, and offers "Back to the
case" (nothing asked, nothing changed) and "Apply these changes" (the answers go
into the case). It shows what :class:`~lendready.model.what_if.WhatIf` says and
decides nothing itself.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.engine.status import RATING_COLOURS
from lendready.domain.files.outside_text import for_display
from lendready.model.what_if import AnswerChange
from lendready.ui.explainer_pane import text_on
from lendready.ui.widgets.style import html_text

# Fixed colours chosen as a pair (contrast about 12:1), so the bar reads the same on a dark theme.
BANNER_BACKGROUND = "#e8f0fe"
BANNER_TEXT = "#0b2545"
BANNER_EDGE = "#1a56b8"
MAX_LISTED = 8  # more changes than this: the rest are counted, so the bar never pushes the questions away


class WhatIfBanner(QFrame):
    """"What-if — your case is unchanged", the changes, the two bands, Back and Apply."""

    backRequested = Signal()
    applyRequested = Signal()

    def __init__(self, knowledge: Knowledge, case_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._knowledge = knowledge
        self.setObjectName("whatIfBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            f"QFrame#whatIfBanner {{ background-color: {BANNER_BACKGROUND}; border: 1px solid {BANNER_EDGE};"
            f" border-left: 6px solid {BANNER_EDGE}; border-radius: 4px; }}"
            f" QFrame#whatIfBanner QLabel {{ color: {BANNER_TEXT}; background: transparent; border: none; }}"
        )
        self.setAccessibleName("What-if")
        self.setAccessibleDescription(
            f"You are trying changes on a copy of {for_display(case_name)}; the case itself is unchanged."
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 10, 8)
        layout.setSpacing(4)

        top = QHBoxLayout()
        top.setSpacing(8)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.title.setText(
            f"<b>What-if</b> — trying changes on a copy of <b>{html_text(case_name)}</b>. "
            "The case itself is unchanged until you apply them."
        )
        top.addWidget(self.title, 1)
        self.back_button = QPushButton("&Back to the case")
        self.back_button.setToolTip("Leave the what-if; the case is shown exactly as you left it")
        self.back_button.clicked.connect(self.backRequested)
        self.apply_button = QPushButton("A&pply these changes")
        self.apply_button.setToolTip("Put these answers into the case, then go back to it")
        self.apply_button.clicked.connect(self.applyRequested)
        top.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        bands = QHBoxLayout()
        bands.setSpacing(6)
        self.what_if_band = QLabel()
        self.case_band = QLabel()
        for caption, chip in (("This what-if:", self.what_if_band), ("Your case:", self.case_band)):
            label = QLabel(caption)
            label.setTextFormat(Qt.TextFormat.PlainText)
            chip.setTextFormat(Qt.TextFormat.PlainText)
            bands.addWidget(label)
            bands.addWidget(chip)
            bands.addSpacing(12)
        bands.addStretch(1)
        layout.addLayout(bands)

        self.changes_label = QLabel()
        self.changes_label.setTextFormat(Qt.TextFormat.RichText)
        self.changes_label.setWordWrap(True)
        self.changes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.changes_label)
        self._changes: list[AnswerChange] = []

    # -- what the window feeds in ------------------------------------------------------
    def show_state(self, changes: list[AnswerChange], what_if_band: str, case_band: str) -> None:
        """The answers changed so far and both bands (ids from the rulebook)."""
        self._changes = list(changes)
        self._set_band(self.what_if_band, what_if_band)
        self._set_band(self.case_band, case_band)
        if not changes:
            self.changes_label.setText("<i>No answers differ from the case now.</i>")
        else:
            shown = changes[:MAX_LISTED]
            lines = [
                f"• {html_text(c.label)}: {html_text(c.before_text)} → <b>{html_text(c.after_text)}</b>"
                for c in shown
            ]
            more = len(changes) - len(shown)
            if more:
                lines.append(f"… and {more} more")
            heading = "Changed answer:" if len(changes) == 1 else f"Changed answers ({len(changes)}):"
            self.changes_label.setText(f"<b>{heading}</b><br/>" + "<br/>".join(lines))
        self.apply_button.setEnabled(bool(changes))
        summary = "; ".join(for_display(c.text()) for c in changes) or "no answers differ from the case"
        self.changes_label.setAccessibleName(f"Changes in this what-if: {summary}")

    def change_lines(self) -> list[str]:
        """Each change as "label: from → to" (plain text, for tests and screen readers)."""
        return [c.text() for c in self._changes]

    def band_texts(self) -> tuple[str, str]:
        """The what-if's band and the case's band as shown."""
        return self.what_if_band.text().strip(), self.case_band.text().strip()

    def _set_band(self, chip: QLabel, band_id: str) -> None:
        band = self._knowledge.bands.get(band_id)
        label = band.label if band else band_id
        colour = band.colour if band else RATING_COLOURS["unknown"]
        chip.setText(f" {for_display(label)} ")
        chip.setStyleSheet(
            f"QLabel {{ background-color: {colour}; color: {text_on(colour)}; font-weight: 600;"
            " border-radius: 3px; padding: 1px 4px; }"
        )
        chip.setAccessibleName(for_display(label))
