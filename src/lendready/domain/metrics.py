"""The lender's numbers: DSCR, interest cover, reserves, LTV, repayment, lowest cash.

The definitions are the ones the credit team signed off (see docs/rules.md),
computed in IEEE doubles and rounded half-up to two places only for output and
for threshold tests, so that a figure printed as 1.25 is judged as 1.25. A
metric whose inputs are unanswered is absent; one whose divisor is zero or
negative is *not applicable* and carries the reason instead of an infinity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from lendready.domain.questionnaire import parse_month

# Published in the assessment's "metrics", in this order.
OUTPUT_METRICS = (
    "dscr",
    "interest_cover",
    "reserves_months",
    "ltv",
    "annual_loan_repayment",
    "lowest_forecast_cash",
    "lowest_cash_month",
)
# Available to rules but not part of the published contract.
INTERNAL_METRICS = (
    "interest_rate",
    "monthly_repayment",
    "ebitda_proxy",
    "yearly_costs",
    "lowest_cash_income_stress",
)
ALL_METRICS = frozenset(OUTPUT_METRICS + INTERNAL_METRICS) - {"lowest_cash_month"}

_LOAN = ("loan.amount", "loan.term_months", "loan.interest_rate")
_CASH = ("fin.cash", "fin.forecast") + _LOAN
# Which answers each metric reads (kept beside compute(), which must agree with it):
# the what-if search uses it to skip changes that cannot move a metric-based finding.
METRIC_INPUTS: dict[str, tuple[str, ...]] = {
    "interest_rate": ("loan.interest_rate",),
    "monthly_repayment": _LOAN,
    "annual_loan_repayment": _LOAN,
    "ebitda_proxy": ("fin.surplus", "fin.depreciation"),
    "dscr": ("fin.surplus", "fin.depreciation", "fin.existing_debt_service") + _LOAN,
    "interest_cover": ("fin.surplus", "fin.depreciation", "fin.existing_debt") + _LOAN,
    "yearly_costs": ("fin.turnover", "fin.surplus"),
    "reserves_months": ("fin.turnover", "fin.surplus", "fin.unrestricted_reserves"),
    "ltv": ("loan.amount", "sec.property_value"),
    "lowest_forecast_cash": _CASH,
    "lowest_cash_month": _CASH,
    "lowest_cash_income_stress": _CASH,
}

def round2(x: float) -> float:
    """Half-up to two places through the decimal repr, as the definitions require."""
    if not -_WHOLE < x < _WHOLE:
        # Beyond 2**53 a double has no fractions left to round (and Decimal's 28
        # digits could not quantize it); infinities are kept out by _ratio().
        return x
    return _half_up(x)


def _half_up(x: float) -> float:
    """The rounding itself; decimal is imported on the first call, not when the app starts (1 MB)."""
    global _half_up
    from decimal import ROUND_HALF_UP, Decimal

    cent = Decimal("0.01")
    done: dict[float, float] = {}  # loan sizing rounds the same figures over and over

    def half_up(value: float) -> float:
        if value == 0:
            return value  # what quantizing gives, the sign of a zero included (which a memo would lose)
        rounded = done.get(value)
        if rounded is None:
            if len(done) >= 4096:
                done.clear()
            rounded = done[value] = float(Decimal(repr(value)).quantize(cent, ROUND_HALF_UP))
        return rounded

    _half_up = half_up
    return half_up(x)


_WHOLE = 2.0**53


def _ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when that is not a finite number (a divisor that underflowed to 0)."""
    if denominator == 0:
        return None
    value = numerator / denominator
    return value if math.isfinite(value) else None


class Metrics:
    """Rounded figures (what rules test and output shows) and why any are missing."""

    __slots__ = ("values", "reasons")

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.reasons: dict[str, str] = {}

    def published(self) -> dict[str, Any]:
        return {k: self.values[k] for k in OUTPUT_METRICS if k in self.values}


def monthly_repayment(amount: float, term_months: int, rate_percent: float) -> float:
    """Level repayment M = P·r / (1 − (1 + r)^−n), or P / n at a zero rate."""
    r = rate_percent / 1200.0
    if r < 1e-200:  # zero, or so small that it cannot change a repayment by a penny
        return amount / term_months
    # 1 − (1 + r)^−n through log1p/expm1: (1.0 + r) == 1.0 for r below 1e-16 would divide by zero.
    return amount * r / -math.expm1(-term_months * math.log1p(r))


def sorted_forecast(rows: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(rows, key=lambda row: parse_month(row["month"]) or (0, 0))


def running_cash(
    opening: float,
    rows: list[Mapping[str, Any]],
    repayment: float,
    term_months: int,
    receipts_factor: float = 1.0,
    receipts: list[float] | None = None,
) -> list[float]:
    """Closing cash per month: Bᵢ = Bᵢ₋₁ + receiptsᵢ − paymentsᵢ − (M while the loan runs).

    Loan proceeds are deliberately not added: the forecast must show it can
    repay from trading, not from the loan itself. ``receipts``, when given,
    replaces each row's receipts (a stress scenario); payments stay as forecast.
    """
    balance = opening
    out: list[float] = []
    for i, row in enumerate(rows, start=1):
        received = row["receipts"] if receipts is None else receipts[i - 1]
        balance += received * receipts_factor - row["payments"]
        if i <= term_months:
            balance -= repayment
        out.append(balance)
    return out


def lowest_point(balances: list[float], rows: list[Mapping[str, Any]]) -> tuple[float, str]:
    """The minimum and the first month at that (unrounded) minimum."""
    low = min(balances)
    return low, rows[balances.index(low)]["month"]


def compute(values: Mapping[str, Any], params: Mapping[str, float]) -> Metrics:
    """Every metric the rules and the outputs use, from answers that count."""
    m = Metrics()
    v, reason = m.values, m.reasons
    get = values.get

    rate = get("loan.interest_rate")
    if rate is None:
        rate = params["default_interest_rate"]
    v["interest_rate"] = round2(rate)

    amount, term = get("loan.amount"), get("loan.term_months")
    repayment: float | None = None
    if amount is not None and term is not None and term > 0:
        repayment = monthly_repayment(amount, term, rate)
        v["monthly_repayment"] = round2(repayment)
        annual = repayment * min(12, term)
        v["annual_loan_repayment"] = round2(annual)
    else:
        annual = None
        reason["annual_loan_repayment"] = "needs the loan amount and term"

    surplus, depreciation = get("fin.surplus"), get("fin.depreciation")
    ebitda = surplus + depreciation if surplus is not None and depreciation is not None else None
    if ebitda is not None:
        v["ebitda_proxy"] = round2(ebitda)

    existing_service = get("fin.existing_debt_service")
    if ebitda is None or existing_service is None or annual is None:
        reason["dscr"] = "needs surplus, depreciation, existing debt service and the loan"
    elif existing_service + annual <= 0:
        reason["dscr"] = "not applicable: there are no repayments to cover"
    elif (dscr := _ratio(ebitda, existing_service + annual)) is None:
        reason["dscr"] = "not applicable: the figures are too far apart to give a ratio"
    else:
        v["dscr"] = round2(dscr)

    existing_debt = get("fin.existing_debt")
    if ebitda is None or existing_debt is None or amount is None:
        reason["interest_cover"] = "needs surplus, depreciation, existing debt and the loan amount"
    else:
        interest = (existing_debt + amount) * rate / 100.0
        if interest <= 0:
            reason["interest_cover"] = "not applicable: no interest is payable"
        elif (cover := _ratio(ebitda, interest)) is None:
            reason["interest_cover"] = "not applicable: the figures are too far apart to give a ratio"
        else:
            v["interest_cover"] = round2(cover)

    turnover, reserves = get("fin.turnover"), get("fin.unrestricted_reserves")
    if turnover is None or surplus is None or reserves is None:
        reason["reserves_months"] = "needs turnover, surplus and free reserves"
    else:
        costs = turnover - surplus
        v["yearly_costs"] = round2(costs)
        if costs <= 0:
            reason["reserves_months"] = "not applicable: yearly costs are zero or less"
        elif (months := _ratio(reserves, costs / 12.0)) is None:
            reason["reserves_months"] = "not applicable: the figures are too far apart to give a ratio"
        else:
            v["reserves_months"] = round2(months)

    property_value = get("sec.property_value")
    if amount is None or property_value is None:
        reason["ltv"] = "needs the loan amount and property value"
    elif property_value <= 0:
        reason["ltv"] = "not applicable: no property is offered"
    elif (share := _ratio(amount, property_value)) is None or not math.isfinite(share * 100.0):
        reason["ltv"] = "not applicable: the figures are too far apart to give a ratio"
    else:
        v["ltv"] = round2(share * 100.0)

    forecast, cash = get("fin.forecast"), get("fin.cash")
    if forecast is None or cash is None or repayment is None:
        reason["lowest_forecast_cash"] = "needs cash at bank, a valid forecast and the loan"
        reason["lowest_cash_month"] = reason["lowest_forecast_cash"]
    else:
        rows = sorted_forecast(forecast)
        low, month = lowest_point(running_cash(cash, rows, repayment, term), rows)
        v["lowest_forecast_cash"] = round2(low)
        v["lowest_cash_month"] = month
        factor = 1.0 - params["stress.income_fall_small"] / 100.0
        stressed, _ = lowest_point(running_cash(cash, rows, repayment, term, factor), rows)
        v["lowest_cash_income_stress"] = round2(stressed)
    return m
