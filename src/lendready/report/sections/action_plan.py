"""The action plan: the changes that would move the band, then the steps in order."""

from __future__ import annotations

from typing import Any, NamedTuple

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from lendready.report.context import BriefingContext, change_value
from lendready.report.document import FRAME_W
from lendready.report.flowables import (
    Heading,
    Run,
    chapter_heading,
    grid,
    keep_together,
    rich,
    section_heading,
    text,
)
from lendready.report.sections.cells import band_cell
from lendready.report.styles import FONT_BOLD

STEP_WORDS = {
    "blockers": ("Remove the blockers", "While any of these stands the answer is no, whatever else changes."),
    "unanswered": ("Answer the key questions",
                   "An area with a key question unanswered cannot be rated, and the case stays Incomplete."),
    "red": ("Deal with what is rated red", "Any one of these keeps the case Not ready."),
    "amber": ("Deal with what is rated amber",
              "With nothing red left, these stand between Nearly ready and Ready."),
    "low": ("Also worth putting right",
            "These do not change the band, but a lender's analyst will notice them."),
}


class StepText(NamedTuple):
    heading: str
    note: str
    items: list[tuple[Run | str, ...]]


def step_texts(ctx: BriefingContext) -> list[StepText]:
    """The Analysis's action plan, each step in words."""
    out: list[StepText] = []
    for step in ctx.analysis.steps:
        heading, note = STEP_WORDS.get(step.kind, (step.kind.capitalize(), ""))
        items: list[tuple[Run | str, ...]] = [(("b", f.title), ("br", ""), f.what_to_do) for f in step.findings]
        for area, missing in step.areas:
            qs = "; ".join(ctx.label(q) for q in missing) or "its key questions"
            items.append((("b", ctx.area_title(area) + ":"), f" answer {qs}"))
        out.append(StepText(heading, note, items))
    return out


def band_moves(ctx: BriefingContext) -> list[Flowable]:
    """The Analysis's proposals: the smallest sets of answers that give a better band, best first."""
    st = ctx.styles
    found = ctx.analysis.proposals
    heading = Heading("Changes that would move the band", st.h2, 1)
    if not found:
        band = ctx.assessment.band
        if band == "ready":
            why = "None is needed: the case is already in the best band."
        elif band == "incomplete":
            why = "None is tried while key questions are unanswered: answering them comes first."
        else:
            why = ("No change lendready can try, alone or in pairs, gives a better band: the steps below "
                   "are the way forward.")
        return [CondPageBreak(70), keep_together([heading, text(why, st.body)])]
    intro = text(ctx.words("band_moves_intro"), st.body_tight)
    rows: list[list[Any]] = [["Change", "Band it gives"]]
    for prop in found:
        runs: list[Run | str] = []
        for i, c in enumerate(prop.changes):
            if i:
                runs.append(("br", ""))
            runs += [("b", ctx.label(c.question) + ": "),
                     f"{change_value(ctx, c.question, c.before)} → {change_value(ctx, c.question, c.after)}"]
        if not prop.controllable:
            runs += [("br", ""), ("m", "needs a value the borrower cannot simply choose")]
        rows.append([rich(st.cell, *runs), band_cell(ctx, prop.band)])
    table = grid(rows, [FRAME_W - 32 * mm, 32 * mm], extra=[("FONTNAME", (0, 0), (-1, 0), FONT_BOLD)])
    if len(found) <= 4:
        return [CondPageBreak(70), keep_together([heading, intro, table]), Spacer(1, 4)]
    return [CondPageBreak(70), heading, intro, table, Spacer(1, 4)]


def action_plan(ctx: BriefingContext) -> list[Flowable]:
    st = ctx.styles
    out = chapter_heading(ctx.words("action_plan_heading"), st)
    out.append(text(ctx.words("action_plan_intro"), st.body))
    out += band_moves(ctx)
    steps = step_texts(ctx)
    if not steps:
        out.append(text(ctx.words("nothing_to_fix"), st.body))
        return out
    number = 0
    for i, step in enumerate(steps, start=1):
        out += section_heading(f"Step {i}: {step.heading}", st)
        out.append(rich(st.body_tight, ("m", step.note)))
        for item in step.items:
            number += 1
            out.append(rich(st.bullet, *item, bullet=f"{number}."))
    return out


__all__ = ["STEP_WORDS", "StepText", "action_plan", "band_moves", "step_texts"]
