"""The handout's answers, for the trainer: the band, each area's rating, every finding, the lessons and
the experienced lender's verdict."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from lendready.report.context import as_of_text, reason_lines
from lendready.report.document import FRAME_W
from lendready.report.flowables import (
    Heading,
    boxed,
    bullet_list,
    grid,
    heading,
    keep_together,
    rich,
    text,
)
from lendready.report.handout_case import ANSWERS_PART, HANDOUT_TITLE, HandoutCase
from lendready.report.sections.cells import rating_cell
from lendready.report.sections.findings import finding_parts
from lendready.report.styles import RATING_COLOURS, text_on


def band_box(case: HandoutCase) -> Flowable:
    """The band, as its word on its colour, with what it means to a lender."""
    ctx = case.ctx
    st = ctx.styles
    fg = text_on(ctx.band_colour)
    word = st.cover_band.clone("handout_band", textColor=fg, fontSize=18, leading=22)
    note = st.body_tight.clone("handout_band_note", textColor=fg)
    small = st.small.clone("handout_band_small", textColor=fg)
    cell: list[Flowable] = [text("THE BAND LENDREADY GIVES", small), text(ctx.band_label, word)]
    if ctx.band:
        cell += [Spacer(1, 2), text(ctx.band.lender, note)]
    return boxed(cell, FRAME_W, ctx.band_colour, side=10, top=7, bottom=9)


def area_ratings(case: HandoutCase) -> Flowable:
    """Each risk area's rating on its colour, with the findings behind it."""
    ctx = case.ctx
    st, a = ctx.styles, ctx.assessment
    rows: list[list[Any]] = [[text("Risk area", st.cell_bold), text("Rating", st.cell_bold),
                              text("Findings", st.cell_bold)]]
    extra: list[tuple] = []
    for r, area in enumerate(a.areas, start=1):
        if area.rating == "unknown":
            n = len(area.missing)
            note = f"{n} key question{'s' if n != 1 else ''} unanswered"
        else:
            note = "; ".join(f.title for f in a.findings if f.area == area.id and f.severity != "info")
            note = note or "no findings"
        rows.append([text(ctx.area_title(area.id), st.cell), rating_cell(ctx, area.rating),
                     text(note, st.cell_small)])
        extra.append(("BACKGROUND", (1, r), (1, r),
                      colors.HexColor(RATING_COLOURS.get(area.rating, RATING_COLOURS["unknown"]))))
    return grid(rows, [48 * mm, 26 * mm, FRAME_W - 74 * mm], zebra=False,
                extra=[("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *extra])


def answers(case: HandoutCase, *, level: int, number: int | None = None) -> list[Flowable]:
    """Part B: the engine's verdict and the findings behind it, the lessons and the lender's verdict."""
    ctx = case.ctx
    st, a = ctx.styles, ctx.assessment
    kicker = f"Case {number} · answers" if number else f"lendready · {HANDOUT_TITLE} · answers"
    out: list[Flowable] = [text(kicker, st.cover_kicker),
                           Heading(f"{ANSWERS_PART}: {case.title}" if number else ANSWERS_PART, st.h1, level)]
    if not number:
        out.append(text(case.title, st.h3))
    out.append(text("Keep these pages back until the room has made its predictions.", st.muted))
    out += [Spacer(1, 4), band_box(case), text(f"Assessed as at {as_of_text(ctx)}.", st.muted)]

    reasons, more = reason_lines(ctx)
    out += heading("What decided the band", st.h2, level + 1)
    out += bullet_list(st.bullet, reasons, numbered=True)
    if more:
        out.append(text(f"… and {more} more of the same weight, listed below.", st.muted))

    out += heading("The seven risk areas", st.h2, level + 1, room=150)
    out.append(area_ratings(case))

    out += heading("Findings, area by area", st.h2, level + 1)
    if not a.findings:
        out.append(text("No rule fired on this case.", st.body))
    else:
        out.append(text("What was seen, why it matters to a lender and what would fix it. A myth is put as a "
                        "statement: ask the room \"true or false?\" before reading the correction.", st.body))
        for area in a.areas:
            mine = [f for f in a.findings if f.area == area.id]
            if not mine:
                continue
            area_heading = Heading(f"{ctx.area_title(area.id)}: {ctx.knowledge.vocabulary.rating(area.rating)}",
                                   st.h3, level + 2)
            blocks = [finding_parts(ctx, f, belief_label="True or false?") for f in mine]
            out += [CondPageBreak(70), keep_together([area_heading, *blocks[0]]),
                    *(keep_together(b) for b in blocks[1:])]
    return out + verdict(case, level=level)


def verdict(case: HandoutCase, *, level: int) -> list[Flowable]:
    """What the case teaches and the experienced lender's verdict (a sample's own); else a note."""
    st = case.ctx.styles
    if case.sample is None:
        out = heading("The experienced lender's verdict", st.h2, level + 1)
        out.append(text("None: this case is not one of lendready's sample cases, so no experienced lender's "
                        "verdict or list of lessons was written for it. Compare the room's predictions with "
                        "the band and the findings above.", st.body))
        return out
    meta = case.sample.meta
    out = heading("What this case teaches", st.h2, level + 1)
    out += bullet_list(st.bullet, meta.teaches)
    block: list[Flowable] = [Heading("The experienced lender's verdict", st.h2, level + 1),
                             rich(st.body, ("b", meta.lender_verdict))]
    if meta.lender_reasons:
        block.append(text("Why:", st.h3))
        block += bullet_list(st.bullet, meta.lender_reasons)
    return out + [CondPageBreak(90), keep_together(block)]  # reasons are a few lines: never leave one behind


__all__ = ["answers", "area_ratings", "band_box", "verdict"]
