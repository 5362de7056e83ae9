"""Three-way comparison and merge of a case's answers: what a refused save shows, and how it is resolved.

When two officers edit one case, the second save is refused (optimistic
versioning) rather than silently replacing the first. What they need then is,
answer by answer, the value both started from (base), the value now in the
register (theirs) and their own (mine); every answer only one of them changed
is merged without asking, and only answers both changed differently need a
choice. Nothing either side wrote is dropped without someone choosing to.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal


class _Absent:
    """The value of an answer that is not there (unanswered); distinct from JSON null."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT: Any = _Absent()

Side = Literal["theirs", "mine"]


def same(a: Any, b: Any) -> bool:
    """Equal as JSON: ``True`` is not ``1`` and ``1`` is ``1.0``, as in the case file."""
    if a is ABSENT or b is ABSENT:
        return a is b
    return json.dumps(a, sort_keys=True, allow_nan=True) == json.dumps(b, sort_keys=True, allow_nan=True) or (
        _numbers(a, b) and a == b
    )


def _numbers(a: Any, b: Any) -> bool:
    return all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b))


@dataclass(frozen=True, slots=True)
class AnswerChange:
    """One answer that differs between the three sides of a refused save."""

    answer: str
    base: Any
    theirs: Any
    mine: Any

    @property
    def theirs_changed(self) -> bool:
        return not same(self.base, self.theirs)

    @property
    def mine_changed(self) -> bool:
        return not same(self.base, self.mine)

    @property
    def conflicting(self) -> bool:
        """Both changed it, to different values: only a person can say which is right."""
        return self.theirs_changed and self.mine_changed and not same(self.theirs, self.mine)


def three_way(
    base: Mapping[str, Any], theirs: Mapping[str, Any], mine: Mapping[str, Any], order: Iterable[str] | None = None
) -> tuple[AnswerChange, ...]:
    """Every key whose value is not the same on all three sides, in ``order`` (else sorted)."""
    keys = set(base) | set(theirs) | set(mine)
    ordered = [k for k in order if k in keys] if order is not None else []
    ordered += sorted(keys - set(ordered))
    changes = []
    for key in ordered:
        b, t, m = base.get(key, ABSENT), theirs.get(key, ABSENT), mine.get(key, ABSENT)
        if not (same(b, t) and same(b, m)):
            changes.append(AnswerChange(key, b, t, m))
    return tuple(changes)


class MergeIncomplete(ValueError):
    """A conflicting answer with no choice made: merging it either way would lose someone's work silently."""

    def __init__(self, answers: Sequence[str]) -> None:
        self.answers = tuple(answers)
        super().__init__(f"choose theirs or mine for: {', '.join(self.answers)}")


def merge(
    theirs: Mapping[str, Any], changes: Sequence[AnswerChange], choices: Mapping[str, Side] | None = None
) -> dict[str, Any]:
    """The merged answers: ``theirs`` (the register's newest) with every change of mine laid over it.

    An answer only I changed takes my value; one only they changed keeps theirs;
    one both changed alike is that value; one both changed differently takes the
    side named in ``choices`` (``"theirs"`` or ``"mine"``), and without a choice
    the merge is refused (:class:`MergeIncomplete`).
    """
    choices = choices or {}
    unresolved = [c.answer for c in changes if c.conflicting and choices.get(c.answer) not in ("theirs", "mine")]
    if unresolved:
        raise MergeIncomplete(unresolved)
    merged = dict(theirs)
    for change in changes:
        if change.conflicting:
            value = change.mine if choices[change.answer] == "mine" else change.theirs
        elif change.mine_changed:
            value = change.mine
        else:
            value = change.theirs
        if value is ABSENT:
            merged.pop(change.answer, None)
        else:
            merged[change.answer] = value
    return merged
