"""Loan sizing, proposals that move the band up, and the improve.toml check."""

from __future__ import annotations

import pytest
from conftest import SAMPLE_IDS

from lendready.domain.assessment import assess
from lendready.domain.improve import (
    BAND_ORDER,
    check_specs,
    dscr_target,
    extended_output,
    lint,
    loan_sizing,
    to_improve,
)
from lendready.domain.metrics import compute


def _metrics(knowledge, answers):
    return compute(knowledge.questionnaire.validate(answers).values, knowledge.param_values).values


def _meets(knowledge, answers, target):
    m = _metrics(knowledge, answers)
    low = m.get("lowest_forecast_cash")
    return m["dscr"] >= target and (low is None or low >= 0)


# -- loan sizing -------------------------------------------------------------


@pytest.mark.parametrize("sid", ["bean_there", "vale", "crown_inn", "northtown"])
def test_dscr_never_improves_as_the_amount_grows(knowledge, answers_of, sid):
    answers = answers_of(sid)
    previous = None
    for amount in range(10_000, 3_000_001, 50_000):
        dscr = _metrics(knowledge, {**answers, "loan.amount": amount})["dscr"]
        if previous is not None:
            assert dscr <= previous
        previous = dscr


@pytest.mark.parametrize("sid", ["bean_there", "vale", "crown_inn", "northtown", "riverside", "sunnyside"])
def test_max_amount_is_the_largest_thousand_meeting_the_targets(knowledge, answers_of, sid):
    answers = answers_of(sid)
    sizing = loan_sizing(answers, knowledge)
    best = sizing["max_amount"]
    assert best is not None and best % 1000 == 0 and best > 0
    target = sizing["dscr_target"]
    assert _meets(knowledge, {**answers, "loan.amount": best}, target)
    assert not _meets(knowledge, {**answers, "loan.amount": best + 1000}, target)


def test_strict_target_when_one_customer_dominates(knowledge, answers_of):
    assert loan_sizing(answers_of("northtown"), knowledge)["dscr_target"] == 1.50  # 86% from the council
    assert loan_sizing(answers_of("vale"), knowledge)["dscr_target"] == 1.25
    # An unanswered share never makes the target stricter.
    assert dscr_target({}, knowledge.param_values) == 1.25


def test_shortest_term_is_the_first_that_meets(knowledge, answers_of):
    answers = answers_of("crown_inn")
    sizing = loan_sizing(answers, knowledge)
    n, target = sizing["shortest_term_months"], sizing["dscr_target"]
    assert n is not None
    assert _meets(knowledge, {**answers, "loan.term_months": n}, target)
    assert not any(_meets(knowledge, {**answers, "loan.term_months": t}, target) for t in range(1, n))


def test_sizing_limited_by_cash(knowledge):
    # Earnings are ample, but the forecast's cash is the limit.
    answers = {
        "fin.surplus": 1_000_000, "fin.depreciation": 0, "fin.existing_debt_service": 0, "fin.existing_debt": 0,
        "fin.cash": 12_000, "loan.amount": 50_000, "loan.term_months": 12, "loan.interest_rate": 0,
        "fin.forecast": [{"month": f"2027-{m:02d}", "receipts": 100, "payments": 100} for m in range(1, 13)],
    }
    sizing = loan_sizing(answers, knowledge)
    # At 0% over 12 months, M = P/12 and cash lasts while 12·M ≤ 12,000.
    assert sizing["max_amount"] == 12_000
    assert sizing["shortest_term_months"] is not None
    assert sizing["shortest_term_months"] * 1000 >= 50_000  # M = 50,000/n must stay within £1,000 a month


def test_sizing_without_dscr_inputs(knowledge):
    sizing = loan_sizing({"loan.amount": 10_000, "loan.term_months": 12}, knowledge)
    assert sizing == {"max_amount": None, "shortest_term_months": None, "dscr_target": 1.25}


# -- proposals ---------------------------------------------------------------


def _check_proposals(knowledge, answers, proposals):
    base = assess(answers, knowledge).band
    for p in proposals:
        changed = dict(answers)
        for c in p.changes:
            assert c.before == answers.get(c.question)
            changed[c.question] = c.after
        got = assess(changed, knowledge).band
        assert got == p.band
        assert BAND_ORDER[got] > BAND_ORDER[base]


def test_one_change_moves_the_band(knowledge, answers_of):
    answers = {**answers_of("vale"), "gov.finance_expertise": "no"}
    assert assess(answers, knowledge).band == "nearly_ready"
    proposals = to_improve(answers, knowledge)
    assert proposals[0].to_dict() == {
        "changes": [{"question": "gov.finance_expertise", "from": "no", "to": "yes"}], "band": "ready",
    }
    _check_proposals(knowledge, answers, proposals)


def test_two_changes_when_one_is_not_enough(knowledge, answers_of):
    answers = {**answers_of("vale"), "gov.finance_expertise": "no", "gov.management_accounts": "annual"}
    assert assess(answers, knowledge).band == "nearly_ready"
    proposals = to_improve(answers, knowledge)
    pairs = [sorted((c.question, c.after) for c in p.changes) for p in proposals]
    assert [("gov.finance_expertise", "yes"), ("gov.management_accounts", "monthly")] in pairs
    assert all(len(p.changes) == 2 for p in proposals)
    _check_proposals(knowledge, answers, proposals)


def test_loan_amount_cut_to_sized_max(knowledge, answers_of):
    answers = {**answers_of("bean_there"), "loan.amount": 200_000}
    proposals = to_improve(answers, knowledge)
    _check_proposals(knowledge, answers, proposals)
    sized = loan_sizing(answers, knowledge)["max_amount"]
    changes = [(c.question, c.after) for p in proposals for c in p.changes]
    assert ("loan.amount", sized) in changes or ("loan.term_months",
                                                loan_sizing(answers, knowledge)["shortest_term_months"]) in changes


@pytest.mark.parametrize("sid", SAMPLE_IDS)
def test_every_sample_proposal_is_reassessed(knowledge, answers_of, sid):
    answers = answers_of(sid)
    proposals = to_improve(answers, knowledge)
    assert len(proposals) <= 10
    _check_proposals(knowledge, answers, proposals)
    sizes = [len(p.changes) for p in proposals]
    assert sizes == sorted(sizes)


def test_incomplete_and_ready_cases_get_no_proposals(knowledge, answers_of):
    answers = answers_of("vale")
    assert to_improve(answers, knowledge) == []  # already ready
    del answers["fin.turnover"]
    assert assess(answers, knowledge).band == "incomplete"
    assert to_improve(answers, knowledge) == []


def test_extended_output_shape(knowledge, samples):
    case = samples["bean_there"]
    out = extended_output(case, knowledge, assess(case, knowledge))
    assert list(out) == ["stress", "to_improve", "loan_sizing"]
    assert len(out["stress"]) == 6
    assert set(out["loan_sizing"]) == {"max_amount", "shortest_term_months", "dscr_target"}


# -- improve.toml ------------------------------------------------------------


def test_shipped_improve_file_is_clean(knowledge, resources):
    assert lint(resources, knowledge.questionnaire) == []


def test_improve_file_problems_are_named(knowledge):
    data = {"changes": [
        {"question": "gov.nonexistent", "kind": "set", "values": ["yes"]},
        {"question": "gov.management_accounts", "kind": "set", "values": ["weekly"]},
        {"question": "fin.unrestricted_reserves", "kind": "reserves_months"},
        {"question": "gov.board_size", "kind": "multiply", "steps": [2]},
        {"question": "gov.finance_expertise", "kind": "add", "steps": [1]},
    ]}
    _, problems = check_specs(data, knowledge.questionnaire)
    # Schema errors come first and alone (the kind and the missing steps).
    assert "improve.toml:fin.unrestricted_reserves: (item): kind 'reserves_months' needs steps" in problems
    assert any(p.startswith("improve.toml:gov.board_size: kind: ") for p in problems)
    data["changes"] = [c for c in data["changes"] if c["question"] not in ("fin.unrestricted_reserves",
                                                                           "gov.board_size")]
    _, problems = check_specs(data, knowledge.questionnaire)
    assert problems == [
        "improve.toml:gov.nonexistent: question: no such question",
        "improve.toml:gov.management_accounts: values: 'weekly' is not one of monthly, quarterly, annual, none",
        "improve.toml:gov.finance_expertise: kind: 'add' needs a numeric question, not yesno",
    ]


def test_broken_improve_file_is_reported_by_lint(knowledge, tmp_path):
    (tmp_path / "improve.toml").write_text('[[changes]]\nquestion = "loan.amount"\nkind = "loan_max"\nextra = 1\n')
    assert lint(tmp_path, knowledge.questionnaire) == ["improve.toml:loan.amount: extra: Extra inputs are not permitted"]
    (tmp_path / "improve.toml").write_text("not toml = = =")
    assert lint(tmp_path, knowledge.questionnaire)[0].startswith("improve.toml: (file): cannot parse TOML")


def test_smaller_change_to_the_same_question_wins(knowledge, answers_of):
    # Reserves of £100k are under a month of costs (red); one month's worth is enough to leave red,
    # so three months' worth, reaching the same band, is not proposed as well.
    answers = {**answers_of("vale"), "gov.finance_expertise": "no", "gov.management_accounts": "annual",
               "fin.unrestricted_reserves": 100_000}
    assert assess(answers, knowledge).band == "not_ready"
    proposals = to_improve(answers, knowledge)
    reserves = [p for p in proposals if [c.question for c in p.changes] == ["fin.unrestricted_reserves"]]
    assert [(p.changes[0].after, p.band) for p in reserves] == [(580_000, "nearly_ready")]  # (7.2m − 240k) / 12
    _check_proposals(knowledge, answers, proposals)


def test_no_amount_fits_gives_zero(knowledge):
    # Earnings of £100 a year cannot cover 1.25 times the repayments on even £1,000.
    answers = {"fin.surplus": 100, "fin.depreciation": 0, "fin.existing_debt_service": 0, "fin.existing_debt": 0,
               "loan.amount": 10_000, "loan.term_months": 12, "loan.interest_rate": 5}
    sizing = loan_sizing(answers, knowledge)
    assert sizing["max_amount"] == 0
    assert sizing["shortest_term_months"] is None  # no term up to 30 years makes £10,000 fit


def test_metric_inputs_cover_every_metric_the_engine_computes():
    from lendready.domain.metrics import ALL_METRICS, METRIC_INPUTS, OUTPUT_METRICS

    assert set(METRIC_INPUTS) == set(ALL_METRICS) | set(OUTPUT_METRICS)


def test_pruned_search_finds_exactly_what_the_exhaustive_search_finds(knowledge, samples):
    """Pruning must never hide a proposal: compare on every sample and on variants that have proposals."""
    from lendready.domain.improve import to_improve

    variants = []
    for sid, case in samples.items():
        variants.append(dict(case.answers))
        for qid, value in (("gov.finance_expertise", "no"), ("gov.management_accounts", "annual"),
                           ("fin.unrestricted_reserves", 10_000), ("loan.amount", 4_000_000),
                           ("ppl.pension_guarantee", "no"), ("loan.term_months", 240)):
            variants.append(dict(case.answers, **{qid: value}))
    compared = 0
    for answers in variants:
        pruned = to_improve(answers, knowledge)
        assert pruned == to_improve(answers, knowledge, prune=False)
        compared += bool(pruned)
    assert compared >= 5  # the comparison covered cases that do have proposals
