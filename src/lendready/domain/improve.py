"""What would make the case lendable: loan sizing and the smallest changes that move the band up.

* :func:`loan_sizing` finds, on the real metric computation, the largest amount (at the asked
  term and rate) and the shortest term (for the asked amount) that keep the DSCR at the lender's
  minimum (``dscr.amber_below``, or ``dscr.amber_below_strict`` where rule ``cashflow.dscr_thin``
  asks for it) and the forecast's lowest cash at zero or above.
* :func:`to_improve` tries the answers a founder can change, listed as data in
  ``resources/improve.toml``, one at a time and then in pairs, and keeps the smallest sets that
  give a better band. Every proposal is the result of the real :func:`assess` on the changed answers.
* :func:`extended_output` gathers these and the stress tests for the assessment's JSON.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, NamedTuple

from lendready.domain.metrics import compute

IMPROVE_FILE = "improve.toml"
BAND_ORDER = {"incomplete": 0, "not_ready": 1, "nearly_ready": 2, "ready": 3}
MAX_PROPOSALS = 10
UNIT = 1000  # loan amounts are sized in whole thousands of pounds
MAX_TERM = 360
_AMOUNT_CEILING = 10**12 // UNIT


# ---------------------------------------------------------------------------
# improve.toml


class ChangeSpec(NamedTuple):
    question: str
    kind: str
    values: tuple[Any, ...] = ()
    steps: tuple[float, ...] = ()
    source: str | None = None


def _schema() -> Any:
    from pydantic import BaseModel, ConfigDict, Field, model_validator

    class ChangeData(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        question: str = Field(min_length=1)
        kind: Literal["set", "add", "reserves_months", "loan_max", "shortest_term", "copy", "of_loan"]
        values: list[str | int | float] = []
        steps: list[int | float] = []
        source: str | None = None

        @model_validator(mode="after")
        def _fits_kind(self) -> ChangeData:
            if self.kind == "set" and not self.values:
                raise ValueError("kind 'set' needs values")
            if self.kind in ("add", "reserves_months", "of_loan") and not self.steps:
                raise ValueError(f"kind '{self.kind}' needs steps")
            if self.kind == "copy" and not self.source:
                raise ValueError("kind 'copy' needs source")
            if self.kind in ("reserves_months", "of_loan") and any(s <= 0 for s in self.steps):
                raise ValueError("steps must be above 0")
            return self

    class ImproveFile(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        changes: list[ChangeData] = Field(min_length=1)

    return ImproveFile


def _where(data: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    """(question id or '', field path) for a pydantic error location."""
    if len(loc) >= 2 and loc[0] == "changes" and isinstance(loc[1], int):
        items = data.get("changes") if isinstance(data, dict) else None
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        qid = item.get("question") if isinstance(item, dict) and isinstance(item.get("question"), str) else ""
        if not qid:
            qid = f"changes[{loc[1]}]"
        rest = [str(p) for p in loc[2:] if not str(p).startswith(("function-after", "str", "int", "float"))]
        return qid, ".".join(rest) or "(item)"
    return "", ".".join(str(p) for p in loc) or "(file)"


def check_specs(data: Any, questionnaire: Any) -> tuple[list[ChangeSpec], list[str]]:
    """Validate parsed improve.toml data; problems as ``improve.toml:<question>: field: problem``."""
    from pydantic import ValidationError

    problems: list[str] = []
    try:
        parsed = _schema().model_validate(data)
    except ValidationError as exc:
        seen = set()
        for err in exc.errors():
            qid, field = _where(data, tuple(err.get("loc", ())))
            msg = err.get("msg", "invalid").removeprefix("Value error, ")
            line = f"{IMPROVE_FILE}:{qid}: {field}: {msg}" if qid else f"{IMPROVE_FILE}: {field}: {msg}"
            if line not in seen:
                seen.add(line)
                problems.append(line)
        return [], problems
    specs: list[ChangeSpec] = []
    seen_q: set[str] = set()
    for c in parsed.changes:
        where = f"{IMPROVE_FILE}:{c.question}"
        q = questionnaire.questions.get(c.question)
        if q is None:
            problems.append(f"{where}: question: no such question")
            continue
        if c.question in seen_q:
            problems.append(f"{where}: question: listed twice")
        seen_q.add(c.question)
        numeric = q.type in ("integer", "number", "amount", "percent")
        if c.kind == "set":
            if q.type in ("choice", "yesno"):
                bad = [v for v in c.values if v not in q.choice_values]
                if bad:
                    problems.append(f"{where}: values: {bad[0]!r} is not one of {', '.join(q.choice_values)}")
            elif numeric and any(isinstance(v, str) for v in c.values):
                problems.append(f"{where}: values: must be numbers for a {q.type} question")
        elif not numeric:
            problems.append(f"{where}: kind: '{c.kind}' needs a numeric question, not {q.type}")
        if c.kind == "copy" and c.source not in questionnaire.questions:
            problems.append(f"{where}: source: no such question {c.source!r}")
        if c.kind == "loan_max" and c.question != "loan.amount":
            problems.append(f"{where}: kind: 'loan_max' applies only to loan.amount")
        if c.kind == "shortest_term" and c.question != "loan.term_months":
            problems.append(f"{where}: kind: 'shortest_term' applies only to loan.term_months")
        specs.append(ChangeSpec(c.question, c.kind, tuple(c.values), tuple(float(s) for s in c.steps), c.source))
    return specs, problems


def lint(root: Path, questionnaire: Any) -> list[str]:
    """Every problem in ``root/improve.toml``."""
    import tomllib

    path = Path(root) / IMPROVE_FILE
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return [f"{IMPROVE_FILE}: (file): missing"]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return [f"{IMPROVE_FILE}: (file): cannot parse TOML: {exc}"]
    return check_specs(data, questionnaire)[1]


_SPECS: dict[str, list[ChangeSpec]] = {}


def _plain_specs(data: Any, questionnaire: Any) -> list[ChangeSpec] | None:
    """The change list without pydantic (kept off the command line's start-up); None if anything is off."""
    kinds = ("set", "add", "reserves_months", "loan_max", "shortest_term", "copy", "of_loan")
    allowed = {"question", "kind", "values", "steps", "source"}
    items = data.get("changes") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items or set(data) != {"changes"}:
        return None
    specs = []
    for c in items:
        if not isinstance(c, dict) or not set(c) <= allowed or c.get("kind") not in kinds:
            return None
        q = questionnaire.questions.get(c.get("question"))
        values, steps = c.get("values", []), c.get("steps", [])
        if q is None or not isinstance(values, list) or not isinstance(steps, list):
            return None
        if any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in steps):
            return None
        kind = c["kind"]
        if kind == "set" and (not values or (q.type in ("choice", "yesno") and not set(values) <= set(q.choice_values))):
            return None
        if kind != "set" and q.type not in ("integer", "number", "amount", "percent"):
            return None
        if kind in ("add", "reserves_months", "of_loan") and not steps:
            return None
        if kind == "copy" and c.get("source") not in questionnaire.questions:
            return None
        specs.append(ChangeSpec(c["question"], kind, tuple(values), tuple(float(x) for x in steps), c.get("source")))
    return specs


def load_specs(knowledge: Any) -> list[ChangeSpec]:
    """The checked change list for the knowledge's resources (cached per folder, and on disk).

    The pydantic schema (:func:`check_specs`) is run only when the quick check finds
    something wrong, to name every problem; ``lendready lint`` runs it always. The
    parsed file is kept in the resource cache so the command line need not load
    the TOML parser on every run.
    """
    from lendready.domain.knowledge import ResourceError, cached_validated, fingerprint

    key = str(knowledge.root)
    if key not in _SPECS:
        root = Path(knowledge.root)
        path = root / IMPROVE_FILE

        def read() -> tuple[Any, list[str]]:
            import tomllib

            try:
                with path.open("rb") as fh:
                    return tomllib.load(fh), []
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                return None, lint(root, knowledge.questionnaire) or [f"{IMPROVE_FILE}: (file): not usable"]

        try:
            digest = fingerprint(root, [path])
        except OSError:
            raise ResourceError(lint(root, knowledge.questionnaire) or [f"{IMPROVE_FILE}: (file): missing"]) from None
        data = cached_validated("improve", digest, read)
        specs = _plain_specs(data, knowledge.questionnaire)
        problems: list[str] = []
        if specs is None:
            specs, problems = check_specs(data, knowledge.questionnaire)
        if problems or specs is None:
            raise ResourceError(problems or [f"{IMPROVE_FILE}: (file): not usable"])
        _SPECS[key] = specs
    return _SPECS[key]


# ---------------------------------------------------------------------------
# Loan sizing


def dscr_target(values: Mapping[str, Any], params: Mapping[str, float]) -> float:
    """The lender's minimum DSCR: the strict one only when an answered value calls for it."""
    years, share = values.get("org.years_trading"), values.get("inc.largest_customer_share")
    strict = (years is not None and years < params["dscr.strict_years_below"]) or (
        share is not None and share > params["dscr.strict_customer_share_above"]
    )
    return params["dscr.amber_below_strict"] if strict else params["dscr.amber_below"]


def _meets(values: dict[str, Any], params: Mapping[str, float], target: float, amount: float, term: int) -> bool | None:
    """Whether amount over term keeps DSCR ≥ target and lowest cash ≥ 0; None if DSCR cannot be judged."""
    values["loan.amount"], values["loan.term_months"] = amount, term
    m = compute(values, params).values
    dscr = m.get("dscr")
    if dscr is None:
        return None
    if dscr < target:
        return False
    low = m.get("lowest_forecast_cash")
    return low is None or low >= 0


def _sizing(values: Mapping[str, Any], params: Mapping[str, float]) -> dict[str, Any]:
    target = dscr_target(values, params)
    out: dict[str, Any] = {"max_amount": None, "shortest_term_months": None, "dscr_target": target}
    work = dict(values)
    term, amount = values.get("loan.term_months"), values.get("loan.amount")
    first = _meets(work, params, target, UNIT, term) if term is not None and term > 0 else None
    if first is not None:
        # Largest k with k·£1,000 meeting the targets (the metrics fall as the amount grows).
        lo = 0
        if first:
            lo, hi = 1, 2
            while hi < _AMOUNT_CEILING and _meets(work, params, target, hi * UNIT, term):
                lo, hi = hi, hi * 2
            if hi >= _AMOUNT_CEILING and _meets(work, params, target, hi * UNIT, term):
                lo = hi
            else:
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    if _meets(work, params, target, mid * UNIT, term):
                        lo = mid
                    else:
                        hi = mid
        out["max_amount"] = lo * UNIT
    if amount is not None:
        # Linear: below a year the yearly repayment grows with the term, so it is not monotone there.
        for n in range(1, MAX_TERM + 1):
            ok = _meets(work, params, target, amount, n)
            if ok is None:
                break
            if ok:
                out["shortest_term_months"] = n
                break
    return out


def loan_sizing(answers: Mapping[str, Any], knowledge: Any) -> dict[str, Any]:
    """{"max_amount", "shortest_term_months", "dscr_target"} for the case's answers.

    ``max_amount`` is in whole thousands of pounds: 0 when not even £1,000 meets the targets,
    None when the DSCR cannot be computed (inputs unanswered) or there is no term.
    ``shortest_term_months`` is None when no term from 1 to 360 months meets them.
    """
    values = knowledge.questionnaire.validate(answers).values
    return _sizing(values, knowledge.param_values)


# ---------------------------------------------------------------------------
# Proposals


class Change(NamedTuple):
    question: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "from": self.before, "to": self.after}


class Proposal(NamedTuple):
    changes: tuple[Change, ...]
    band: str

    def to_dict(self) -> dict[str, Any]:
        return {"changes": [c.to_dict() for c in self.changes], "band": self.band}


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _candidates(
    specs: list[ChangeSpec], answers: Mapping[str, Any], values: Mapping[str, Any], sizing: Mapping[str, Any]
) -> list[Change]:
    out: list[Change] = []
    for s in specs:
        current = answers.get(s.question)
        have = values.get(s.question)
        targets: list[Any] = []
        if s.kind == "set":
            targets = list(s.values)
        elif s.kind == "add" and have is not None:
            targets = [_num(have + step) for step in s.steps]
        elif s.kind == "reserves_months":
            turnover, surplus = values.get("fin.turnover"), values.get("fin.surplus")
            if turnover is not None and surplus is not None and turnover - surplus > 0:
                targets = [math.ceil(m * (turnover - surplus) / 12.0) for m in s.steps]
                targets = [t for t in targets if have is None or t > have]
        elif s.kind == "loan_max":
            best = sizing.get("max_amount")
            if best and (have is None or best < have):
                targets = [best]
        elif s.kind == "shortest_term":
            best = sizing.get("shortest_term_months")
            if best is not None and best != have:
                targets = [best]
        elif s.kind == "copy":
            src = values.get(s.source or "")
            if src is not None and (have is None or src > have):
                targets = [src]
        elif s.kind == "of_loan":
            amount = values.get("loan.amount")
            if amount is not None:
                targets = [math.ceil(amount * step) for step in s.steps]
                targets = [t for t in targets if have is None or t > have]
        for t in dict.fromkeys(targets):
            if t != current:
                out.append(Change(s.question, current, t))
    return out


def _size(change: Change) -> float:
    a, b = change.before, change.after
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(b - a) / abs(a) if a else 1.0
    return 1.0


def to_improve(
    answers: Mapping[str, Any],
    knowledge: Any,
    max_changes: int = 2,
    *,
    band: str | None = None,
    sizing: Mapping[str, Any] | None = None,
    prune: bool = True,
) -> list[Proposal]:
    """The smallest sets (up to ``max_changes``) of founder-changeable answers that give a better band.

    A set is kept only when it reaches a band better than the current one and better than any of its
    members reaches alone (so a pair is never a single change with a passenger). Ranked by number of
    changes, then by how little they change (relative size), then by question ids; at most ten.
    A larger change to the same questions is dropped when a smaller one already reaches its band.
    An incomplete case gets none: answering the missing questions comes first.

    With ``prune`` (the default) only changes to answers that a finding holding the band
    down reads (directly, through a metric, a skip condition or a constraint) are tried:
    any other change leaves those findings, and so the band, as they are, and a pair
    containing one is never better than its other member alone. The result is the same
    as the exhaustive search (a test checks), in a fraction of the time.
    """
    from lendready.domain.assessment import band_of

    if band is None:
        band = band_of(answers, knowledge)
    if band == "incomplete" or band == "ready":
        return []
    base_rank = BAND_ORDER[band]
    values = knowledge.questionnaire.validate(answers).values
    if sizing is None:
        sizing = _sizing(values, knowledge.param_values)
    candidates = _candidates(load_specs(knowledge), answers, values, sizing)
    if prune:
        reach = _influence(answers, knowledge)
        candidates = [c for c in candidates if c.question in reach]

    def band_with(changes: tuple[Change, ...]) -> str:
        changed = dict(answers)
        for c in changes:
            changed[c.question] = c.after
        return band_of(changed, knowledge)

    found: list[Proposal] = []
    alone: dict[Change, int] = {}
    for c in candidates:
        b = band_with((c,))
        alone[c] = BAND_ORDER[b]
        if BAND_ORDER[b] > base_rank:
            found.append(Proposal((c,), b))
    for size in range(2, max(1, max_changes) + 1):
        for combo in itertools.combinations(candidates, size):
            if len({c.question for c in combo}) < size:
                continue
            floor = max([base_rank] + [alone[c] for c in combo])
            b = band_with(combo)
            if BAND_ORDER[b] > floor:
                found.append(Proposal(combo, b))
    found.sort(key=lambda p: (len(p.changes), sum(_size(c) for c in p.changes),
                              tuple(c.question for c in p.changes), tuple(str(c.after) for c in p.changes)))
    # A bigger change to the same questions that reaches no better band adds nothing.
    kept: list[Proposal] = []
    for p in found:
        questions = {c.question for c in p.changes}
        if not any({c.question for c in k.changes} == questions and BAND_ORDER[k.band] >= BAND_ORDER[p.band]
                   for k in kept):
            kept.append(p)
    return kept[:MAX_PROPOSALS]


def _influence(answers: Mapping[str, Any], knowledge: Any) -> set[str]:
    """Every answer that the findings holding the band down read, closed over skip logic and constraints."""
    from lendready.domain.assessment import rules_holding_back
    from lendready.domain.metrics import METRIC_INPUTS

    questions = knowledge.questionnaire.questions
    reach: set[str] = set()
    for rule in rules_holding_back(answers, knowledge):
        for level in rule.levels:
            reach.update(level.condition.questions)
            for metric in level.condition.metrics:
                reach.update(METRIC_INPUTS.get(metric, ()))
    pending = list(reach)
    while pending:
        question = questions.get(pending.pop())
        if question is None:
            continue
        for condition in (question.relevant, question.constraint):
            for qid in condition.questions if condition is not None else ():
                if qid not in reach:
                    reach.add(qid)
                    pending.append(qid)
    return reach


# ---------------------------------------------------------------------------
# For the assessment's JSON


def extended_output(case: Any, knowledge: Any, assessment: Any) -> dict[str, Any]:
    """{"stress": [...], "to_improve": [...], "loan_sizing": {...}} for a case and its assessment."""
    from lendready.domain.stress import stress_tests

    answers = getattr(case, "answers", case)
    values = knowledge.questionnaire.validate(answers).values
    sizing = _sizing(values, knowledge.param_values)
    return {
        "stress": [r.to_dict() for r in stress_tests(values, knowledge)],
        "to_improve": [p.to_dict() for p in to_improve(answers, knowledge, band=assessment.band, sizing=sizing)],
        "loan_sizing": sizing,
    }


__all__ = [
    "Change", "ChangeSpec", "Proposal", "check_specs", "dscr_target", "extended_output", "lint",
    "load_specs", "loan_sizing", "to_improve",
]
