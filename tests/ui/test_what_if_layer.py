"""A what-if is a layer over the case: the case stays open and untouched; Back returns to it as it was,
Apply puts the changed answers into it, and nothing ever asks to save a case that was not closed."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES
from PySide6.QtCore import Qt

from lendready.domain.engine import formatting

pytestmark = pytest.mark.usefixtures("no_dialogs")


@pytest.fixture
def vale(tmp_path):
    """Vale with no finance expertise on the board: nearly ready, with a proposal that makes it ready."""
    path = tmp_path / "vale-variant.lendready"
    doc = json.loads((SAMPLES / "vale.lendready").read_text("utf-8"))
    doc["answers"]["gov.finance_expertise"] = "no"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def open_case_and_edit(qtbot, window, path):
    """Open the case, go to the finances section and change an answer there (so the case is dirty)."""
    assert window.open_path(str(path))
    ws = window.workspace
    ws.sections.setCurrentRow(3)
    section, qid = ws.current_section(), "fin.turnover"
    edit = ws.views[section].editor(qid).input.edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "123456")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.session.dirty and window.session.answers[qid] == 123456
    return section, qid


def try_first_proposal(window):
    ws = window.workspace
    ws.right_tabs.setCurrentWidget(ws.what_if)
    assert ws.what_if.try_buttons, "a proposal should be offered for a nearly-ready case"
    ws.what_if.try_buttons[0].click()


def test_try_this_shows_a_what_if_over_the_case_which_stays_untouched(qtbot, window, vale):
    section, qid = open_case_and_edit(qtbot, window, vale)
    case, case_ws, revision = window.session, window.workspace, window.session.revision
    before_file = vale.read_bytes()
    try_first_proposal(window)

    layer = window.what_if_layer
    assert layer is not None and window.central.currentWidget() is layer.workspace
    assert window.session is case and window.workspace is case_ws  # the case is still the open case
    assert case.answers["gov.finance_expertise"] == "no" and case.answers[qid] == 123456
    assert case.dirty and case.revision == revision
    assert layer.model.session.answers["gov.finance_expertise"] == "yes"
    assert vale.read_bytes() == before_file
    label = window.knowledge.questionnaire.questions["gov.finance_expertise"].label.for_role(case_ws.wording)
    assert layer.banner.change_lines() == [f"{label}: No → Yes"]
    assert layer.banner.isVisible()
    ready, nearly = window.knowledge.bands["ready"].label, window.knowledge.bands["nearly_ready"].label
    assert layer.banner.band_texts() == (ready, nearly)
    assert window.windowTitle().startswith("What-if on vale-variant.lendready")
    assert window.isWindowModified()  # the case's unsaved state, still shown


def test_back_returns_to_the_case_exactly_as_it_was(qtbot, window, vale):
    section, qid = open_case_and_edit(qtbot, window, vale)
    case, case_ws, revision = window.session, window.workspace, window.session.revision
    try_first_proposal(window)
    window.what_if_layer.banner.back_button.click()
    assert window.what_if_layer is None
    assert window.central.currentWidget() is case_ws and window.workspace.current_section() == section
    assert window.session is case and case.dirty and case.revision == revision
    assert case.answers["gov.finance_expertise"] == "no"
    assert window.windowTitle() == "vale-variant.lendready[*]"


def test_a_clean_case_stays_clean_through_a_what_if(qtbot, window, vale):
    window.open_path(str(vale))
    try_first_proposal(window)
    assert not window.session.dirty and not window.isWindowModified()
    window.autosave()
    assert window.recovery.pending_files() == []  # nothing of the what-if's is written as the case's
    window.back_to_case()
    assert not window.session.dirty


def test_editing_in_the_what_if_updates_the_list_and_apply_puts_the_answers_in_the_case(qtbot, window, vale):
    window.open_path(str(vale))
    case = window.session
    try_first_proposal(window)
    layer = window.what_if_layer
    q = window.knowledge.questionnaire.questions["fin.surplus"]
    ws = layer.workspace
    ws.sections.setCurrentRow([s.id for s in window.knowledge.questionnaire.sections].index(q.section))
    edit = ws.views[q.section].editor("fin.surplus").input.edit
    old = case.answers["fin.surplus"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "99000")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert case.answers["fin.surplus"] == old  # the case has not moved
    lines = layer.banner.change_lines()
    assert f"{q.label.for_role(ws.wording)}: {formatting.money(old)} → {formatting.money(99000)}" in lines
    assert len(lines) == 2
    layer.banner.apply_button.click()
    assert window.what_if_layer is None and window.central.currentWidget() is window.workspace
    assert window.session is case and case.dirty
    assert case.answers["fin.surplus"] == 99000 and case.answers["gov.finance_expertise"] == "yes"
    assert case.assessment.band == "ready"
    # the case's own boxes show the applied answers
    case_edit = window.workspace.views[q.section].editor("fin.surplus").input.edit
    assert case_edit.text() == formatting.money(99000).lstrip("£") or "99,000" in case_edit.text()


def test_save_in_a_what_if_saves_the_case_not_the_what_if(qtbot, window, vale):
    section, qid = open_case_and_edit(qtbot, window, vale)
    try_first_proposal(window)
    assert window.save()
    saved = json.loads(vale.read_text("utf-8"))
    assert saved["answers"]["gov.finance_expertise"] == "no" and saved["answers"][qid] == 123456
    assert not window.session.dirty and window.what_if_layer is not None


def test_closing_in_a_what_if_asks_only_about_the_case(qtbot, window, vale, monkeypatch):
    window.open_path(str(vale))
    try_first_proposal(window)
    assert window.close_case()  # the case is clean: nothing to ask, and the what-if is not a file
    assert window.what_if_layer is None and window.session is None


def test_the_what_if_explainer_says_what_changed_from_the_case(qtbot, window, vale):
    window.open_path(str(vale))
    try_first_proposal(window)
    line = window.what_if_layer.workspace.explainer.change_text()
    bands = window.knowledge.bands
    assert line.startswith(f"Band: {bands['nearly_ready'].label} → {bands['ready'].label}")


def test_a_further_proposal_is_tried_on_the_same_what_if(qtbot, window, vale):
    window.open_path(str(vale))
    case = window.session
    answers = dict(case.answers)
    try_first_proposal(window)
    layer = window.what_if_layer
    (first,) = layer.banner.change_lines()
    layer.workspace.what_if.tryProposal.emit({"fin.surplus": 99_000})  # "Try this" in the what-if's own tab
    assert window.what_if_layer is layer and len(layer.banner.change_lines()) == 2
    assert layer.model.session.answers["fin.surplus"] == 99_000
    assert dict(case.answers) == answers and not case.dirty


def test_the_recovery_copy_written_during_a_what_if_is_the_case(qtbot, window, vale, knowledge):
    section, qid = open_case_and_edit(qtbot, window, vale)
    try_first_proposal(window)
    window.autosave()
    (file,) = window.recovery.pending_files()
    assert file == window.recovery.file_for(window.session.case)  # the case's own slot
    text = file.read_text("utf-8")
    assert "123456" in text and '"gov.finance_expertise": "no"' in text.replace('":"', '": "')


def test_undo_puts_back_what_apply_replaced_until_the_next_edit(qtbot, window, vale):
    window.open_path(str(vale))
    case = window.session
    before = dict(case.answers)
    assert not window.undo_apply_action.isEnabled()
    try_first_proposal(window)
    assert not window.undo_apply_action.isEnabled()  # nothing applied yet
    window.what_if_layer.banner.apply_button.click()
    assert case.answers["gov.finance_expertise"] == "yes" and case.assessment.band == "ready"
    assert window.undo_apply_action.isEnabled()
    window.undo_apply_action.trigger()
    assert case.answers == before and case.assessment.band == "nearly_ready"
    q = window.knowledge.questionnaire.questions["gov.finance_expertise"]
    shown = window.workspace.views[q.section].editor(q.id)
    assert shown.value() == "no"
    assert not window.undo_apply_action.isEnabled()  # one undo, not a toggle

    # An edit after applying ends the undo: it would otherwise throw that edit away.
    try_first_proposal(window)
    window.what_if_layer.banner.apply_button.click()
    assert window.undo_apply_action.isEnabled()
    case.set_answer("fin.surplus", 1234)
    window.refresh()
    assert not window.undo_apply_action.isEnabled() and not window.undo_apply_what_if()
    assert case.answers["gov.finance_expertise"] == "yes" and case.answers["fin.surplus"] == 1234
