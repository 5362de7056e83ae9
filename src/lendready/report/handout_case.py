"""One case of a trainer's handout or session pack: its context, and the sample it is, if any."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from lendready.domain.advice import Analysis
from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.files.case_file import Case
from lendready.domain.teaching.samples import Sample, sample_as_of
from lendready.report.context import BriefingContext

HANDOUT_TITLE = "Trainer's handout"
PACK_TITLE = "Training session pack"
EXERCISE_PART = "Exercise sheet — for trainees"
ANSWERS_PART = "Answers — for the trainer"
REFERENCE_PART = "Reference — myths, glossary and primer"
CASE_REFERENCE_PART = "Reference — for the trainer"

# Put to the room when a case is not one of the samples (a sample brings its own).
DEFAULT_QUESTIONS = (
    "Where will the money to repay this loan come from, and how sure is it?",
    "Which single figure would you look at first, and why?",
    "What happens to this organisation, and to the loan, if its largest customer leaves?",
    "Does the legal form or the asset lock change what a lender can do? How?",
    "What would you ask the founders before you decided?",
    "What one change would most improve the chance of a loan?",
)


class HandoutCase(NamedTuple):
    """A case analysed for the trainer, with the sample whose story, questions and verdict it carries."""

    ctx: BriefingContext
    sample: Sample | None

    @classmethod
    def make(cls, case: Case, knowledge: Knowledge, sample: Sample | None, when: datetime,
             case_bytes: bytes | None = None, *, analysis: Analysis | None = None,
             as_of: date | None = None) -> HandoutCase:
        """The case analysed once: ``analysis`` when given, else at ``as_of``, else (a sample) at the
        sample's own snapshot date, so a teaching case never ages."""
        if as_of is None and analysis is None and sample is not None:
            as_of = sample_as_of(sample)
        ctx = BriefingContext.make(case, knowledge, "trainer", when, case_bytes, analysis=analysis, as_of=as_of)
        return cls(ctx, sample)

    @property
    def title(self) -> str:
        return self.sample.meta.title if self.sample is not None else self.ctx.org

    @property
    def questions(self) -> list[str]:
        return list(self.sample.meta.questions) if self.sample is not None else list(DEFAULT_QUESTIONS)


__all__ = [
    "ANSWERS_PART",
    "CASE_REFERENCE_PART",
    "DEFAULT_QUESTIONS",
    "EXERCISE_PART",
    "HANDOUT_TITLE",
    "PACK_TITLE",
    "REFERENCE_PART",
    "HandoutCase",
]
