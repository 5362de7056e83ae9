"""Trainer handouts and session packs: an exercise sheet for the room, then the answers.

A handout is one case in three parts; it is also the trainer's briefing
(``build_briefing(..., audience="trainer")``). Part A, the exercise sheet
(:mod:`~lendready.report.sections.exercise_sheet`), is what the trainees see.
Part B, on pages of its own headed "Answers — for the trainer"
(:mod:`~lendready.report.sections.answers`), is what the engine made of the case.
Part C, "Reference — for the trainer" (:mod:`~lendready.report.sections.case_reference`),
is the rest of what every briefing carries, in the briefing's own sections.

A session pack puts several sample cases together: a cover with the plan of
the session, every exercise sheet, then every case's answers, then a reference
part (the myths with their corrections, the glossary and a short primer).

Built on the same document, styles and fonts as the briefing, with the same
generation time (``SOURCE_DATE_EPOCH``) and atomic write; so the same cases,
rules and generation time give the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from lendready import __version__
from lendready.domain.advice import Analysis
from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.files.case_file import Case
from lendready.domain.teaching.samples import Sample, load_sample_case
from lendready.report.charts import fit
from lendready.report.context import BriefingError, checked_generation_time
from lendready.report.document import (
    FOOT_Y,
    FRAME_W,
    HEAD_Y,
    MARGIN_X,
    PAGE_W,
    NumberedCanvas,
    PageCallback,
    pdf_date,
    render,
    write_pdf,
)
from lendready.report.flowables import PartMark
from lendready.report.handout_case import (
    ANSWERS_PART,
    CASE_REFERENCE_PART,
    DEFAULT_QUESTIONS,
    EXERCISE_PART,
    HANDOUT_TITLE,
    PACK_TITLE,
    REFERENCE_PART,
    HandoutCase,
)
from lendready.report.sections.answers import answers
from lendready.report.sections.case_reference import case_reference
from lendready.report.sections.exercise_sheet import BOX, GRID_ROW, exercise_sheet
from lendready.report.sections.session import session_cover, session_reference
from lendready.report.styles import ACCENT, FONT, FONT_BOLD, INK, MUTED, clean

ANSWERS_RED = colors.HexColor("#8e1b1b")


def build_handout(
    case: Case,
    knowledge: Knowledge,
    *,
    sample: Sample | None = None,
    generated: datetime | None = None,
    case_bytes: bytes | None = None,
    as_of: date | None = None,
    analysis: Analysis | None = None,
    on_page: PageCallback | None = None,
) -> bytes:
    """The trainer's handout for one case as PDF bytes: the exercise sheet, the answers, the reference.

    ``sample`` brings the story, the questions for the room, the lessons and the
    experienced lender's verdict; without it the story is a summary of the
    answers, the questions a default set, and there is no verdict. ``case_bytes``,
    the case file as read, is what the provenance's SHA-256 is of (else the case
    as lendready saves it). Built from one Analysis: ``analysis`` when given (worded
    for the trainer), else the case analysed once at ``as_of`` (default: a sample's
    own snapshot date, so a teaching case never ages; else the date of
    ``SOURCE_DATE_EPOCH`` or today). ``on_page`` is told the number of pages laid out so far as each
    is finished; an exception it raises stops the build and propagates unchanged.
    """
    when = checked_generation_time(generated)
    item = HandoutCase.make(case, knowledge, sample, when, case_bytes, analysis=analysis, as_of=as_of)
    story: list[Flowable] = [PartMark(EXERCISE_PART, item.title), *exercise_sheet(item, level=0)]
    story += [PageBreak(), PartMark(ANSWERS_PART, item.title), *answers(item, level=0)]
    story += [PageBreak(), PartMark(CASE_REFERENCE_PART, item.title), *case_reference(item)]
    org = clean(item.title)
    return render(
        story, handout_canvas(when, HANDOUT_TITLE, first_page_head=True),
        title=f"{HANDOUT_TITLE}: {org}", author=f"lendready {__version__}",
        subject=f"Exercise and answers for {org} (rules {knowledge.rules_version})",
        creator=f"lendready {__version__}",
        keywords=["lendready", "trainer", "handout", item.ctx.assessment.band], on_page=on_page,
    )


def write_handout(
    path: str | os.PathLike[str],
    case: Case,
    knowledge: Knowledge,
    *,
    sample: Sample | None = None,
    generated: datetime | None = None,
    case_bytes: bytes | None = None,
    as_of: date | None = None,
    analysis: Analysis | None = None,
    on_page: PageCallback | None = None,
) -> Path:
    """Build the handout, then write it atomically: ``path`` is either untouched or complete (also
    when ``on_page`` raises to cancel: the PDF is built in memory before the file is touched)."""
    return write_pdf(path, build_handout(case, knowledge, sample=sample, generated=generated,
                                         case_bytes=case_bytes, as_of=as_of, analysis=analysis,
                                         on_page=on_page))


def build_session_pack(
    samples: Sequence[Sample],
    knowledge: Knowledge,
    *,
    generated: datetime | None = None,
    as_of: date | None = None,
    on_page: PageCallback | None = None,
) -> bytes:
    """A session pack for ``samples`` (in the order given) as PDF bytes.

    A cover with the cases and how to run the session; every exercise sheet; every
    case's answers; the myths, the glossary and a short primer. Each case is
    analysed once, at ``as_of`` when given, else at its own snapshot date. Raises
    :class:`BriefingError` for an empty list, and the case file's own error if a
    sample's case is refused. ``on_page``: as for :func:`build_handout`.
    """
    if not samples:
        raise BriefingError("a session pack needs at least one sample case")
    when = checked_generation_time(generated)
    items = [HandoutCase.make(load_sample_case(s, knowledge), knowledge, s, when, as_of=as_of) for s in samples]
    story: list[Flowable] = [PartMark("", PACK_TITLE, outline="The session plan")]
    story += session_cover(items, knowledge, when)
    for i, item in enumerate(items, start=1):
        story += [PageBreak(), PartMark(EXERCISE_PART, item.title,
                                        outline="Part 1: Exercise sheets" if i == 1 else None)]
        story += exercise_sheet(item, level=1, number=i)
    for i, item in enumerate(items, start=1):
        story += [PageBreak(), PartMark(ANSWERS_PART, item.title,
                                        outline="Part 2: Answers — for the trainer" if i == 1 else None)]
        story += answers(item, level=1, number=i)
    story += [PageBreak(), PartMark(REFERENCE_PART, PACK_TITLE, outline="Part 3: Reference")]
    story += session_reference(items[0].ctx, level=1)
    n = len(items)
    return render(
        story, handout_canvas(when, PACK_TITLE, first_page_head=False),
        title=f"{PACK_TITLE}: {n} case{'s' if n != 1 else ''}", author=f"lendready {__version__}",
        subject="Cases: " + "; ".join(clean(item.title) for item in items),
        creator=f"lendready {__version__}",
        keywords=["lendready", "trainer", "session pack"], on_page=on_page,
    )


def write_session_pack(
    path: str | os.PathLike[str],
    samples: Sequence[Sample],
    knowledge: Knowledge,
    *,
    generated: datetime | None = None,
    as_of: date | None = None,
    on_page: PageCallback | None = None,
) -> Path:
    """Build the session pack, then write it atomically: ``path`` is either untouched or complete
    (also when ``on_page`` raises to cancel)."""
    return write_pdf(path, build_session_pack(samples, knowledge, generated=generated, as_of=as_of,
                                              on_page=on_page))


def handout_canvas(when: datetime, header: str, *, first_page_head: bool) -> type[NumberedCanvas]:
    """The canvas: the part (exercise or answers) at the head of each page, the case and "page 3 of 9"
    at the foot."""
    right = fit(f"lendready {__version__} · {header} · {when.strftime('%d %B %Y').lstrip('0')}", FONT, 7, 80 * mm)

    class HandoutCanvas(NumberedCanvas):
        date_stamp = pdf_date(when)
        running_part = ""
        running_title = ""

        def draw_furniture(self, page: int, total: int) -> None:
            if page > 1 or first_page_head:
                part = self.running_part
                if part:
                    self.setFont(FONT_BOLD, 8.5)
                    self.setFillColor(ANSWERS_RED if part == ANSWERS_PART else ACCENT)
                    self.drawString(MARGIN_X, HEAD_Y, part)
                self.setFont(FONT, 7)
                self.setFillColor(MUTED)
                self.drawRightString(PAGE_W - MARGIN_X, HEAD_Y, right)
                self.rule_under_head()
            self.setFont(FONT_BOLD, 7.5)
            self.setFillColor(INK)
            self.drawString(MARGIN_X, FOOT_Y, fit(self.running_title, FONT_BOLD, 7.5, FRAME_W - 35 * mm))
            self.page_number(page, total)

    return HandoutCanvas


__all__ = [
    "ANSWERS_PART",
    "BOX",
    "CASE_REFERENCE_PART",
    "DEFAULT_QUESTIONS",
    "EXERCISE_PART",
    "GRID_ROW",
    "HANDOUT_TITLE",
    "PACK_TITLE",
    "REFERENCE_PART",
    "build_handout",
    "build_session_pack",
    "write_handout",
    "write_session_pack",
]
