"""One open case as the app sees it: answers, file, unsaved changes, the live analysis.

This is the Qt-free model the windows call (in the way MNELAB's views call its
model), so every behaviour a user relies on, from "is there unsaved work?" to
"which questions are asked now?", can be tested without a screen, and the GUI,
the command line and the PDF all reach a verdict through the same ``analyse``.

One :class:`~lendready.domain.advice.Analysis` is built per revision of the case
(and per wording and assessment date) and shared by every pane: the explainer's
verdict and key figures and the what-if panel's stress tests, sizing and
proposals are the same object, so no pane can contradict another.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from lendready.domain.engine.assessment import Assessment
from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.engine.questionnaire import Section, Validated
from lendready.domain.files.case_file import Case, load_case, new_case, save_case

if TYPE_CHECKING:
    from lendready.domain.advice import Analysis


class SectionProgress(NamedTuple):
    answered: int
    relevant: int
    problems: int

    @property
    def complete(self) -> bool:
        return self.relevant > 0 and self.answered == self.relevant and not self.problems


class CaseSession:
    """The case being edited. Changes go through here so "unsaved" is always right."""

    def __init__(self, knowledge: Knowledge, case: Case, path: Path | None = None) -> None:
        self.knowledge = knowledge
        self.case = case
        self.path = path
        self._revision = 0
        self._saved_revision = 0
        self._validated: Validated | None = None
        self._analysis: Analysis | None = None
        self._analysis_date: date | None = None
        self._audience = case.prepared_by
        self.what_if_of: str | None = None
        """The name of the case this is a what-if copy of (never saved over it)."""

    # -- creating and opening ----------------------------------------------
    @classmethod
    def new(cls, knowledge: Knowledge, role: str) -> CaseSession:
        return cls(knowledge, new_case(role))

    @classmethod
    def open(cls, knowledge: Knowledge, path: str | Path) -> CaseSession:
        """Load through the engine's loader; a refused file raises CaseFileError and changes nothing."""
        p = Path(path)
        return cls(knowledge, load_case(p, knowledge.questionnaire), p.resolve())

    # -- state ----------------------------------------------------------------
    @property
    def role(self) -> str:
        return self.case.prepared_by

    @property
    def audience(self) -> str:
        """Whose wording the explanations use; a view setting, not part of the case."""
        return self._audience

    @audience.setter
    def audience(self, value: str) -> None:
        if value != self._audience:
            self._audience = value
            self._analysis = None

    @property
    def answers(self) -> Mapping[str, Any]:
        return self.case.answers

    @property
    def notes(self) -> Mapping[str, str]:
        return self.case.notes

    @property
    def dirty(self) -> bool:
        return self._revision != self._saved_revision

    @property
    def revision(self) -> int:
        """Grows with every change; autosave compares it to know whether to write."""
        return self._revision

    @property
    def display_name(self) -> str:
        if self.path:
            return self.path.name
        return f"what-if copy of {self.what_if_of}" if self.what_if_of else "Untitled case"

    def what_if(self, changes: Mapping[str, Any]) -> CaseSession:
        """A new, unsaved copy of this case with ``changes`` applied; this case is untouched."""
        import copy

        copied = new_case(self.case.prepared_by)
        copied.answers = copy.deepcopy(self.case.answers)
        copied.notes = dict(self.case.notes)
        copied.extra = copy.deepcopy(self.case.extra)
        copied.answers.update(copy.deepcopy(dict(changes)))
        session = CaseSession(self.knowledge, copied, None)
        session.what_if_of = self.display_name
        session.audience = self.audience
        session.mark_dirty()
        return session

    def mark_dirty(self) -> None:
        """For a case restored from a recovery file: its content is not on disk under its name."""
        self._changed()

    def _changed(self) -> None:
        self._revision += 1
        self._validated = None
        self._analysis = None

    # -- editing --------------------------------------------------------------
    def set_answer(self, qid: str, value: Any) -> bool:
        """Set (or, with None, remove) an answer; returns whether anything changed."""
        answers = self.case.answers
        if value is None:
            if qid not in answers:
                return False
            del answers[qid]
        else:
            if qid in answers and answers[qid] == value and type(answers[qid]) is type(value):
                return False
            answers[qid] = value
        self._changed()
        return True

    def set_answers(self, answers: Mapping[str, Any], notes: Mapping[str, str] | None = None) -> bool:
        """Several answers (None removes one) and notes as one change, for applying a what-if.

        Returns whether anything changed; the revision grows by one however many answers did.
        """
        revision = self._revision
        for qid, value in answers.items():
            self.set_answer(qid, value)
        for qid, text in (notes or {}).items():
            self.set_note(qid, text)
        if self._revision == revision:
            return False
        self._revision = revision
        self._changed()
        return True

    def set_note(self, qid: str, text: str) -> bool:
        notes = self.case.notes
        text = text.rstrip()
        if not text:
            if qid not in notes:
                return False
            del notes[qid]
        else:
            if notes.get(qid) == text:
                return False
            notes[qid] = text
        self._changed()
        return True

    # -- derived, cached until the next change --------------------------------
    @staticmethod
    def today() -> date:
        """The date the open case is judged at: today, or ``SOURCE_DATE_EPOCH``'s (a malformed one is ignored)."""
        # Loaded with the first case, not when the app starts.
        from lendready.domain.advice import AsOfError, default_as_of

        try:
            return default_as_of()
        except AsOfError:  # a malformed SOURCE_DATE_EPOCH must not stop the app showing a case
            return date.today()

    @property
    def validated(self) -> Validated:
        """The answers that count, judged at :meth:`today` (so a year-end after today is flagged as it is typed)."""
        if self._validated is None:
            self._validated = self.knowledge.questionnaire.validate(self.case.answers, self.today())
        return self._validated

    @property
    def analysis(self) -> Analysis:
        """The analysis of the case as it stands: built once per revision (10 to 45 ms), then shared.

        Dated today (or ``SOURCE_DATE_EPOCH``); a case left open past midnight is analysed afresh.
        """
        from lendready.domain.advice import analyse

        today = self.today()
        if self._analysis is None or self._analysis_date != today:
            self._analysis = analyse(self.case, self.knowledge, today, audience=self._audience)
            self._analysis_date = today
        return self._analysis

    @property
    def assessment(self) -> Assessment:
        """The verdict of :attr:`analysis` (the same object every pane shows)."""
        return self.analysis.assessment

    def problems(self) -> dict[str, str]:
        """Question id → the questionnaire's message, for answers set aside as invalid."""
        return {i.question: i.message for i in self.validated.invalid}

    def progress(self) -> dict[str, SectionProgress]:
        """Every section's progress, from one pass over the validated answers (runs on each edit)."""
        relevant = set(self.validated.relevant)
        unanswered = set(self.validated.unanswered)
        problems = self.problems()
        out: dict[str, SectionProgress] = {}
        for section in self.knowledge.questionnaire.sections:
            ids = [q.id for q in section.questions if q.id in relevant]
            out[section.id] = SectionProgress(
                answered=sum(1 for q in ids if q not in unanswered),
                relevant=len(ids),
                problems=sum(1 for q in ids if q in problems),
            )
        return out

    def section_progress(self, section: Section) -> SectionProgress:
        return self.progress()[section.id]

    def section_of(self, qid: str) -> str | None:
        question = self.knowledge.questionnaire.questions.get(qid)
        return question.section if question else None

    # -- saving ---------------------------------------------------------------
    def save(self, path: str | Path | None = None, *, overwrite_changed: bool = False) -> Path:
        """Atomic save to ``path`` (or the current file); the case is then clean.

        Raises :class:`~lendready.domain.files.case_file.ChangedOnDisk` when the file
        this case came from was changed by someone else meanwhile (unless
        ``overwrite_changed``), CaseTooLarge or ReadOnlyCase; nothing is written then.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("no file name given for an untitled case")
        if target.suffix != ".lendready":
            target = target.with_name(target.name + ".lendready")
        save_case(self.case, target, self.knowledge.questionnaire, overwrite_changed=overwrite_changed)
        self.path = target.resolve()
        self.mark_saved()
        return self.path

    def mark_saved(self) -> None:
        """The work as it stands is safe (written to a file, or to the register): no longer unsaved."""
        self._saved_revision = self._revision
