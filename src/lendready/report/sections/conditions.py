"""The conditions a lender might set, each from the finding it answers."""

from __future__ import annotations

from reportlab.platypus import Flowable

from lendready.report.context import BriefingContext
from lendready.report.flowables import bullet_list, chapter_heading, keep_together, rich, text


def conditions(ctx: BriefingContext) -> list[Flowable]:
    st = ctx.styles
    out = chapter_heading(ctx.words("conditions_heading"), st)
    named = ctx.analysis.conditions
    if named:
        out.append(text(ctx.words("conditions_intro"), st.body))
        out += bullet_list(st.bullet, ((f.lender_condition or "", ("br", ""), ("m", f"From: {f.title}"))
                                       for f in named))
    else:
        out.append(text("No finding in this case names a specific lender condition.", st.body))
    if ctx.band:
        whole = rich(st.body, ("b", "For the band as a whole:"), " " + ctx.band_meaning)
        out[-1:] = [keep_together([out[-1], whole])]  # never alone at the head of a page
    return out


__all__ = ["conditions"]
