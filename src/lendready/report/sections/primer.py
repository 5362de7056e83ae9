"""The primer on lending to mutuals: its sections, the legal forms, the myths and the glossary."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from lendready.domain.teaching.content import myths
from lendready.report.context import BriefingContext
from lendready.report.document import FRAME_W
from lendready.report.flowables import (
    chapter_heading,
    grid,
    keep_together,
    rich,
    section_heading,
    text,
)
from lendready.report.styles import MUTED


def legal_forms(ctx: BriefingContext) -> list[Flowable]:
    """The case's own legal form in full (every form, for the trainer), the others in brief."""
    st, t = ctx.styles, ctx.teaching
    own = ctx.values.get("org.legal_form")
    forms = list(t.legal_forms.values())
    if not forms:
        return []
    page_break, forms_heading = section_heading("Legal forms", st)
    out: list[Flowable] = [page_break]
    ordered = sorted(forms, key=lambda f: f.id != own)
    full = ordered if ctx.audience == "trainer" or own not in t.legal_forms else ordered[:1]
    for i, form in enumerate(full):
        name = form.name + (" (this case)" if form.id == own else "")
        rows: list[list[Any]] = [[k, text(v, st.cell)] for k, v in (
            ("Register", form.register), ("Asset lock", form.asset_lock), ("Dividends", form.dividends),
            ("Charges", form.charges), ("What a lender checks", form.lender_checks))]
        table = grid(rows, [32 * mm, FRAME_W - 32 * mm], header=False, zebra=False,
                     extra=[("FONTSIZE", (0, 0), (0, -1), 7.3), ("TEXTCOLOR", (0, 0), (0, -1), MUTED)])
        block = [text(name, st.h3), table, Spacer(1, 3)]
        # The heading goes with the first form, in one group (a group inside another would not keep).
        out.append(keep_together([forms_heading, *block] if i == 0 else block))
    others = [f for f in ordered if f not in full]
    if others:
        out.append(text("The other legal forms, in brief", st.h3))
        rows = [[rich(st.cell_small, ("b", "Form")), rich(st.cell_small, ("b", "Register")),
                 rich(st.cell_small, ("b", "Asset lock"))]]
        rows += [[text(f.name, st.cell_small), text(f.register, st.cell_small), text(f.asset_lock, st.cell_small)]
                 for f in others]
        out.append(grid(rows, [45 * mm, (FRAME_W - 45 * mm) / 2, (FRAME_W - 45 * mm) / 2]))
    return out


def myth_pair(ctx: BriefingContext, belief: str, correction: str) -> list[Flowable]:
    """A myth and its correction."""
    st = ctx.styles
    return [rich(st.body_tight, ("b", "Myth:"), " " + belief), rich(st.body, ("b", "Correction:"), " " + correction)]


def glossary(ctx: BriefingContext) -> list[Flowable]:
    st = ctx.styles
    return [rich(st.glossary, ("b", term.term + ":"), " " + term.definition) for term in ctx.teaching.glossary]


def primer(ctx: BriefingContext) -> list[Flowable]:
    st, t = ctx.styles, ctx.teaching
    out = chapter_heading(ctx.words("primer_heading", title=t.primer_title or "Lending to mutuals"), st)
    out.append(text(ctx.words("primer_intro"), st.muted))
    for section in t.primer:
        out += section_heading(section.heading, st)
        out += [text(p, st.reading) for p in section.paragraphs]
    out += legal_forms(ctx)
    beliefs = myths(ctx.knowledge, ctx.audience)
    if beliefs:
        out += section_heading("Myths and their corrections", st)
        out += [keep_together(myth_pair(ctx, belief, correction)) for belief, correction in beliefs]
    if t.glossary:
        out += section_heading("Glossary", st)
        out += glossary(ctx)
    return out


__all__ = ["glossary", "legal_forms", "myth_pair", "primer"]
