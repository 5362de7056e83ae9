"""The lender's numbers, declared once: DSCR, interest cover, reserves, LTV, repayment, lowest cash.

Each metric is a :class:`MetricSpec` in :data:`REGISTRY`: the answers and other
metrics it reads, the formula, and whether the output contract publishes it.
Its label, unit and plain-English definition are reviewed data
(``resources/rules/rulebook.toml``), checked against this registry when the
rules load. As in OpenFisca, what a metric depends on is declared in one place
and derived everywhere else: a formula can only read the inputs it declares
(reading another raises), so :data:`METRIC_INPUTS`, the what-if search and the
key-figure list cannot drift from the arithmetic.

Figures are computed in IEEE doubles and rounded half-up to two places only for
output and for threshold tests, so that a figure printed as 1.25 is judged as
1.25. A metric whose inputs are unanswered is absent; one whose divisor is zero
or negative is *not applicable* and carries the reason instead of an infinity.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from lendready.domain.engine.questionnaire import parse_month


class NotApplicable(Exception):
    """Raised by a formula whose divisor is zero or negative: the reason is shown instead of a figure."""


class _Missing(Exception):
    """An input the formula needs is unanswered (the metric is absent, with its ``needs`` text)."""


class Inputs:
    """What a formula may read: its declared answers, metrics and parameters, nothing else."""

    __slots__ = ("_spec", "_values", "_raw", "_params", "_as_of")

    def __init__(self, spec: MetricSpec, values: Mapping[str, Any], raw: Mapping[str, Any],
                 params: Mapping[str, float], as_of: date | None = None) -> None:
        self._spec, self._values, self._raw, self._params = spec, values, raw, params
        self._as_of = as_of

    def as_of(self) -> date:
        """The assessment date, for a metric declared ``dated``; without one the metric is absent."""
        if not self._spec.dated:
            raise KeyError(f"metric {self._spec.id} reads the assessment date without declaring it (dated)")
        if self._as_of is None:
            raise _Missing("as_of")
        return self._as_of

    def answer(self, qid: str) -> Any:
        """A declared answer; an unanswered one makes the metric absent."""
        value = self.optional(qid)
        if value is None:
            raise _Missing(qid)
        return value

    def optional(self, qid: str) -> Any:
        if qid not in self._spec.answers:
            raise KeyError(f"metric {self._spec.id} reads {qid} without declaring it")
        return self._values.get(qid)

    def metric(self, mid: str) -> Any:
        """A declared metric's unrounded value; an absent one makes this metric absent too."""
        if mid not in self._spec.metrics:
            raise KeyError(f"metric {self._spec.id} reads metric {mid} without declaring it")
        if mid not in self._raw:
            raise _Missing(mid)
        return self._raw[mid]

    def param(self, pid: str) -> float:
        if pid not in self._spec.parameters:
            raise KeyError(f"metric {self._spec.id} reads parameter {pid} without declaring it")
        if pid not in self._params:  # a partial parameter set (the loader checks the real one is complete)
            raise _Missing(pid)
        return self._params[pid]


Formula = Callable[[Inputs], Any]


class MetricSpec(NamedTuple):
    id: str
    answers: tuple[str, ...]
    metrics: tuple[str, ...]
    parameters: tuple[str, ...]
    formula: Formula
    needs: str
    """Why the metric is absent when an input is unanswered ("needs the loan amount and term")."""
    published: bool = False
    """Part of the output contract's ``metrics``."""
    rounded: bool = True
    """False for a metric that is not a number (a month) or not shown at all (the cash path)."""
    stress_derived: bool = False
    """Computed under a stress: a rule reading it is not evaluated inside a stress scenario."""
    hidden: bool = False
    """An intermediate that rules and readers never see (the month-end cash path)."""
    dated: bool = False
    """Reads the assessment date (``as_of``): absent when the assessment has no date."""


# ---------------------------------------------------------------------------
# Arithmetic the formulas share


def round2(x: float) -> float:
    """Half-up to two places through the decimal repr, as the definitions require."""
    if not -_WHOLE < x < _WHOLE:
        # Beyond 2**53 a double has no fractions left to round (and Decimal's 28
        # digits could not quantize it); infinities are kept out by _ratio().
        return x
    return _half_up(x)


def unrounded_limit(metric: str, op: str, limit: float) -> float:
    """Where the unrounded figure meets ``metric op limit`` as a rule tests it (on the rounded figure).

    ``round2(x) < 1.25`` holds exactly when ``x < 1.245``: half-up rounding to two places moves the
    turn half a penny. For a figure that is not rounded, the limit itself.
    """
    spec = SPECS.get(metric)
    if spec is None or not spec.rounded:
        return limit
    return limit - 0.005 if op in ("<", ">=") else limit + 0.005


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

    _half_up = half_up  # type: ignore[assignment]  # the first call swaps in the memoised version
    return half_up(x)


_WHOLE = 2.0**53


def _ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, or not applicable when that is not a finite number."""
    value = numerator / denominator if denominator != 0 else math.inf
    if not math.isfinite(value):
        raise NotApplicable("not applicable: the figures are too far apart to give a ratio")
    return value


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
) -> list[float]:
    """Closing cash per month: Bᵢ = Bᵢ₋₁ + receiptsᵢ − paymentsᵢ − (M while the loan runs).

    Loan proceeds are deliberately not added: the forecast must show it can
    repay from trading, not from the loan itself.
    """
    balance = opening
    out: list[float] = []
    for i, row in enumerate(rows, start=1):
        balance += row["receipts"] * receipts_factor - row["payments"]
        if i <= term_months:
            balance -= repayment
        out.append(balance)
    return out


def lowest_point(balances: list[float], rows: list[Mapping[str, Any]]) -> tuple[float, str]:
    """The minimum and the first month at that (unrounded) minimum."""
    low = min(balances)
    return low, rows[balances.index(low)]["month"]


# ---------------------------------------------------------------------------
# The formulas


def _interest_rate(x: Inputs) -> float:
    rate = x.optional("loan.interest_rate")
    return x.param("default_interest_rate") if rate is None else rate


def _monthly(x: Inputs) -> float:
    return monthly_repayment(x.answer("loan.amount"), x.answer("loan.term_months"), x.metric("interest_rate"))


def _annual(x: Inputs) -> float:
    return x.metric("monthly_repayment") * min(12, x.answer("loan.term_months"))


def _ebitda(x: Inputs) -> float:
    return x.answer("fin.surplus") + x.answer("fin.depreciation")


def _dscr(x: Inputs) -> float:
    service = x.answer("fin.existing_debt_service") + x.metric("annual_loan_repayment")
    ebitda = x.metric("ebitda_proxy")
    if service <= 0:
        raise NotApplicable("not applicable: there are no repayments to cover")
    return _ratio(ebitda, service)


def _interest_cover(x: Inputs) -> float:
    interest = (x.answer("fin.existing_debt") + x.answer("loan.amount")) * x.metric("interest_rate") / 100.0
    ebitda = x.metric("ebitda_proxy")
    if interest <= 0:
        raise NotApplicable("not applicable: no interest is payable")
    return _ratio(ebitda, interest)


def _dscr_minimum(x: Inputs) -> float:
    """The strict minimum only when an answered value calls for it (a short record, one dominant customer)."""
    years, share = x.optional("org.years_trading"), x.optional("inc.largest_customer_share")
    strict = (years is not None and years < x.param("dscr.strict_years_below")) or (
        share is not None and share > x.param("dscr.strict_customer_share_above"))
    return x.param("dscr.amber_below_strict") if strict else x.param("dscr.amber_below")


def _yearly_costs(x: Inputs) -> float:
    return x.answer("fin.turnover") - x.answer("fin.surplus")


def _reserves(x: Inputs) -> float:
    reserves, costs = x.answer("fin.unrestricted_reserves"), x.metric("yearly_costs")
    if costs <= 0:
        raise NotApplicable("not applicable: yearly costs are zero or less")
    return _ratio(reserves, costs / 12.0)


def _ltv(x: Inputs) -> float:
    amount, value = x.answer("loan.amount"), x.answer("sec.property_value")
    if value <= 0:
        raise NotApplicable("not applicable: no property is offered")
    prior = x.optional("sec.prior_charges") or 0  # debt secured ahead of the new loan ranks first
    share = _ratio(amount + prior, value) * 100.0
    if not math.isfinite(share):
        raise NotApplicable("not applicable: the figures are too far apart to give a ratio")
    return share


def _ltv_limit(x: Inputs, level: str) -> float:
    """The loan-to-value limit for the kind of property offered (unanswered: the general one)."""
    kind = x.optional("sec.property_type")
    general = f"security.ltv_{level}_above"
    pid = general if kind in (None, "commercial") else f"security.ltv_{level}_above_{kind}"
    return x.param(pid)


def _ltv_amber_limit(x: Inputs) -> float:
    return _ltv_limit(x, "amber")


def _ltv_red_limit(x: Inputs) -> float:
    return _ltv_limit(x, "red")


def _months_between(earlier: date, later: date) -> float:
    """Months from one date to another, as days over an average month (365.25 / 12)."""
    return (later - earlier).days * 12.0 / 365.25


def _accounts_age(x: Inputs) -> float:
    return _months_between(date.fromisoformat(x.answer("fin.accounts_year_end")), x.as_of())


def _valuation_age(x: Inputs) -> float:
    return _months_between(date.fromisoformat(x.answer("sec.valuation_date")), x.as_of())


def _forecast_rows(x: Inputs) -> list[Mapping[str, Any]]:
    """The forecast in month order: sorted once, and kept while advice changes only the loan."""
    return sorted_forecast(x.answer("fin.forecast"))


def _forecast_start(x: Inputs) -> float:
    """Whole calendar months from the forecast's first month to the month of the assessment."""
    first = parse_month(x.metric("forecast_rows")[0]["month"])
    if first is None:  # a valid forecast's months all parse
        raise NotApplicable("not applicable: the forecast has no readable first month")
    when = x.as_of()
    return float((when.year * 12 + when.month) - (first[0] * 12 + first[1]))


def _forecast_gap(x: Inputs) -> float:
    """How far the forecast's first twelve months of receipts are from the last year's turnover, in percent."""
    rows = x.metric("forecast_rows")
    turnover = x.answer("fin.turnover")
    if len(rows) < 12:
        raise NotApplicable("not applicable: the forecast covers less than a year")
    if turnover <= 0:
        raise NotApplicable("not applicable: no turnover to compare with")
    receipts = sum(row["receipts"] for row in rows[:12])
    return _ratio(abs(receipts - turnover), turnover) * 100.0


_KINDS = ("cash_deposit", "public_body_guarantee", "assigned_income", "debenture", "equipment")


def _other_security_value(x: Inputs) -> float:
    """What a lender would count the other security as: its value times the rate for its kind."""
    kind = x.optional("sec.other_security_kind")
    rate = x.param(f"security.lending_rate_{kind}" if kind in _KINDS else "security.lending_rate_unknown")
    return x.answer("sec.other_security") * rate / 100.0


def _exit_debt_uncovered(x: Inputs) -> float:
    """The pension exit debt a bond does not cover (no bond answered: none)."""
    return max(0.0, x.answer("ppl.exit_debt_estimate") - (x.optional("ppl.pension_bond") or 0))


def _cash_path(x: Inputs) -> tuple[list[Mapping[str, Any]], list[float]]:
    rows = x.metric("forecast_rows")
    term = x.answer("loan.term_months")
    return rows, running_cash(x.answer("fin.cash"), rows, x.metric("monthly_repayment"), term)


def _lowest_cash(x: Inputs) -> float:
    rows, balances = x.metric("cash_path")
    return lowest_point(balances, rows)[0]


def _lowest_month(x: Inputs) -> str:
    rows, balances = x.metric("cash_path")
    return lowest_point(balances, rows)[1]


def _lowest_stressed(x: Inputs) -> float:
    rows, _ = x.metric("cash_path")
    factor = 1.0 - x.param("stress.income_fall_small") / 100.0
    balances = running_cash(x.answer("fin.cash"), rows, x.metric("monthly_repayment"),
                            x.answer("loan.term_months"), factor)
    return min(balances)


_LOAN = ("loan.amount", "loan.term_months")
_PROPERTY_KINDS = ("pub_leisure_community", "land", "residential")
_LTV_LIMITS = tuple(
    f"security.ltv_{level}_above{suffix}"
    for level in ("amber", "red") for suffix in ("", *(f"_{k}" for k in _PROPERTY_KINDS))
)
_NEEDS_CASH = "needs cash at bank, a valid forecast and the loan"

# In dependency order: a metric comes after every metric it reads.
REGISTRY: tuple[MetricSpec, ...] = (
    MetricSpec("interest_rate", ("loan.interest_rate",), (), ("default_interest_rate",), _interest_rate,
               "needs nothing (the default rate applies)"),
    MetricSpec("monthly_repayment", _LOAN, ("interest_rate",), (), _monthly, "needs the loan amount and term"),
    MetricSpec("annual_loan_repayment", ("loan.term_months",), ("monthly_repayment",), (), _annual,
               "needs the loan amount and term", published=True),
    MetricSpec("ebitda_proxy", ("fin.surplus", "fin.depreciation"), (), (), _ebitda,
               "needs surplus and depreciation"),
    MetricSpec("dscr", ("fin.existing_debt_service",), ("ebitda_proxy", "annual_loan_repayment"), (), _dscr,
               "needs surplus, depreciation, existing debt service and the loan", published=True),
    MetricSpec("interest_cover", ("fin.existing_debt", "loan.amount"), ("ebitda_proxy", "interest_rate"), (),
               _interest_cover, "needs surplus, depreciation, existing debt and the loan amount", published=True),
    MetricSpec("dscr_minimum", ("org.years_trading", "inc.largest_customer_share"), (),
               ("dscr.amber_below", "dscr.amber_below_strict", "dscr.strict_years_below",
                "dscr.strict_customer_share_above"), _dscr_minimum, "needs nothing (the usual minimum applies)"),
    MetricSpec("yearly_costs", ("fin.turnover", "fin.surplus"), (), (), _yearly_costs,
               "needs turnover and surplus"),
    MetricSpec("reserves_months", ("fin.unrestricted_reserves",), ("yearly_costs",), (), _reserves,
               "needs turnover, surplus and free reserves", published=True),
    MetricSpec("ltv", ("loan.amount", "sec.property_value", "sec.prior_charges"), (), (), _ltv,
               "needs the loan amount and property value", published=True),
    MetricSpec("ltv_amber_limit", ("sec.property_type",), (), _LTV_LIMITS, _ltv_amber_limit,
               "needs nothing (the general limit applies)"),
    MetricSpec("ltv_red_limit", ("sec.property_type",), (), _LTV_LIMITS, _ltv_red_limit,
               "needs nothing (the general limit applies)"),
    MetricSpec("other_security_value", ("sec.other_security", "sec.other_security_kind"), (),
               tuple(f"security.lending_rate_{k}" for k in (*_KINDS, "unknown")), _other_security_value,
               "needs the value of other security"),
    MetricSpec("exit_debt_uncovered", ("ppl.exit_debt_estimate", "ppl.pension_bond"), (), (), _exit_debt_uncovered,
               "needs the estimated exit debt"),
    MetricSpec("accounts_age_months", ("fin.accounts_year_end",), (), (), _accounts_age,
               "needs the accounts' year end and the assessment date", dated=True),
    MetricSpec("valuation_age_months", ("sec.valuation_date",), (), (), _valuation_age,
               "needs the valuation date and the assessment date", dated=True),
    MetricSpec("forecast_rows", ("fin.forecast",), (), (), _forecast_rows, "needs a valid forecast",
               rounded=False, hidden=True),
    MetricSpec("cash_path", ("fin.cash", "loan.term_months"), ("monthly_repayment", "forecast_rows"), (),
               _cash_path, _NEEDS_CASH, rounded=False, hidden=True),
    MetricSpec("lowest_forecast_cash", (), ("cash_path",), (), _lowest_cash, _NEEDS_CASH, published=True),
    MetricSpec("lowest_cash_month", (), ("cash_path",), (), _lowest_month, _NEEDS_CASH, published=True,
               rounded=False),
    MetricSpec("forecast_start_months_ago", (), ("forecast_rows",), (), _forecast_start,
               "needs a valid forecast and the assessment date", dated=True),
    MetricSpec("forecast_turnover_gap", ("fin.turnover",), ("forecast_rows",), (), _forecast_gap,
               "needs a valid forecast of at least twelve months and turnover"),
    MetricSpec("lowest_cash_income_stress", ("fin.cash", "loan.term_months"), ("cash_path", "monthly_repayment"),
               ("stress.income_fall_small",), _lowest_stressed, _NEEDS_CASH, stress_derived=True),
)
SPECS: dict[str, MetricSpec] = {s.id: s for s in REGISTRY}

# The key figures every reader is shown beside the limits the rules judge them by, in this order.
KEY_FIGURES = (
    "dscr", "interest_cover", "reserves_months", "ltv", "annual_loan_repayment", "lowest_forecast_cash",
    "lowest_cash_income_stress",
)
# Ratios over earnings: when earnings (surplus before depreciation) are zero or less they are
# printed as "negative: earnings do not cover costs", never as a figure that seems to cover.
EARNINGS_RATIOS = frozenset({"dscr", "interest_cover"})

# Published in the assessment's "metrics", in the contract's order.
OUTPUT_METRICS = (
    "dscr", "interest_cover", "reserves_months", "ltv", "annual_loan_repayment",
    "lowest_forecast_cash", "lowest_cash_month",
)
# What a rule may test (``metric.<id>``): every numeric metric that is not an intermediate.
ALL_METRICS = frozenset(s.id for s in REGISTRY if s.rounded and not s.hidden)
# Metrics with a label and definition in the rulebook: everything a reader may see.
DESCRIBED_METRICS = frozenset(s.id for s in REGISTRY if not s.hidden)
STRESS_DERIVED = frozenset(s.id for s in REGISTRY if s.stress_derived)
CODE_PARAMETERS = tuple(dict.fromkeys(p for s in REGISTRY for p in s.parameters))


def _answers_of(mid: str) -> tuple[str, ...]:
    spec = SPECS[mid]
    found = list(spec.answers)
    for dep in spec.metrics:
        found += _answers_of(dep)
    return tuple(dict.fromkeys(found))


# Which answers each metric reads, derived from the registry (never listed by hand).
METRIC_INPUTS: dict[str, tuple[str, ...]] = {s.id: _answers_of(s.id) for s in REGISTRY}


class Metrics:
    """Rounded figures (what rules test and output shows), why any are missing, and the unrounded ones."""

    __slots__ = ("values", "reasons", "raw")

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.reasons: dict[str, str] = {}
        self.raw: dict[str, Any] = {}

    def published(self) -> dict[str, Any]:
        return {k: self.values[k] for k in OUTPUT_METRICS if k in self.values}

    def balances(self) -> tuple[list[str], list[float]] | None:
        """(months, month-end cash) of the forecast as given, for a chart; None without a forecast."""
        path = self.raw.get("cash_path")
        if path is None:
            return None
        rows, balances = path
        return [r["month"] for r in rows], list(balances)


def compute(values: Mapping[str, Any], params: Mapping[str, float], as_of: date | None = None,
            since: tuple[Metrics, AbstractSet[str]] | None = None) -> Metrics:
    """Every metric of the registry, in order, from the answers that count.

    ``as_of`` is the assessment date; the metrics that measure an age against it
    (``dated``) are absent without one, so the rules reading them do not fire.
    ``since`` is (the metrics of the same case at the same date and parameters, the answers
    changed since): the result starts as a copy of those, and only the metrics that read a
    changed answer, directly or through the metrics they read (``METRIC_INPUTS``), are
    computed again. Formulas can read only what they declare, so the result is the same as
    computing afresh.
    """
    m = Metrics()
    if since is None:
        specs = REGISTRY
    else:
        before, changed = since
        m.raw, m.values, m.reasons = dict(before.raw), dict(before.values), dict(before.reasons)
        specs = reading(frozenset(changed))
    for spec in specs:
        if since is not None:  # an earlier stale metric may now be missing: later ones must not see it
            m.raw.pop(spec.id, None)
            m.values.pop(spec.id, None)
            m.reasons.pop(spec.id, None)
        try:
            value = spec.formula(Inputs(spec, values, m.raw, params, as_of))
        except _Missing:
            if not spec.hidden:
                m.reasons[spec.id] = spec.needs
            continue
        except NotApplicable as exc:
            if not spec.hidden:
                m.reasons[spec.id] = str(exc)
            continue
        m.raw[spec.id] = value
        if spec.hidden:
            continue
        m.values[spec.id] = round2(value) if spec.rounded else value
    return m


@lru_cache(maxsize=512)
def reading(changed: frozenset[str]) -> tuple[MetricSpec, ...]:
    """The metrics that read any of the answers ``changed``, directly or through other metrics, in
    registry order: the only ones a change can move (cached: advice changes the same few answers)."""
    return tuple(spec for spec in REGISTRY if not changed.isdisjoint(METRIC_INPUTS[spec.id]))
