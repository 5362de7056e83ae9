"""The findings: each with its severity, its evidence, why it matters and what to do."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from lendready.domain.engine.assessment import Finding
from lendready.report.context import BriefingContext
from lendready.report.document import FRAME_W
from lendready.report.flowables import (
    PLAIN_CELLS,
    cap_rows,
    cell_text,
    chapter_heading,
    keep_together,
    rich,
    tagged,
    text,
)
from lendready.report.sections.cells import contrast_hex
from lendready.report.styles import RATING_COLOURS, SEVERITY_COLOURS, SHADE


def evidence_table(ctx: BriefingContext, finding: Finding) -> Table:
    """The answers a finding rests on, each beside its label, indented under the finding."""
    st = ctx.styles
    width = FRAME_W - st.finding_body.leftIndent
    widths = [width * 0.62, width * 0.38]
    rows = [[text(ctx.label(e.question), st.cell_small), cell_text(ctx.answer(e.question, e.value), st.cell,
                                                                     widths[1])]
            for e in finding.evidence]
    table = Table(cap_rows(rows, widths, 3 + 6), colWidths=widths, hAlign="RIGHT")
    table.setStyle(TableStyle([
        *PLAIN_CELLS,
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("BACKGROUND", (0, 0), (-1, -1), SHADE), ("LINEBELOW", (0, 0), (-1, -2), 0.3, colors.white),
    ]))
    return table


def finding_parts(ctx: BriefingContext, f: Finding, *, belief_label: str = "The belief:") -> list[Flowable]:
    """One finding: a coloured severity tag and the title, then evidence, why it matters, what to do.

    ``belief_label`` introduces a myth's statement (the trainer's handout asks "True or false?").
    """
    st = ctx.styles
    colour = SEVERITY_COLOURS.get(f.severity, SEVERITY_COLOURS["info"])  # neutral: never an area's colour
    word = ctx.knowledge.vocabulary.severity(f.severity)
    parts: list[Flowable] = [
        tagged(st.finding_title, colour, contrast_hex(colour), word, f.title),
        # The rule's reference lets a credit officer or a trainer check it; a founder needs the area only.
        text(ctx.area_title(f.area) + ("" if ctx.audience == "founder" else f" · rule {f.id}"), st.finding_meta),
    ]
    if f.myth:
        parts.append(rich(st.finding_body, ("b", belief_label), " " + f.myth))
    if f.evidence:
        parts += [text(ctx.words("evidence_label"), st.finding_label), evidence_table(ctx, f), Spacer(1, 3)]
    parts.append(rich(st.finding_body, ("b", "The correction:" if f.myth else "Why it matters:"),
                      " " + f.why_it_matters))
    parts.append(rich(st.finding_body, ("b", "What to do:"), " " + f.what_to_do))
    if f.lender_condition:
        label = "A lender may ask for:" if ctx.audience == "founder" else "Lender condition:"
        parts.append(rich(st.finding_body, ("b", label), " " + f.lender_condition))
    parts.append(Spacer(1, 7))
    return parts


def legend(ctx: BriefingContext) -> list[Flowable]:
    """What each area rating and each finding's weight means: the one scale the report uses."""
    st, words = ctx.styles, ctx.knowledge.vocabulary
    out: list[Flowable] = [text("An area is rated by colour and word:", st.finding_label)]
    for w in words.ratings.values():
        out.append(rich(st.finding_body, (RATING_COLOURS[w.code], "■"), " ", ("b", w.word), " " + w.meaning))
    out.append(text("A finding is weighed by a word:", st.finding_label))
    for w in words.severities.values():
        out.append(tagged(st.finding_body, SEVERITY_COLOURS[w.code], contrast_hex(SEVERITY_COLOURS[w.code]),
                          w.word, w.meaning))
    out.append(Spacer(1, 6))
    return [keep_together(out)]


def findings(ctx: BriefingContext) -> list[Flowable]:
    st, a = ctx.styles, ctx.assessment
    out = chapter_heading(ctx.words("findings_heading"), st)
    out.append(text(ctx.words("findings_intro"), st.body))
    out += legend(ctx)
    if not a.findings:
        out.append(text("No rule fired on this case.", st.body))
        return out
    blocks = [finding_parts(ctx, f) for f in a.findings]
    # The heading and its introduction go with the first finding, never alone at the foot of a page.
    return [out[0], keep_together([*out[1:], *blocks[0]]), *(keep_together(b) for b in blocks[1:])]


__all__ = ["evidence_table", "finding_parts", "findings", "legend"]
