"""A what-if: a copy of the open case to try changes on, held beside the case, never instead of it.

The case (``base``) stays exactly as it was: same answers, same unsaved flag,
same file. The copy (``session``) takes every edit made while the what-if is
showing; :meth:`WhatIf.changes` lists, answer by answer, how the copy differs
from the case ("from → to", worded as the app words answers), and
:meth:`WhatIf.apply` puts those answers into the case in one step. A what-if is
never a file: it is dropped when the user goes back to the case.

Qt-free, like the rest of ``lendready.model``, so it is tested without a screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from lendready.domain.engine import formatting
from lendready.domain.engine.questionnaire import Question
from lendready.model.session import CaseSession


class AnswerChange(NamedTuple):
    """One answer the what-if changed: the question, its label, and the answer before and after."""

    question: str
    label: str
    before: Any
    after: Any
    before_text: str
    after_text: str

    def text(self) -> str:
        """ "Surplus last year: £12,000 → £40,000"."""
        return f"{self.label}: {self.before_text} → {self.after_text}"


def answer_text(question: Question | None, value: Any) -> str:
    """An answer as the app shows it elsewhere (the explainer's evidence, the proposals)."""
    if question is None:
        return "not answered" if value is None else str(value)
    if question.type == "yesno" and value in ("yes", "no"):
        return "Yes" if value == "yes" else "No"
    return formatting.answer(question.type, value, question.choice_label, question.unit)


class WhatIf:
    """The case and a copy of it with some answers changed; the case is only read until :meth:`apply`."""

    def __init__(self, base: CaseSession, changes: Mapping[str, Any]) -> None:
        self.base = base
        self.session = base.what_if(changes)
        self.base_revision = base.revision
        self.base_dirty = base.dirty

    def changes(self, role: str | None = None) -> list[AnswerChange]:
        """How the copy's answers differ from the case's, in questionnaire order, worded for ``role``."""
        role = role or self.session.audience
        questions = self.base.knowledge.questionnaire.questions
        before, after = self.base.answers, self.session.answers
        ids = [qid for qid in questions if qid in before or qid in after]
        ids += sorted(q for q in set(before) | set(after) if q not in questions)  # kept answers this version lacks
        out: list[AnswerChange] = []
        for qid in ids:
            old, new = before.get(qid), after.get(qid)
            if _same(old, new):
                continue
            question = questions.get(qid)
            label = question.label.for_role(role) if question is not None else qid
            out.append(AnswerChange(qid, label, old, new, answer_text(question, old), answer_text(question, new)))
        return out

    def note_changes(self) -> list[str]:
        """The questions whose note was edited in the what-if (applied with the answers)."""
        before, after = self.base.notes, self.session.notes
        return [qid for qid in sorted(set(before) | set(after)) if before.get(qid) != after.get(qid)]

    def undo_for_apply(self) -> tuple[dict[str, Any], dict[str, str]]:
        """What :meth:`apply` would change, as the case has it now (answers, notes): handed back to
        ``CaseSession.set_answers`` it puts the case as it was before the what-if was applied."""
        answers = {c.question: c.before for c in self.changes()}
        notes = {qid: self.base.notes.get(qid, "") for qid in self.note_changes()}
        return answers, notes

    def apply(self) -> bool:
        """Put the what-if's answers (and notes) into the case as one change; True if anything changed."""
        answers = {c.question: c.after for c in self.changes()}
        notes = {qid: self.session.notes.get(qid, "") for qid in self.note_changes()}
        return self.base.set_answers(answers, notes)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b or (
        isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool)
        and not isinstance(b, bool) and a == b
    )


__all__ = ["AnswerChange", "WhatIf", "answer_text"]
