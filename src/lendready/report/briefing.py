"""The PDF briefing: a credit-committee paper, a founder's action plan or a trainer's handout.

One story of platypus flowables, built from one Analysis
(:func:`lendready.domain.advice.analyse`) and the teaching content. The audience
changes the wording (``resources/teaching/report.toml``), the order of the
sections and which of them lead; it never changes a fact: every version carries
the same band, ratings, figures, findings, stress results, loan sizing,
checklist and provenance, and the date the case was assessed at.

The trainer's version is the handout of :mod:`lendready.report.handout`: the
exercise sheet for the room, the answers on pages of their own, then a reference
part made of the same sections as this briefing, and the same provenance.

A renderer only ("the domain decides; renderers format"): the sections
(:mod:`lendready.report.sections`) format the Analysis's own facts, in its order.

Deterministic: reportlab runs in invariant mode and the document's dates are
the generation time (``SOURCE_DATE_EPOCH`` when set), so the same case, rules
and generation time give the same bytes.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer

from lendready import __version__
from lendready.domain.advice import Analysis
from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.files.case_file import Case
from lendready.report import AUDIENCE_TITLES, AUDIENCES
from lendready.report.charts import fit
from lendready.report.context import (
    ROLE_NAMES,
    BriefingContext,
    BriefingError,
    case_digest,
    checked_generation_time,
    generation_time,
)
from lendready.report.document import (
    FOOT_Y,
    FRAME_W,
    FRESH_PAGE,
    HEAD_Y,
    MARGIN_X,
    PAGE_W,
    NumberedCanvas,
    PageCallback,
    pdf_date,
    render,
    write_pdf,
)
from lendready.report.sections.action_plan import action_plan
from lendready.report.sections.cashflow import cashflow
from lendready.report.sections.conditions import conditions
from lendready.report.sections.cover import cover
from lendready.report.sections.documents import documents
from lendready.report.sections.finance import finance
from lendready.report.sections.findings import findings
from lendready.report.sections.pages import Section, opens_page
from lendready.report.sections.primer import primer
from lendready.report.sections.provenance import provenance
from lendready.report.sections.summary import summary
from lendready.report.styles import FONT, FONT_BOLD, INK, MUTED, clean

# The order of the sections after the cover, for each reader. The trainer's version is the handout.
ORDERS: dict[str, tuple[Section, ...]] = {
    "lender": (summary, cashflow, findings, conditions, action_plan, documents, finance, primer, provenance),
    "founder": (summary, action_plan, documents, cashflow, findings, conditions, finance, primer, provenance),
}


def suggested_filename(case: Case, audience: str) -> str:
    """A file name for the briefing: the organisation's name and the audience, safe on every system."""
    name = case.answers.get("org.name")
    stem = "".join(c for c in name if c.isalnum() or c in " -_").strip() if isinstance(name, str) else ""
    stem = re.sub(r"\s+", " ", stem)[:80].strip() or "lendready"
    return f"{stem} - {AUDIENCE_TITLES.get(audience, 'briefing')}.pdf"


def build_briefing(
    case: Case,
    knowledge: Knowledge,
    *,
    audience: str,
    generated: datetime | None = None,
    case_bytes: bytes | None = None,
    as_of: date | None = None,
    analysis: Analysis | None = None,
    on_page: PageCallback | None = None,
) -> bytes:
    """The briefing for ``audience`` as PDF bytes, built from one :func:`~lendready.domain.advice.analyse`.

    ``analysis`` is the case's Analysis when the caller has one (for this audience);
    else the case is analysed once here, at ``as_of`` (default: the date of
    ``SOURCE_DATE_EPOCH`` when set, else today). For ``"trainer"``, the handout
    (:func:`lendready.report.handout.build_handout`) with the sample the case's
    answers match, if any. ``on_page`` is told the number of pages laid out so far as each is
    finished; an exception it raises stops the build and propagates unchanged.
    """
    if audience not in AUDIENCES:
        raise BriefingError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
    if audience == "trainer":
        from lendready.domain.teaching.samples import sample_for
        from lendready.report.handout import build_handout

        return build_handout(case, knowledge, sample=sample_for(case, knowledge), generated=generated,
                             case_bytes=case_bytes, as_of=as_of, analysis=analysis, on_page=on_page)
    when = checked_generation_time(generated)
    ctx = BriefingContext.make(case, knowledge, audience, when, case_bytes, analysis=analysis, as_of=as_of)
    org = clean(ctx.org)
    return render(
        story(ctx), briefing_canvas(ctx),
        title=f"{AUDIENCE_TITLES[audience]}: {org}",
        author=f"Prepared by {ROLE_NAMES.get(case.prepared_by, case.prepared_by)} with lendready {__version__}",
        subject=f"Lending readiness of {org}: {ctx.band_label} (rules {ctx.assessment.rules_version})",
        creator=f"lendready {__version__}",
        keywords=["lendready", "lending readiness", audience, ctx.assessment.band],
        on_page=on_page,
    )


def write_briefing(
    path: str | os.PathLike[str],
    case: Case,
    knowledge: Knowledge,
    *,
    audience: str,
    generated: datetime | None = None,
    case_bytes: bytes | None = None,
    as_of: date | None = None,
    analysis: Analysis | None = None,
    on_page: PageCallback | None = None,
) -> Path:
    """Build the briefing, then write it atomically: ``path`` is either untouched or complete.

    ``on_page`` hears of each page laid out (see :func:`~lendready.report.document.render`); if it
    raises, nothing is written (the PDF is built in memory before the file is touched).
    """
    return write_pdf(path, build_briefing(case, knowledge, audience=audience, generated=generated,
                                          case_bytes=case_bytes, as_of=as_of, analysis=analysis,
                                          on_page=on_page))


def story(ctx: BriefingContext) -> list[Flowable]:
    """The cover, then the reader's sections in order; some open a page of their own."""
    out: list[Flowable] = [*cover(ctx), PageBreak()]
    for i, section in enumerate(ORDERS[ctx.audience]):
        if i and opens_page(section, ctx):
            out.append(CondPageBreak(FRESH_PAGE))  # a new page, unless this one is still nearly empty
        out += section(ctx)
        out.append(Spacer(1, 8))
    return out


def briefing_canvas(ctx: BriefingContext) -> type[NumberedCanvas]:
    """The canvas: the organisation and the audience at the head of each page but the cover, the
    versions and "page 3 of 9" at the foot."""
    right = fit(AUDIENCE_TITLES[ctx.audience], FONT, 7.5, 70 * mm)
    left = fit(ctx.org, FONT_BOLD, 8, FRAME_W - 75 * mm)
    footer = fit(f"lendready {__version__} · rules {ctx.assessment.rules_version} · generated {ctx.stamp()}",
                 FONT, 7, FRAME_W - 30 * mm)

    class BriefingCanvas(NumberedCanvas):
        date_stamp = pdf_date(ctx.generated)

        def draw_furniture(self, page: int, total: int) -> None:
            if page > 1:
                self.setFont(FONT, 7.5)
                self.setFillColor(MUTED)
                self.drawRightString(PAGE_W - MARGIN_X, HEAD_Y, right)
                self.setFont(FONT_BOLD, 8)
                self.setFillColor(INK)
                self.drawString(MARGIN_X, HEAD_Y, left)
                self.rule_under_head()
            self.setFont(FONT, 7)
            self.setFillColor(MUTED)
            self.drawString(MARGIN_X, FOOT_Y, footer)
            self.page_number(page, total)

    return BriefingCanvas


__all__ = [
    "AUDIENCES",
    "AUDIENCE_TITLES",
    "ORDERS",
    "BriefingError",
    "build_briefing",
    "case_digest",
    "generation_time",
    "story",
    "suggested_filename",
    "write_briefing",
    "write_pdf",
]
