"""The handout's reference part for one case: the briefing's own sections, so every version carries the
same facts."""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, Spacer

from lendready.report.document import FRESH_PAGE
from lendready.report.flowables import Heading, heading, text
from lendready.report.handout_case import CASE_REFERENCE_PART, HANDOUT_TITLE, HandoutCase
from lendready.report.sections.action_plan import action_plan
from lendready.report.sections.cashflow import cashflow
from lendready.report.sections.conditions import conditions
from lendready.report.sections.documents import documents
from lendready.report.sections.finance import finance
from lendready.report.sections.pages import opens_page
from lendready.report.sections.primer import primer
from lendready.report.sections.provenance import provenance
from lendready.report.sections.summary import key_figures_table

# The briefing's sections in the order the trainer's reference part prints them.
CASE_SECTIONS = (cashflow, conditions, action_plan, documents, finance, primer, provenance)


def case_reference(case: HandoutCase) -> list[Flowable]:
    """Part C: the case in detail, the background on lending to mutuals, and the provenance."""
    ctx = case.ctx
    st = ctx.styles
    out: list[Flowable] = [text(f"lendready · {HANDOUT_TITLE} · reference", st.cover_kicker),
                           Heading(CASE_REFERENCE_PART, st.h1, 0), text(case.title, st.h3)]
    out.append(text("For preparing the session and for the discussion after the reveal: the figures against "
                    "the thresholds they are judged by, the cashflow and its stress tests, the conditions a "
                    "lender might set, what would move the band, the documents a lender would ask for and the "
                    "finance that could fit; then the background on lending to mutuals, and what this handout "
                    "was made from.", st.muted))
    out += heading("Key figures and the thresholds they are judged against", st.h2, 1)
    out.append(key_figures_table(ctx))
    for section in CASE_SECTIONS:
        out.append(CondPageBreak(FRESH_PAGE) if opens_page(section, ctx) else Spacer(1, 8))
        out += section(ctx)
    return out


__all__ = ["CASE_SECTIONS", "case_reference"]
