"""The provenance: what the document was made from, so that it can be checked and made again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from lendready import __version__
from lendready.domain.engine import formatting
from lendready.report import AUDIENCE_TITLES
from lendready.report.context import ROLE_NAMES, BriefingContext, as_of_text
from lendready.report.document import FRAME_W
from lendready.report.flowables import (
    bullet_list,
    chapter_heading,
    grid,
    paragraph,
    rich,
    section_heading,
    text,
)
from lendready.report.styles import Styles, clean, esc, shortened

KEPT_SHOWN = 20
"""How many answers kept for a newer version the provenance names; the rest are counted."""


def provenance(ctx: BriefingContext) -> list[Flowable]:
    st, a, k = ctx.styles, ctx.assessment, ctx.knowledge
    out = chapter_heading("Provenance", st)
    out.append(text("What this briefing was made from, so that it can be checked and made again.", st.muted))
    facts = [
        ("lendready version", __version__),
        ("Rules version", a.rules_version),
        ("Questionnaire version", k.questionnaire.version),
        ("Resources fingerprint", k.fingerprint[:32]),
        ("Case reference", ctx.case.case_id),
        ("Case created / modified", f"{formatting.moment(ctx.case.created)} / {formatting.moment(ctx.case.modified)}"),
        ("Prepared by", ROLE_NAMES.get(ctx.case.prepared_by, ctx.case.prepared_by)),
        ("Written for", f"{ctx.audience} ({AUDIENCE_TITLES[ctx.audience]})"),
        ("Assessed as at", as_of_text(ctx)),
        ("Case SHA-256", (ctx.digest, f"(of {ctx.digest_of})")),
        ("Generated", formatting.moment(ctx.generated)),
    ]
    # A value of several lines is this module's own (the digest and what it is of); a value from the
    # case (its reference, its dates) is one line, any new line in it shown as a token.
    rows: list[list[Any]] = [[text(key, st.cell_bold),
                              paragraph("<br/>".join(esc(clean(line)) for line in lines), st.cell)]
                             for key, v in facts for lines in [v if isinstance(v, tuple) else (v,)]]
    out.append(grid(rows, [45 * mm, FRAME_W - 45 * mm], header=False))

    out += section_heading("Unanswered questions", st)
    if a.unanswered:
        n = len(a.unanswered)
        out.append(text(f"{n} question{'s' if n != 1 else ''} currently asked have no valid answer:",
                        st.body_tight))
        if ctx.audience == "founder":  # a question's id is for matching the JSON output; a founder needs its words
            out += bullet_list(st.bullet, [ctx.label(q) for q in a.unanswered])
        else:
            rows = [[text(ctx.label(q), st.cell), text(q, st.cell_small)] for q in a.unanswered]
            out.append(grid(rows, [FRAME_W - 55 * mm, 55 * mm], header=False))
    else:
        out.append(text("None: every question asked has a valid answer.", st.body))
    if a.invalid:
        out += section_heading("Answers set aside as invalid", st)
        # Each value as it is in the file, shortened: it may be far too long (that can be why it is
        # set aside), and the case file holds it in full.
        rows = [[text(ctx.label(i.question), st.cell), text(shortened(i.value), st.cell),
                 text(shortened(i.message), st.cell_small)] for i in a.invalid]
        out.append(grid(rows, [70 * mm, 35 * mm, FRAME_W - 105 * mm], header=False))
    if ctx.case.warnings:
        out += section_heading("Kept but not used", st)
        out += kept_answers(ctx.case.warnings, st)
    return out + parameters(ctx)


def kept_answers(warnings: Sequence[str], st: Styles) -> list[Flowable]:
    """The answers kept unchanged for a newer version: the first :data:`KEPT_SHOWN`, then how many more.

    A file may hold any number of them (250,000 made a PDF of 5,574 pages), and the case file keeps
    every one; the briefing needs only to say that they are there and name a few, so its length never
    depends on them. The cap holds whatever the case loader lets through.
    """
    out = bullet_list(st.bullet, [shortened(w, 200) for w in warnings[:KEPT_SHOWN]])
    more = len(warnings) - KEPT_SHOWN
    if more > 0:
        out.append(text(f"… and {more:,} more answer{'s' if more != 1 else ''} this version does not ask about.",
                        st.muted))
    return out


def parameters(ctx: BriefingContext) -> list[Flowable]:
    """Every parameter the rules read, with its value, source and last review; those in use marked."""
    st, k = ctx.styles, ctx.knowledge
    out = section_heading("Parameters", st)
    used = {p for f in ctx.assessment.findings for p in f.parameters}
    out.append(rich(st.body_tight, "Every threshold and default the rules read, with its value, where it comes "
                    "from and when it was last reviewed. ", ("b", "●"), " marks those behind a finding in this "
                    "case."))
    rows: list[list[Any]] = [[rich(st.cell, ("b", "Parameter")), rich(st.cell_right, ("b", "Value")),
                              rich(st.cell, ("b", "Reference, source and last review"))]]
    for pid in sorted(k.parameters):
        p = k.parameters[pid]
        mark = "● " if pid in used else ""
        # A parameter's id is how a credit team finds it in parameters.toml; a founder needs its name only.
        named = ([text(mark + ctx.plain(p.label), st.cell_small_bold)] if ctx.audience == "founder"
                 else [text(mark + pid, st.cell_small_bold), text(ctx.plain(p.label), st.cell_small)])
        rows.append([
            named,
            formatting.by_unit(p.value, p.unit),
            [text(ctx.plain(p.reference), st.cell_small),
             text(f"{p.source} · valid from {formatting.date_label(p.valid_from)} · last reviewed "
                  f"{formatting.date_label(p.last_review)}", st.cell_small_muted)],
        ])
    out.append(grid(rows, [62 * mm, 19 * mm, FRAME_W - 81 * mm], extra=[("ALIGN", (1, 1), (1, -1), "RIGHT")]))
    return out


__all__ = ["KEPT_SHOWN", "kept_answers", "parameters", "provenance"]
