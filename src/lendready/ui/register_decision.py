"""Register → Cases… → Record a decision…: approve, decline or refer a case on a recorded assessment.

A view of :class:`~lendready.model.register_view.DecisionForm`. The assessment decided on is
chosen from the case's recorded ones (the latest of the current version first), each shown with
its version, band and date; below it, who wrote that version (four eyes: not the person deciding)
and what was already decided on it. No decision is chosen for the user. "Record decision" hands
the choice to the ``record`` callable (the register's :func:`~lendready.model.register_view.decide`);
when the register refuses it (four eyes, a role's grants) its message is shown and the dialog stays
open with everything typed, so nothing has to be typed again.

Every text from the case or the register (a name, a band's label, an officer's) is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from lendready.model.register_view import CONDITIONS_LIMIT, DECISION_CHOICES, Decided, DecisionForm
from lendready.ui.register_cases import swatch
from lendready.ui.widgets.style import plain_label

Record = Callable[[int, str, str], Decided]
"""``(assessment_id, decision, conditions) -> Decided``; raises the register's refusal."""
Assess = Callable[[], DecisionForm]
"""Assess the case's current version, record it, and give the form again."""


class DecisionDialog(QDialog):
    """Record a decision on one case; :attr:`decided` holds the result once recorded (then accepted)."""

    def __init__(self, form: DecisionForm, record: Record, parent: QWidget | None = None,
                 assess: Assess | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self._record = record
        self._assess = assess
        self.decided: Decided | None = None
        self.setWindowTitle("Record a decision")
        self.setAccessibleName("Record a decision")
        layout = QVBoxLayout(self)

        self.heading = plain_label(wrap=True)
        font = QFont(self.heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.status_label = plain_label(wrap=True)
        layout.addWidget(self.status_label)
        note_row = QHBoxLayout()
        self.note = plain_label(wrap=True)
        self.assess_button = QPushButton()
        self.assess_button.setAutoDefault(False)
        self.assess_button.clicked.connect(self.assess_now)
        note_row.addWidget(self.note, 1)
        note_row.addWidget(self.assess_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(note_row)

        fields = QFormLayout()
        fields.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.assessment = QComboBox()
        self.assessment.setAccessibleName("The assessment decided on")
        fields.addRow(self._buddy("Decide &on:", self.assessment), self.assessment)
        about = QVBoxLayout()
        about.setContentsMargins(0, 0, 0, 0)
        self.detail = plain_label(wrap=True)
        self.four_eyes = plain_label(wrap=True)
        bold = QFont(self.four_eyes.font())
        bold.setBold(True)
        self.four_eyes.setFont(bold)  # said in words, not only by weight
        about.addWidget(self.detail)
        about.addWidget(self.four_eyes)
        fields.addRow("", about)

        choices = QHBoxLayout()
        self.decision_group = QButtonGroup(self)
        self.decision_buttons: dict[str, QRadioButton] = {}
        mnemonics = {"approve": "&Approve", "decline": "D&ecline", "refer": "&Refer to committee"}
        for choice in DECISION_CHOICES:
            button = QRadioButton(mnemonics.get(str(choice.value), choice.label))
            button.setAccessibleName(choice.label)
            self.decision_group.addButton(button)
            self.decision_buttons[str(choice.value)] = button
            choices.addWidget(button)
        choices.addStretch(1)
        decision_label = plain_label("Decision:")
        fields.addRow(decision_label, choices)

        self.conditions = QPlainTextEdit()
        self.conditions.setAccessibleName("Conditions")
        self.conditions.setPlaceholderText("Conditions of the decision, or the reasons for it (kept with it)")
        self.conditions.setTabChangesFocus(True)
        self.conditions.setMinimumHeight(self.conditions.fontMetrics().lineSpacing() * 6)
        fields.addRow(self._buddy("&Conditions:", self.conditions), self.conditions)
        layout.addLayout(fields, 1)

        self.buttons = QDialogButtonBox()
        self.record_button = QPushButton("Record &decision")
        self.record_button.setDefault(True)
        self.buttons.addButton(self.record_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.assessment.currentIndexChanged.connect(lambda _i: self._show_choice())
        self.decision_group.buttonToggled.connect(lambda *_: self._update_button())
        self.conditions.textChanged.connect(self._update_button)
        self.set_form(form)
        self.resize(640, 440)

    def set_form(self, form: DecisionForm) -> None:
        """Show this case's assessments (again, after one was recorded); what is chosen and typed stays."""
        self.form = form
        self.heading.setText(f"Record a decision on {form.organisation}")
        self.status_label.setText(f"Now: {form.status_label}. Current version: {form.current_version}.")
        self.note.setText(form.note)
        self.note.setVisible(bool(form.note))
        self.assess_button.setText(f"A&ssess version {form.current_version} now")
        self.assess_button.setVisible(not form.choices and self._assess is not None)
        self.assessment.blockSignals(True)
        self.assessment.clear()
        for choice in form.choices:
            self.assessment.addItem(swatch(choice.band_colour), choice.label, choice.id)
        if form.default is not None:
            self.assessment.setCurrentIndex(max(0, self.assessment.findData(form.default)))
        self.assessment.setEnabled(bool(form.choices))
        self.assessment.setPlaceholderText(f"No assessment of version {form.current_version} yet")
        self.assessment.blockSignals(False)
        self._show_choice()

    def assess_now(self) -> bool:
        """Assess the current version (none is recorded) and show it to decide on."""
        from sqlalchemy.exc import SQLAlchemyError

        from lendready.register.repository import RegisterError
        from lendready.ui.widgets import messages

        if self._assess is None:
            return False
        try:
            form = self._assess()
        except (RegisterError, SQLAlchemyError, OSError) as exc:
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            messages.warn(self, "lendready could not assess the case", detail[0] if detail else type(exc).__name__)
            return False
        self.set_form(form)
        return True

    @staticmethod
    def _buddy(text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    # -- what is chosen ----------------------------------------------------------------------------
    def assessment_id(self) -> int | None:
        value = self.assessment.currentData()
        return int(value) if value is not None else None

    def decision(self) -> str | None:
        return next((key for key, button in self.decision_buttons.items() if button.isChecked()), None)

    def choose(self, decision: str) -> None:
        """Pick a decision (as clicking its button does)."""
        self.decision_buttons[decision].setChecked(True)

    def _show_choice(self) -> None:
        chosen = self.form.choice(self.assessment_id())
        self.detail.setText(chosen.detail if chosen is not None else "")
        own = self.form.own_work(self.assessment_id())
        self.four_eyes.setText(
            "Four eyes: you wrote this version, so the register will not record your decision on it. A second "
            "person must decide." if own else "")
        self.four_eyes.setVisible(own)
        self._update_button()

    def _update_button(self) -> None:
        length = len(self.conditions.toPlainText())
        self.record_button.setEnabled(self.assessment_id() is not None and self.decision() is not None
                                      and length <= CONDITIONS_LIMIT)

    # -- recording ---------------------------------------------------------------------------------
    def submit(self) -> bool:
        """Record the decision; on a refusal say the register's reason and keep everything typed."""
        from sqlalchemy.exc import SQLAlchemyError

        from lendready.register.repository import FourEyesError, PermissionRefused, RegisterError
        from lendready.ui.widgets import messages

        assessment_id, decision = self.assessment_id(), self.decision()
        if assessment_id is None or decision is None:
            return False
        try:
            self.decided = self._record(assessment_id, decision, self.conditions.toPlainText())
        except (RegisterError, SQLAlchemyError, OSError) as exc:
            if isinstance(exc, FourEyesError):
                title = "A second person must decide"
            elif isinstance(exc, PermissionRefused):
                title = "The register does not allow this"
            else:
                title = "lendready could not record the decision"
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            messages.warn(self, title, detail[0] if detail else type(exc).__name__,
                          "Nothing was recorded. What you chose and typed is still here.")
            return False
        self.accept()
        return True


__all__ = ["DecisionDialog"]
