"""Stress scenarios as transformed cases.

Each scenario changes the answers the way the credit team's table says
(docs/rules.md, "Stress scenarios") and re-assesses them: the monthly forecast
(receipts or payments) and the year's figures (turnover and surplus) move
together, so a 20 % fall in income lowers the DSCR as well as the cash line. The
band, DSCR, interest cover and lowest cash reported for a scenario are that
re-assessment's own. Inside a scenario the rules that apply a stress themselves
are not run (no stress of a stress). A payment delay only moves cash between
months, so its ratios are the base ones and it says so (``timing_only``). A
scenario that does not apply to the case is listed with the reason, never
dropped.

All percentages and months are parameters with references.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from lendready.domain.advice.reassess import Reassessor
from lendready.domain.engine.metrics import sorted_forecast

SCENARIOS = (
    "income_fall_small", "income_fall_large", "contract_lost", "termination_for_convenience",
    "payment_delay_short", "payment_delay_long", "rate_rise", "cost_rise", "combined",
)
NOTICE_QUESTION = "inc.main_contract_notice_months"


class StressResult(NamedTuple):
    id: str
    label: str
    applies: bool
    reason: str | None = None
    """Why the scenario does not apply (only when ``applies`` is false)."""
    band: str | None = None
    dscr: float | None = None
    interest_cover: float | None = None
    lowest_forecast_cash: float | None = None
    lowest_cash_month: str | None = None
    timing_only: bool = False
    negative_earnings: bool = False
    """Earnings (surplus before depreciation) are zero or less in the scenario: ratios print as negative."""
    balances: tuple[float, ...] | None = None
    """Month-end cash in the scenario, one per forecast month in order (for a chart); None without one."""
    exact: tuple[float | None, float | None] = (None, None)
    """The DSCR and interest cover before rounding (a change too small to show at two places is still one)."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "label": self.label, "applies": self.applies}
        if not self.applies:
            out["reason"] = self.reason
            return out
        out["band"] = self.band
        for key in ("dscr", "interest_cover", "lowest_forecast_cash", "lowest_cash_month"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["timing_only"] = self.timing_only
        return out


def _pct(x: float) -> str:
    return f"{x:g}%"


class _Case:
    """The figures a transformation reads."""

    def __init__(self, values: Mapping[str, Any], params: Mapping[str, float]) -> None:
        self.values, self.p = values, params
        forecast = values.get("fin.forecast")
        self.rows = sorted_forecast(forecast) if forecast else None
        self.turnover, self.surplus = values.get("fin.turnover"), values.get("fin.surplus")

    def forecast(self, receipts: Any = None, payments: Any = None) -> list[dict[str, Any]] | None:
        """The forecast with receipts and payments changed month by month (functions of (i, amount))."""
        if self.rows is None:
            return None
        return [
            {"month": row["month"],
             "receipts": receipts(i, row["receipts"]) if receipts else row["receipts"],
             "payments": payments(i, row["payments"]) if payments else row["payments"]}
            for i, row in enumerate(self.rows, start=1)
        ]

    def delayed(self, k: int) -> list[dict[str, Any]] | None:
        """receipts′ᵢ = receiptsᵢ₋ₖ, and nothing in the first k months."""
        if self.rows is None:
            return None
        rec = [row["receipts"] for row in self.rows]
        return [{"month": row["month"], "receipts": rec[i - 1 - k] if i > k else 0, "payments": row["payments"]}
                for i, row in enumerate(self.rows, start=1)]

    def annual(self, income_fall: float = 0.0, cost_rise: float = 0.0) -> dict[str, Any]:
        """T′ = T(1 − x); S′ = S − xT − yC (C = T − S): the year's figures under the same change."""
        out: dict[str, Any] = {}
        t, s = self.turnover, self.surplus
        if t is None:
            return out
        if income_fall:
            out["fin.turnover"] = t * (1.0 - income_fall)
        if s is not None:
            out["fin.surplus"] = s - income_fall * t - cost_rise * (t - s)
        return out


def _scenario(r: Reassessor, sid: str, label: str, changes: dict[str, Any], *, timing_only: bool = False,
              ) -> StressResult:
    changes = {q: v for q, v in changes.items() if v is not None}
    judged = r.verdict(changes, stressed=True)
    m = judged.metrics
    path = m.balances()
    ebitda = m.values.get("ebitda_proxy")
    return StressResult(
        sid, label, True, None, judged.band, m.values.get("dscr"), m.values.get("interest_cover"),
        m.values.get("lowest_forecast_cash"), m.values.get("lowest_cash_month"), timing_only,
        ebitda is not None and ebitda <= 0, tuple(path[1]) if path else None,
        (m.raw.get("dscr"), m.raw.get("interest_cover")),
    )


def stress_tests(r: Reassessor) -> list[StressResult]:
    """Every scenario, in the contract's order."""
    p, v = r.k.param_values, r.values
    c = _Case(v, p)
    out: list[StressResult] = []

    for sid, key in (("income_fall_small", "stress.income_fall_small"),
                     ("income_fall_large", "stress.income_fall_large")):
        x = p[key] / 100.0
        out.append(_scenario(r, sid, f"Receipts {_pct(p[key])} lower", {
            "fin.forecast": c.forecast(receipts=lambda i, a, x=x: a * (1.0 - x)), **c.annual(income_fall=x)}))

    share = v.get("inc.largest_customer_share")
    months_left = v.get("inc.main_contract_months_left")
    term = v.get("loan.term_months")
    above = p["stress.contract_loss_share_above"]

    def lost_after(sid: str, label: str, m: int) -> StressResult:
        assert share is not None
        s = share / 100.0
        return _scenario(r, sid, label, {
            "fin.forecast": c.forecast(receipts=lambda i, a: a if i <= m else a * (1.0 - s)),
            **c.annual(income_fall=s)})

    label = "Main contract lost when it ends"
    if share is None or months_left is None:
        out.append(StressResult("contract_lost", label, False,
                                "needs the largest customer's share and the months left on its contract"))
    elif share <= above:
        out.append(StressResult("contract_lost", label, False,
                                f"the largest customer gives {_pct(above)} of income or less"))
    elif months_left <= 0:
        out.append(StressResult("contract_lost", label, False,
                                "the largest customer's income is not under a contract"))
    elif term is None or months_left >= term:
        out.append(StressResult("contract_lost", label, False,
                                "the contract runs for the whole loan term" if term is not None
                                else "needs the loan term"))
    else:
        out.append(lost_after("contract_lost", f"Main contract lost after {months_left} months", months_left))

    label = "Main contract ended early for convenience"
    brk = v.get("inc.main_contract_break_clause")
    if brk != "yes":
        out.append(StressResult("termination_for_convenience", label, False,
                                "the buyer cannot end the main contract early without cause" if brk == "no"
                                else "needs whether the buyer can end the main contract early"))
    elif share is None or share <= above:
        out.append(StressResult("termination_for_convenience", label, False,
                                "needs the largest customer's share" if share is None
                                else f"the largest customer gives {_pct(above)} of income or less"))
    else:
        notice = v.get(NOTICE_QUESTION)
        m = int(notice if notice is not None else p["stress.termination_notice_months"])
        out.append(lost_after("termination_for_convenience",
                              f"Main contract ended on {m} months' notice", m))

    debtor_days = v.get("fin.debtor_days")
    for sid, key in (("payment_delay_short", "stress.payment_delay_short_months"),
                     ("payment_delay_long", "stress.payment_delay_long_months")):
        k = int(p[key])
        label = f"Customers pay {30 * k} days late"
        if c.rows is None:
            out.append(StressResult(sid, label, False,
                                    "needs a monthly forecast: a delay only moves cash between months"))
        elif debtor_days is not None and debtor_days <= p["stress.debtor_days_meaningful_above"]:
            out.append(StressResult(sid, label, False, "not meaningful: customers pay within a week"))
        else:
            out.append(_scenario(r, sid, label, {"fin.forecast": c.delayed(k)}, timing_only=True))

    rate = r.base.metrics.values.get("interest_rate", p["default_interest_rate"])
    points = p["stress.rate_rise_points"]
    out.append(_scenario(r, "rate_rise", f"Interest rate {points:g} points higher ({rate + points:g}%)",
                         {"loan.interest_rate": rate + points}))

    y = p["stress.cost_rise"] / 100.0
    out.append(_scenario(r, "cost_rise", f"Costs {_pct(p['stress.cost_rise'])} higher", {
        "fin.forecast": c.forecast(payments=lambda i, a: a * (1.0 + y)), **c.annual(cost_rise=y)}))

    x2, y2 = p["stress.combined_income_fall"] / 100.0, p["stress.combined_cost_rise"] / 100.0
    out.append(_scenario(
        r, "combined",
        f"Receipts {_pct(p['stress.combined_income_fall'])} lower and costs {_pct(p['stress.combined_cost_rise'])} "
        "higher", {
            "fin.forecast": c.forecast(receipts=lambda i, a: a * (1.0 - x2), payments=lambda i, a: a * (1.0 + y2)),
            **c.annual(income_fall=x2, cost_rise=y2)}))
    return out
