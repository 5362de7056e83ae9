"""The answer widgets, driven like a user drives them: typing, clicking, tabbing."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QDate, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPlainTextEdit, QTableView  # noqa: E402

from lendready.domain.engine.questionnaire import Question, RoleText  # noqa: E402
from lendready.ui.widgets import QuestionWidget  # noqa: E402
from lendready.ui.widgets.answers import ComboInput, DateInput, RadioInput, TextAreaInput  # noqa: E402
from lendready.ui.widgets.parsing import display_text, parse_answer  # noqa: E402

AMOUNT_HINT = "Enter an amount in pounds, for example £12,500, £45k or £1.2m"


class Recorder:
    """Collects what a QuestionWidget sends, so a test can say "exactly this, once"."""

    def __init__(self, widget: QuestionWidget) -> None:
        self.answers: list[tuple[str, object]] = []
        self.notes: list[tuple[str, str]] = []
        widget.answerChanged.connect(lambda qid, value: self.answers.append((qid, value)))
        widget.noteChanged.connect(lambda qid, text: self.notes.append((qid, text)))


@pytest.fixture
def make(qtbot, knowledge):
    def build(qid: str | Question, role: str = "founder") -> tuple[QuestionWidget, Recorder]:
        question = qid if isinstance(qid, Question) else knowledge.questionnaire.questions[qid]
        widget = QuestionWidget(question, role)
        qtbot.addWidget(widget)
        widget.resize(760, widget.sizeHint().height() + 200)
        widget.show()
        activate(qtbot, widget)
        return widget, Recorder(widget)

    return build


def activate(qtbot, widget: QuestionWidget) -> None:
    """Keyboard focus and shortcuts only work in the active window, as for a real user."""
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


def type_into(qtbot, edit: QLineEdit, text: str, enter: bool = True) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    if text:
        qtbot.keyClicks(edit, text)
    if enter:
        qtbot.keyClick(edit, Qt.Key.Key_Return)


# -- amounts and other numbers -------------------------------------------------------
def test_amount_with_pound_sign_and_commas_is_sent_as_a_number_and_reformatted(qtbot, make):
    widget, seen = make("fin.turnover")
    type_into(qtbot, widget.input.edit, "£1,250,000")
    assert seen.answers == [("fin.turnover", 1250000)]
    assert isinstance(seen.answers[0][1], int)
    assert widget.input.edit.text() == "1,250,000"
    assert widget.value() == 1250000
    assert widget.problem_text() is None


@pytest.mark.parametrize(
    ("typed", "value", "shown"),
    [("1234567.5", 1234567.5, "1,234,567.50"), ("-12,000", -12000, "\u221212,000"), ("(4,500)", -4500,
                                                                                       "\u22124,500")],
)
def test_amount_accepts_plain_decimal_and_negative_figures(qtbot, make, typed, value, shown):
    widget, seen = make("fin.surplus")
    type_into(qtbot, widget.input.edit, typed)
    assert seen.answers == [("fin.surplus", value)]
    assert widget.input.edit.text() == shown


def test_letters_in_an_amount_show_the_problem_keep_the_text_and_send_nothing(qtbot, make):
    widget, seen = make("fin.turnover")
    widget.set_value(500000)
    type_into(qtbot, widget.input.edit, "about half a million")
    assert seen.answers == []
    assert widget.input.edit.text() == "about half a million"
    assert widget.problem_text() == AMOUNT_HINT
    assert widget.problem_line.isVisible()
    assert widget.has_unread_text()
    assert widget.value() == 500000  # the last real answer is still the answer
    # the caller clearing constraint problems must not hide what is wrong with the typed text
    widget.set_problem(None)
    assert widget.problem_text() == AMOUNT_HINT
    type_into(qtbot, widget.input.edit, "480000")
    assert seen.answers == [("fin.turnover", 480000)]
    assert widget.problem_text() is None and not widget.problem_line.isVisible()


def test_a_figure_too_large_to_be_real_is_not_sent(qtbot, make):
    widget, seen = make("loan.amount")
    type_into(qtbot, widget.input.edit, "9" * 17)
    assert seen.answers == []
    assert "too large" in (widget.problem_text() or "")


def test_percent_outside_0_to_100_is_still_sent_for_the_questionnaire_to_judge(qtbot, make, knowledge):
    widget, seen = make("inc.grant_share")
    type_into(qtbot, widget.input.edit, "140")
    assert seen.answers == [("inc.grant_share", 140)]
    assert widget.problem_text() is None
    question = knowledge.questionnaire.questions["inc.grant_share"]
    widget.set_problem(knowledge.questionnaire.constraint_problem(question, 140))
    assert widget.problem_text() == "A percentage from 0 to 100"
    assert widget.problem_line.isVisible()


def test_percent_accepts_decimals_and_a_typed_percent_sign(qtbot, make):
    widget, seen = make("loan.interest_rate")
    type_into(qtbot, widget.input.edit, "7.25%")
    assert seen.answers == [("loan.interest_rate", 7.25)]
    assert widget.input.edit.text() == "7.25"


def test_decimals_in_a_whole_number_are_passed_on_not_truncated(qtbot, make, knowledge):
    widget, seen = make("gov.board_size")
    type_into(qtbot, widget.input.edit, "3.5")
    assert seen.answers == [("gov.board_size", 3.5)]
    invalid = knowledge.questionnaire.validate({"gov.board_size": 3.5}).invalid
    assert [i.message for i in invalid] == ["A whole number, without decimals"]
    widget.set_problem(invalid[0].message)
    assert widget.problem_line.text.text() == "A whole number, without decimals"


def test_enter_then_leaving_the_box_sends_one_change_and_retyping_the_same_sends_none(qtbot, make):
    widget, seen = make("fin.cash")
    type_into(qtbot, widget.input.edit, "18000")
    widget.help_button.setFocus()  # leaving the box finishes editing again
    type_into(qtbot, widget.input.edit, "18,000")
    assert seen.answers == [("fin.cash", 18000)]


def test_typing_without_finishing_sends_nothing_until_commit_pending(qtbot, make):
    widget, seen = make("fin.cash")
    type_into(qtbot, widget.input.edit, "2500", enter=False)
    assert seen.answers == []
    widget.commit_pending()
    assert seen.answers == [("fin.cash", 2500)]


def test_clearing_a_number_box_sends_none(qtbot, make):
    widget, seen = make("fin.cash")
    widget.set_value(18000)
    assert widget.input.edit.text() == "18,000"
    type_into(qtbot, widget.input.edit, "")
    assert seen.answers == [("fin.cash", None)]
    assert widget.value() is None


def test_set_value_fills_in_without_sending_and_clears_a_typed_problem(qtbot, make):
    widget, seen = make("fin.turnover")
    type_into(qtbot, widget.input.edit, "lots")
    with qtbot.assertNotEmitted(widget.answerChanged), qtbot.assertNotEmitted(widget.noteChanged):
        widget.set_value(9600000)
        widget.set_note("From the audited accounts")
    assert widget.input.edit.text() == "9,600,000"
    assert widget.problem_text() is None
    assert widget.note_visible() and widget.note_button.text() == "Hide note"
    assert seen.answers == [] and seen.notes == []


# -- choices ------------------------------------------------------------------------
def test_radio_choice_sends_the_choice_id_and_shows_labels_with_help_as_tooltip(qtbot, make, knowledge):
    widget, seen = make("gov.management_accounts")
    assert isinstance(widget.input, RadioInput)
    question = knowledge.questionnaire.questions["gov.management_accounts"]
    monthly = widget.input.buttons["monthly"]
    assert monthly.text() == "Monthly"
    assert monthly.toolTip() == question.choices[0].help
    qtbot.mouseClick(monthly, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(widget.input.buttons["quarterly"], Qt.MouseButton.LeftButton)
    assert seen.answers == [("gov.management_accounts", "monthly"), ("gov.management_accounts", "quarterly")]


def test_radio_answer_can_be_cleared_with_the_clear_answer_button(qtbot, make):
    widget, seen = make("gov.finance_expertise")
    assert not widget.clear_button.isVisible()
    qtbot.mouseClick(widget.input.buttons["no"], Qt.MouseButton.LeftButton)
    assert widget.clear_button.isVisible()
    qtbot.mouseClick(widget.clear_button, Qt.MouseButton.LeftButton)
    assert seen.answers == [("gov.finance_expertise", "no"), ("gov.finance_expertise", None)]
    assert not any(b.isChecked() for b in widget.input.buttons.values())
    assert not widget.clear_button.isVisible()


def test_radio_group_is_one_tab_stop_and_arrow_keys_change_the_answer(qtbot, make):
    widget, seen = make("gov.management_accounts")
    widget.set_value("monthly")
    widget.focus_input()
    assert QApplication.focusWidget() is widget.input.buttons["monthly"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert seen.answers == [("gov.management_accounts", "quarterly")]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is widget.help_button


def test_yes_no_is_two_radio_buttons_sending_yes_or_no(qtbot, make):
    widget, seen = make("ppl.lgps_admitted_body")
    assert [b.text() for b in widget.input.buttons.values()] == ["Yes", "No"]
    qtbot.mouseClick(widget.input.buttons["yes"], Qt.MouseButton.LeftButton)
    assert seen.answers == [("ppl.lgps_admitted_body", "yes")]


def test_set_value_checks_a_radio_without_sending(qtbot, make):
    widget, seen = make("lock.asset_lock")
    with qtbot.assertNotEmitted(widget.answerChanged):
        widget.set_value("statutory")
        widget.set_value(None)
        widget.set_value("in_rules")
    assert widget.input.buttons["in_rules"].isChecked()
    assert widget.value() == "in_rules"


def test_combo_starts_unanswered_and_sends_the_choice_id_or_none(qtbot, make, knowledge):
    widget, seen = make("org.legal_form")
    assert isinstance(widget.input, ComboInput)
    combo: QComboBox = widget.input.combo
    assert combo.currentText() == "— choose —"
    assert widget.value() is None
    question = knowledge.questionnaire.questions["org.legal_form"]
    assert combo.itemData(1, Qt.ItemDataRole.ToolTipRole) == question.choices[0].help
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == question.choices[1].label
    qtbot.keyClick(combo, Qt.Key.Key_Home)  # back to "— choose —": unanswered again
    assert seen.answers == [
        ("org.legal_form", "cic_shares"), ("org.legal_form", "cic_guarantee"), ("org.legal_form", None)]


def test_combo_ignores_the_mouse_wheel_unless_focused(qtbot, make):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    widget, seen = make("loan.purpose")
    combo = widget.input.combo
    widget.help_button.setFocus()
    where = QPointF(5, 5)
    event = QWheelEvent(where, combo.mapToGlobal(where), QPoint(0, 0), QPoint(0, -120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(combo, event)
    assert seen.answers == [] and combo.currentIndex() == 0


# -- text, dates and months ----------------------------------------------------------
def test_short_text_is_a_line_and_long_text_a_box_that_tab_leaves(qtbot, make):
    name, seen_name = make("org.name")
    assert isinstance(name.input.edit, QLineEdit)
    type_into(qtbot, name.input.edit, "  Cwmni Wyr Cyf ", enter=False)  # QTest types Latin-1 only
    name.input.edit.insert("Ŵ")
    qtbot.keyClick(name.input.edit, Qt.Key.Key_Return)
    assert seen_name.answers == [("org.name", "Cwmni Wyr Cyf Ŵ")]

    activity, seen = make("org.activity")
    activate(qtbot, activity)
    assert isinstance(activity.input, TextAreaInput)
    box: QPlainTextEdit = activity.input.edit
    box.setFocus()
    qtbot.keyClicks(box, "Community health services")
    assert seen.answers == []
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert box.toPlainText() == "Community health services"  # Tab moved on instead of typing a tab
    assert QApplication.focusWidget() is activity.help_button
    assert seen.answers == [("org.activity", "Community health services")]


def test_date_typed_in_british_order_is_sent_as_iso(qtbot, make):
    widget, seen = make("fin.accounts_year_end")
    type_into(qtbot, widget.input.edit, "31/03/2026")
    assert seen.answers == [("fin.accounts_year_end", "2026-03-31")]
    assert widget.input.edit.text() == "31/03/2026"  # the file keeps ISO; the reader sees UK


def test_date_can_be_picked_from_the_calendar(qtbot, make):
    widget, seen = make("fin.accounts_year_end")
    assert isinstance(widget.input, DateInput)
    qtbot.mouseClick(widget.input.calendar_button, Qt.MouseButton.LeftButton)
    calendar = widget.input.calendar
    qtbot.waitUntil(calendar.isVisible)
    calendar.setSelectedDate(QDate(2026, 3, 31))
    view = calendar.findChild(QTableView, "qt_calendar_calendarview")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert seen.answers == [("fin.accounts_year_end", "2026-03-31")]
    assert not calendar.isVisible()


def test_an_impossible_date_goes_to_the_questionnaire_with_the_text_kept(qtbot, make, knowledge):
    widget, seen = make("fin.accounts_year_end")
    type_into(qtbot, widget.input.edit, "2026-02-30")
    assert seen.answers == [("fin.accounts_year_end", "2026-02-30")]
    invalid = knowledge.questionnaire.validate({"fin.accounts_year_end": "2026-02-30"}).invalid
    assert invalid[0].message == "A real date written day first, for example 31/03/2026"


def test_month_box_takes_yyyy_mm_and_british_forms(qtbot, make):
    question = Question("demo.month", "month", "demo", RoleText("First month", "First month", "First month"),
                        RoleText("The first month.", "The first month.", "The first month."))
    widget, seen = make(question)
    assert widget.input.edit.placeholderText() == "mmm yyyy"
    type_into(qtbot, widget.input.edit, "08/2027")
    assert widget.input.edit.text() == "Aug 2027"
    type_into(qtbot, widget.input.edit, "2027-09")
    type_into(qtbot, widget.input.edit, "Oct 2027")
    assert seen.answers == [("demo.month", "2027-08"), ("demo.month", "2027-09"), ("demo.month", "2027-10")]
    assert widget.input.edit.text() == "Oct 2027"


# -- help, notes, keyboard and names ---------------------------------------------------
def test_help_shows_the_roles_text_on_demand_by_click_or_keyboard(qtbot, make, knowledge):
    widget, _ = make("fin.turnover", role="founder")
    question = knowledge.questionnaire.questions["fin.turnover"]
    assert not widget.help_visible()
    qtbot.mouseClick(widget.help_button, Qt.MouseButton.LeftButton)
    assert widget.help_visible()
    assert widget.help_label.text() == question.help.for_role("founder")
    widget.help_button.setFocus()
    qtbot.keyClick(widget.help_button, Qt.Key.Key_Space)
    assert not widget.help_visible()
    widget.input.edit.setFocus()
    qtbot.keyClick(widget.input.edit, Qt.Key.Key_F1)
    assert widget.help_visible()


def test_lender_and_founder_see_their_own_wording(qtbot, make):
    lender, _ = make("fin.turnover", role="lender")
    founder, _ = make("fin.turnover", role="founder")
    assert lender.label.text() == "Turnover / total income, last full year"
    assert founder.label.text() == "Total income in your last full year"
    assert founder.input.edit.accessibleName() == "Total income in your last full year"


def test_note_is_revealed_typed_and_sent_when_the_box_is_left(qtbot, make):
    widget, seen = make("gov.board_size")
    assert not widget.note_visible()
    qtbot.mouseClick(widget.note_button, Qt.MouseButton.LeftButton)
    assert widget.note_visible()
    assert QApplication.focusWidget() is widget.note_edit
    qtbot.keyClicks(widget.note_edit, "Two vacancies being recruited")
    assert seen.notes == []
    widget.input.edit.setFocus()
    assert seen.notes == [("gov.board_size", "Two vacancies being recruited")]
    # hiding keeps the note; the button says there is one to show
    qtbot.mouseClick(widget.note_button, Qt.MouseButton.LeftButton)
    assert not widget.note_visible() and widget.note_button.text() == "Show note"
    assert widget.note() == "Two vacancies being recruited"
    # emptying it removes it
    qtbot.mouseClick(widget.note_button, Qt.MouseButton.LeftButton)
    widget.note_edit.selectAll()
    qtbot.keyClick(widget.note_edit, Qt.Key.Key_Delete)
    widget.commit_pending()
    assert seen.notes[-1] == ("gov.board_size", "")


def test_tab_goes_label_input_help_note_in_reading_order(qtbot, make):
    widget, _ = make("fin.turnover")
    assert widget.label.buddy() is widget.input.edit
    widget.input.edit.setFocus()
    order = [QApplication.focusWidget()]
    for _ in range(2):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [widget.input.edit, widget.help_button, widget.note_button]


def test_every_focusable_part_has_a_name_that_says_what_it_is(qtbot, make):
    widget, _ = make("fin.accounts_year_end", role="founder")
    label = "When did your last full financial year end?"
    assert widget.input.edit.accessibleName() == label
    assert widget.input.calendar_button.accessibleName() == f"Choose a date for {label}"
    assert widget.help_button.accessibleName() == f"Help for {label}"
    assert widget.note_edit.accessibleName() == f"Note for {label}"
    assert widget.note_button.accessibleName() == f"Add a note: {label}"
    radios, _ = make("gov.finance_expertise", role="founder")
    yes = radios.input.buttons["yes"]
    assert yes.accessibleName() == "Does someone on your board have finance expertise?: Yes"


def test_the_problem_is_told_to_screen_readers_too(qtbot, make):
    widget, _ = make("inc.grant_share")
    widget.set_problem("A percentage from 0 to 100")
    description = widget.input.edit.accessibleDescription()
    assert description.startswith("Percentage. Problem: A percentage from 0 to 100.")
    widget.set_problem(None)
    assert "Problem" not in widget.input.edit.accessibleDescription()


# -- parsing on its own ------------------------------------------------------------
@pytest.mark.parametrize(
    ("qtype", "text", "value"),
    [("amount", "£ 1 250 000", 1250000), ("amount", "-£12,000", -12000), ("amount", "\u2212£12,000", -12000),
     ("amount", "1,2345", None), ("amount", "1e5", None), ("amount", "nan", None), ("amount", "£", None),
     ("percent", ".5", 0.5), ("integer", "3.0", 3), ("number", "2.75", 2.75), ("text", "  ", None)],
)
def test_parse_answer(qtype, text, value):
    assert parse_answer(qtype, text).value == value


@pytest.mark.parametrize("value", [1250000, 1234567.5, -12000, 1234.567, 0.1 + 0.2, 7.125, 1e-7])
def test_what_a_box_shows_reads_back_as_the_same_value(value):
    for qtype in ("amount", "percent", "number"):
        assert parse_answer(qtype, display_text(qtype, value)).value == value
