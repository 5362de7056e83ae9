"""One section of the questionnaire as a single readable column of questions.

The view shows and reports; it never judges. Which questions are asked and
which answers break a rule come from ``Questionnaire.validate`` in the caller,
so the form, the assessment and the command line can never disagree about
skip logic or constraints. The glue a window uses is::

    view.answerChanged.connect(on_answer)   # store the answer, then:
    validated = questionnaire.validate(answers)
    view.apply_validated(validated)         # = apply_relevance + set_problems
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QEasingCurve, QRectF, Qt, QTimer, QVariantAnimation, Signal
from PySide6.QtGui import QColor, QFocusEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from lendready.domain.engine.questionnaire import Question, Questionnaire, Section, Validated
from lendready.ui.widgets.question import QuestionWidget
from lendready.ui.widgets.style import scaled_font

COLUMN_WIDTH = 760  # a comfortable line length for labels and help text
QUESTION_GAP = 14
ROW_PADDING = 8  # room around a question for the highlight to show
HIGHLIGHT_MS = 1200


class _Row(QWidget):
    """Holds one question's editor and paints a fading highlight behind it when asked to."""

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(ROW_PADDING, ROW_PADDING, ROW_PADDING, ROW_PADDING)
        layout.addWidget(editor)
        self._strength = 0.0
        self._animation = QVariantAnimation(self)
        self._animation.setStartValue(1.0)
        self._animation.setEndValue(0.0)
        self._animation.setDuration(HIGHLIGHT_MS)
        self._animation.setEasingCurve(QEasingCurve.Type.InQuad)
        self._animation.valueChanged.connect(self._fade)

    def flash(self) -> None:
        self._animation.stop()
        self._fade(1.0)
        self._animation.start()

    def is_highlighted(self) -> bool:
        return self._strength > 0.0

    def _fade(self, value: float) -> None:
        self._strength = float(value)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        if self._strength <= 0.0:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        fill = QColor(colour)
        fill.setAlphaF(0.28 * self._strength)
        edge = QColor(colour)
        edge.setAlphaF(0.9 * self._strength)
        painter.setBrush(fill)
        painter.setPen(edge)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 6, 6)


def _editor_for(question: Question, role: str, parent: QWidget) -> QWidget:
    if question.type != "table":
        return QuestionWidget(question, role, parent)
    from lendready.ui.forecast_table import ForecastEditor  # a heavier widget only one section needs

    return ForecastEditor(question, role, parent)


class SectionView(QWidget):
    """A section's title, the role's introduction and its questions, scrolling as one column.

    Every question shows until the caller applies relevance, because only the
    caller's ``validate`` result knows which ones the skip logic asks.
    """

    answerChanged = Signal(str, object)  # question id, value or None
    noteChanged = Signal(str, str)  # question id, note ("" when removed)
    unreadChanged = Signal()  # a box now holds, or no longer holds, typed text that is not an answer

    def __init__(
        self, section: Section, questionnaire: Questionnaire, role: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.section = section
        self.questionnaire = questionnaire
        self.role = role
        self.setObjectName(f"section:{section.id}")

        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes straight to the questions
        self.scroll.setAccessibleName(section.title_for(role))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

        content = QWidget()
        content.setBackgroundRole(QPalette.ColorRole.Window)
        across = QHBoxLayout(content)
        across.setContentsMargins(24 - ROW_PADDING, 20, 24, 24)
        self.column = QWidget(content)
        self.column.setMaximumWidth(COLUMN_WIDTH)
        across.addWidget(self.column, 1)
        across.addStretch(0)
        column = QVBoxLayout(self.column)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(QUESTION_GAP)

        self.title = QLabel(section.title_for(role), self.column)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.title.setFont(scaled_font(self, 1.5, bold=True))
        self.title.setContentsMargins(ROW_PADDING, 0, ROW_PADDING, 0)
        self.title.setAccessibleName(section.title_for(role))
        column.addWidget(self.title)
        intro = section.intro.for_role(role)
        self.intro = QLabel(intro, self.column)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.setContentsMargins(ROW_PADDING, 0, ROW_PADDING, 6)
        self.intro.setVisible(bool(intro))
        column.addWidget(self.intro)

        self._rows: dict[str, _Row] = {}
        for question in section.questions:
            editor = _editor_for(question, role, self.column)
            editor.answerChanged.connect(self.answerChanged)
            note_signal = getattr(editor, "noteChanged", None)  # notes are optional for the forecast
            if note_signal is not None:
                note_signal.connect(self.noteChanged)
            unread_signal = getattr(editor, "unreadChanged", None)  # the forecast keeps its own problems
            if unread_signal is not None:
                unread_signal.connect(self._unread_changed)
            row = _Row(editor, self.column)
            column.addWidget(row)
            self._rows[question.id] = row
        column.addStretch(1)
        self.scroll.setWidget(content)

    # -- what the caller feeds in --------------------------------------------
    def question_ids(self) -> tuple[str, ...]:
        return tuple(self._rows)

    def editor(self, qid: str) -> QWidget:
        """The editor of one question (a QuestionWidget, or the forecast table's editor)."""
        return self._rows[qid].editor

    def set_answers(self, answers: Mapping[str, Any], notes: Mapping[str, str]) -> None:
        """Fill every question from a case; sends nothing. Absent answers show as unanswered."""
        for qid, row in self._rows.items():
            row.editor.set_value(answers.get(qid))
            set_note = getattr(row.editor, "set_note", None)
            if set_note is not None:
                set_note(notes.get(qid, ""))

    def apply_relevance(self, relevant: Iterable[str]) -> None:
        """Show only the questions the skip logic asks; hidden ones keep their values."""
        asked = set(relevant)
        for qid, row in self._rows.items():
            row.setVisible(qid in asked)

    def set_problems(self, problems: Mapping[str, str]) -> None:
        """Show each question's message from ``validate().invalid``; clear all others."""
        for qid, row in self._rows.items():
            row.editor.set_problem(problems.get(qid))

    def apply_validated(self, validated: Validated) -> None:
        """Relevance and problems straight from ``Questionnaire.validate``."""
        self.apply_relevance(validated.relevant)
        self.set_problems({item.question: item.message for item in validated.invalid})

    def _unread_changed(self, _qid: str, _unread: bool) -> None:
        self.unreadChanged.emit()

    def unread_questions(self) -> list[str]:
        """Questions whose box holds typed text that is not an answer ("abc" for an amount).

        Such text never reaches the case, so the questionnaire cannot count it; the window adds
        these to the section's "to correct", as it does for an answer the questionnaire sets aside.
        """
        return [qid for qid, row in self._rows.items()
                if getattr(row.editor, "has_unread_text", lambda: False)()]

    def is_shown(self, qid: str) -> bool:
        return self._rows[qid].isVisibleTo(self)

    # -- moving the user to a question ----------------------------------------
    def focus_question(self, qid: str) -> bool:
        """Scroll to a question, put the cursor in it and highlight it briefly; False if hidden."""
        row = self._rows.get(qid)
        if row is None or not row.isVisibleTo(self):
            return False
        self._scroll_to(row)
        QTimer.singleShot(0, self, lambda: self._scroll_to(row))  # again once the layout settles
        row.editor.focus_input()
        row.flash()
        return True

    def is_highlighted(self, qid: str) -> bool:
        return self._rows[qid].is_highlighted()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        """Focus given to the section as a whole goes to its first question that is asked."""
        super().focusInEvent(event)
        for row in self._rows.values():
            if row.isVisibleTo(self):
                row.editor.focus_input()
                return

    def _scroll_to(self, row: _Row) -> None:
        """Bring the row into view with some of what comes before it, if it is not fully visible."""
        viewport = self.scroll.viewport().height()
        bar = self.scroll.verticalScrollBar()
        top = row.mapTo(self.scroll.widget(), row.rect().topLeft()).y()
        if bar.value() <= top and top + row.height() <= bar.value() + viewport:
            return
        above = viewport // 4 if row.height() < viewport * 3 // 4 else 24
        bar.setValue(max(0, top - above))

    def commit_pending(self) -> None:
        """Send any typed but uncommitted answers and notes, for example before saving."""
        for row in self._rows.values():
            commit = getattr(row.editor, "commit_pending", None)  # optional for the forecast editor
            if commit is not None:
                commit()
