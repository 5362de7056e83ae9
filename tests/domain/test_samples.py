"""The teaching cases get the verdicts their metadata (and the domain reference) state."""

from __future__ import annotations

import pytest
from conftest import SAMPLE_IDS

from lendready.domain.assessment import assess
from lendready.domain.contract import AssessmentOutput, CaseFileSchema
from lendready.domain.samples import check_sample, load_samples


def test_there_are_seven_teaching_cases_at_least(resources):
    assert {"riverside", "vale", "bean_there", "northtown", "sunnyside", "civictech", "crown_inn"} <= set(SAMPLE_IDS)


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
    from lendready.domain.output import assessment_json

    case = samples[sample_id]
    AssessmentOutput.model_validate_json(assessment_json(case, knowledge, assess(case, knowledge)))


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
    riverside = assess(samples["riverside"], knowledge)
    reds = {f.id for f in riverside.findings if f.rating == "red"}
    assert reds == {"cashflow.reserves_low", "income.single_customer", "income.contract_ends_before_loan"}
    assert riverside.metrics.values["dscr"] == 1.8


def test_findings_are_ordered_by_severity_area_then_id(knowledge, samples):
    from lendready.domain.rules import AREA_RANK, SEVERITY_RANK

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
    from lendready.domain.assessment import band_of

    for sid, case in samples.items():
        assert band_of(case, knowledge) == assess(case, knowledge).band
        partial = answers_of(sid)
        partial.pop("gov.finance_expertise", None)
        assert band_of(partial, knowledge) == assess(partial, knowledge).band == "incomplete"
