"""The linter passes the shipped data and names file, id and field for each mistake."""

from __future__ import annotations

import pytest
from conftest import edit

from lendready.domain.engine.knowledge import ResourceError, check, load
from lendready.domain.engine.lint import lint


def test_shipped_resources_lint_clean(resources):
    report = lint(resources)
    assert report.problems == []
    assert report.rules >= 35 and report.samples >= 7 and report.rule_cases >= 70


def test_every_parameter_has_a_reference_and_review_date(knowledge):
    for p in knowledge.parameters.values():
        assert len(p.reference) >= 10 and p.last_review >= "2026-01-01"


@pytest.mark.parametrize(
    "file, old, new, expected",
    [
        ("rules/cashflow.toml", 'when = "metric.dscr < param.dscr.red_below"', 'when = "metric.dscr < param.dscr.red"',
         "rules/cashflow.toml:cashflow.dscr_low: when: unknown parameter 'dscr.red'"),
        ("rules/cashflow.toml", 'when = "fin.surplus < 0"', 'when = "fin.surplus < 0 and fin.surpluss < 0"',
         "rules/cashflow.toml:cashflow.deficit_last_year: when: unknown name 'fin.surpluss'"),
        ("rules/organisation.toml", 'org.legal_form == "unincorporated_association"',
         'org.legal_form == "unincorporated"',
         "rules/organisation.toml:organisation.unincorporated: when: 'unincorporated' is not a choice of org.legal_form"),
        ("rules/income.toml", 'severity = "medium"\nrating = "amber"\ntitle = "The largest',
         'severity = "medium"\ntitle = "The largest',
         "rules/income.toml:income.concentration: (item): Value error, medium findings must set a rating"),
        ("rules/people.toml", 'lender = "Staff transferred under TUPE"', 'lender = "Staff transferred {ppl.tupee}"',
         "rules/people.toml:people.tupe: title: placeholder {ppl.tupee}"),
        ("parameters.toml", 'unit = "ratio"\nlabel = "DSCR below', 'unit = "times"\nlabel = "DSCR below',
         "parameters.toml:dscr.red_below: unit: Input should be"),
        ("questionnaire/people.toml", 'ppl.lgps_admitted_body == "yes"', 'ppl.pension_deficit > 0',
         "questionnaire/people.toml:ppl.pension_guarantee: relevant: unknown name 'ppl.pension_deficit'"),
        ("rules/rulebook.toml", '"gov.board_size", "gov.finance_expertise"', '"gov.board", "gov.finance_expertise"',
         "rules/rulebook.toml:governance: key_questions: 'gov.board' is not a question id"),
        ("rules/security.toml", 'suppresses = ["security.ltv_stretched"]', 'suppresses = ["security.ltv_stretch"]',
         "rules/security.toml:security.ltv_high: suppresses: 'security.ltv_stretch' is not a rule id"),
    ],
)
def test_mistakes_are_named_file_id_field(broken, file, old, new, expected):
    edit(broken / file, old, new)
    problems = check(broken)
    assert any(p.startswith(expected) for p in problems), problems


def test_broken_toml_is_reported_not_raised(broken):
    (broken / "rules" / "governance.toml").write_text("[[rules]\nid = ", encoding="utf-8")
    problems = check(broken)
    assert problems and problems[0].startswith("rules/governance.toml: (file): cannot parse TOML")


def test_load_refuses_broken_resources_with_all_problems(broken):
    edit(broken / "rules/cashflow.toml", "param.dscr.red_below", "param.nope")
    edit(broken / "rules/income.toml", "param.income.grant_dependency_above", "param.nope2")
    with pytest.raises(ResourceError) as err:
        load(broken)
    assert len(err.value.problems) == 2


def test_lint_reports_a_sample_whose_verdict_changed(broken):
    edit(broken / "parameters.toml", 'value = 1.00\nunit = "ratio"\nlabel = "DSCR below',
         'value = 1.90\nunit = "ratio"\nlabel = "DSCR below')
    problems = lint(broken).problems
    assert "samples/crown_inn.toml: expected.band: expected nearly_ready, the rules give not_ready" in problems
    assert "samples/crown_inn.toml: expected.findings: cashflow.dscr_thin does not fire" in problems


def test_cache_is_used_and_a_damaged_cache_is_rebuilt(tmp_path, resources, monkeypatch):
    from lendready.domain.engine import knowledge as kn

    monkeypatch.setenv("LENDREADY_CACHE_DIR", str(tmp_path / "cache"))
    data, key = kn._cached_validation(resources)
    files = list((tmp_path / "cache").glob("resources-*.json"))
    assert len(files) == 1
    files[0].write_text("{damaged", encoding="utf-8")
    again, key2 = kn._cached_validation(resources)
    assert again == data and key2 == key


def test_a_changed_resource_file_changes_the_fingerprint(broken, resources):
    from lendready.domain.engine.knowledge import fingerprint, resource_files

    before = fingerprint(broken, resource_files(broken))
    edit(broken / "parameters.toml", "value = 8.0", "value = 8.5")
    assert fingerprint(broken, resource_files(broken)) != before
