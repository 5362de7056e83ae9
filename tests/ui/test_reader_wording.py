"""Issue 18: the founder's wording reaches findings, key figures and section titles in the real
window, and the reader's choice of wording survives opening a sample and restoring after a crash."""

from __future__ import annotations

from conftest import SAMPLES

from lendready.model.recovery import RecoveryEntry


def _set_wording(window, qtbot, role: str) -> None:
    ws = window.workspace
    ws.role_choice.setCurrentIndex(ws.role_choice.findData(role))
    qtbot.waitUntil(lambda: window.workspace.wording == role)


def test_founder_sees_plain_words_in_findings_figures_and_sections(window, qtbot, knowledge):
    window.new_case("founder")
    assert window.open_path(str(SAMPLES / "riverside.lendready"))
    _set_wording(window, qtbot, "founder")
    ws = window.workspace
    text = ws.explainer.browser.toPlainText()
    assert "DSCR" not in text.split("Findings")[0].split("Key figures")[-1]  # the figures' names
    assert "How many times your earnings cover a year's repayments" in text
    assert "What the words mean" in text and "Needs work" in text and "Major" in text
    for word in ("Amber", "High ·", "Not yet rated"):
        assert word not in text
    shown = [ws.sections.item(i).text() for i in range(ws.sections.count())]
    for section in knowledge.questionnaire.sections:
        assert any(section.title_for("founder") in s for s in shown), section.id
    for f in window.session.assessment.findings:
        assert f.title in text
        assert "LGPS admitted body" not in f.title


def test_opening_a_sample_keeps_the_readers_wording(window, qtbot):
    window.new_case("founder")
    assert window.workspace.wording == "founder"
    window.session = None  # nothing to save
    assert window.open_path(str(SAMPLES / "riverside.lendready"))  # prepared by a trainer
    assert window.workspace.wording == "founder"
    _set_wording(window, qtbot, "lender")
    window.session = None
    assert window.open_path(str(SAMPLES / "vale.lendready"))
    assert window.workspace.wording == "lender"


def test_restoring_keeps_the_readers_wording(window, qtbot, knowledge, tmp_path):
    from lendready.domain.files.case_file import load_case

    window.new_case("founder")
    window.session = None
    case = load_case(SAMPLES / "riverside.lendready", knowledge.questionnaire)
    window.restore(RecoveryEntry(tmp_path / "none.lendready", case, None, "", None))
    assert window.workspace.wording == "founder"
