"""The document checklist: what a lender would ask this organisation for, and why."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from lendready.report.context import BriefingContext
from lendready.report.document import FRAME_W
from lendready.report.flowables import chapter_heading, grid, text
from lendready.report.styles import FONT_BOLD


def documents(ctx: BriefingContext) -> list[Flowable]:
    st = ctx.styles
    out = chapter_heading(ctx.words("documents_heading"), st)
    docs = ctx.teaching.documents_for(ctx.values, ctx.assessment.metrics.values)
    out.append(text(ctx.words("documents_intro"), st.body))
    if not docs:
        out.append(text("The checklist names no document for this case.", st.body))
        return out
    rows: list[list[Any]] = [["", "Document", "Why it is asked for"]]
    rows += [["☐", text(d.text, st.cell), text(d.why or "", st.cell_small)] for d in docs]
    out.append(grid(rows, [7 * mm, 78 * mm, FRAME_W - 85 * mm], extra=[("FONTNAME", (0, 0), (-1, 0), FONT_BOLD)]))
    return out


__all__ = ["documents"]
