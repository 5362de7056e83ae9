"""Loan sizing's searches: they find the boundary wherever it lies and wherever they start.

The searches start near the amount asked and reuse what was already judged, to save re-judgements;
these tests hold them to the plain answer (the largest step that passes) for every boundary, every
start and every set of known outcomes, and hold the comfortable amount to its definition on the samples.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import SAMPLE_IDS
from hypothesis import given, settings
from hypothesis import strategies as st

from lendready.domain.advice.reassess import Reassessor
from lendready.domain.advice.sizing import UNIT, _bisect, _largest_from, _largest_within, loan_sizing
from lendready.domain.engine.assessment import answers_and_role

AS_OF = date(2026, 12, 1)


def counted(threshold: int, asked: list[int]):
    def passes(k: int) -> bool:
        assert k >= 1, "a search asked about an amount below £1,000"
        asked.append(k)
        return k <= threshold

    return passes


@pytest.mark.parametrize("bound", [1, 2, 3, 10, 37, 1000])
def test_the_search_from_the_ask_finds_every_boundary_from_every_start(bound):
    for threshold in range(1, bound + 1):
        for start in {0, 1, 2, bound // 3, bound // 2, bound - 1, bound, bound + 5}:
            asked: list[int] = []
            assert _largest_from(counted(threshold, asked), start, bound) == threshold, (threshold, start)
            assert all(1 <= k <= bound for k in asked)


def test_starting_at_the_ask_takes_fewer_steps_when_the_answer_is_near_it():
    asked: list[int] = []
    _largest_from(counted(1_150, asked), 1_000, 10_000)  # a £1.15m limit on a £1m ask, bound £10m
    assert len(asked) <= 1 + 1 + 10  # the ask, twice the ask, then a bisection of [1,000, 2,000]


@settings(max_examples=200, deadline=None)
@given(data=st.data(), top=st.integers(1, 400))
def test_the_search_within_known_outcomes_finds_the_boundary(data, top):
    threshold = data.draw(st.integers(1, top))
    points = data.draw(st.sets(st.integers(1, top + 50), max_size=12))
    known = {k: k <= threshold for k in points}
    asked: list[int] = []
    assert _largest_within(counted(threshold, asked), known, top) == threshold
    assert not set(asked) & set(known), "a known outcome was judged again"


@settings(max_examples=300, deadline=None)
@given(data=st.data(), width=st.integers(2, 5000), kind=st.sampled_from(["exact", "near", "far", "wild", "none"]))
def test_a_guided_search_finds_the_boundary_whatever_the_guess(data, width, kind):
    """The guess (read from the figures a finding compares) only picks where to look: a poor one, or
    none, still gives the plain answer, within three times the steps of plain halving."""
    import math

    threshold = data.draw(st.integers(1, width))
    lo, hi = 1, width + 1
    off = data.draw(st.integers(-3, 3)) if kind == "near" else data.draw(st.integers(-width, width))

    def guess(lo_: int, hi_: int, a: int, b: int) -> float | None:
        if kind == "none":
            return None
        if kind == "wild":
            return data.draw(st.floats(-1e6, 1e6))
        return threshold + 0.5 + (off if kind != "exact" else 0)

    asked: list[int] = []
    assert _bisect(counted(threshold, asked), lo, hi, guess) == threshold
    assert all(lo < k < hi for k in asked) and len(asked) == len(set(asked))
    assert len(asked) <= 3 * math.ceil(math.log2(width)) + 3
    if kind == "exact":
        assert len(asked) <= 2


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_comfortable_amount_brings_nothing_new_and_one_step_more_does(sample, samples, knowledge):
    answers, _ = answers_and_role(samples[sample], None)
    r = Reassessor(knowledge, answers, AS_OF)
    s = loan_sizing(r)
    assert s is not None
    term = s.term_months
    floor = r.verdict({"loan.amount": UNIT, "loan.term_months": term})

    def new_concerns(amount: int) -> frozenset[str]:
        j = r.verdict({"loan.amount": amount, "loan.term_months": term})
        return (j.red_ids() - floor.red_ids()) | (j.amber_ids() - floor.amber_ids())

    assert new_concerns(s.comfortable_amount) == frozenset()
    if s.comfortable_amount < s.max_amount:
        assert new_concerns(s.comfortable_amount + UNIT) != frozenset()


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_shortest_term_is_long_enough_and_a_month_less_is_not(sample, samples, knowledge):
    """At the amount asked: no new red over the shortest term; a new red a month shorter, and over every
    whole year of months tried before it (the search goes up a year at a time from 12 months)."""
    from lendready.domain.advice.sizing import MIN_TERM

    answers, _ = answers_and_role(samples[sample], None)
    r = Reassessor(knowledge, answers, AS_OF)
    s = loan_sizing(r)
    assert s is not None
    reds0 = r.verdict({"loan.amount": UNIT, "loan.term_months": s.term_months}).red_ids()

    def too_short(n: int) -> bool:
        return bool(r.verdict({"loan.term_months": n}).red_ids() - reds0)

    if s.shortest_term_months is None:
        assert all(too_short(n) for n in range(MIN_TERM, 361, 12))
        return
    assert not too_short(s.shortest_term_months)
    if s.shortest_term_months > MIN_TERM:
        assert too_short(s.shortest_term_months - 1)
    assert all(too_short(n) for n in range(MIN_TERM, s.shortest_term_months, 12))
