"""UK input through the real answer boxes: '£10k', '1.2m', '31/03/2025', 'Apr 2025'; unread text is 'to correct'."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402

from lendready.domain.engine.questionnaire import Question, RoleText  # noqa: E402
from lendready.ui.section_list import PROGRESS_ROLE  # noqa: E402
from lendready.ui.widgets import QuestionWidget  # noqa: E402


class Recorder:
    def __init__(self, widget: QuestionWidget) -> None:
        self.answers: list[tuple[str, object]] = []
        widget.answerChanged.connect(lambda qid, value: self.answers.append((qid, value)))


@pytest.fixture
def make(qtbot, knowledge):
    def build(qid: str | Question) -> tuple[QuestionWidget, Recorder]:
        question = qid if isinstance(qid, Question) else knowledge.questionnaire.questions[qid]
        widget = QuestionWidget(question, "lender")
        qtbot.addWidget(widget)
        widget.show()
        qtbot.waitExposed(widget)
        widget.activateWindow()
        qtbot.waitUntil(widget.isActiveWindow)
        return widget, Recorder(widget)

    return build


def type_into(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:  # QTest types Latin-1 key presses only; "£" arrives as an input method sends it
        edit.insert(text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


@pytest.mark.parametrize(("typed", "value", "shown"), [
    ("£10k", 10_000, "10,000"),
    ("10k", 10_000, "10,000"),
    ("1.2m", 1_200_000, "1,200,000"),
    ("£1.2m", 1_200_000, "1,200,000"),
    ("£45k", 45_000, "45,000"),
    ("1,200,000", 1_200_000, "1,200,000"),
    ("£12,500.50", 12500.5, "12,500.50"),
])
def test_amount_box_reads_uk_shorthand(qtbot, make, typed, value, shown):
    widget, seen = make("loan.amount")
    type_into(qtbot, widget.input.edit, typed)
    assert seen.answers == [("loan.amount", value)]
    assert type(seen.answers[0][1]) is type(value)
    assert widget.input.edit.text() == shown  # "£" is drawn beside the box
    assert widget.problem_text() is None


def test_amount_box_refuses_letters_with_an_example_it_would_accept(qtbot, make):
    widget, seen = make("loan.amount")
    type_into(qtbot, widget.input.edit, "ten grand")
    assert seen.answers == []
    assert widget.problem_text() == "Enter an amount in pounds, for example £12,500, £45k or £1.2m"
    assert widget.input.edit.text() == "ten grand"  # kept, to be corrected
    assert widget.has_unread_text()


@pytest.mark.parametrize("typed", ["31/03/2025", "31.03.2025", "31 March 2025", "2025-03-31"])
def test_date_box_takes_day_first_and_shows_dd_mm_yyyy(qtbot, make, typed):
    widget, seen = make("fin.accounts_year_end")
    assert widget.input.edit.placeholderText() == "dd/mm/yyyy"
    type_into(qtbot, widget.input.edit, typed)
    assert seen.answers == [("fin.accounts_year_end", "2025-03-31")]  # the case file keeps ISO
    assert widget.input.edit.text() == "31/03/2025"


def test_a_loaded_date_and_month_show_the_uk_way(qtbot, make):
    widget, seen = make("fin.accounts_year_end")
    widget.set_value("2026-03-31")
    assert widget.input.edit.text() == "31/03/2026"
    month = Question("demo.month", "month", "demo", RoleText("First month", "First month", "First month"),
                     RoleText("", "", ""))
    box, _ = make(month)
    box.set_value("2025-04")
    assert box.input.edit.text() == "Apr 2025"
    widget.commit_pending()  # nothing edited: nothing sent
    assert seen.answers == []


def test_years_trading_message_gives_an_example_it_accepts(qtbot, make, knowledge):
    widget, seen = make("org.years_trading")
    type_into(qtbot, widget.input.edit, "three")
    message = widget.problem_text() or ""
    example = message.rsplit("for example ", 1)[1]
    assert knowledge.questionnaire.validate({"org.years_trading": float(example)}).invalid == []
    assert float(example).is_integer()  # the label asks for whole years
    type_into(qtbot, widget.input.edit, "3 years")
    assert seen.answers == [("org.years_trading", 3)]
    assert widget.problem_text() is None


def _progress(window, section_id: str) -> str:
    sections = [s.id for s in window.knowledge.questionnaire.sections]
    return window.workspace.sections.item(sections.index(section_id)).data(PROGRESS_ROLE)


def test_letters_in_a_number_box_count_as_to_correct_like_a_negative_number(qtbot, window):
    window.new_case("lender")
    window.go_to_question("org.staff_count")
    view = window.workspace.views["organisation"]
    staff = view.editor("org.staff_count").input.edit
    assert "to correct" not in _progress(window, "organisation")

    type_into(qtbot, staff, "abc")
    assert view.unread_questions() == ["org.staff_count"]
    assert "⚠ 1 to correct" in _progress(window, "organisation")
    assert "org.staff_count" not in window.session.answers  # unread text never reaches the case

    type_into(qtbot, staff, "-3")  # a number that breaks the rule: the questionnaire's problem
    assert window.session.answers["org.staff_count"] == -3
    assert "⚠ 1 to correct" in _progress(window, "organisation")

    members = view.editor("org.member_count").input.edit
    type_into(qtbot, members, "lots")
    assert "⚠ 2 to correct" in _progress(window, "organisation")

    type_into(qtbot, staff, "12")
    type_into(qtbot, members, "40")
    assert "to correct" not in _progress(window, "organisation")


def test_a_loaded_case_clears_unread_text_from_the_count(qtbot, window):
    window.new_case("lender")
    window.go_to_question("org.staff_count")
    view = window.workspace.views["organisation"]
    type_into(qtbot, view.editor("org.staff_count").input.edit, "abc")
    assert "to correct" in _progress(window, "organisation")
    view.editor("org.staff_count").set_value(12)
    assert view.unread_questions() == []
    assert "to correct" not in _progress(window, "organisation")
