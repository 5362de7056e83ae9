"""Stress scenarios checked against figures worked by hand, and the teaching cases' published figures."""

from __future__ import annotations

import pytest

from lendready.domain.metrics import monthly_repayment
from lendready.domain.stress import contract_lost, delayed, stress_tests


def small_case(**changes):
    """Twelve months of £100 in, £90 out; £1,000 at bank; £1,200 over 12 months at 0% (M = £100).

    Each month the balance falls by 100 − 90 − 100 = £90, so B₁₂ = 1,000 − 1,080 = −£80.
    """
    values = {
        "fin.cash": 1000,
        "fin.forecast": [{"month": f"2027-{m:02d}", "receipts": 100, "payments": 90} for m in range(1, 13)],
        "loan.amount": 1200, "loan.term_months": 12, "loan.interest_rate": 0.0,
        "fin.surplus": 2000, "fin.depreciation": 0, "fin.existing_debt_service": 0, "fin.existing_debt": 0,
        "fin.debtor_days": 30,
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def by_id(results):
    return {r.id: r for r in results}


def test_shift_and_cut_helpers():
    assert delayed([1, 2, 3, 4], 1) == [0, 1, 2, 3]
    assert delayed([1, 2, 3, 4], 2) == [0, 0, 1, 2]
    assert contract_lost([100, 100, 100, 100], 2, 40) == [100, 100, 60, 60]


def test_income_falls_by_hand(knowledge):
    r = by_id(stress_tests(small_case(), knowledge))
    # −10%: receipts 90, so −£100 a month: 1,000 − 1,200 = −£200 in the last month.
    assert r["income_fall_small"].lowest_forecast_cash == -200.0
    assert r["income_fall_small"].lowest_cash_month == "2027-12"
    # −20%: receipts 80, −£110 a month: 1,000 − 1,320 = −£320.
    assert r["income_fall_large"].lowest_forecast_cash == -320.0


def test_payment_delays_by_hand(knowledge):
    r = by_id(stress_tests(small_case(), knowledge))
    # One month late: the forecast's last £100 never arrives in the window: −80 − 100 = −£180.
    assert r["payment_delay_short"].lowest_forecast_cash == -180.0
    assert r["payment_delay_short"].lowest_cash_month == "2027-12"
    # Two months late: −80 − 200 = −£280.
    assert r["payment_delay_long"].lowest_forecast_cash == -280.0
    assert r["payment_delay_long"].note is None


def test_payment_delay_not_meaningful_for_cash_trade(knowledge):
    r = by_id(stress_tests(small_case(**{"fin.debtor_days": 5}), knowledge))
    assert "not meaningful" in r["payment_delay_short"].note
    assert "not meaningful" in r["payment_delay_long"].note


def test_contract_lost_from_month_after_it_ends(knowledge):
    case = small_case(**{"inc.largest_customer_share": 40, "inc.main_contract_months_left": 6})
    r = by_id(stress_tests(case, knowledge))["contract_lost"]
    # Months 1–6: −£90 each → £460. Months 7–12: receipts 60, so −£130 each → 460 − 780 = −£320.
    assert r.lowest_forecast_cash == -320.0
    assert r.lowest_cash_month == "2027-12"
    assert r.note is None


def test_contract_beyond_forecast_or_small_share_only_noted(knowledge):
    beyond = by_id(stress_tests(small_case(**{"inc.largest_customer_share": 40,
                                               "inc.main_contract_months_left": 24}), knowledge))
    assert beyond["contract_lost"].note == "contract runs beyond the forecast"
    assert beyond["contract_lost"].lowest_forecast_cash == -80.0  # unchanged
    small = by_id(stress_tests(small_case(**{"inc.largest_customer_share": 25,
                                              "inc.main_contract_months_left": 6}), knowledge))
    assert small["contract_lost"].note is not None
    assert small["contract_lost"].lowest_forecast_cash == -80.0


def test_rate_rise_changes_the_repayment_and_cover(knowledge):
    r = by_id(stress_tests(small_case(), knowledge))
    rate = r["rate_rise"]
    # At 2%: r = 1/600, M = 1200·r / (1 − (1 + r)^−12) ≈ £101.09 (£1,213.04 a year).
    m = monthly_repayment(1200, 12, 2.0)
    assert m == pytest.approx(101.087, abs=1e-3)
    assert rate.lowest_forecast_cash == pytest.approx(1000 + 12 * 10 - 12 * m, abs=0.006)
    assert rate.lowest_forecast_cash == pytest.approx(-93.04, abs=0.01)
    # DSCR: 2,000 / 1,200 = 1.67 at 0%, 2,000 / 1,213.04 = 1.65 at 2%; other scenarios keep the base DSCR.
    assert rate.dscr == 1.65
    assert r["income_fall_small"].dscr == 1.67
    # Interest cover at 2% on £1,200: 2,000 / 24 = 83.33.
    assert rate.interest_cover == 83.33


def test_no_forecast_cash_or_loan_means_no_stress(knowledge):
    assert stress_tests(small_case(**{"fin.forecast": None}), knowledge) == []
    assert stress_tests(small_case(**{"fin.cash": None}), knowledge) == []
    assert stress_tests(small_case(**{"loan.amount": None}), knowledge) == []


def test_to_dict_shape(knowledge):
    for result in stress_tests(small_case(), knowledge):
        assert list(result.to_dict()) == ["id", "label", "lowest_forecast_cash", "lowest_cash_month", "dscr", "band"]


def _sample_stress(knowledge, samples, sid):
    values = knowledge.questionnaire.validate(samples[sid].answers).values
    return by_id(stress_tests(values, knowledge))


def test_vale_income_stress_figures(knowledge, samples):
    r = _sample_stress(knowledge, samples, "vale")
    assert r["income_fall_small"].lowest_forecast_cash == 700004.74
    assert r["income_fall_small"].lowest_cash_month == "2027-12"
    assert r["income_fall_large"].lowest_forecast_cash == -20995.26
    assert r["income_fall_large"].band == "not_ready"  # the stressed plan runs out of cash


def test_bean_there_sixty_day_delay(knowledge, samples):
    r = _sample_stress(knowledge, samples, "bean_there")
    assert r["payment_delay_long"].lowest_forecast_cash == -3946.02
    assert r["payment_delay_long"].lowest_cash_month == "2027-12"


def test_bands_come_from_the_real_assessment(knowledge, samples):
    from lendready.domain.assessment import assess

    answers = dict(samples["vale"].answers)
    r = _sample_stress(knowledge, samples, "vale")
    rate = answers["loan.interest_rate"] + knowledge.param_values["stress.rate_rise_points"]
    assert r["rate_rise"].band == assess({**answers, "loan.interest_rate": rate}, knowledge).band
