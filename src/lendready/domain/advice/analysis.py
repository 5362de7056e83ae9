"""``analyse(case) -> Analysis``: every fact a reader sees, decided in one place.

The verdict comes from :func:`~lendready.domain.engine.assessment.assess`; everything
built on it is a re-assessment of a transformed copy of the same answers
(stress scenarios, loan sizing, proposals), or is read from the rules' own
compiled conditions (the limits each key figure is judged by). Finance that
fits, the reasons for the band, the conditions a lender might set and the steps
of the action plan are chosen here too. The JSON, the terminal text, the
explainer, the what-if panel and the PDF only format an Analysis: none of them
computes, ranks or re-derives a figure, a rating, a threshold or a piece of
advice, so no page can contradict another.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from datetime import date, datetime, timezone
from typing import Any, NamedTuple

from lendready.domain.advice.proposals import Proposal, to_improve
from lendready.domain.advice.reassess import Reassessor
from lendready.domain.advice.sizing import LoanSizing, loan_sizing
from lendready.domain.advice.stress import StressResult, stress_tests
from lendready.domain.engine.assessment import Assessment, Finding, answers_and_role, describe
from lendready.domain.engine.conditions import METRIC_KEY, Condition
from lendready.domain.engine.knowledge import Knowledge, load
from lendready.domain.engine.metrics import EARNINGS_RATIOS, KEY_FIGURES
from lendready.domain.engine.wording import for_founder
from lendready.domain.files.case_file import Case


class AsOfError(ValueError):
    """An assessment date that is not a real YYYY-MM-DD date."""


def parse_as_of(text: str) -> date:
    """A ``YYYY-MM-DD`` date, strictly (no times, no other forms)."""
    if not isinstance(text, str) or len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise AsOfError(f"the assessment date must be a date written YYYY-MM-DD, not {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AsOfError(f"{text!r} is not a real date (YYYY-MM-DD)") from None


def default_as_of() -> date:
    """The date of ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise AsOfError("SOURCE_DATE_EPOCH must be a whole number of seconds") from None
    return date.today()


# ---------------------------------------------------------------------------
# What an Analysis holds


class Threshold(NamedTuple):
    """A limit a key figure is judged by, as a rule's condition states it."""

    metric: str
    rating: str
    """``blocker``, ``red`` or ``amber``: what crossing it does."""
    op: str
    value: float
    unit: str
    parameter: str | None
    about: str
    """What the limit means (the parameter's label), or empty."""
    applies: Condition | None = None
    """For a limit that holds only for some kinds of case (its rule level also tests a choice answer,
    such as the type of property), that level's condition: the limit is shown for a case only when
    crossing it there would fire the level."""


class KeyFigure(NamedTuple):
    id: str
    label: str
    unit: str
    definition: str
    value: float | None
    reason: str | None
    """Why there is no figure (only when ``value`` is None)."""
    negative_earnings: bool
    """A ratio over earnings that are zero or less: shown as negative, not as a figure."""
    month: str | None
    """For the lowest cash: the month it falls in."""
    thresholds: tuple[Threshold, ...]


class CashLine(NamedTuple):
    """The forecast as given, month by month, as the engine read it."""

    months: tuple[str, ...]
    receipts: tuple[float, ...]
    payments: tuple[float, ...]
    repayments: tuple[float, ...]
    balances: tuple[float, ...]
    monthly_repayment: float
    opening_cash: float


class Reason(NamedTuple):
    """One reason for the band, most decisive first."""

    kind: str
    """``blocker``, ``unanswered`` (an area cannot be rated), ``red``, ``amber`` or ``all_green``."""
    area: str | None
    finding: Finding | None = None
    missing: tuple[str, ...] = ()


class Step(NamedTuple):
    """A step of the action plan: the findings to deal with, in the order the band is decided."""

    kind: str
    """``blockers``, ``unanswered``, ``red``, ``amber`` or ``low``."""
    findings: tuple[Finding, ...] = ()
    areas: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """For ``unanswered``: (area id, key questions unanswered)."""


class FinanceFit(NamedTuple):
    id: str
    name: str
    why: str
    terms: str
    fits: str
    caution: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "why": self.why}


class Analysis(NamedTuple):
    assessment: Assessment
    as_of: date
    key_figures: tuple[KeyFigure, ...]
    cash_line: CashLine | None
    stress: tuple[StressResult, ...]
    loan_sizing: LoanSizing | None
    proposals: tuple[Proposal, ...]
    finance_fits: tuple[FinanceFit, ...]
    reasons: tuple[Reason, ...]
    conditions: tuple[Finding, ...]
    """Findings that name a condition a lender might set (each set at the comfort level, not the floor)."""
    steps: tuple[Step, ...]
    values: dict[str, Any]
    """The answers that counted (valid and relevant), for readers that show them."""

    @property
    def band(self) -> str:
        return self.assessment.band

    def figure(self, metric: str) -> KeyFigure:
        return next(f for f in self.key_figures if f.id == metric)

    def to_dict(self, *, trace: bool = False) -> dict[str, Any]:
        """The output contract: the assessment, then the advice built on it."""
        out = self.assessment.to_dict(trace=trace)
        document: dict[str, Any] = {}
        for key, value in out.items():
            if key == "trace":
                continue
            document[key] = value
            if key == "rules_version":
                document["as_of"] = self.as_of.isoformat()
        document["stress"] = [s.to_dict() for s in self.stress]
        if self.loan_sizing is not None:
            document["loan_sizing"] = self.loan_sizing.to_dict()
        document["to_improve"] = [p.to_dict() for p in self.proposals]
        document["finance_fits"] = [f.to_dict() for f in self.finance_fits]
        if trace:
            document["trace"] = out["trace"]
        return document

    def to_json(self, *, trace: bool = False) -> str:
        import json

        return json.dumps(self.to_dict(trace=trace), ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------
# Building one


_THRESHOLDS: dict[str, dict[str, tuple[Threshold, ...]]] = {}


def thresholds(k: Knowledge) -> dict[str, tuple[Threshold, ...]]:
    """For each metric, the limits the rules judge it by, from the rules' compiled conditions."""
    known = _THRESHOLDS.get(k.fingerprint)
    if known is not None:
        return known
    found: dict[str, list[Threshold]] = {}
    seen: set[tuple[str, str, float, str | None]] = set()
    questions = k.questionnaire.questions
    for rule in k.rules:
        for level in rule.levels:
            rating = "blocker" if level.severity == "blocker" else (level.rating or "amber")
            guarded = any(questions[q].type == "choice" for q in level.condition.questions if q in questions)
            guard = level.condition if guarded else None
            for c in level.condition.comparisons:
                key = (c.metric, c.op, c.value, guard.source if guard else None)
                if key in seen:
                    continue
                seen.add(key)
                info = k.metric_info.get(c.metric)
                param = k.parameters.get(c.parameter) if c.parameter else None
                unit = param.unit if param else (info.unit if info else "")
                title = level.title.lender
                about = param.label if param else (title if "{" not in title else "")
                found.setdefault(c.metric, []).append(
                    Threshold(c.metric, rating, c.op, c.value, unit, c.parameter, about, guard))
    result = {m: tuple(ts) for m, ts in found.items()}
    _THRESHOLDS[k.fingerprint] = result
    return result


def _applies(t: Threshold, env: dict[str, Any]) -> bool:
    """Whether a guarded limit holds for this case: its level would fire were the figure far past it."""
    if t.applies is None:
        return True
    probe = dict(env)
    probe[METRIC_KEY + t.metric] = math.inf if t.op in (">", ">=") else -math.inf
    return t.applies.evaluate(probe) is True


def _worded(limits: tuple[Threshold, ...], k: Knowledge, audience: str) -> tuple[Threshold, ...]:
    """A figure's limits as ``audience`` reads them: for a founder, the parameter labels' acronyms
    are spelt out (once among the figure's limits, which are read one under another)."""
    if audience != "founder":
        return limits
    done: set[str] = set()
    v = k.vocabulary
    return tuple(t._replace(about=for_founder(t.about, v.acronyms, v.jargon, done)) if t.about else t
                 for t in limits)


def _key_figures(k: Knowledge, a: Assessment, answers: Mapping[str, Any]) -> tuple[KeyFigure, ...]:
    limits = thresholds(k)
    values, reasons = a.metrics.values, a.metrics.reasons
    env: dict[str, Any] = dict(answers)
    for name, value in values.items():
        env[METRIC_KEY + name] = value
    negative = values.get("ebitda_proxy", 1) <= 0
    out = []
    for mid in KEY_FIGURES:
        info = k.metric_info[mid]
        value = values.get(mid)
        reason = None if value is not None else reasons.get(mid, "not available")
        month = values.get("lowest_cash_month") if mid == "lowest_forecast_cash" else None
        out.append(KeyFigure(
            mid, info.label_for(a.audience), info.unit, info.definition_for(a.audience), value, reason,
            value is not None and mid in EARNINGS_RATIOS and negative, month,
            _worded(tuple(t for t in limits.get(mid, ()) if _applies(t, env)), k, a.audience),
        ))
    return tuple(out)


def _cash_line(r: Reassessor) -> CashLine | None:
    m = r.base.metrics
    path = m.raw.get("cash_path")
    if path is None:
        return None
    rows, balances = path
    monthly = m.raw["monthly_repayment"]
    term = r.values["loan.term_months"]
    return CashLine(
        tuple(row["month"] for row in rows), tuple(float(row["receipts"]) for row in rows),
        tuple(float(row["payments"]) for row in rows),
        tuple(monthly if i <= term else 0.0 for i in range(1, len(rows) + 1)),
        tuple(balances), monthly, float(r.values["fin.cash"]),
    )


def _reasons(a: Assessment) -> tuple[Reason, ...]:
    out = [Reason("blocker", f.area, f) for f in a.findings if f.severity == "blocker"]
    if a.band == "incomplete":
        out += [Reason("unanswered", ar.id, None, ar.missing) for ar in a.areas if ar.rating == "unknown"]
    elif a.band == "not_ready":
        out += [Reason("red", f.area, f) for f in a.findings if f.rating == "red" and f.severity != "blocker"]
    elif a.band == "nearly_ready":
        out += [Reason("amber", f.area, f) for f in a.findings if f.rating == "amber"]
    elif a.band == "ready":
        out.append(Reason("all_green", None))
    return tuple(out)


def _steps(a: Assessment) -> tuple[Step, ...]:
    """The findings' actions grouped in the order the band is decided, so the first step moves it most."""
    steps: list[Step] = []
    blockers = tuple(f for f in a.findings if f.severity == "blocker")
    if blockers:
        steps.append(Step("blockers", blockers))
    unknown = tuple((ar.id, ar.missing) for ar in a.areas if ar.rating == "unknown")
    if unknown:
        steps.append(Step("unanswered", (), unknown))
    for kind, pick in (
        ("red", lambda f: f.rating == "red" and f.severity != "blocker"),
        ("amber", lambda f: f.rating == "amber"),
        ("low", lambda f: f.rating is None and f.severity == "low"),
    ):
        found = tuple(f for f in a.findings if pick(f))
        if found:
            steps.append(Step(kind, found))
    return tuple(steps)


def _finance_fits(k: Knowledge, r: Reassessor, a: Assessment, stress: tuple[StressResult, ...]) -> tuple[FinanceFit, ...]:
    from lendready.domain.teaching.content import load_teaching

    delays = [s.lowest_forecast_cash for s in stress
              if s.id.startswith("payment_delay") and s.applies and s.lowest_forecast_cash is not None]
    facts = {"lowest_cash_payment_delay": min(delays)} if delays else {}
    teaching = load_teaching(knowledge=k).for_reader(a.audience, k.vocabulary)
    offers = teaching.products_for(r.values, a.metrics.values, a.finding_ids, facts)
    return tuple(FinanceFit(p.id, p.name, p.why, p.terms, p.fits, p.caution) for p in offers)


def analyse(
    case: Case | Mapping[str, Any],
    knowledge: Knowledge | None = None,
    as_of: date | None = None,
    *,
    audience: str | None = None,
    what_ifs: bool = True,
) -> Analysis:
    """Assess a case and build every piece of advice on that assessment, by re-assessment.

    ``what_ifs=False`` (portfolio screening, which shows none of them) leaves the stress
    scenarios, the proposals and the finance that fits (chosen on the stress results) empty;
    the verdict, key figures, cash line, loan sizing, reasons, conditions and steps are as ever.
    """
    k = knowledge or load()
    answers, role = answers_and_role(case, audience)
    when = as_of or default_as_of()
    r = Reassessor(k, answers, when)
    a = describe(k, r.base, role)
    stress = tuple(stress_tests(r)) if what_ifs else ()
    sizing = loan_sizing(r, role)
    proposals = tuple(to_improve(r, sizing)) if what_ifs else ()
    return Analysis(
        assessment=a,
        as_of=when,
        key_figures=_key_figures(k, a, r.values),
        cash_line=_cash_line(r),
        stress=stress,
        loan_sizing=sizing,
        proposals=proposals,
        finance_fits=_finance_fits(k, r, a, stress) if what_ifs else (),
        reasons=_reasons(a),
        conditions=tuple(f for f in a.findings if f.lender_condition),
        steps=_steps(a),
        values=dict(r.values),
    )
