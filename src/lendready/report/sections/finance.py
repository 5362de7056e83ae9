"""The kinds of finance that fit the case, each with why, its terms and any caution."""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer

from lendready.report.context import BriefingContext
from lendready.report.flowables import chapter_heading, keep_together, rich, text


def finance(ctx: BriefingContext) -> list[Flowable]:
    st = ctx.styles
    out = chapter_heading(ctx.words("finance_heading"), st)
    offers = ctx.analysis.finance_fits
    if not offers:
        out.append(text("None of the kinds of finance lendready knows fits this case as it stands.", st.body))
        return out
    if ctx.assessment.band in ("not_ready", "incomplete"):
        out.append(text(ctx.words("finance_not_yet", band=ctx.band_label), st.body))
    for p in offers:
        block: list[Flowable] = [text(p.name, st.h3)]
        block.append(rich(st.body_tight, ("b", "Why it fits this case:"), " " + p.why))
        block.append(rich(st.body_tight, ("b", "Terms:"), " " + p.terms))
        if p.fits:
            block.append(rich(st.body_tight, ("b", "Usually suits:"), " " + p.fits))
        if p.caution:
            block.append(rich(st.body_tight, ("b", "Caution:"), " " + p.caution))
        block.append(Spacer(1, 4))
        out.append(keep_together(block))
    return out


__all__ = ["finance"]
