"""The summary: the band and its reasons, the seven risk areas, the key figures, the applicant's words."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from lendready.domain.engine import formatting
from lendready.report import charts
from lendready.report.context import BriefingContext, figure_text, reason_lines, threshold_text
from lendready.report.document import FRAME_W
from lendready.report.flowables import (
    Run,
    bullet_list,
    chapter_heading,
    grid,
    paragraph,
    rich,
    section_heading,
    text,
)
from lendready.report.styles import RATING_COLOURS, SEVERITY_COLOURS, esc

# Free-text answers shown in full in the summary (the cover keeps to the facts, so it always fits one page).
FREE_TEXT = ("org.activity", "loan.purpose_detail", "sec.description")


def summary(ctx: BriefingContext) -> list[Flowable]:
    st, a = ctx.styles, ctx.assessment
    out = chapter_heading(ctx.words("summary_heading"), st)
    band = f'<font color="{ctx.band_colour}"><b>{esc(ctx.band_label)}</b></font>'
    n = len(a.findings)
    out.append(paragraph(
        f"{esc(ctx.words('band_label'))}: {band}. {esc(ctx.band_meaning)} "
        f"{n} finding{'s' if n != 1 else ''} in all.", st.body))
    out += section_heading(ctx.words("reasons_heading"), st)
    reasons, more = reason_lines(ctx)
    out += bullet_list(st.bullet, reasons, numbered=True)
    if more:
        out.append(text(f"… and {more} more of the same weight, listed under Findings.", st.muted))

    out += section_heading("The seven risk areas", st)
    out += [area_chart(ctx), Spacer(1, 4)]

    out += section_heading(ctx.words("key_figures_heading"), st)
    out.append(key_figures_table(ctx))

    said = [(qid, ctx.values[qid]) for qid in FREE_TEXT
            if isinstance(ctx.values.get(qid), str) and ctx.values[qid].strip()]
    if said:
        out += section_heading(ctx.words("own_words_heading"), st)
        rows = [[text(ctx.label(qid), st.cell_small), text(value, st.cell)] for qid, value in said]
        out.append(grid(rows, [45 * mm, FRAME_W - 45 * mm], header=False, zebra=False))
    return out


def area_chart(ctx: BriefingContext) -> Flowable:
    """The seven areas' ratings as bars, each with how many findings (or unanswered questions) it has."""
    a = ctx.assessment
    counts: dict[str, int] = {}
    for f in a.findings:
        if f.severity != "info":
            counts[f.area] = counts.get(f.area, 0) + 1
    bars = []
    for area in a.areas:
        if area.rating == "unknown":
            m = len(area.missing)
            note = f"{m} key question{'s' if m != 1 else ''} unanswered"
        else:
            c = counts.get(area.id, 0)
            note = f"{c} finding{'s' if c != 1 else ''}" if c else "no findings"
        bars.append(charts.AreaBar(ctx.area_title(area.id), area.rating, note))
    return charts.area_chart(bars, FRAME_W)


def key_figures_table(ctx: BriefingContext) -> Table:
    """The Analysis's key figures beside the limits the rules judge each one by."""
    st = ctx.styles
    rows: list[list[Any]] = [[rich(st.cell, ("b", "Figure")), rich(st.cell, ("b", "This case")),
                              rich(st.cell, ("b", "Judged against"))]]
    for kf in ctx.analysis.key_figures:
        value = figure_text(kf)
        shown: Any
        if value is None:
            shown = rich(st.cell_small, ("m", f"n/a: {kf.reason or 'not available'}"))
        elif kf.negative_earnings:
            shown = paragraph(f'<font color="{RATING_COLOURS["red"]}"><b>{esc(value)}</b></font>', st.cell_small)
        else:
            shown = text(value + (f" in {formatting.month_label(kf.month)}" if kf.month else ""), st.cell_bold)
        runs: list[Run | str] = []
        for t in kf.thresholds:  # a coloured square, the limit in bold, then what it is about
            if runs:
                runs.append(("br", ""))
            runs += [(RATING_COLOURS.get(t.rating, SEVERITY_COLOURS["blocker"]), "■"), " ",
                     ("b", threshold_text(t))]
            if t.about:
                runs += [" ", ("m", "· " + t.about)]
        if not runs:
            runs = [("m", "shown for information; no rule tests it on its own")]
        rows.append([text(kf.label, st.cell), shown, rich(st.cell_small, *runs)])
    return grid(rows, [52 * mm, 36 * mm, FRAME_W - 88 * mm])


__all__ = ["FREE_TEXT", "area_chart", "key_figures_table", "summary"]
