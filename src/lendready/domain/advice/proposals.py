"""What would change the answer: the smallest sets of changes that move the band up.

The candidates are the answers a borrower could change, listed as data in
``resources/improve.toml``, including cutting the loan to the sizing's
comfortable and largest amounts and moving to its shortest term. Each candidate,
alone and then in pairs, is re-assessed; a set is kept only when the band it
gives is better than today's and better than any of its members gives alone (a
pair is never one change with a passenger).

Ranking, best first: changes the borrower controls before one that needs a value
nobody can choose (revaluing a building upward); then fewer changes; then the
better band; then the smaller change. At most five are kept. When every red at
the asked amount is one the loan's size brings in, at least one kept proposal
changes the amount.

Only answers read by a finding that holds the band down (directly, through a
metric, or through skip logic and constraints) can move it, so only those are
tried; a test checks that the result equals the exhaustive search.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, NamedTuple

from lendready.domain.advice.changes import ChangeSpec, load_specs
from lendready.domain.advice.reassess import Reassessor
from lendready.domain.advice.sizing import LoanSizing
from lendready.domain.engine.metrics import METRIC_INPUTS

BAND_ORDER = {"incomplete": 0, "not_ready": 1, "nearly_ready": 2, "ready": 3}
MAX_PROPOSALS = 5


class Change(NamedTuple):
    question: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "from": self.before, "to": self.after}


class Proposal(NamedTuple):
    changes: tuple[Change, ...]
    band: str
    controllable: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"changes": [c.to_dict() for c in self.changes], "band": self.band}


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _candidates(specs: list[ChangeSpec], r: Reassessor, sizing: LoanSizing | None) -> list[tuple[Change, bool]]:
    answers, values = r.answers, r.values
    out: list[tuple[Change, bool]] = []
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
        elif s.kind in ("loan_max", "loan_comfortable") and sizing is not None:
            best = sizing.max_amount if s.kind == "loan_max" else sizing.comfortable_amount
            if best and (have is None or best < have):
                targets = [best]
        elif s.kind == "shortest_term" and sizing is not None:
            if sizing.shortest_term_months is not None and sizing.shortest_term_months != have:
                targets = [sizing.shortest_term_months]
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
                out.append((Change(s.question, current, t), s.controllable))
    # The same change reached by two kinds (the comfortable and largest amounts agree) is tried once.
    unique: dict[Change, bool] = {}
    for change, controllable in out:
        unique[change] = unique.get(change, True) and controllable
    return list(unique.items())


def _size(change: Change) -> float:
    a, b = change.before, change.after
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(b - a) / abs(a) if a else 1.0
    return 1.0


def influence(r: Reassessor) -> set[str]:
    """Every answer that the findings holding the band down read, closed over skip logic and constraints."""
    questions = r.k.questionnaire.questions
    reach: set[str] = set()
    for rule, level in r.base.kept:
        if level.rating is None and level.severity != "blocker":
            continue
        for lv in rule.levels:
            reach.update(lv.condition.questions)
            for metric in lv.condition.metrics:
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


def to_improve(r: Reassessor, sizing: LoanSizing | None, *, max_changes: int = 2, prune: bool = True,
               limit: int | None = MAX_PROPOSALS) -> list[Proposal]:
    """The proposals for a case, best first (none for a ready or an incomplete case)."""
    band = r.base.band
    if band in ("incomplete", "ready"):
        return []
    base_rank = BAND_ORDER[band]
    candidates = _candidates(load_specs(r.k), r, sizing)
    if prune:
        reach = influence(r)
        candidates = [(c, ok) for c, ok in candidates if c.question in reach]
    controllable = dict(candidates)
    changes = [c for c, _ in candidates]

    def band_with(combo: tuple[Change, ...]) -> str:
        return r.verdict({c.question: c.after for c in combo}).band

    found: list[Proposal] = []
    alone: dict[Change, int] = {}
    for c in changes:
        b = band_with((c,))
        alone[c] = BAND_ORDER[b]
        if alone[c] > base_rank:
            found.append(Proposal((c,), b, controllable[c]))
    for size in range(2, max(1, max_changes) + 1):
        for combo in itertools.combinations(changes, size):
            if len({c.question for c in combo}) < size:
                continue
            floor = max([base_rank] + [alone[c] for c in combo])
            b = band_with(combo)
            if BAND_ORDER[b] > floor:
                found.append(Proposal(combo, b, all(controllable[c] for c in combo)))
    found.sort(key=lambda p: (not p.controllable, len(p.changes), -BAND_ORDER[p.band],
                              sum(_size(c) for c in p.changes),
                              tuple(c.question for c in p.changes), tuple(str(c.after) for c in p.changes)))
    # A bigger change to the same questions that reaches no better band adds nothing.
    kept: list[Proposal] = []
    for p in found:
        questions = {c.question for c in p.changes}
        if not any({c.question for c in k.changes} == questions and BAND_ORDER[k.band] >= BAND_ORDER[p.band]
                   for k in kept):
            kept.append(p)
    if limit is None:
        return kept
    shown = kept[:limit]
    if _amount_driven(r, sizing) and not any(_changes_amount(p) for p in shown):
        cut = next((p for p in kept if _changes_amount(p)), None)
        if cut is not None:
            shown = shown[: limit - 1] + [cut]
    return shown


def _changes_amount(p: Proposal) -> bool:
    return any(c.question == "loan.amount" for c in p.changes)


def _amount_driven(r: Reassessor, sizing: LoanSizing | None) -> bool:
    """Every red at the asked amount is one the loan's size brings in (absent at £1,000)."""
    if sizing is None:
        return False
    reds = r.base.red_ids()
    return bool(reds) and not (reds & sizing.reds_at_floor)
