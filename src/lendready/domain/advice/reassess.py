"""Re-assessing changed answers: the one way advice reaches a verdict.

Every piece of advice (a stress scenario, a loan size, a proposal) is the same
:func:`~lendready.domain.engine.assessment.judge` run on a transformed copy of the
answers. A :class:`Reassessor` validates the case once and then re-judges
changes to it. Changing an answer that no skip logic or constraint reads cannot
change which other answers count, so such a change is put in place of the
validated value (after checking that value's own constraint) instead of
validating the whole questionnaire again; any other change is validated in full.
The verdict is the same either way (a test checks); the shortcut only saves the
time that loan sizing's few dozen re-assessments would spend re-reading answers
that did not change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from lendready.domain.engine.assessment import Judgement, judge, stress_rules
from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.engine.questionnaire import Validated


class Reassessor:
    """One case's answers, validated once, and verdicts on changed copies of them."""

    def __init__(self, knowledge: Knowledge, answers: Mapping[str, Any], as_of: date | None = None) -> None:
        self.k = knowledge
        self.as_of = as_of
        self.answers = dict(answers)
        self.validated = knowledge.questionnaire.validate(self.answers, as_of)
        self.base = judge(knowledge, self.validated, as_of=as_of)
        self._stress_rules = stress_rules(knowledge)

    @property
    def values(self) -> dict[str, Any]:
        return self.validated.values

    def verdict(self, changes: Mapping[str, Any], *, stressed: bool = False) -> Judgement:
        """The judgement of the answers with ``changes`` made (an answer of None is removed).

        ``stressed`` leaves out the rules that apply a stress of their own (no stress of a stress).
        A stressed figure is a hypothesis, not an answer: it is put in place as it is, even where
        a person could not type it (a rate above the questionnaire's ceiling).
        """
        skip = self._stress_rules if stressed else frozenset()
        if not changes:
            return self.base if not stressed else judge(self.k, self.validated, skip=skip, as_of=self.as_of)
        validated, changed = self._with(changes, trusted=stressed)
        return judge(self.k, validated, skip=skip, as_of=self.as_of, since=self.base, changed=changed)

    def _with(self, changes: Mapping[str, Any], *, trusted: bool) -> tuple[Validated, frozenset[str] | None]:
        """The changed answers validated, and which of them differ from the base's (None: not known)."""
        q = self.k.questionnaire
        base = self.validated
        fast = all(
            qid in base.values and qid not in q.read_by_checks and value is not None
            and (trusted or q.constraint_problem(q.questions[qid], value, base.values) is None)
            for qid, value in changes.items()
        )
        if fast:
            values = dict(base.values)
            for qid, value in changes.items():
                if q.questions[qid].type == "integer" and isinstance(value, float) and value.is_integer():
                    value = int(value)
                values[qid] = value
            changed = frozenset(qid for qid in changes if values[qid] != base.values[qid])
            return Validated(values, base.invalid, base.relevant, base.unanswered, base.hidden), changed
        answers = dict(self.answers)
        for qid, value in changes.items():
            if value is None:
                answers.pop(qid, None)
            else:
                answers[qid] = value
        return q.validate(answers, self.as_of), None
