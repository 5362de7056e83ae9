"""The questions and rules added in 2026.12 (issue 16): dates, contract terms, property, pensions, filings."""

from __future__ import annotations

from datetime import date

import pytest

from lendready.domain.advice import analyse
from lendready.domain.engine.assessment import assess
from lendready.domain.engine.knowledge import load
from lendready.domain.files.case_file import load_case

NEW_QUESTIONS = (
    "inc.main_contract_notice_months", "inc.main_contract_compensation", "inc.main_contract_reserved",
    "sec.other_security_kind", "sec.property_type", "sec.valuation_basis", "sec.valuation_date",
    "sec.prior_charges", "sec.clawback_or_funder_charge", "sec.tenure", "sec.lease_years_left",
    "ppl.nhs_pension_access", "ppl.exit_debt_estimate", "ppl.pension_bond", "org.filings_up_to_date",
    "org.deferred_consideration", "org.deferred_subordinated", "org.registered_charity", "lock.pending_withdrawals",
)
AS_OF = date(2026, 12, 1)


@pytest.fixture(scope="module")
def knowledge():
    return load()


@pytest.fixture(scope="module")
def samples(knowledge, resources):
    return {p.stem: load_case(p, knowledge.questionnaire) for p in (resources / "samples").glob("*.lendready")}


def test_every_new_question_is_asked_and_none_is_a_key_question(knowledge):
    questions = knowledge.questionnaire.questions
    key = {q for area in knowledge.areas for q in area.key_questions}
    for qid in NEW_QUESTIONS:
        assert qid in questions, qid
        question = questions[qid]
        assert question.label.founder and question.help.founder and question.help.trainer, qid
        assert qid not in key, qid


def test_skip_logic_asks_each_question_only_where_it_applies(knowledge):
    validate = knowledge.questionnaire.validate
    hidden = validate({"sec.property_value": 0, "sec.other_security": 0, "ppl.tupe_transfer": "yes",
                       "org.origin": "established", "org.legal_form": "cooperative_society"}).hidden
    for qid in ("sec.property_type", "sec.valuation_date", "sec.lease_years_left", "sec.other_security_kind",
                "ppl.nhs_pension_access", "org.deferred_consideration", "org.registered_charity"):
        assert qid in hidden, qid
    relevant = validate({"sec.property_value": 1, "sec.tenure": "leasehold", "ppl.tupe_transfer": "yes",
                         "org.origin": "public_service_spin_out", "org.legal_form": "eot_owned_company",
                         "org.deferred_consideration": 5, "inc.main_contract_months_left": 3,
                         "inc.main_contract_break_clause": "yes"}).relevant
    for qid in ("sec.property_type", "sec.lease_years_left", "ppl.nhs_pension_access", "org.deferred_subordinated",
                "inc.main_contract_notice_months", "inc.main_contract_compensation", "inc.main_contract_reserved"):
        assert qid in relevant, qid


def test_a_year_end_after_the_assessment_date_is_invalid(knowledge):
    answers = {"fin.accounts_year_end": "2031-03-31"}
    assert knowledge.questionnaire.validate(answers).values == answers  # no date: nothing to compare with
    checked = knowledge.questionnaire.validate(answers, AS_OF)
    assert "fin.accounts_year_end" not in checked.values
    assert "fin.accounts_year_end" in checked.unanswered
    [invalid] = checked.invalid
    assert invalid.question == "fin.accounts_year_end" and "01/12/2026" in invalid.message  # a UK date
    assert knowledge.questionnaire.validate({"fin.accounts_year_end": "2026-12-01"}, AS_OF).invalid == []


def test_dated_metrics_need_an_assessment_date(knowledge, samples):
    answers = {**samples["harbourside"].answers, "fin.accounts_year_end": "2025-03-31"}
    undated = assess(answers, knowledge).metrics
    assert "accounts_age_months" not in undated.values and "forecast_start_months_ago" not in undated.values
    dated = assess(answers, knowledge, as_of=AS_OF).metrics.values
    assert dated["accounts_age_months"] == 20.04  # 610 days x 12 / 365.25
    assert dated["forecast_start_months_ago"] == -1  # the forecast starts in January 2027
    assert "cashflow.accounts_stale" in assess(answers, knowledge, as_of=AS_OF).finding_ids


def test_advice_reassesses_at_the_same_date(knowledge, samples):
    answers = {**samples["crown_inn"].answers, "fin.accounts_year_end": "2025-03-31"}
    a = analyse(answers, knowledge, AS_OF)
    assert "cashflow.accounts_stale" in a.assessment.finding_ids
    assert "cashflow.accounts_stale" not in analyse(answers, knowledge, date(2026, 6, 1)).assessment.finding_ids


def test_break_clause_is_red_on_short_notice_without_compensation(knowledge, samples):
    north = samples["northtown"].answers

    def rating(**changes):
        found = assess({**north, **changes}, knowledge)
        return next(f.rating for f in found.findings if f.id == "income.break_clause")

    assert rating() == "amber"
    assert rating(**{"inc.main_contract_notice_months": 3, "inc.main_contract_compensation": "no"}) == "red"
    assert rating(**{"inc.main_contract_notice_months": 6, "inc.main_contract_compensation": "no"}) == "amber"
    assert rating(**{"inc.main_contract_notice_months": 3, "inc.main_contract_compensation": "yes"}) == "amber"


def test_other_security_is_counted_at_its_lending_value(knowledge, samples):
    sunny = dict(samples["sunnyside"].answers)
    assert sunny["sec.other_security_kind"] == "assigned_income"
    result = assess(sunny, knowledge)
    assert result.band == "ready" and result.metrics.values["other_security_value"] == 1_040_000
    del sunny["sec.other_security_kind"]
    result = assess(sunny, knowledge)
    assert result.metrics.values["other_security_value"] == 650_000
    assert result.band == "nearly_ready" and "security.thin_cover" in result.finding_ids


def test_prior_charges_count_in_loan_to_value(knowledge, samples):
    crown = samples["crown_inn"].answers
    assert assess(crown, knowledge).metrics.values["ltv"] == 33.33
    assert assess({**crown, "sec.prior_charges": 150_000}, knowledge).metrics.values["ltv"] == 66.67


def test_exit_debt_and_deficit_report_only_the_more_severe(knowledge, samples):
    harbour = samples["harbourside"].answers
    ids = assess({**harbour, "ppl.pension_deficit": 500_000, "ppl.exit_debt_estimate": 900_000}, knowledge).finding_ids
    assert "people.exit_debt" in ids and "people.pension_deficit" not in ids
    ids = assess({**harbour, "ppl.pension_deficit": 900_000, "ppl.exit_debt_estimate": 500_000}, knowledge).finding_ids
    assert "people.exit_debt" not in ids and "people.pension_deficit" in ids


def test_unanswered_new_questions_fire_nothing(knowledge, samples):
    for sid, case in samples.items():
        stripped = {q: v for q, v in case.answers.items() if q not in NEW_QUESTIONS}
        before = assess(stripped, knowledge, as_of=AS_OF)
        new_rules = {"income.reserved_contract_cliff", "security.valuation_unverified", "security.prior_charges",
                     "security.clawback", "security.short_lease", "people.nhs_pension", "people.exit_debt",
                     "organisation.filings_overdue", "organisation.eot_deferred_consideration",
                     "asset_lock.withdrawal_queue", "cashflow.accounts_stale"}
        assert not new_rules & set(before.finding_ids), sid


def test_every_sample_keeps_its_promise_at_its_own_date(knowledge, resources):
    """Samples are snapshots: at their own as_of the dated rules run too, and the promised verdict holds."""
    from lendready.domain.teaching.samples import load_sample_case, load_samples, sample_as_of

    for sample in load_samples(resources, []):
        result = assess(load_sample_case(sample, knowledge), knowledge, as_of=sample_as_of(sample))
        expected = sample.meta.expected
        assert result.band == expected.band, sample.id
        assert set(expected.findings) <= set(result.finding_ids), sample.id
        assert not set(expected.absent_findings) & set(result.finding_ids), sample.id
