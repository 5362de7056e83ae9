"""Metric arithmetic checked against figures worked by hand."""

from __future__ import annotations

import pytest

from lendready.domain.engine.metrics import compute, monthly_repayment, round2

PARAMS = {"default_interest_rate": 8.0, "stress.income_fall_small": 10.0, "dscr.amber_below": 1.25,
          "dscr.amber_below_strict": 1.5, "dscr.strict_years_below": 3, "dscr.strict_customer_share_above": 80}


def test_round_half_up_through_decimal_repr():
    assert round2(1.005) == 1.01  # Python's round() gives 1.0 here
    assert round2(2.675) == 2.68
    assert round2(-0.125) == -0.13
    assert round2(1.2449999) == 1.24


def test_rounding_remembered_or_not_is_the_same_and_keeps_the_sign_of_zero():
    import math
    import random
    from decimal import ROUND_HALF_UP, Decimal

    rng = random.Random(3)
    values = [rng.uniform(-1e6, 1e6) for _ in range(3000)] + [0.005 * k for k in range(-400, 400)]
    for value in values + values:  # the second pass is answered from memory
        assert round2(value) == float(Decimal(repr(value)).quantize(Decimal("0.01"), ROUND_HALF_UP))
    assert math.copysign(1, round2(-0.0)) == -1 and math.copysign(1, round2(0.0)) == 1
    assert math.copysign(1, round2(-0.001)) == -1  # -0.00, as Decimal gives


def test_annuity_repayment_by_hand():
    # £12,000 over 12 months at 0% is £1,000 a month.
    assert monthly_repayment(12_000, 12, 0) == 1000
    # £100,000 over 120 months at 6%: r = 0.005, M = 100000*0.005/(1-1.005^-120) = 1110.205...
    assert monthly_repayment(100_000, 120, 6) == pytest.approx(1110.2050, abs=1e-3)


def base_values() -> dict:
    return {
        "loan.amount": 120_000, "loan.term_months": 12, "loan.interest_rate": 0.0,
        "fin.surplus": 20_000, "fin.depreciation": 4_000, "fin.existing_debt_service": 6_000,
        "fin.existing_debt": 30_000, "fin.turnover": 260_000, "fin.unrestricted_reserves": 60_000,
        "sec.property_value": 200_000,
    }


def test_dscr_interest_cover_reserves_ltv_by_hand():
    values = base_values()
    values["loan.interest_rate"] = 5.0
    m = compute(values, PARAMS).values
    repayment = monthly_repayment(120_000, 12, 5.0)
    assert m["annual_loan_repayment"] == round2(repayment * 12)
    assert m["dscr"] == round2(24_000 / (6_000 + repayment * 12))
    # interest cover: 24,000 / ((30,000 + 120,000) * 5%) = 24,000 / 7,500 = 3.2
    assert m["interest_cover"] == 3.2
    # reserves: 60,000 / ((260,000 - 20,000) / 12) = 60,000 / 20,000 = 3
    assert m["reserves_months"] == 3.0
    assert m["ltv"] == 60.0


def test_default_rate_applies_when_none_given():
    values = base_values()
    del values["loan.interest_rate"]
    m = compute(values, PARAMS).values
    assert m["interest_rate"] == 8.0
    assert m["monthly_repayment"] == round2(monthly_repayment(120_000, 12, 8.0))


def test_not_applicable_is_absent_with_a_reason():
    values = base_values() | {"fin.existing_debt_service": 0, "fin.existing_debt": 0, "loan.interest_rate": 0.0,
                              "fin.turnover": 10_000, "sec.property_value": 0}
    values["fin.surplus"] = 10_000  # costs = turnover - surplus = 0
    m = compute(values, PARAMS)
    assert "interest_cover" not in m.values and "no interest" in m.reasons["interest_cover"]
    assert "reserves_months" not in m.values and "zero or less" in m.reasons["reserves_months"]
    assert "ltv" not in m.values and "no property" in m.reasons["ltv"]
    assert "dscr" in m.values  # the new loan is still repaid


def test_missing_inputs_leave_metrics_absent():
    m = compute({"loan.amount": 1000}, PARAMS)
    for name in ("dscr", "interest_cover", "reserves_months", "ltv", "annual_loan_repayment", "lowest_forecast_cash"):
        assert name not in m.values
        assert m.reasons[name]


def rows(*pairs):
    return [{"month": f"2027-{i:02d}", "receipts": r, "payments": p} for i, (r, p) in enumerate(pairs, start=1)]


def test_lowest_cash_first_month_at_minimum_and_term_shorter_than_forecast():
    # Cash 1,000; loan £2,000 over 2 months at 0% -> £1,000 a month in months 1-2 only.
    forecast = rows(*[(500, 500)] * 12)
    forecast[3]["payments"] = 1500  # month 4 dips by 1,000
    forecast[4]["receipts"] = 1500  # month 5 recovers
    forecast[6]["payments"] = 1500  # month 7 dips to the same low again
    values = {"fin.cash": 1000, "fin.forecast": forecast, "loan.amount": 2000, "loan.term_months": 2,
              "loan.interest_rate": 0.0}
    m = compute(values, PARAMS).values
    # after month 2: 1000 - 2000 = -1000; month 4: -2000; month 5: -1000; month 7: -2000 again
    assert m["lowest_forecast_cash"] == -2000
    assert m["lowest_cash_month"] == "2027-04"


def test_forecast_is_sorted_by_month_before_running():
    forecast = rows(*[(100, 0)] * 12)
    forecast[0]["payments"] = 5000  # January's large payment
    shuffled = list(reversed(forecast))
    values = {"fin.cash": 0, "fin.forecast": shuffled, "loan.amount": 1200, "loan.term_months": 12,
              "loan.interest_rate": 0.0}
    m = compute(values, PARAMS).values
    assert m["lowest_cash_month"] == "2027-01"
    assert m["lowest_forecast_cash"] == 100 - 5000 - 100


def test_income_stress_scales_receipts_only():
    forecast = rows(*[(1000, 950)] * 12)
    values = {"fin.cash": 0, "fin.forecast": forecast, "loan.amount": 120, "loan.term_months": 12,
              "loan.interest_rate": 0.0}
    m = compute(values, PARAMS).values
    assert m["lowest_forecast_cash"] == 40  # +50 -10 in month one, then rising
    # -10%: each month 900 - 950 - 10 = -60; lowest after 12 months = -720
    assert m["lowest_cash_income_stress"] == -720


def test_formatting_reads_naturally():
    from lendready.domain.engine import formatting

    assert formatting.money(1_250_000) == "£1,250,000"
    assert formatting.money(700004.74) == "£700,005"  # whole pounds unless pence are asked for
    assert formatting.money(700004.74, pence=True) == "£700,004.74"
    assert formatting.money(-20995.26) == "\u2212£20,995"
    assert formatting.money(-20995.26, pence=True) == "\u2212£20,995.26"
    assert formatting.by_unit(1, "months") == "1 month"
    assert formatting.by_unit(3, "months") == "3 months"
    assert formatting.by_unit(0.7, "months") == "0.70 months"
    assert formatting.by_unit(1.8, "ratio") == "1.80"
    assert formatting.by_unit(53.57, "percent") == "53.57%"


def test_counted_answers_are_singular_where_they_should_be():
    from lendready.domain.engine import formatting

    assert formatting.answer("number", 1, unit="years") == "1 year"
    assert formatting.answer("integer", 14, unit="months") == "14 months"
    assert formatting.answer("integer", 14, unit="people") == "14"
