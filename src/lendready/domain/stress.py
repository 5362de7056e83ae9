"""Stress tests of the cashflow forecast: what happens to the lowest cash when one thing goes wrong.

Each scenario reruns the lowest-forecast-cash metric with a single change and
leaves the forecast's payments as they are:

* receipts fall by ``stress.income_fall_small`` / ``stress.income_fall_large`` percent every month;
* the largest customer's contract is lost when it ends: after month m
  (``inc.main_contract_months_left``) every month's receipts lose that customer's share,
  run only when the share is above ``stress.contract_loss_share_above`` and m falls inside the forecast;
* customers pay k months late (``stress.payment_delay_short_months`` / ``_long_months``): each
  month receives what the forecast expected k months earlier, nothing in the first k months;
  flagged as not meaningful when debtor days are ``stress.debtor_days_meaningful_above`` or fewer;
* the interest rate is ``stress.rate_rise_points`` higher: a higher repayment, and the DSCR and
  interest cover at that rate.

The band of each scenario comes from the real :func:`assess`, run on the answers
with the stressed forecast (or the higher rate) put in place of the real one. So a
cash scenario's band also carries the rules that read the forecast, including the
modest income stress applied on top of the stressed plan; the DSCR shown is the
case's own, except in the rate scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from lendready.domain.metrics import (
    compute,
    lowest_point,
    monthly_repayment,
    round2,
    running_cash,
    sorted_forecast,
)

MAX_RATE = 25.0  # the questionnaire's upper limit for loan.interest_rate


class StressResult(NamedTuple):
    id: str
    label: str
    lowest_forecast_cash: float
    lowest_cash_month: str
    dscr: float | None
    band: str
    note: str | None = None
    interest_cover: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "lowest_forecast_cash": self.lowest_forecast_cash,
            "lowest_cash_month": self.lowest_cash_month,
            "dscr": self.dscr,
            "band": self.band,
        }


def _fmt(x: float) -> str:
    return f"{x:g}"


def delayed(receipts: list[float], k: int) -> list[float]:
    """receipts′ᵢ = receiptsᵢ₋ₖ, and 0 for i ≤ k."""
    k = max(0, k)
    return [0.0] * min(k, len(receipts)) + list(receipts[: max(0, len(receipts) - k)])


def contract_lost(receipts: list[float], after_month: int, share_percent: float) -> list[float]:
    """receiptsᵢ × (1 − share/100) for i > m, unchanged before."""
    keep = 1.0 - share_percent / 100.0
    return [r if i <= after_month else r * keep for i, r in enumerate(receipts, start=1)]


def _band(values: Mapping[str, Any], knowledge: Any, **changes: Any) -> str:
    from lendready.domain.assessment import band_of

    answers = dict(values)
    answers.update(changes)
    return band_of(answers, knowledge)


class StressSeries(NamedTuple):
    result: StressResult
    balances: list[float] | None
    """Month-end cash in the scenario, one per forecast month (sorted); None when it was not run."""


def stress_tests(values: Mapping[str, Any], knowledge: Any) -> list[StressResult]:
    """Every scenario for answers that count (``questionnaire.validate(answers).values``).

    Empty when there is no valid forecast, no cash at bank or no usable loan.
    """
    return [s.result for s in stress_series(values, knowledge)]


def stress_series(values: Mapping[str, Any], knowledge: Any) -> list[StressSeries]:
    """:func:`stress_tests` with each scenario's running cash, for a chart (same order, same results).

    ``balances`` is None for a scenario that was not run (its note says why).
    """
    forecast, cash = values.get("fin.forecast"), values.get("fin.cash")
    amount, term = values.get("loan.amount"), values.get("loan.term_months")
    if forecast is None or cash is None or amount is None or term is None or term <= 0:
        return []
    p = knowledge.param_values
    rate = values.get("loan.interest_rate")
    if rate is None:
        rate = p["default_interest_rate"]
    rows = sorted_forecast(forecast)
    base_receipts = [float(r["receipts"]) for r in rows]
    repayment = monthly_repayment(amount, term, rate)
    base = compute(values, p)
    base_dscr = base.values.get("dscr")
    base_low = base.values.get("lowest_forecast_cash")
    base_month = base.values.get("lowest_cash_month")
    base_band: str | None = None

    def band_unchanged() -> str:
        nonlocal base_band
        if base_band is None:
            base_band = _band(values, knowledge)
        return base_band

    def cash_result(sid: str, label: str, receipts: list[float], note: str | None = None) -> StressSeries:
        balances = running_cash(cash, rows, repayment, term, receipts=receipts)
        low, month = lowest_point(balances, rows)
        stressed = [
            {"month": row["month"], "receipts": r, "payments": row["payments"]} for row, r in zip(rows, receipts)
        ]
        band = _band(values, knowledge, **{"fin.forecast": stressed})
        return StressSeries(StressResult(sid, label, round2(low), month, base_dscr, band, note), balances)

    out: list[StressSeries] = []
    for key, sid in (("stress.income_fall_small", "income_fall_small"), ("stress.income_fall_large", "income_fall_large")):
        fall = p[key]
        factor = 1.0 - fall / 100.0
        out.append(cash_result(sid, f"Receipts {_fmt(fall)}% lower every month", [r * factor for r in base_receipts]))

    share = values.get("inc.largest_customer_share")
    months_left = values.get("inc.main_contract_months_left")
    threshold = p["stress.contract_loss_share_above"]
    label = "Largest contract lost when it ends"
    if share is None or months_left is None:
        note = "needs the largest customer's share and the months left on its contract"
    elif share <= threshold:
        note = f"the largest customer gives {_fmt(threshold)}% of income or less"
    elif months_left <= 0:
        note = "the largest customer's income is not under a contract"
    elif months_left >= len(rows):
        note = "contract runs beyond the forecast"
    else:
        note = None
    if note is None:
        out.append(cash_result("contract_lost", label, contract_lost(base_receipts, months_left, share)))
    elif base_low is not None:
        out.append(StressSeries(
            StressResult("contract_lost", label, base_low, base_month, base_dscr, band_unchanged(), note), None))

    debtor_days = values.get("fin.debtor_days")
    quiet = debtor_days is not None and debtor_days <= p["stress.debtor_days_meaningful_above"]
    for key, sid in (("stress.payment_delay_short_months", "payment_delay_short"),
                     ("stress.payment_delay_long_months", "payment_delay_long")):
        k = int(p[key])
        note = "not meaningful: customers pay within a week" if quiet else None
        out.append(cash_result(sid, f"Customers pay {30 * k} days late", delayed(base_receipts, k), note))

    points = p["stress.rate_rise_points"]
    higher = rate + points
    stressed_values = dict(values)
    stressed_values["loan.interest_rate"] = higher
    m = compute(stressed_values, p)
    balances = running_cash(cash, rows, monthly_repayment(amount, term, higher), term)
    low, month = lowest_point(balances, rows)
    note = None
    if higher > MAX_RATE:
        # The questionnaire would refuse this rate, so the band is judged at its ceiling.
        note = f"rate capped at {_fmt(MAX_RATE)}% for the band"
    band = _band(values, knowledge, **{"loan.interest_rate": min(higher, MAX_RATE)})
    out.append(StressSeries(StressResult(
        "rate_rise", f"Interest rate {_fmt(points)} points higher ({_fmt(round2(higher))}%)", round2(low), month,
        m.values.get("dscr"), band, note, m.values.get("interest_cover"),
    ), balances))
    return out


__all__ = ["StressResult", "StressSeries", "contract_lost", "delayed", "stress_series", "stress_tests"]
