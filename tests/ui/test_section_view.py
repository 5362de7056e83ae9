"""The section view, wired the way a main window wires it: answers → validate → relevance and problems."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QWidget  # noqa: E402

from lendready.domain.engine.questionnaire import ROLES, Questionnaire  # noqa: E402
from lendready.ui.forecast_table import ForecastEditor  # noqa: E402
from lendready.ui.section_view import SectionView  # noqa: E402
from lendready.ui.widgets import QuestionWidget  # noqa: E402


class Glue:
    """What a main window does: keep the answers, ask the questionnaire, show what it says."""

    def __init__(self, view: SectionView, questionnaire: Questionnaire, answers: dict[str, Any] | None = None,
                 notes: dict[str, str] | None = None) -> None:
        self.view = view
        self.questionnaire = questionnaire
        self.answers: dict[str, Any] = dict(answers or {})
        self.notes: dict[str, str] = dict(notes or {})
        view.set_answers(self.answers, self.notes)
        self.refresh()
        view.answerChanged.connect(self.on_answer)
        view.noteChanged.connect(self.on_note)

    def on_answer(self, qid: str, value: object) -> None:
        if value is None:
            self.answers.pop(qid, None)
        else:
            self.answers[qid] = value
        self.refresh()

    def on_note(self, qid: str, text: str) -> None:
        if text:
            self.notes[qid] = text
        else:
            self.notes.pop(qid, None)

    def refresh(self) -> None:
        validated = self.questionnaire.validate(self.answers)
        self.view.apply_relevance(set(validated.relevant))
        self.view.set_problems({item.question: item.message for item in validated.invalid})


@pytest.fixture
def questionnaire(knowledge) -> Questionnaire:
    return knowledge.questionnaire


@pytest.fixture
def open_section(qtbot, questionnaire):
    def build(section_id: str, role: str = "lender", answers: dict[str, Any] | None = None) -> Glue:
        section = next(s for s in questionnaire.sections if s.id == section_id)
        view = SectionView(section, questionnaire, role)
        qtbot.addWidget(view)
        view.resize(1000, 800)
        view.show()
        qtbot.waitExposed(view)
        view.activateWindow()
        qtbot.waitUntil(view.isActiveWindow)
        return Glue(view, questionnaire, answers)

    return build


def widget(glue: Glue, qid: str) -> QuestionWidget:
    editor = glue.view.editor(qid)
    assert isinstance(editor, QuestionWidget)
    return editor


def type_answer(qtbot, glue: Glue, qid: str, text: str) -> None:
    edit = widget(glue, qid).input.edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def click(qtbot, glue: Glue, qid: str, choice: str) -> None:
    qtbot.mouseClick(widget(glue, qid).input.buttons[choice], Qt.MouseButton.LeftButton)


# -- skip logic --------------------------------------------------------------------
def test_suspension_power_is_asked_only_when_there_is_withdrawable_capital(qtbot, open_section):
    glue = open_section("legal_form")
    view = glue.view
    assert not view.is_shown("lock.can_suspend_withdrawals")  # unanswered capital: not asked
    type_answer(qtbot, glue, "lock.withdrawable_share_capital", "25,000")
    assert glue.answers["lock.withdrawable_share_capital"] == 25000
    assert view.is_shown("lock.can_suspend_withdrawals")
    click(qtbot, glue, "lock.can_suspend_withdrawals", "yes")
    type_answer(qtbot, glue, "lock.withdrawable_share_capital", "0")
    assert not view.is_shown("lock.can_suspend_withdrawals")
    # hidden, not forgotten: the answer stays in the case and in the widget
    assert glue.answers["lock.can_suspend_withdrawals"] == "yes"
    assert view.editor("lock.can_suspend_withdrawals").value() == "yes"
    type_answer(qtbot, glue, "lock.withdrawable_share_capital", "£1,500")
    assert view.is_shown("lock.can_suspend_withdrawals")
    assert widget(glue, "lock.can_suspend_withdrawals").input.buttons["yes"].isChecked()


def test_pension_guarantee_is_asked_only_for_an_lgps_admitted_body(qtbot, open_section):
    glue = open_section("people", role="founder")
    view = glue.view
    assert view.is_shown("ppl.lgps_admitted_body")
    assert not view.is_shown("ppl.pension_guarantee") and not view.is_shown("ppl.pension_deficit")
    click(qtbot, glue, "ppl.lgps_admitted_body", "yes")
    assert view.is_shown("ppl.pension_guarantee") and view.is_shown("ppl.pension_deficit")
    click(qtbot, glue, "ppl.lgps_admitted_body", "no")
    assert not view.is_shown("ppl.pension_guarantee")
    qtbot.mouseClick(widget(glue, "ppl.lgps_admitted_body").clear_button, Qt.MouseButton.LeftButton)
    assert "ppl.lgps_admitted_body" not in glue.answers
    assert not view.is_shown("ppl.pension_guarantee")


# -- constraint messages -----------------------------------------------------------
def test_more_independent_directors_than_board_members_is_shown_under_the_right_question(qtbot, open_section):
    glue = open_section("governance")
    type_answer(qtbot, glue, "gov.board_size", "5")
    type_answer(qtbot, glue, "gov.independent_directors", "7")
    independents = widget(glue, "gov.independent_directors")
    assert independents.problem_text() == "From 0 up to the number of board members"
    assert independents.problem_line.isVisible()
    assert widget(glue, "gov.board_size").problem_text() is None
    # fixing the earlier answer clears the later message: the glue re-validates everything
    type_answer(qtbot, glue, "gov.board_size", "9")
    assert independents.problem_text() is None and not independents.problem_line.isVisible()


def test_decimals_in_a_count_and_a_percentage_over_100_get_the_questionnaires_words(qtbot, open_section):
    glue = open_section("governance")
    type_answer(qtbot, glue, "gov.board_size", "3.5")
    assert glue.answers["gov.board_size"] == 3.5
    assert widget(glue, "gov.board_size").problem_text() == "A whole number, without decimals"

    income = open_section("income")
    type_answer(qtbot, income, "inc.grant_share", "140")
    assert income.answers["inc.grant_share"] == 140
    assert widget(income, "inc.grant_share").problem_text() == "A percentage from 0 to 100"
    type_answer(qtbot, income, "inc.grant_share", "14")
    assert widget(income, "inc.grant_share").problem_text() is None


def test_typed_text_that_is_not_an_amount_survives_revalidation(qtbot, open_section):
    glue = open_section("finances")
    type_answer(qtbot, glue, "fin.turnover", "ninety")
    type_answer(qtbot, glue, "fin.cash", "18000")  # another answer: the glue clears and resets problems
    turnover = widget(glue, "fin.turnover")
    assert turnover.problem_text() == "Enter an amount in pounds, for example £12,500, £45k or £1.2m"
    assert turnover.input.edit.text() == "ninety"
    assert "fin.turnover" not in glue.answers


# -- loading a case --------------------------------------------------------------------
def test_a_loaded_case_fills_every_question_without_sending_anything(qtbot, open_section, samples):
    case = samples["riverside"]
    glue = open_section("finances")
    with qtbot.assertNotEmitted(glue.view.answerChanged), qtbot.assertNotEmitted(glue.view.noteChanged):
        glue.view.set_answers(case.answers, {"fin.turnover": "Audited accounts to March"})
    assert widget(glue, "fin.turnover").input.edit.text() == "9,600,000"
    assert widget(glue, "fin.turnover").note() == "Audited accounts to March"
    assert widget(glue, "fin.cash").input.edit.text() == ""  # absent means unanswered
    assert widget(glue, "fin.debtor_days").value() == 34


def test_notes_are_forwarded(qtbot, open_section):
    glue = open_section("governance")
    board = widget(glue, "gov.board_size")
    qtbot.mouseClick(board.note_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(board.note_edit, "Two vacancies")
    board.input.edit.setFocus()
    assert glue.notes == {"gov.board_size": "Two vacancies"}


def test_commit_pending_sends_what_is_typed_but_not_finished(qtbot, open_section):
    glue = open_section("loan")
    edit = widget(glue, "loan.amount").input.edit
    edit.setFocus()
    qtbot.keyClicks(edit, "250000")
    assert "loan.amount" not in glue.answers
    glue.view.commit_pending()
    assert glue.answers["loan.amount"] == 250000


# -- moving to a question ----------------------------------------------------------
def test_focus_question_scrolls_focuses_and_briefly_highlights(qtbot, open_section, samples):
    glue = open_section("finances", answers=dict(samples["riverside"].answers))
    view = glue.view
    bar = view.scroll.verticalScrollBar()
    assert bar.value() == 0
    assert view.focus_question("fin.debtor_days")
    debtor_days = widget(glue, "fin.debtor_days")
    assert QApplication.focusWidget() is debtor_days.input.edit
    qtbot.waitUntil(lambda: bar.value() > 0)
    row = debtor_days.parentWidget()
    top = row.mapTo(view.scroll.viewport(), row.rect().topLeft()).y()
    assert 0 <= top and top + row.height() <= view.scroll.viewport().height()
    assert view.is_highlighted("fin.debtor_days")
    qtbot.waitUntil(lambda: not view.is_highlighted("fin.debtor_days"), timeout=3000)


def test_focus_question_refuses_a_question_the_skip_logic_hides(open_section):
    glue = open_section("people")
    assert not glue.view.focus_question("ppl.pension_guarantee")
    assert not glue.view.is_highlighted("ppl.pension_guarantee")


def test_focusing_the_section_puts_the_cursor_in_its_first_asked_question(open_section):
    glue = open_section("governance")
    glue.view.setFocus()
    assert QApplication.focusWidget() is widget(glue, "gov.board_size").input.edit


def test_question_ids_follow_the_questionnaire(open_section, questionnaire):
    glue = open_section("people")
    section = next(s for s in questionnaire.sections if s.id == "people")
    assert glue.view.question_ids() == tuple(q.id for q in section.questions)


# -- the forecast table --------------------------------------------------------------
def test_the_forecast_question_uses_the_forecast_editor(qtbot, open_section):
    glue = open_section("forecast")
    editor = glue.view.editor("fin.forecast")
    assert isinstance(editor, ForecastEditor)
    rows = [{"month": f"2027-{m:02d}", "receipts": 1000, "payments": 900} for m in range(1, 13)]
    editor.answerChanged.emit("fin.forecast", rows)  # the editor's own signal reaches the glue
    assert glue.answers["fin.forecast"] == rows


# -- accessibility -------------------------------------------------------------------
def _unnamed_focusable(root: QWidget) -> list[str]:
    missing = []
    for child in root.findChildren(QWidget):
        if child.focusPolicy() == Qt.FocusPolicy.NoFocus or child.accessibleName():
            continue
        # Qt presents a spin box as one control; its inner line edit is reached through it.
        parent = child.parentWidget()
        if isinstance(parent, QAbstractSpinBox) and child is parent.lineEdit() and parent.accessibleName():
            continue
        missing.append(f"{type(child).__name__} {child.objectName()!r} in {parent.objectName()!r}")
    return missing


@pytest.mark.parametrize("role", ROLES)
def test_every_focusable_widget_of_every_section_has_an_accessible_name(qtbot, questionnaire, role):
    for section in questionnaire.sections:
        view = SectionView(section, questionnaire, role)
        qtbot.addWidget(view)
        view.show()
        for qid in view.question_ids():  # reveal what opens on demand, too
            editor = view.editor(qid)
            if isinstance(editor, QuestionWidget):
                editor.toggle_help()
                editor.toggle_note()
        assert _unnamed_focusable(view) == [], section.id
        names = [w.accessibleName() for w in view.findChildren(QWidget) if w.accessibleName()]
        assert not any(qid in name for qid in view.question_ids() for name in names)  # no raw ids
