"""The teaching cases get the verdicts their metadata (and the domain reference) state."""

from __future__ import annotations

import re

import pytest
from conftest import SAMPLE_IDS

from lendready.domain.engine.assessment import assess
from lendready.domain.engine.contract import AssessmentOutput, CaseFileSchema
from lendready.domain.teaching.samples import check_sample, load_samples, sample_for


def test_there_are_seven_teaching_cases_at_least(resources):
    assert {"riverside", "vale", "bean_there", "northtown", "sunnyside", "civictech", "crown_inn"} <= set(SAMPLE_IDS)


def test_the_library_holds_twelve_cases_at_least_all_loading_cleanly(resources):
    assert len(SAMPLE_IDS) >= 12
    problems: list[str] = []
    assert [s.id for s in load_samples(resources, problems)] == SAMPLE_IDS
    assert problems == []


def test_every_legal_form_is_taught_by_some_sample(knowledge, samples):
    forms = knowledge.questionnaire.questions["org.legal_form"].choice_values
    used = {case.answers["org.legal_form"] for case in samples.values()}
    assert set(forms) - used == set(), "legal forms no sample case uses"


def test_the_library_spans_the_three_verdict_bands(knowledge, samples):
    bands = {assess(case, knowledge).band for case in samples.values()}
    assert {"ready", "nearly_ready", "not_ready"} <= bands


TRAPS = [
    "asset_lock.debt_for_withdrawals",  # borrowing to pay out members' share withdrawals
    "people.lgps_no_guarantee",  # LGPS admitted body without a public-body guarantee
    "income.break_clause",  # the main buyer can end the contract for convenience
    "organisation.unincorporated",  # no legal person to lend to
    "income.grant_dependency",  # grants are not a repayment source
]


@pytest.mark.parametrize("rule_id", TRAPS)
def test_each_common_trap_fires_in_some_sample(resources, knowledge, samples, rule_id):
    firing = [sid for sid, case in samples.items() if rule_id in assess(case, knowledge).finding_ids]
    assert firing, f"no sample case teaches {rule_id}"
    stated = [s.id for s in load_samples(resources, []) if rule_id in s.meta.expected.findings]
    assert set(stated) <= set(firing) and stated, f"no sample states {rule_id} in expected.findings"


def test_strong_security_with_thin_cover_is_taught(knowledge, samples):
    """A low loan-to-value does not rescue thin cover: some sample shows both at once."""
    ltv_ok = knowledge.parameters["security.ltv_amber_above"].value
    cases = []
    for sid, case in samples.items():
        result = assess(case, knowledge)
        ltv = result.metrics.values.get("ltv")
        thin = {"cashflow.dscr_thin", "cashflow.dscr_low"} & set(result.finding_ids)
        if ltv is not None and ltv <= ltv_ok and thin:
            cases.append(sid)
    assert "crown_inn" in cases and len(cases) >= 2


def test_each_case_puts_questions_to_the_room_and_explains_the_verdict(resources):
    for sample in load_samples(resources, []):
        meta = sample.meta
        assert 3 <= len(meta.questions) <= 5, sample.id
        assert 2 <= len(meta.lender_reasons) <= 5, sample.id
        assert len(meta.lender_verdict) <= 300, sample.id  # the verdict; the reasoning is in lender_reasons
        assert len(meta.teaches) >= 2, sample.id
        assert meta.story.count("\n\n") == 1, f"{sample.id}: the story is two paragraphs"


def _drop_list(text: str, key: str, replacement: str = "") -> str:
    """Remove (or replace) one top-level ``key = [ ... ]`` array from a sample's TOML."""
    out, n = re.subn(rf"^{key} = \[\n.*?^\]\n", replacement, text, count=1, flags=re.MULTILINE | re.DOTALL)
    assert n == 1, key
    return out


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda t: _drop_list(t, "questions"), "samples/crown_inn.toml: questions: Field required"),
        (lambda t: _drop_list(t, "lender_reasons", "lender_reasons = []\n"),
         "samples/crown_inn.toml: lender_reasons: List should have at least 1 item"),
        (lambda t: _drop_list(t, "lender_reasons", 'lender_reasons = ["  "]\n'),
         "samples/crown_inn.toml: lender_reasons.0: Value error, must not be blank"),
        (lambda t: _drop_list(t, "questions", 'questions = [""]\n'),
         "samples/crown_inn.toml: questions.0: String should have at least 1 character"),
        (lambda t: t.replace('lender_verdict = "', 'lender_verdic = "', 1),
         "samples/crown_inn.toml: lender_verdict: Field required"),
        (lambda t: t.replace('lender_verdict = "', 'lender_verdic = "', 1),
         "samples/crown_inn.toml: lender_verdic: Extra inputs are not permitted"),
    ],
)
def test_incomplete_sample_metadata_is_refused_naming_file_and_field(broken, change, expected):
    path = broken / "samples" / "crown_inn.toml"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    problems: list[str] = []
    loaded = load_samples(broken, problems)
    assert "crown_inn" not in {s.id for s in loaded}
    assert any(p.startswith(expected) for p in problems), problems


def test_lint_reports_a_sample_without_questions(broken):
    from lendready.domain.engine.lint import lint

    path = broken / "samples" / "hilltop.toml"
    path.write_text(_drop_list(path.read_text(encoding="utf-8"), "questions"), encoding="utf-8")
    assert "samples/hilltop.toml: questions: Field required" in lint(broken).problems


@pytest.mark.parametrize("sample_id", SAMPLE_IDS)
def test_sample_gets_its_stated_verdict(resources, knowledge, sample_id):
    problems: list[str] = []
    sample = next(s for s in load_samples(resources, problems) if s.id == sample_id)
    assert problems == []
    assert check_sample(sample, knowledge) == []


@pytest.mark.parametrize("sample_id", SAMPLE_IDS)
def test_sample_file_and_output_match_the_published_contract(resources, knowledge, samples, sample_id):
    import json

    CaseFileSchema.model_validate(json.loads((resources / "samples" / f"{sample_id}.lendready").read_text("utf-8")))
    from datetime import date

    from lendready.domain.advice import analyse

    case = samples[sample_id]
    AssessmentOutput.model_validate_json(analyse(case, knowledge, date(2026, 12, 1)).to_json())


def test_headline_verdicts(knowledge, samples):
    """The bands and decisive findings a credit officer would expect, stated here in full."""
    bands = {sid: assess(case, knowledge).band for sid, case in samples.items()}
    assert bands["riverside"] == "not_ready"
    assert bands["vale"] == "ready"
    assert bands["bean_there"] == "ready"
    assert bands["northtown"] == "not_ready"
    assert bands["sunnyside"] == "ready"
    assert bands["civictech"] == "nearly_ready"
    assert bands["crown_inn"] == "nearly_ready"
    assert bands["hilltop"] == "not_ready"  # debt to pay out members' shares
    assert bands["ashcombe"] == "not_ready"  # no legal person to lend to
    assert bands["greenway"] == "nearly_ready"
    assert bands["harbourside"] == "nearly_ready"
    assert bands["eastgate"] == "ready"
    assert bands["old_mill"] == "nearly_ready"
    riverside = assess(samples["riverside"], knowledge)
    reds = {f.id for f in riverside.findings if f.rating == "red"}
    assert reds == {"cashflow.reserves_low", "income.single_customer", "income.contract_ends_before_loan"}
    assert riverside.metrics.values["dscr"] == 1.8


def test_findings_are_ordered_by_severity_area_then_id(knowledge, samples):
    from lendready.domain.engine.rules import AREA_RANK, SEVERITY_RANK

    for case in samples.values():
        findings = assess(case, knowledge).findings
        keys = [(SEVERITY_RANK[f.severity], AREA_RANK[f.area], f.id) for f in findings]
        assert keys == sorted(keys)


def test_every_finding_carries_evidence_values_from_the_case(knowledge, samples):
    for case in samples.values():
        for finding in assess(case, knowledge).findings:
            for item in finding.evidence:
                assert case.answers[item.question] == item.value


def test_myth_corrections_appear_where_relevant(knowledge, samples):
    vale = assess(samples["vale"], knowledge)
    myth = next(f for f in vale.findings if f.id == "asset_lock.myth_lock_blocks_lending")
    assert myth.severity == "info" and "not a prohibited transfer" in myth.why_it_matters
    civictech = assess(samples["civictech"], knowledge)  # no asset lock
    assert "asset_lock.myth_lock_blocks_lending" not in civictech.finding_ids


def test_same_case_same_output_byte_for_byte(knowledge, samples):
    for case in samples.values():
        assert assess(case, knowledge).to_json() == assess(case, knowledge).to_json()


def test_audience_changes_wording_not_verdict(knowledge, samples):
    lender = assess(samples["riverside"], knowledge, audience="lender")
    founder = assess(samples["riverside"], knowledge, audience="founder")
    assert lender.band == founder.band and lender.finding_ids == founder.finding_ids
    assert [f.what_to_do for f in lender.findings] != [f.what_to_do for f in founder.findings]


def test_band_of_agrees_with_assess(knowledge, samples, answers_of):
    from lendready.domain.engine.assessment import band_of

    for sid, case in samples.items():
        full = assess(case, knowledge)
        assert band_of(case, knowledge) == full.band
        partial = answers_of(sid)
        partial.pop("gov.finance_expertise", None)
        # a blocker is decisive even on a partial case (Hilltop, Ashcombe); else no verdict on half a case
        blocked = any(f.severity == "blocker" for f in full.findings)
        expected = "not_ready" if blocked else "incomplete"
        assert band_of(partial, knowledge) == assess(partial, knowledge).band == expected


def test_sample_for_recognises_a_sample_by_its_answers_alone(resources, knowledge, samples):
    from lendready.domain.files.case_file import Case

    found = load_samples(resources, [])
    for sid, case in samples.items():
        # Another id, other dates, another author: the same answers are the same sample.
        copy = Case("another-id", "2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "founder",
                    dict(case.answers), {})
        assert sample_for(copy, knowledge, found).id == sid
    assert sample_for(samples["riverside"], knowledge).id == "riverside"  # loads the samples itself
    # One answer changed, added or removed: a case of one's own.
    riverside = dict(samples["riverside"].answers)
    changed = Case("x", "", "", "trainer", dict(riverside, **{"fin.turnover": riverside["fin.turnover"] + 1}))
    assert sample_for(changed, knowledge, found) is None
    fewer = Case("x", "", "", "trainer", {k: v for k, v in riverside.items() if k != "fin.turnover"})
    assert sample_for(fewer, knowledge, found) is None
    assert sample_for(Case("x", "", "", "trainer", {}), knowledge, found) is None


def test_an_edited_sample_file_is_recognised_by_its_new_answers(broken, knowledge):
    """sample_for remembers each sample's answers by the file's content, so an edit shows at once."""
    import json

    from lendready.domain.files.case_file import Case

    found = load_samples(broken, [])
    vale = next(s for s in found if s.id == "vale")
    data = json.loads(vale.path.read_text(encoding="utf-8"))
    answers = dict(data["answers"])
    case = Case("x", "", "", "trainer", dict(answers))
    assert sample_for(case, knowledge, found).id == "vale"
    data["answers"]["fin.turnover"] = answers["fin.turnover"] + 1  # the same length or not, it is new content
    vale.path.write_text(json.dumps(data), encoding="utf-8")
    assert sample_for(case, knowledge, found) is None
    edited = Case("x", "", "", "trainer", dict(data["answers"]))
    assert sample_for(edited, knowledge, found).id == "vale"
    vale.path.write_bytes(b"{not json")  # refused now: no sample matches
    assert sample_for(edited, knowledge, found) is None
