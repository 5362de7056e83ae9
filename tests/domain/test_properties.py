"""Properties a lender relies on: improving a case never makes its band worse."""

from __future__ import annotations

from conftest import SAMPLE_IDS
from hypothesis import given, settings
from hypothesis import strategies as st

from lendready.domain.engine.assessment import assess

BAND_RANK = {"ready": 0, "nearly_ready": 1, "not_ready": 2}

# Perturbations that keep a sample complete and valid but move it across thresholds.
perturbation = st.fixed_dictionaries(
    {
        "fin.surplus": st.integers(-500_000, 1_500_000),
        "fin.unrestricted_reserves": st.integers(0, 3_000_000),
        "gov.board_size": st.integers(1, 12),
        "inc.largest_customer_share": st.integers(0, 100),
        "loan.amount": st.integers(5_000, 3_000_000),
        "loan.term_months": st.integers(6, 300),
        "lock.withdrawable_share_capital": st.integers(0, 2_000_000),
        "ppl.pension_deficit": st.integers(0, 3_000_000),
    }
)


def perturbed(samples, sample_id, changes):
    answers = dict(samples[sample_id].answers)
    answers.update(changes)
    answers["gov.independent_directors"] = min(answers.get("gov.independent_directors", 0), answers["gov.board_size"])
    if answers["lock.withdrawable_share_capital"] > 0:
        answers.setdefault("lock.can_suspend_withdrawals", "no")
    return answers


def band_rank(answers, knowledge):
    band = assess(answers, knowledge).band
    assert band in BAND_RANK, f"a complete case came out {band}"
    return BAND_RANK[band]


@settings(max_examples=150, deadline=None)
@given(sample_id=st.sampled_from(SAMPLE_IDS), changes=perturbation)
def test_adding_an_independent_director_never_worsens_the_band(knowledge, samples, sample_id, changes):
    before = perturbed(samples, sample_id, changes)
    after = dict(before)
    after["gov.board_size"] += 1
    after["gov.independent_directors"] += 1
    assert band_rank(after, knowledge) <= band_rank(before, knowledge)


@settings(max_examples=150, deadline=None)
@given(sample_id=st.sampled_from(SAMPLE_IDS), changes=perturbation, extra=st.integers(1, 2_000_000))
def test_more_reserves_never_worsen_the_band(knowledge, samples, sample_id, changes, extra):
    before = perturbed(samples, sample_id, changes)
    after = dict(before, **{"fin.unrestricted_reserves": before["fin.unrestricted_reserves"] + extra})
    assert band_rank(after, knowledge) <= band_rank(before, knowledge)


@settings(max_examples=150, deadline=None)
@given(sample_id=st.sampled_from(SAMPLE_IDS), changes=perturbation, extra=st.integers(1, 2_000_000))
def test_a_higher_surplus_never_worsens_the_band(knowledge, samples, sample_id, changes, extra):
    before = perturbed(samples, sample_id, changes)
    after = dict(before, **{"fin.surplus": before["fin.surplus"] + extra})
    assert band_rank(after, knowledge) <= band_rank(before, knowledge)


@settings(max_examples=150, deadline=None)
@given(
    sample_id=st.sampled_from(SAMPLE_IDS),
    changes=perturbation,
    lock_a=st.sampled_from(["statutory", "in_rules", "none"]),
    lock_b=st.sampled_from(["statutory", "in_rules", "none"]),
)
def test_asset_lock_with_borrowing_powers_never_changes_the_band(knowledge, samples, sample_id, changes, lock_a, lock_b):
    base = perturbed(samples, sample_id, changes)
    base["lock.borrowing_powers"] = "yes"
    a = assess(dict(base, **{"lock.asset_lock": lock_a}), knowledge)
    b = assess(dict(base, **{"lock.asset_lock": lock_b}), knowledge)
    assert a.band == b.band
    assert [x.rating for x in a.areas] == [x.rating for x in b.areas]
