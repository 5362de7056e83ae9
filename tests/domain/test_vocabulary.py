"""Issue 18: one severity vocabulary, and words for each reader (acronyms explained for founders)."""

from __future__ import annotations

from conftest import edit

from lendready.domain.engine.lint import lint
from lendready.domain.engine.status import (
    RATING_COLOURS,
    SEVERITY_COLOURS,
    legend,
    rating_word,
    severity_word,
)
from lendready.domain.engine.wording import explain, unexplained

TRAFFIC_LIGHTS = ("red", "amber", "green")


def test_every_code_has_one_word_and_a_meaning(knowledge):
    assert [severity_word(c, knowledge) for c in ("blocker", "high", "medium", "low", "info")] == [
        "Blocker", "Major", "Moderate", "Minor", "Note"]
    assert [rating_word(c, knowledge) for c in ("green", "amber", "red", "unknown")] == [
        "Satisfactory", "Needs work", "Serious concern", "Not yet known"]
    ratings, weights = legend(knowledge)
    assert [w.code for w in ratings] == ["green", "amber", "red", "unknown"]
    assert [w.code for w in weights] == ["blocker", "high", "medium", "low", "info"]
    assert all(len(w.meaning) > 10 for w in ratings + weights)


def test_a_weight_never_reads_or_looks_like_a_rating():
    assert not set(SEVERITY_COLOURS.values()) & set(RATING_COLOURS.values())
    for word in ("Blocker", "Major", "Moderate", "Minor", "Note"):
        assert not any(c in word.lower() for c in TRAFFIC_LIGHTS)


def test_a_colour_name_as_a_weight_is_refused(broken):
    edit(broken / "rules/rulebook.toml", 'word = "Major"', 'word = "Red"')
    problems = lint(broken).problems
    assert any("rules/rulebook.toml" in p and "names a colour" in p for p in problems), problems


def test_founder_texts_spell_acronyms_out(knowledge):
    assert explain("An LGPS admitted body", {"LGPS": "Local Government Pension Scheme"}) == (
        "An LGPS (Local Government Pension Scheme) admitted body")
    # Already spelt out: left alone; a placeholder is never touched.
    assert explain("Debt service cover (DSCR) {metric.dscr}", {"DSCR": "debt service cover"}) == (
        "Debt service cover (DSCR) {metric.dscr}")
    rule = knowledge.rules_by_id["people.lgps_no_guarantee"]
    assert "Local Government Pension Scheme" in rule.why_it_matters.founder
    assert "Local Government Pension Scheme" not in rule.why_it_matters.lender


def test_founder_wording_for_findings_figures_and_sections(knowledge):
    rule = knowledge.rules_by_id["people.lgps_no_guarantee"]
    assert "LGPS" in rule.levels[0].title.lender
    assert "LGPS" not in rule.levels[0].title.founder
    dscr = knowledge.metric_info["dscr"]
    assert "DSCR" in dscr.label_for("lender") and "DSCR" not in dscr.label_for("founder")
    for section in knowledge.questionnaire.sections:
        assert section.title_for("founder") != section.title_for("lender") or section.titles is None
    for area in knowledge.areas:
        assert area.title_for("trainer") == area.title_for("lender")


def test_lint_catches_a_missing_role(broken):
    edit(broken / "rules/rulebook.toml", ', trainer = "Organisation" }', " }")
    problems = lint(broken).problems
    assert any("rulebook.toml:organisation: title: worded per reader but not for: trainer" in p
               for p in problems), problems


def test_lint_catches_an_unexplained_acronym(broken):
    edit(broken / "rules/people.toml", 'what_to_do = "Cost protected terms and possible redundancies in the forecast."',
         'what_to_do = "Cost protected terms and the XYZQ in the forecast."')
    problems = lint(broken).problems
    assert any("people.tupe: what_to_do: 'XYZQ'" in p for p in problems), problems
    assert unexplained("The DSCR and the UK", {"DSCR": "x"}, {"UK"}) == []


def test_shipped_resources_lint_clean(resources):
    assert lint(resources).problems == []
