"""The cover of the lender's and the founder's briefing: the organisation, the loan, the band."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from lendready import __version__
from lendready.domain.engine import formatting
from lendready.report import AUDIENCE_TITLES
from lendready.report.context import ROLE_NAMES, BriefingContext, as_of_text
from lendready.report.document import FRAME_W
from lendready.report.flowables import boxed, fact_table, paragraph, text
from lendready.report.styles import esc, text_on

AUDIENCE_DESCRIPTIONS = {
    "lender": "for a credit committee: the verdict first, then the evidence and the conditions",
    "founder": "for the founders: where you stand and what to do next, in order",
    "trainer": "for a training session: an exercise sheet for the room, then the answers, a reference part "
               "and the provenance for the trainer",
}
LABEL_W = 42 * mm


def loan_asked(ctx: BriefingContext) -> str:
    """``£250,000 over 120 months (10 years) at 6.5%``: the loan as the answers give it."""
    values = ctx.values
    loan = []
    if "loan.amount" in values:
        loan.append(ctx.answer("loan.amount"))
    if "loan.term_months" in values:
        term = values["loan.term_months"]
        years = f" ({formatting.number(term / 12)} years)" if term % 12 == 0 and term >= 24 else ""
        loan.append(f"over {ctx.answer('loan.term_months')}{years}")
    if loan and "loan.interest_rate" in values:
        loan.append(f"at {ctx.answer('loan.interest_rate')}")
    elif loan and ctx.metric("interest_rate"):
        loan.append(f"at an assumed {ctx.metric('interest_rate')}")
    return " ".join(loan) if loan else "not answered"


def cover(ctx: BriefingContext) -> list[Flowable]:
    """The organisation, the loan asked, the band and what it means, and what the document is."""
    st, values = ctx.styles, ctx.values
    out: list[Flowable] = [Spacer(1, 18 * mm)]
    out.append(paragraph(f"lendready · {esc(AUDIENCE_TITLES[ctx.audience])}", st.cover_kicker))
    out.append(text(ctx.org, st.cover_title))
    facts: list[tuple[str, str]] = []
    if "org.legal_form" in values:
        facts.append(("Legal form", ctx.answer("org.legal_form")))
    if "org.registration_number" in values:
        facts.append(("Registration number", ctx.answer("org.registration_number")))
    facts.append(("Loan asked", loan_asked(ctx)))
    facts.append(("Purpose", ctx.answer("loan.purpose") if "loan.purpose" in values else "not answered"))
    if ctx.metric("monthly_repayment"):
        facts.append((ctx.metric_label("monthly_repayment"), ctx.metric("monthly_repayment") or ""))
    rows = [[text(k, st.label), text(v, st.body_tight)] for k, v in facts]
    out += [fact_table(rows, [LABEL_W, FRAME_W - LABEL_W], 3, ruled=True), Spacer(1, 10 * mm)]

    fg = text_on(ctx.band_colour)
    word = st.cover_band.clone("band_word", textColor=fg)
    note = st.cover_band_note.clone("band_note", textColor=fg)
    small = st.small.clone("band_small", textColor=fg)
    cell: list[Flowable] = [text("READINESS", small), text(ctx.band_label, word), Spacer(1, 4),
                            text(ctx.band_meaning, note)]
    out += [boxed(cell, FRAME_W, ctx.band_colour, side=12, top=10, bottom=12), Spacer(1, 12 * mm)]

    meta = [
        ("Assessed as at", as_of_text(ctx)),
        ("Generated", ctx.generated.strftime("%d %B %Y").lstrip("0")),
        ("Prepared by", ROLE_NAMES.get(ctx.case.prepared_by, ctx.case.prepared_by)),
        ("Written for", AUDIENCE_DESCRIPTIONS[ctx.audience]),
        ("Case reference", ctx.case.case_id),
        ("Rules", f"version {ctx.assessment.rules_version}, lendready {__version__}"),
    ]
    rows = [[text(k, st.label), text(v, st.small)] for k, v in meta]
    out += [fact_table(rows, [LABEL_W, FRAME_W - LABEL_W], 1.5, ruled=False), Spacer(1, 6 * mm)]
    out.append(text(
        "lendready is a readiness check, not a credit decision. It reads the answers as given and says how a "
        "lender is likely to see them; every figure and threshold behind it is listed under Provenance.",
        st.muted))
    return out


__all__ = ["AUDIENCE_DESCRIPTIONS", "cover", "loan_asked"]
