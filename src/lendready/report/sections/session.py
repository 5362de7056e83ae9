"""The session pack's own parts: the cover with the plan of the session, and the closing reference."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.teaching.content import myths
from lendready.report.context import BriefingContext
from lendready.report.document import FRAME_W
from lendready.report.flowables import (
    Heading,
    bullet_list,
    grid,
    heading,
    keep_together,
    rich,
    text,
)
from lendready.report.handout_case import PACK_TITLE, HandoutCase
from lendready.report.sections.primer import glossary, myth_pair

HOW_TO_RUN = (
    ("Hand out the exercise sheets only (part 1). Keep the answers (part 2) back until the room has "
     "made its predictions."),
    ("For each case, give groups 20 to 30 minutes to read the story and the figures, talk through the "
     "questions for the room and fill in the prediction grid: one tick per risk area, one for the band, "
     "and the main reason for each."),
    "Collect the predictions area by area on a flipchart before revealing anything.",
    ("Reveal the band and the area ratings, then the findings behind them. Ask where the room differed "
     "from lendready, and why."),
    ("Read each \"True or false?\" statement aloud before its correction, and close the case with what it "
     "teaches and the experienced lender's verdict."),
    "Hand out the reference part (myths, glossary, primer) at the end.",
)


def session_cover(cases: Sequence[HandoutCase], knowledge: Knowledge, when: datetime) -> list[Flowable]:
    """The cases in one line each, how to run the session and what the pack holds."""
    st = cases[0].ctx.styles
    n = len(cases)
    out: list[Flowable] = [Spacer(1, 4 * mm), text(f"lendready · {PACK_TITLE}", st.cover_kicker)]
    out.append(text("Lending to mutuals: a case session", st.cover_title))
    out.append(text(f"{n} case{'s' if n != 1 else ''} · {when.strftime('%d %B %Y').lstrip('0')} · rules "
                    f"version {knowledge.rules_version}", st.muted))
    out += heading("The cases", st.h2, 1)
    rows: list[list[Any]] = [[text("", st.cell_bold), text("Case", st.cell_bold), text("In one line", st.cell_bold)]]
    for i, case in enumerate(cases, start=1):
        summary = case.sample.meta.summary if case.sample is not None else ""
        rows.append([str(i), text(case.title, st.cell_bold), text(summary, st.cell_small)])
    out.append(grid(rows, [8 * mm, 58 * mm, FRAME_W - 66 * mm],
                    extra=[("TOPPADDING", (0, 1), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 1), (-1, -1), 1.5)]))
    out += heading("How to run the session", st.h2, 1)
    out += bullet_list(st.bullet, HOW_TO_RUN, numbered=True)
    out.append(Spacer(1, 3))
    out.append(rich(st.body_tight, ("b", "In this pack: "),
                    "part 1, the exercise sheets, each case on new pages (copy these for the room); part 2, "
                    "the answers, for the trainer; part 3, the myths with their corrections, the glossary and "
                    "a short primer."))
    out.append(text("lendready is a readiness check, not a credit decision: the answers show how a lender is "
                    "likely to see each case.", st.muted))
    return out


def session_reference(ctx: BriefingContext, *, level: int) -> list[Flowable]:
    """The myths with their corrections, the glossary and the opening of each section of the primer."""
    st, t = ctx.styles, ctx.teaching
    out: list[Flowable] = [text(f"lendready · {PACK_TITLE}", st.cover_kicker), Heading("Reference", st.h1, level)]
    out.append(text("For the end of the session: the myths the cases correct, the words a lender uses and "
                    "a short primer on lending to mutuals.", st.muted))
    beliefs = myths(ctx.knowledge, "trainer")
    if beliefs:
        page_break, myths_heading = heading("Myths and their corrections", st.h2, level + 1)
        out.append(page_break)
        for i, (belief, correction) in enumerate(beliefs):
            pair = myth_pair(ctx, belief, correction)
            out.append(keep_together([myths_heading, *pair] if i == 0 else pair))
    if t.glossary:
        out += heading("Glossary", st.h2, level + 1)
        out += glossary(ctx)
    if t.primer:
        out += heading(f"A short primer: {t.primer_title}", st.h2, level + 1)
        out.append(text("The opening of each section of the primer; each case's own trainer's handout carries "
                        "it in full.", st.muted))
        for section in t.primer:
            if section.paragraphs:
                out.append(keep_together([text(section.heading, st.h3), text(section.paragraphs[0], st.reading)]))
    return out


__all__ = ["HOW_TO_RUN", "session_cover", "session_reference"]
