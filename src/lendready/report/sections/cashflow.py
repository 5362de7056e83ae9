"""The cashflow: the chart of month-end cash, every stress scenario, the loan sizing, the forecast."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from lendready.domain.advice.words import STRESS_TIMING_ONLY, caveat_text, sizing_sentences
from lendready.domain.engine import formatting
from lendready.report import charts
from lendready.report.context import BriefingContext, key_figure, sentence
from lendready.report.document import FRAME_W
from lendready.report.flowables import (
    Run,
    bullet_list,
    chapter_heading,
    grid,
    keep_together,
    paragraph,
    rich,
    section_heading,
    text,
)
from lendready.report.sections.cells import band_cell, not_available
from lendready.report.styles import FONT_BOLD, RATING_COLOURS, clean, esc

LOWEST_ROW = colors.HexColor("#fff4e0")


def cashflow(ctx: BriefingContext) -> list[Flowable]:
    st, an = ctx.styles, ctx.analysis
    out = chapter_heading(ctx.words("cashflow_heading"), st)
    line = an.cash_line
    low = key_figure(ctx, "lowest_forecast_cash")
    if line is None:
        reason = (low.reason if low is not None else None) or "no usable monthly forecast"
        out.append(text(f"No chart can be drawn: {reason}.", st.body))
        out.append(text(ctx.words("no_forecast_note"), st.muted))
        return out + stress_scenarios(ctx) + loan_sizing(ctx)
    series = [charts.Series("Forecast as given", line.balances, "#1f4e79")]
    drawn = [s for s in an.stress if s.applies and s.balances is not None and len(s.balances) == len(line.months)]
    for i, s in enumerate(drawn):
        colour, dash = charts.scenario_style(i)
        series.append(charts.Series(s.label, s.balances or (), colour, dash))
    lowest = (low.month, low.value) if low is not None and low.value is not None and low.month else None
    out.append(text(
        f"Month-end cash from an opening {formatting.money(line.opening_cash)}, after the new loan's "
        f"repayment of {formatting.money(line.monthly_repayment, pence=True)} a month and without adding "
        f"the loan itself (the engine's conservative reading). One line for each stress scenario that "
        f"changes the forecast; the circle marks the lowest month as given.", st.body))
    out += [charts.cashflow_chart(list(line.months), series, lowest, FRAME_W), Spacer(1, 4)]
    out += stress_scenarios(ctx)
    out += loan_sizing(ctx)

    out += section_heading("The forecast month by month", st)
    rows: list[list[Any]] = [["Month", "Receipts", "Payments", "Loan repayment", "Month-end cash"]]
    marks: list[tuple] = [("FONTNAME", (0, 0), (-1, 0), FONT_BOLD), ("ALIGN", (1, 0), (-1, -1), "RIGHT")]
    for i, (month, rec, pay, rep, bal) in enumerate(
            zip(line.months, line.receipts, line.payments, line.repayments, line.balances), start=1):
        rows.append([clean(formatting.month_label(month)), formatting.money(rec), formatting.money(pay),
                     formatting.money(rep, pence=True), formatting.money(bal)])
        if bal < 0:
            marks.append(("TEXTCOLOR", (4, i), (4, i), colors.HexColor(RATING_COLOURS["red"])))
        if lowest is not None and month == lowest[0]:
            marks.append(("BACKGROUND", (0, i), (-1, i), LOWEST_ROW))
    out.append(grid(rows, [28 * mm] + [(FRAME_W - 28 * mm) / 4] * 4, extra=marks))
    out.append(text("The highlighted row is the lowest month. Payments exclude the loan asked for; its "
                    "repayment is shown in its own column.", st.muted))
    return out


def _cash_cell(ctx: BriefingContext, low: float | None, month: str | None) -> Any:
    if low is None:
        return not_available(ctx.styles.cell_right)
    money = formatting.money(low)
    runs: list[Run | str] = [(RATING_COLOURS["red"], money) if low < 0 else ("", money)]
    if month:
        runs += [("br", ""), ("m", f"in {formatting.month_label(month)}")]
    return rich(ctx.styles.cell_right, *runs)


def _ratio_cell(ctx: BriefingContext, value: float | None) -> Any:
    return not_available(ctx.styles.cell_right) if value is None else formatting.ratio(value)


def stress_scenarios(ctx: BriefingContext) -> list[Flowable]:
    """Every stress scenario of the Analysis, in its order, after the forecast as given."""
    st, an = ctx.styles, ctx.analysis
    out = section_heading(ctx.words("stress_heading"), st)
    out.append(text(ctx.words("stress_intro"), st.body_tight))
    names = [ctx.knowledge.metric_info[m].short_for(ctx.audience) for m in ("dscr", "interest_cover")]
    rows: list[list[Any]] = [["Scenario", rich(st.cell_right, ("b", "Lowest cash")),
                              rich(st.cell_right, ("b", names[0])), rich(st.cell_right, ("b", names[1])),
                              "Band"]]
    extra: list[tuple] = [("FONTNAME", (0, 0), (-1, 0), FONT_BOLD), ("ALIGN", (1, 0), (3, -1), "RIGHT")]
    negative = paragraph(f'<font color="{RATING_COLOURS["red"]}">{esc(formatting.NEGATIVE_EARNINGS)}</font>',
                         st.cell_small)

    def ratios(r: int, dscr: float | None, cover: float | None, negative_earnings: bool) -> list[Any]:
        if negative_earnings:
            extra.append(("SPAN", (2, r), (3, r)))
            return [negative, ""]
        return [_ratio_cell(ctx, dscr), _ratio_cell(ctx, cover)]

    low = key_figure(ctx, "lowest_forecast_cash")
    dscr, cover = key_figure(ctx, "dscr"), key_figure(ctx, "interest_cover")
    base_negative = any(f is not None and f.negative_earnings for f in (dscr, cover))
    rows.append([rich(st.cell, ("b", "Forecast as given")),
                 _cash_cell(ctx, low.value if low else None, low.month if low else None),
                 *ratios(1, dscr.value if dscr else None, cover.value if cover else None, base_negative),
                 band_cell(ctx, an.band)])
    for s in an.stress:
        r = len(rows)
        if not s.applies:
            rows.append([text(s.label, st.cell), rich(st.cell_small, ("m", "Does not apply: " + (s.reason or ""))),
                         "", "", ""])
            extra.append(("SPAN", (1, r), (4, r)))
            continue
        label: list[Run | str] = [s.label]
        if s.timing_only:
            label += [("br", ""), ("m", STRESS_TIMING_ONLY)]
        rows.append([rich(st.cell, *label), _cash_cell(ctx, s.lowest_forecast_cash, s.lowest_cash_month),
                     *ratios(r, s.dscr, s.interest_cover, s.negative_earnings), band_cell(ctx, s.band)])
    widths = [52 * mm, 30 * mm, 26 * mm, 24 * mm]  # a ratio heading may be a word like "Repayments"
    out.append(grid(rows, widths + [FRAME_W - sum(widths)], extra=extra))
    if an.cash_line is None and low is not None and low.reason:
        out.append(text(f"Lowest cash is n/a throughout: {low.reason}.", st.muted))
    return out


def loan_sizing(ctx: BriefingContext) -> list[Flowable]:
    """The Analysis's loan sizing, in the shared sentences; never a figure to borrow when the amount is
    not what holds the case back."""
    st = ctx.styles
    size = ctx.analysis.loan_sizing
    out = section_heading(ctx.words("sizing_heading"), st)
    if size is None:
        out.append(text("No sizing can be worked out: it needs the amount and the term asked.", st.body))
        return out
    block: list[Flowable] = [text(ctx.words("sizing_intro"), st.body_tight)]
    block += bullet_list(st.bullet, sizing_sentences(size))
    out.append(keep_together(block))
    if size.caveats:
        out.append(rich(st.body_tight, ("b", ctx.words("sizing_unseen"))))
        out += bullet_list(st.bullet, [sentence(caveat_text(c)) for c in size.caveats])
    return out


__all__ = ["cashflow", "loan_sizing", "stress_scenarios"]
