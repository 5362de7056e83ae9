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


def test_lint_reads_the_reports_founder_wording(broken):
    """The report's wording is written per reader, so lint holds its founder texts to the same rule."""
    text = (broken / "teaching/report.toml").read_text(encoding="utf-8")
    start = text.index('founder = "') + len('founder = "')
    (broken / "teaching/report.toml").write_text(text[:start] + "Your QZXW and termination for convenience. "
                                                  + text[start:], encoding="utf-8")
    problems = lint(broken).problems
    assert any("teaching/report.toml:" in p and "founder: 'QZXW' is an acronym" in p for p in problems), problems
    assert any("teaching/report.toml:" in p and "'termination for convenience' is jargon" in p
               for p in problems), problems


def test_texts_written_once_are_glossed_for_founders_only(knowledge):
    """The primer, glossary, checklist and products are one text for everyone: a founder's copy spells
    each acronym out and glosses each jargon phrase; a lender's is as written."""
    from lendready.domain.teaching.content import load_teaching

    teaching = load_teaching(knowledge=knowledge)
    lender = teaching.for_reader("lender", knowledge.vocabulary)
    founder = teaching.for_reader("founder", knowledge.vocabulary)
    assert lender is teaching
    assert founder is teaching.for_reader("founder", knowledge.vocabulary)
    lgps = next(t for t in founder.glossary if t.term.startswith("LGPS"))
    assert lgps.term == "LGPS (Local Government Pension Scheme)"
    plain = knowledge.vocabulary.jargon["termination for convenience"]
    as_written = " ".join(p for s in lender.primer for p in s.paragraphs)
    assert "termination for convenience" in as_written and plain not in as_written
    assert f"termination for convenience ({plain})" in " ".join(p for s in founder.primer for p in s.paragraphs)
