"""analyse(): every piece of advice is a re-assessment, and no page can contradict the verdict.

Hand-computed figures are worked in the comments; the properties run over generated cases.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import SAMPLE_IDS
from hypothesis import given, settings
from hypothesis import strategies as st

from lendready.domain.advice import AsOfError, analyse, parse_as_of
from lendready.domain.advice.reassess import Reassessor
from lendready.domain.advice.stress import SCENARIOS
from lendready.domain.engine.assessment import assess, judge

AS_OF = date(2026, 12, 1)


def _shipped():
    """The shipped rules and samples, for property tests (kept out of hypothesis's printed arguments)."""
    from conftest import RESOURCES, SAMPLES

    from lendready.domain.engine.knowledge import load
    from lendready.domain.files.case_file import load_case

    k = load(RESOURCES)
    return k, {sid: load_case(SAMPLES / f"{sid}.lendready", k.questionnaire) for sid in SAMPLE_IDS}


KNOWLEDGE, SAMPLES_BY_ID = _shipped()


def scenario(analysis, sid):
    return next(s for s in analysis.stress if s.id == sid)


# -- stress scenarios, by hand ------------------------------------------------


def test_vale_severe_income_fall_by_hand(knowledge, samples):
    # T = 7,200,000, S = 240,000, depreciation 300,000; x = 0.20.
    # S′ = 240,000 − 0.20 × 7,200,000 = −1,200,000; earnings = −1,200,000 + 300,000 = −900,000.
    # New loan: £1.5m over 120 months at 7%: M = 17,416.27 a month, 208,995.26 a year; existing 60,000.
    # DSCR = −900,000 / 268,995.26 = −3.3458 → −3.35.
    # Interest = (400,000 + 1,500,000) × 7% = 133,000: cover = −900,000 / 133,000 = −6.767 → −6.77.
    # Cash: every month's receipts × 0.8; the December month-end is the lowest, −£20,995.26.
    s = scenario(analyse(samples["vale"], knowledge, AS_OF), "income_fall_large")
    assert (s.applies, s.band, s.dscr, s.interest_cover) == (True, "not_ready", -3.35, -6.77)
    assert (s.lowest_forecast_cash, s.lowest_cash_month, s.timing_only) == (-20995.26, "2027-12", False)
    assert s.negative_earnings


def test_vale_cost_rise_by_hand(knowledge, samples):
    # C = 7,200,000 − 240,000 = 6,960,000; S′ = 240,000 − 0.05 × 6,960,000 = −108,000.
    # Earnings = −108,000 + 300,000 = 192,000. DSCR = 192,000 / 268,995.26 = 0.7138 → 0.71.
    # Interest cover = 192,000 / 133,000 = 1.4436 → 1.44. Payments × 1.05 every month.
    s = scenario(analyse(samples["vale"], knowledge, AS_OF), "cost_rise")
    assert (s.band, s.dscr, s.interest_cover) == ("not_ready", 0.71, 1.44)
    assert not s.negative_earnings


def test_vale_rate_rise_by_hand(knowledge, samples):
    # 7% + 2 = 9%: r = 0.0075, M = 1,500,000 × 0.0075 / (1 − 1.0075^−120) = 19,001.07; a year 228,012.88.
    # DSCR = 540,000 / (60,000 + 228,012.88) = 1.8749 → 1.87; interest = 1,900,000 × 9% = 171,000,
    # cover = 540,000 / 171,000 = 3.158 → 3.16. Ratios move; the band stays Ready.
    s = scenario(analyse(samples["vale"], knowledge, AS_OF), "rate_rise")
    assert (s.band, s.dscr, s.interest_cover) == ("ready", 1.87, 3.16)
    assert s.label == "Interest rate 2 points higher (9%)"


def test_riverside_contract_lost_after_fourteen_months_by_hand(knowledge, samples):
    # s = 0.96, T = 9,600,000: T′ = 384,000; S′ = 150,000 − 0.96 × 9,600,000 = −9,066,000.
    # Earnings = −9,066,000 + 106,000 = −8,960,000. New loan £1m, 120 months at 7.5%: a year 142,442.12.
    # DSCR = −8,960,000 / 142,442.12 = −62.90; interest 75,000: cover = −119.47.
    a = analyse(samples["riverside"], knowledge, AS_OF)
    s = scenario(a, "contract_lost")
    assert (s.applies, s.band, s.dscr, s.interest_cover) == (True, "not_ready", -62.9, -119.47)
    assert s.label == "Main contract lost after 14 months"
    # It has a break clause, so termination for convenience applies too, on the default 3 months' notice.
    t = scenario(a, "termination_for_convenience")
    assert t.applies and t.label == "Main contract ended on 3 months' notice" and t.dscr == -62.9


def test_bean_there_payment_delay_is_timing_only(knowledge, samples):
    # Receipts move two months later: December's month-end falls to −£3,946.02; the year is unchanged.
    a = analyse(samples["bean_there"], knowledge, AS_OF)
    s = scenario(a, "payment_delay_long")
    assert (s.lowest_forecast_cash, s.lowest_cash_month, s.timing_only) == (-3946.02, "2027-12", True)
    assert (s.dscr, s.interest_cover) == (a.assessment.metrics.values["dscr"], a.assessment.metrics.values["interest_cover"])
    assert s.band == "not_ready"  # the plan runs out of cash that month


def test_every_scenario_is_listed_in_order_and_one_that_does_not_apply_says_why(knowledge, samples):
    for sid in ("vale", "riverside", "crown_inn"):
        a = analyse(samples[sid], knowledge, AS_OF)
        assert [s.id for s in a.stress] == list(SCENARIOS)
        for s in a.stress:
            if not s.applies:
                assert s.reason and s.band is None and s.dscr is None
                assert set(s.to_dict()) == {"id", "label", "applies", "reason"}
    crown = analyse(samples["crown_inn"], knowledge, AS_OF)
    assert scenario(crown, "payment_delay_short").reason == "needs a monthly forecast: a delay only moves cash between months"
    assert scenario(crown, "contract_lost").reason == "the largest customer gives 25% of income or less"


def test_a_stress_does_not_stress_itself(knowledge, samples):
    # The modest income stress is a rule of its own; inside a scenario it is not run again.
    r = Reassessor(knowledge, samples["bean_there"].answers, AS_OF)
    stressed = r.verdict({"fin.cash": 1}, stressed=True)
    plain = r.verdict({"fin.cash": 1})
    assert "cashflow.stress_income_10" in {rule.id for rule, _ in plain.kept}
    assert "cashflow.stress_income_10" not in {rule.id for rule, _ in stressed.kept}


def test_the_reassessment_shortcut_gives_what_a_full_validation_gives(knowledge, samples):
    for sid, changes in (("vale", {"loan.amount": 2_400_000}), ("crown_inn", {"loan.term_months": 36}),
                         ("bean_there", {"fin.cash": 0}), ("riverside", {"gov.board_size": 2}),
                         ("vale", {"loan.amount": -5})):
        r = Reassessor(knowledge, samples[sid].answers, AS_OF)
        quick = r.verdict(changes)
        full = judge(knowledge, knowledge.questionnaire.validate({**samples[sid].answers, **changes}, AS_OF),
                     as_of=AS_OF)
        assert (quick.band, quick.metrics.values, quick.red_ids(), quick.amber_ids()) == (
            full.band, full.metrics.values, full.red_ids(), full.amber_ids())


# -- loan sizing, by hand -----------------------------------------------------


def test_vale_sizing_is_limited_by_loan_to_value(knowledge, samples):
    # Freehold £2.8m: LTV red above 75% → £2,100,000 is exactly 75% (not above); £2,101,000 is 75.04%.
    # Comfortable: no new amber, LTV amber above 60% → £1,680,000 exactly 60%.
    s = analyse(samples["vale"], knowledge, AS_OF).loan_sizing
    assert (s.max_amount, s.comfortable_amount, s.limited_by) == (2_100_000, 1_680_000, ("security.ltv_high",))
    assert s.band_at_max == "nearly_ready" and not s.amount_is_not_the_problem
    assert "valuation_unverified" in s.caveats and "pension_deficit" in s.caveats


def test_bean_there_sizing_is_limited_by_debt_service_cover(knowledge, samples):
    # Earnings 28,000 + 14,000 = 42,000; existing service 7,200; 9% over 60 months (r = 0.0075).
    # £140,000: M = 2,906.15, a year 34,873.80 → DSCR 42,000 / 42,073.80 = 0.9982 → 1.00, not below 1.00.
    # £141,000: M = 2,926.91, a year 35,122.92 → DSCR 0.9924 → 0.99: a new red.
    s = analyse(samples["bean_there"], knowledge, AS_OF).loan_sizing
    assert (s.max_amount, s.limited_by) == (140_000, ("cashflow.dscr_low",))
    assert s.titles["cashflow.dscr_low"] == "Earnings do not cover the repayments (DSCR 0.99)"
    # £100,000 is the most without security (security.none_offered above £100,000 is a new amber).
    assert s.comfortable_amount == 100_000


def test_a_case_not_ready_whatever_the_amount_says_so(knowledge, samples):
    # Riverside's reds (reserves, one customer, contract end) stand at £1,000 too: the amount is not the problem.
    s = analyse(samples["riverside"], knowledge, AS_OF).loan_sizing
    assert s.band_at_max == "not_ready" and s.amount_is_not_the_problem
    assert set(s.held_back_by) == {"cashflow.reserves_low", "income.single_customer",
                                   "income.contract_ends_before_loan"}
    from lendready.domain.advice.words import sizing_sentences

    said = " ".join(sizing_sentences(s))
    assert "not what holds this case back" in said and "Largest amount" not in said


def test_no_sizing_without_the_loan(knowledge, answers_of):
    answers = answers_of("vale")
    del answers["loan.term_months"]
    assert analyse(answers, knowledge, AS_OF).loan_sizing is None
    assert "loan_sizing" not in analyse(answers, knowledge, AS_OF).to_dict()


# -- properties over generated cases ------------------------------------------

# A margin of −30 % to +30 % of turnover keeps yearly costs positive, as in any real set of accounts.
perturbation = st.fixed_dictionaries({
    "margin": st.integers(-30, 30),
    "fin.turnover": st.integers(200_000, 12_000_000),
    "fin.unrestricted_reserves": st.integers(0, 3_000_000),
    "inc.largest_customer_share": st.integers(0, 100),
    "loan.amount": st.integers(50_000, 3_000_000),
    "loan.term_months": st.integers(12, 300),
    "sec.property_value": st.sampled_from([0, 200_000, 900_000, 3_000_000]),
})


def _case(samples, sid, changes):
    answers = dict(samples[sid].answers)
    changes = dict(changes)
    margin = changes.pop("margin")
    answers.update(changes)
    answers["fin.surplus"] = answers["fin.turnover"] * margin // 100
    return answers


def _new_reds(knowledge, answers, amount):
    at = assess({**answers, "loan.amount": amount}, knowledge)
    floor = assess({**answers, "loan.amount": 1000}, knowledge)

    def reds(a):
        return {f.id for f in a.findings if f.rating == "red" or f.severity == "blocker"}

    return reds(at) - reds(floor)


@settings(max_examples=40, deadline=None)
@given(sid=st.sampled_from(SAMPLE_IDS), changes=perturbation)
def test_sizing_max_brings_no_new_red_and_one_step_more_does(sid, changes):
    knowledge, samples = KNOWLEDGE, SAMPLES_BY_ID
    answers = _case(samples, sid, changes)
    s = analyse(answers, knowledge, AS_OF).loan_sizing
    assert s is not None
    assert _new_reds(knowledge, answers, s.max_amount) == set()
    if s.bound_reached:
        assert s.max_amount == max(1000, int(10 * answers["loan.amount"]) // 1000 * 1000)
        assert s.limited_by == ()
    else:
        assert _new_reds(knowledge, answers, s.max_amount + 1000) == set(s.limited_by) != set()
    assert s.comfortable_amount <= s.max_amount
    assert assess({**answers, "loan.amount": s.max_amount}, knowledge).band == s.band_at_max


@settings(max_examples=40, deadline=None)
@given(sid=st.sampled_from(SAMPLE_IDS), changes=perturbation)
def test_every_proposal_reassessed_gives_its_band(sid, changes):
    knowledge, samples = KNOWLEDGE, SAMPLES_BY_ID
    answers = _case(samples, sid, changes)
    a = analyse(answers, knowledge, AS_OF)
    for p in a.proposals:
        changed = dict(answers, **{c.question: c.after for c in p.changes})
        assert assess(changed, knowledge).band == p.band


@settings(max_examples=40, deadline=None)
@given(sid=st.sampled_from(SAMPLE_IDS), changes=perturbation)
def test_no_scenario_ratio_equals_the_base_unless_timing_only(sid, changes):
    knowledge, samples = KNOWLEDGE, SAMPLES_BY_ID
    answers = _case(samples, sid, changes)
    a = analyse(answers, knowledge, AS_OF)
    base, exact = a.assessment.metrics.values, a.assessment.metrics.raw
    for s in a.stress:
        if not s.applies:
            continue
        for i, name in enumerate(("dscr", "interest_cover")):
            if base.get(name) is None or getattr(s, name) is None:
                continue
            if s.timing_only:
                assert getattr(s, name) == base[name]
            else:  # the stressed case's own figure, however small the change (rounding may hide it)
                assert s.exact[i] != exact[name], (s.id, name)


@settings(max_examples=60, deadline=None)
@given(sid=st.sampled_from(SAMPLE_IDS), changes=perturbation, loss=st.booleans())
def test_no_unsecured_loan_or_overdraft_for_a_loss_maker(sid, changes, loss):
    knowledge, samples = KNOWLEDGE, SAMPLES_BY_ID
    answers = _case(samples, sid, changes)
    if loss:
        answers["fin.surplus"] = -answers.get("fin.depreciation", 0) - 1
    a = analyse(answers, knowledge, AS_OF)
    earnings = a.assessment.metrics.values.get("ebitda_proxy")
    offered = {f.id for f in a.finance_fits}
    if (earnings is not None and earnings <= 0) or "cashflow.deficit_two_years" in a.assessment.finding_ids:
        assert not offered & {"unsecured_social_loan", "overdraft", "cooperative_loan_fund",
                              "secured_term_loan", "asset_secured_loan"}
    if "cooperative_loan_fund" in offered:
        assert answers["org.legal_form"] == "cooperative_society"
    if "overdraft" in offered:
        assert a.assessment.metrics.values["lowest_forecast_cash"] >= 0
        assert any(s.id.startswith("payment_delay") and s.applies and s.lowest_forecast_cash < 0 for s in a.stress)


# -- negative and impossible --------------------------------------------------


def test_a_loss_maker_is_told_earnings_must_recover_not_to_borrow_less(knowledge, answers_of):
    answers = {**answers_of("crown_inn"), "fin.surplus": -40_000}
    a = analyse(answers, knowledge, AS_OF)
    ids = a.assessment.finding_ids
    assert "cashflow.earnings_negative" in ids
    assert not {"cashflow.dscr_low", "cashflow.interest_cover_low", "cashflow.dscr_thin"} & set(ids)
    text = " ".join(f.title + f.what_to_do for f in a.assessment.findings)
    assert "barely" not in text and "until cover" not in text
    assert a.figure("dscr").negative_earnings and a.figure("interest_cover").negative_earnings
    assert a.loan_sizing.amount_is_not_the_problem
    assert {f.id for f in a.finance_fits} <= {"community_shares", "quasi_equity"}


def test_conditions_are_set_at_the_comfort_level(knowledge, answers_of):
    answers = {**answers_of("vale"), "fin.unrestricted_reserves": 300_000}  # about half a month of costs
    a = analyse(answers, knowledge, AS_OF)
    reserves = next(f for f in a.conditions if f.id == "cashflow.reserves_low")
    assert "at least 3 months of costs" in reserves.lender_condition
    strict = analyse({**answers_of("northtown"), "loan.amount": 600_000}, knowledge, AS_OF)
    dscr = next(f for f in strict.conditions if f.id.startswith("cashflow.dscr"))
    assert "1.50" in dscr.lender_condition  # one customer gives 86%: the strict minimum, not 1.00


# -- thresholds, reasons, as_of, output ---------------------------------------


def test_thresholds_come_from_the_compiled_conditions(knowledge):
    from lendready.domain.advice import thresholds

    limits = thresholds(knowledge)
    assert [(t.rating, t.op, t.value, t.parameter) for t in limits["dscr"]] == [
        ("red", "<", 1.0, "dscr.red_below"), ("amber", "<", 1.25, "dscr.amber_below"),
        ("amber", "<", 1.5, "dscr.amber_below_strict")]
    assert [(t.rating, t.op, t.value) for t in limits["lowest_forecast_cash"]] == [("blocker", "<", 0.0)]
    # Loan-to-value limits depend on the type of property (issue 16): each is guarded by its level's condition.
    assert {(t.rating, t.op, t.value) for t in limits["ltv"]} == {
        ("red", ">", 65.0), ("red", ">", 60.0), ("red", ">", 80.0), ("red", ">", 75.0),
        ("amber", ">", 50.0), ("amber", ">", 65.0), ("amber", ">", 60.0)}
    assert all(t.applies is not None for t in limits["ltv"])


def test_key_figures_show_the_ltv_limits_for_the_type_of_property(knowledge, samples):
    def shown(answers):
        figure = analyse(answers, knowledge, AS_OF).figure("ltv")
        return [(t.rating, t.value) for t in figure.thresholds]

    vale = dict(samples["vale"].answers)  # type not given: the commercial limits
    assert shown(vale) == [("red", 75.0), ("amber", 60.0)]
    assert shown({**vale, "sec.property_type": "pub_leisure_community"}) == [("red", 65.0), ("amber", 50.0)]
    assert shown({**vale, "sec.property_type": "land"}) == [("red", 60.0), ("amber", 50.0)]
    assert shown({**vale, "sec.property_type": "residential"}) == [("red", 80.0), ("amber", 65.0)]
    # the dscr limits are not guarded by a choice and are shown as before
    assert len(analyse(vale, knowledge, AS_OF).figure("dscr").thresholds) == 3


def test_reasons_follow_the_band(knowledge, samples):
    river = analyse(samples["riverside"], knowledge, AS_OF)
    assert {r.kind for r in river.reasons} == {"red"}
    assert {r.finding.id for r in river.reasons} == {"cashflow.reserves_low", "income.single_customer",
                                                     "income.contract_ends_before_loan"}
    assert [r.kind for r in analyse(samples["vale"], knowledge, AS_OF).reasons] == ["all_green"]


def test_as_of_is_in_the_json_and_a_date_must_be_real(knowledge, samples, monkeypatch):
    a = analyse(samples["vale"], knowledge, date(2027, 3, 31))
    data = a.to_dict()
    assert data["as_of"] == "2027-03-31"
    assert list(data)[:4] == ["lendready_version", "rules_version", "as_of", "organisation"]
    assert list(data)[-4:] == ["stress", "loan_sizing", "to_improve", "finance_fits"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01T00:00:00Z
    assert analyse(samples["vale"], knowledge).as_of == date(2027, 1, 1)
    assert parse_as_of("2026-02-28") == date(2026, 2, 28)
    for bad in ("2026-02-30", "31/03/2025", "2026-2-1", "", "2026-02-28T10:00"):
        with pytest.raises(AsOfError):
            parse_as_of(bad)


@pytest.mark.parametrize("sid", SAMPLE_IDS)
def test_every_sample_analyses_at_its_own_date(knowledge, samples, sid):
    from lendready.domain.teaching.samples import load_samples, sample_as_of

    sample = next(s for s in load_samples(knowledge.root, []) if s.id == sid)
    a = analyse(samples[sid], knowledge, sample_as_of(sample))
    assert a.as_of == date(2026, 12, 1)
    assert a.band == sample.meta.expected.band
    if a.loan_sizing is not None and a.band == "ready":
        assert not a.loan_sizing.amount_is_not_the_problem


def test_a_secured_loan_is_not_offered_beyond_the_loan_to_value_a_lender_accepts(knowledge, answers_of):
    answers = {**answers_of("vale"), "sec.property_value": 1_666_667}  # £1.5m is 90% of it
    a = analyse(answers, knowledge, AS_OF)
    assert "security.ltv_high" in a.assessment.finding_ids
    assert "secured_term_loan" not in {f.id for f in a.finance_fits}
    assert "secured_term_loan" in {f.id for f in analyse(answers_of("vale"), knowledge, AS_OF).finance_fits}
