"""One input per answer type: the part of a question the user types into or picks from.

Each input holds the last value it sent on (or was given), so it can send
exactly one signal per real change and none when a case is loaded into it.
Text boxes send on Enter or on leaving the box, and when typing pauses
(:data:`TYPING_PAUSE_MS`) with text that reads as an answer, never per
keystroke, because a half-typed "12" is not the answer "12,500".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCalendarWidget,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QRadioButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from lendready.domain.engine.questionnaire import Question
from lendready.domain.files.outside_text import for_display
from lendready.ui.widgets.parsing import display_text, parse_answer

TYPING_PAUSE_MS = 400  # a pause this long in typing sends what is typed, if it reads as an answer
LONG_TEXT = 200  # a text question allowing more than this gets a multi-line box
SHORT_TEXT = 60  # ... and one allowing at most this (a registration number) a short box
PLACEHOLDER_CHOICE = "— choose —"
MAX_RADIOS = 4  # more choices than this read better as a list to pick from

# The unit word drawn after a number box; "£" and "%" are handled by type.
_UNIT_SUFFIX = {"months": "months", "years": "years", "days": "days", "people": "people"}
# What kind of answer each box takes, for screen-reader descriptions.
_KIND = {
    "amount": "Amount in pounds",
    "percent": "Percentage",
    "integer": "Whole number",
    "number": "Number",
    "date": "Date, written day first as dd/mm/yyyy, for example 31/03/2026",
    "month": "Month, written for example Apr 2026 or 04/2026",
    "text": "Text",
}


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b or (
        isinstance(a, (int, float)) and isinstance(b, (int, float)) and a == b
    )


class AnswerInput(QWidget):
    """Base for every input: remembers the current value and sends only real changes."""

    committed = Signal(object)  # the new value, or None for unanswered
    textProblem = Signal(object)  # str when the typed text is not an answer, None when it is again

    needs_clear_button = False  # radio buttons cannot be unchecked by the user

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self._value: Any = None

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        """Show ``value`` without sending anything: loading a case is not a change by the user."""
        self._value = value
        self._show(value)

    def clear_answer(self) -> None:
        self._show(None)
        self._commit(None)

    def commit_pending(self) -> None:
        """Send whatever is typed but not yet committed, for example before saving."""

    def has_unread_text(self) -> bool:
        """True when the box holds text that is not an answer (kept so nothing typed is lost)."""
        return False

    def focus_widget(self) -> QWidget:
        return self.focusables()[0]

    def focusables(self) -> list[QWidget]:
        raise NotImplementedError

    def describe(self, label: str, description: str) -> None:
        """Give every focusable part an accessible name built from the question's label."""
        raise NotImplementedError

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def _commit(self, value: Any) -> None:
        if _same(value, self._value):
            return
        self._value = value
        self.committed.emit(value)


def _row(parent: QWidget) -> QHBoxLayout:
    layout = QHBoxLayout(parent)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(6)
    return layout


class LineInput(AnswerInput):
    """A one-line box for amounts, percentages, numbers, months, dates and short text."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self._unread = False
        self.edit = QLineEdit(self)
        self.edit.editingFinished.connect(self._finished)
        # A pause in typing sends the answer too (the explainer follows without Enter); see _typed_pause.
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(TYPING_PAUSE_MS)
        self._pause.timeout.connect(self._typed_pause)
        self.edit.textEdited.connect(self._typing)
        self.edit.editingFinished.connect(self._pause.stop)  # Enter or leaving sends at once
        layout = _row(self)
        qtype = question.type
        if qtype == "amount":
            layout.addWidget(self._adornment("£"))
        layout.addWidget(self.edit, 1)
        suffix = "%" if qtype == "percent" else _UNIT_SUFFIX.get(question.unit, "")
        if suffix and qtype in ("percent", "integer", "number"):
            layout.addWidget(self._adornment(suffix))
        self._layout = layout
        short_text = qtype == "text" and question.max_length is not None and question.max_length <= SHORT_TEXT
        if qtype in ("amount", "percent", "integer", "number", "date", "month") or short_text:
            self._fit_width({"date": 13, "month": 10, "text": 26}.get(qtype, 17))
            layout.addStretch(0)
            self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        if qtype == "date":
            self.edit.setPlaceholderText("dd/mm/yyyy")
        elif qtype == "month":
            self.edit.setPlaceholderText("mmm yyyy")

    def _adornment(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def _fit_width(self, characters: int) -> None:
        metrics = QFontMetrics(self.edit.font())
        margins = self.edit.textMargins()
        self.edit.setFixedWidth(metrics.horizontalAdvance("8" * characters) + margins.left()
                                + margins.right() + 16)

    def focusables(self) -> list[QWidget]:
        return [self.edit]

    def describe(self, label: str, description: str) -> None:
        self.edit.setAccessibleName(label)
        kind = _KIND.get(self.question.type, "")
        self.edit.setAccessibleDescription(f"{kind}. {description}".strip(". ") if kind else description)

    def has_unread_text(self) -> bool:
        return self._unread

    def commit_pending(self) -> None:
        self._finished()

    def _show(self, value: Any) -> None:
        self._unread = False
        self.edit.setText(display_text(self.question.type, value))
        self.edit.setModified(False)

    def _unchanged_but_shown_differently(self) -> bool:
        """The box shows the held value with its acting characters as tokens, and nobody has edited it.

        Committing that text would silently swap the file's characters for the tokens; only an edit
        by the user changes the answer.
        """
        value = self._value
        return value is not None and self.edit.text() == display_text(self.question.type, value) != str(value)

    def _finished(self) -> None:
        if self._unchanged_but_shown_differently():
            return
        parsed = parse_answer(self.question.type, self.edit.text(), self.question.unit)
        if parsed.problem is not None:
            self._unread = True
            self.textProblem.emit(parsed.problem)
            return
        self._unread = False
        self.textProblem.emit(None)
        shown = display_text(self.question.type, parsed.value)
        if shown != self.edit.text():
            self.edit.setText(shown)
        self._commit(parsed.value)


    def _typing(self, _text: str) -> None:
        self._pause.start()  # restarted by every keystroke: fires once typing stops

    def _typed_pause(self) -> None:
        """Typing stopped: send the typed text if it reads as an answer, leaving the box as typed.

        Nothing is reformatted under the cursor and no problem is shown for half-typed text ("12,"):
        that waits for Enter or leaving the box, as before.
        """
        parsed = parse_answer(self.question.type, self.edit.text(), self.question.unit)
        if parsed.problem is not None:
            return
        if self._unread:
            self._unread = False
            self.textProblem.emit(None)
        self._commit(parsed.value)


class DateInput(LineInput):
    """A date typed day first (31/03/2026; ISO works too), or picked from a calendar; shown as dd/mm/yyyy.

    A plain box rather than QDateEdit because a date edit always shows some
    date, and "not answered yet" must stay visibly different from an answer.
    """

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.calendar_button = QToolButton(self)
        self.calendar_button.setText("Calendar…")
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.calendar_button.clicked.connect(self.open_calendar)
        self._menu = QMenu(self.calendar_button)
        self.calendar = QCalendarWidget(self._menu)
        self.calendar.setGridVisible(True)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        action = QWidgetAction(self._menu)
        action.setDefaultWidget(self.calendar)
        self._menu.addAction(action)
        self._menu.aboutToShow.connect(self._prepare_calendar)
        self.calendar.activated.connect(self._picked)
        self.calendar.clicked.connect(self._picked)
        self._layout.insertWidget(self._layout.indexOf(self.edit) + 1, self.calendar_button)
        _name_calendar_parts(self.calendar)

    def focusables(self) -> list[QWidget]:
        return [self.edit, self.calendar_button]

    def describe(self, label: str, description: str) -> None:
        super().describe(label, description)
        self.calendar_button.setAccessibleName(f"Choose a date for {label}")
        self.calendar.setAccessibleName(f"Calendar for {label}")

    def open_calendar(self) -> None:
        """Drop the calendar below the button (a menu, so Escape and clicking away close it)."""
        self._menu.popup(self.calendar_button.mapToGlobal(self.calendar_button.rect().bottomLeft()))
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _prepare_calendar(self) -> None:
        value = parse_answer("date", self.edit.text()).value
        try:
            day = dt.date.fromisoformat(value) if isinstance(value, str) else dt.date.today()
        except ValueError:
            day = dt.date.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))

    def _picked(self, date: QDate) -> None:
        self._menu.close()
        self.edit.setText(date.toString("dd/MM/yyyy"))
        self._finished()
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)


_CALENDAR_PARTS = {
    "qt_calendar_prevmonth": "Previous month",
    "qt_calendar_nextmonth": "Next month",
    "qt_calendar_monthbutton": "Month",
    "qt_calendar_yearbutton": "Year",
    "qt_calendar_yearedit": "Year",
    "qt_calendar_calendarview": "Days of the month",
    "qt_spinbox_lineedit": "Year",  # the year box inside the calendar's year spin box
}


def _name_calendar_parts(calendar: QCalendarWidget) -> None:
    for child in calendar.findChildren(QWidget):
        name = _CALENDAR_PARTS.get(child.objectName())
        if name and not child.accessibleName():
            child.setAccessibleName(name)


class TextAreaInput(AnswerInput):
    """A few lines of free text, sent when the user leaves the box."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setTabChangesFocus(True)  # Tab must move on, not trap the keyboard in the box
        lines = QFontMetrics(self.edit.font()).lineSpacing()
        self.edit.setFixedHeight(lines * 4 + 14)
        self.edit.installEventFilter(self)
        _row(self).addWidget(self.edit)

    def focusables(self) -> list[QWidget]:
        return [self.edit]

    def describe(self, label: str, description: str) -> None:
        self.edit.setAccessibleName(label)
        self.edit.setAccessibleDescription(description)

    def commit_pending(self) -> None:
        text = self.edit.toPlainText()
        if self._value is not None and text == _shown(self._value) != str(self._value):
            return  # shown with its acting characters as tokens and not edited: the answer is unchanged
        self._commit(parse_answer("text", text).value)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.edit and event.type() == QEvent.Type.FocusOut:
            self.commit_pending()
        return super().eventFilter(watched, event)

    def _show(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else _shown(value))


def _shown(value: Any) -> str:
    """Several lines of case text as a box shows them: new lines kept, every other acting character a token."""
    return for_display(str(value), multiline=True)


class RadioInput(AnswerInput):
    """Radio buttons: every choice visible at once, picked with a click or the arrow keys."""

    needs_clear_button = True

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self._quiet = False
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        if question.type == "yesno":
            layout: QHBoxLayout | QVBoxLayout = _row(self)
            options = [("yes", "Yes", ""), ("no", "No", "")]
        else:
            layout = QVBoxLayout(self)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(4)
            options = [(c.value, c.label, c.help) for c in question.choices]
        for value, label, tip in options:
            button = QRadioButton(label, self)
            if tip:
                button.setToolTip(tip)
                button.setAccessibleDescription(tip)
            self.group.addButton(button)
            self.buttons[value] = button
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)  # no dead click area past the text
        if question.type == "yesno":
            layout.setSpacing(24)
            layout.addStretch(1)
        self.group.buttonToggled.connect(self._toggled)

    def focusables(self) -> list[QWidget]:
        return list(self.buttons.values())

    def focus_widget(self) -> QWidget:
        checked = self.group.checkedButton()
        return checked if checked is not None else next(iter(self.buttons.values()))

    def describe(self, label: str, description: str) -> None:
        for button in self.buttons.values():
            button.setAccessibleName(f"{label}: {button.text()}")
            if not button.accessibleDescription():
                button.setAccessibleDescription(description)

    def _show(self, value: Any) -> None:
        self._quiet = True
        try:
            self.group.setExclusive(False)
            for key, button in self.buttons.items():
                button.setChecked(key == value)
            self.group.setExclusive(True)
        finally:
            self._quiet = False

    def _toggled(self, button: QAbstractButton, checked: bool) -> None:
        if self._quiet or not checked:
            return
        for key, candidate in self.buttons.items():
            if candidate is button:
                self._commit(key)


class _QuietCombo(QComboBox):
    """Ignores the mouse wheel unless focused, so scrolling the form never changes an answer."""

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class ComboInput(AnswerInput):
    """A drop-down list for longer choice lists; the first entry means "not answered yet"."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.combo = _QuietCombo(self)
        self.combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.addItem(PLACEHOLDER_CHOICE, None)
        for choice in question.choices:
            self.combo.addItem(choice.label, choice.value)
            if choice.help:
                self.combo.setItemData(self.combo.count() - 1, choice.help, Qt.ItemDataRole.ToolTipRole)
        self.combo.currentIndexChanged.connect(self._changed)
        layout = _row(self)
        layout.addWidget(self.combo)
        layout.addStretch(1)

    def focusables(self) -> list[QWidget]:
        return [self.combo]

    def describe(self, label: str, description: str) -> None:
        self.combo.setAccessibleName(label)
        self.combo.setAccessibleDescription(description)
        self.combo.view().setAccessibleName(f"Choices for {label}")

    def _show(self, value: Any) -> None:
        index = self.combo.findData(value) if value is not None else 0
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.blockSignals(False)
        self._sync_tooltip()

    def _changed(self, index: int) -> None:
        self._sync_tooltip()
        self._commit(self.combo.itemData(index))

    def _sync_tooltip(self) -> None:
        tip = self.combo.currentData(Qt.ItemDataRole.ToolTipRole)
        self.combo.setToolTip(tip or "")


def make_input(question: Question, parent: QWidget | None = None) -> AnswerInput:
    """The input that suits ``question`` (not for "table": the forecast has its own editor)."""
    qtype = question.type
    if qtype == "yesno":
        return RadioInput(question, parent)
    if qtype == "choice":
        radios = question.widget == "radio" or (
            question.widget != "combo" and len(question.choices) <= MAX_RADIOS
        )
        return RadioInput(question, parent) if radios else ComboInput(question, parent)
    if qtype == "date":
        return DateInput(question, parent)
    if qtype == "text" and question.max_length is not None and question.max_length > LONG_TEXT:
        return TextAreaInput(question, parent)
    if qtype in ("text", "amount", "percent", "integer", "number", "month"):
        return LineInput(question, parent)
    raise ValueError(f"no input for answer type {qtype!r}")
