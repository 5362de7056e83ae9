"""One question on the form: its label, its input, help on demand, a note and any problem.

The widget never decides whether an answer counts: it reports what the user
committed and shows the problem the questionnaire found. The only message it
makes up itself is for text that is not a value of the type at all (letters
in an amount), because such text never reaches the questionnaire.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from lendready.domain.engine.questionnaire import Question
from lendready.domain.files.outside_text import for_display
from lendready.ui.widgets.answers import AnswerInput, LineInput, TextAreaInput, make_input
from lendready.ui.widgets.style import ProblemLine, help_button, help_panel, link_button, scaled_font

NOTE_PLACEHOLDER = "A comment on this answer, for example where the figure comes from"


class AnswerEditor(Protocol):
    """What the section view needs from any question's editor (QuestionWidget, ForecastEditor).

    Signals ``answerChanged(str, object)`` and ``noteChanged(str, str)`` are
    part of the contract too; Protocol cannot spell Qt signals.
    """

    @property
    def question(self) -> Question: ...

    def set_value(self, value: Any) -> None: ...

    def set_note(self, text: str) -> None: ...

    def value(self) -> Any: ...

    def set_problem(self, message: str | None) -> None: ...

    def focus_input(self) -> None: ...


def _plain_label(text: str) -> str:
    """Label text from data, with "&" kept literal rather than read as a keyboard mnemonic."""
    return text.replace("&", "&&")


class QuestionWidget(QWidget):
    """A question as the given role reads it, laid out label above input."""

    answerChanged = Signal(str, object)  # question id, value or None (unanswered)
    noteChanged = Signal(str, str)  # question id, note text ("" when removed)
    unreadChanged = Signal(str, bool)  # question id, whether the box now holds text that is not an answer

    def __init__(self, question: Question, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._question = question
        self._role = role
        self._problem: str | None = None
        self._text_problem: str | None = None
        self._note = ""
        label_text = question.label.for_role(role)
        self._help_text = question.help.for_role(role)
        self.setObjectName(f"question:{question.id}")

        self.label = QLabel(_plain_label(label_text), self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.label.setWordWrap(True)
        self.label.setFont(scaled_font(self, 1.0, bold=True))
        self.label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

        self.input: AnswerInput = make_input(question, self)
        self.input.committed.connect(self._committed)
        self.input.textProblem.connect(self._typed_problem)
        self.label.setBuddy(self.input.focus_widget())

        self.help_button = help_button(self)
        self.help_button.setAccessibleName(f"Help for {label_text}")
        self.help_button.toggled.connect(self._help_toggled)
        self.help_button.setVisible(bool(self._help_text))
        self.help_button.setToolTip("Show help (F1)")

        self.problem_line = ProblemLine(self)

        self.help_label = help_panel(self._help_text, self)
        self.help_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)

        self.note_button = link_button("Add a note", self)
        self.note_button.clicked.connect(self._note_clicked)
        self.clear_button = link_button("Clear answer", self)
        self.clear_button.setAccessibleName(f"Clear answer to {label_text}")
        self.clear_button.clicked.connect(self._clear_clicked)
        self.clear_button.hide()

        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlaceholderText(NOTE_PLACEHOLDER)
        self.note_edit.setAccessibleName(f"Note for {label_text}")
        self.note_edit.setFixedHeight(QFontMetrics(self.note_edit.font()).lineSpacing() * 3 + 14)
        self.note_edit.installEventFilter(self)
        self.note_edit.hide()

        self._lay_out()
        self._set_tab_order()
        self._describe()
        self._sync_note_button()
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_F1), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.toggle_help)

    # -- layout ---------------------------------------------------------------
    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label)
        row = QHBoxLayout()
        row.setSpacing(8)
        wide = self.input.sizePolicy().horizontalPolicy() != QSizePolicy.Policy.Maximum and isinstance(
            self.input, (TextAreaInput, LineInput))
        row.addWidget(self.input, 1 if wide else 0)
        row.addWidget(self.help_button, 0, Qt.AlignmentFlag.AlignTop)
        if not wide:
            row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.problem_line)
        layout.addWidget(self.help_label)
        footer = QHBoxLayout()
        footer.setSpacing(12)
        footer.addWidget(self.note_button)
        footer.addWidget(self.clear_button)
        footer.addStretch(1)
        layout.addLayout(footer)
        layout.addWidget(self.note_edit)
        layout.addStretch(1)  # any spare height goes below the question, not between its parts

    def _set_tab_order(self) -> None:
        chain = self.focusables()
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    def _describe(self) -> None:
        label = self._question.label.for_role(self._role)
        parts = [f"Problem: {self.problem_text()}." if self.problem_text() else "", self._help_text]
        self.input.describe(label, " ".join(p for p in parts if p))

    # -- public API -----------------------------------------------------------
    @property
    def question(self) -> Question:
        return self._question

    def value(self) -> Any:
        return self.input.value()

    def set_value(self, value: Any) -> None:
        """Fill in a loaded answer; sends nothing."""
        self.input.set_value(value)
        unread, self._text_problem = self._text_problem is not None, None
        self._refresh_problem()
        if unread:
            self.unreadChanged.emit(self._question.id, False)
        self._sync_clear_button()

    def note(self) -> str:
        return self._note

    def set_note(self, text: str) -> None:
        """Fill in a loaded note; sends nothing. A note that exists is shown."""
        self._note = text or ""
        # Shown with acting characters as tokens (a note can come from anyone's file); see _commit_note.
        self.note_edit.setPlainText(for_display(self._note, multiline=True))
        self.note_edit.setVisible(bool(self._note))
        self._sync_note_button()

    def set_problem(self, message: str | None) -> None:
        """Show the questionnaire's message for this answer, or clear it with None."""
        self._problem = message or None
        self._refresh_problem()

    def problem_text(self) -> str | None:
        """The message on screen: unreadable typed text first, then the questionnaire's message."""
        return self._text_problem or self._problem

    def focus_input(self) -> None:
        self.input.focus_widget().setFocus(Qt.FocusReason.OtherFocusReason)

    def commit_pending(self) -> None:
        """Send typed but uncommitted text and notes, so a save never loses them."""
        self.input.commit_pending()
        self._commit_note()

    def has_unread_text(self) -> bool:
        return self.input.has_unread_text()

    def help_visible(self) -> bool:
        return self.help_label.isVisibleTo(self)

    def toggle_help(self) -> None:
        if self.help_button.isVisibleTo(self):
            self.help_button.toggle()

    def focusables(self) -> list[QWidget]:
        return [*self.input.focusables(), self.help_button, self.note_button, self.clear_button,
                self.note_edit]

    # -- reactions ------------------------------------------------------------
    def _committed(self, value: Any) -> None:
        self._sync_clear_button()
        self.answerChanged.emit(self._question.id, value)

    def _typed_problem(self, message: str | None) -> None:
        was = self._text_problem is not None
        self._text_problem = message
        self._refresh_problem()
        if was != (message is not None):
            self.unreadChanged.emit(self._question.id, message is not None)

    def _refresh_problem(self) -> None:
        self.problem_line.set_message(self.problem_text())
        self._describe()

    def _help_toggled(self, shown: bool) -> None:
        self.help_label.setVisible(shown)
        self.help_button.setToolTip("Hide help (F1)" if shown else "Show help (F1)")

    def note_visible(self) -> bool:
        return self.note_edit.isVisibleTo(self)

    def toggle_note(self) -> None:
        """Show the note box (and put the cursor in it) or hide it, keeping what was written."""
        shown = not self.note_visible()
        if not shown:
            self._commit_note()
        self.note_edit.setVisible(shown)
        if shown:
            self.note_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self._sync_note_button()

    def _note_clicked(self) -> None:
        self.toggle_note()

    def _sync_note_button(self) -> None:
        label = self._question.label.for_role(self._role)
        if self.note_visible():
            text = "Hide note"
        else:
            text = "Show note" if self._note else "Add a note"
        self.note_button.setText(text)
        self.note_button.setAccessibleName(f"{text}: {label}")

    def _sync_clear_button(self) -> None:
        self.clear_button.setVisible(self.input.needs_clear_button and self.input.value() is not None)

    def _clear_clicked(self) -> None:
        self.input.clear_answer()
        self.focus_input()

    def _commit_note(self) -> None:
        text = self.note_edit.toPlainText().strip()
        if text == for_display(self._note, multiline=True).strip():
            return  # not edited (only shown with its acting characters as tokens): the note is unchanged
        if text != self._note:
            self._note = text
            self.noteChanged.emit(self._question.id, text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.note_edit and event.type() == QEvent.Type.FocusOut:
            self._commit_note()
            self._sync_note_button()
        return super().eventFilter(watched, event)
