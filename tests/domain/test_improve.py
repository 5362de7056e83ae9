"""Proposals that move the band up (each a re-assessment), and the improve.toml check."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import SAMPLE_IDS

from lendready.domain.advice import analyse
from lendready.domain.advice.changes import check_specs, lint
from lendready.domain.advice.proposals import BAND_ORDER, MAX_PROPOSALS
from lendready.domain.advice.proposals import to_improve as _search
from lendready.domain.advice.reassess import Reassessor
from lendready.domain.advice.sizing import loan_sizing
from lendready.domain.engine.assessment import assess

AS_OF = date(2026, 12, 1)


def to_improve(answers, knowledge, **kwargs):
    r = Reassessor(knowledge, answers, AS_OF)
    return _search(r, loan_sizing(r), **kwargs)


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
    proposals = to_improve(answers, knowledge, limit=None)
    pairs = [sorted((c.question, c.after) for c in p.changes) for p in proposals]
    assert [("gov.finance_expertise", "yes"), ("gov.management_accounts", "monthly")] in pairs
    assert all(len(p.changes) == 2 for p in proposals)
    _check_proposals(knowledge, answers, proposals)


def test_an_amount_driven_red_is_answered_by_cutting_the_loan(knowledge, answers_of):
    # £200k is far beyond Bean There's earnings: the only red is the DSCR the loan's size brings in,
    # so a kept proposal must cut the amount, to the sizing's comfortable or largest amount.
    answers = {**answers_of("bean_there"), "loan.amount": 200_000}
    r = Reassessor(knowledge, answers, AS_OF)
    assert r.base.band == "not_ready" and r.base.red_ids() == {"cashflow.dscr_low"}
    sizing = loan_sizing(r)
    proposals = _search(r, sizing)
    _check_proposals(knowledge, answers, proposals)
    cuts = [c.after for p in proposals for c in p.changes if c.question == "loan.amount"]
    assert cuts and set(cuts) <= {sizing.comfortable_amount, sizing.max_amount}
    assert sizing.comfortable_amount in cuts  # the comfortable amount reaches Ready on its own
    assert next(p.band for p in proposals if p.changes[0].after == sizing.comfortable_amount) == "ready"


def test_a_building_revaluation_ranks_after_what_the_borrower_controls(knowledge, answers_of):
    # A high loan-to-value: borrowing less (controllable) and a higher valuation (not) both clear it.
    answers = {**answers_of("crown_inn"), "sec.property_value": 170_000}
    proposals = to_improve(answers, knowledge, limit=None)
    _check_proposals(knowledge, answers, proposals)
    kinds = [p.controllable for p in proposals]
    assert kinds == sorted(kinds, reverse=True)  # every controllable one first
    revalue = [i for i, p in enumerate(proposals) if any(c.question == "sec.property_value" for c in p.changes)]
    amount = [i for i, p in enumerate(proposals) if any(c.question == "loan.amount" for c in p.changes)]
    assert amount and (not revalue or min(amount) < min(revalue))


@pytest.mark.parametrize("sid", SAMPLE_IDS)
def test_every_sample_proposal_is_reassessed(knowledge, answers_of, sid):
    answers = answers_of(sid)
    proposals = to_improve(answers, knowledge)
    assert len(proposals) <= MAX_PROPOSALS
    _check_proposals(knowledge, answers, proposals)


def test_incomplete_and_ready_cases_get_no_proposals(knowledge, answers_of):
    answers = answers_of("vale")
    assert to_improve(answers, knowledge) == []  # already ready
    del answers["fin.turnover"]
    assert assess(answers, knowledge).band == "incomplete"
    assert to_improve(answers, knowledge) == []
    assert analyse(answers, knowledge, AS_OF).proposals == ()


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
    proposals = to_improve(answers, knowledge, limit=None)
    reserves = [p for p in proposals if [c.question for c in p.changes] == ["fin.unrestricted_reserves"]]
    assert [(p.changes[0].after, p.band) for p in reserves] == [(580_000, "nearly_ready")]  # (7.2m − 240k) / 12
    _check_proposals(knowledge, answers, proposals)


def test_metric_inputs_are_derived_for_every_metric():
    from lendready.domain.engine.metrics import ALL_METRICS, METRIC_INPUTS, OUTPUT_METRICS

    assert set(ALL_METRICS) | set(OUTPUT_METRICS) <= set(METRIC_INPUTS)
    # Derived through the metrics a metric reads: the DSCR reads the loan through the repayment.
    assert {"loan.amount", "loan.term_months", "loan.interest_rate", "fin.surplus"} <= set(METRIC_INPUTS["dscr"])


def test_pruned_search_finds_exactly_what_the_exhaustive_search_finds(knowledge, samples):
    """Pruning must never hide a proposal: compare on every sample and on variants that have proposals."""
    variants = []
    for case in samples.values():
        variants.append(dict(case.answers))
        for qid, value in (("gov.finance_expertise", "no"), ("gov.management_accounts", "annual"),
                           ("fin.unrestricted_reserves", 10_000), ("loan.amount", 4_000_000),
                           ("ppl.pension_guarantee", "no"), ("loan.term_months", 240)):
            variants.append(dict(case.answers, **{qid: value}))
    compared = 0
    for answers in variants:
        pruned = to_improve(answers, knowledge, limit=None)
        assert pruned == to_improve(answers, knowledge, prune=False, limit=None)
        compared += bool(pruned)
    assert compared >= 5  # the comparison covered cases that do have proposals
