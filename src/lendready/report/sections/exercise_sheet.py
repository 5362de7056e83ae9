"""The handout's exercise sheet: what the trainees see, and nothing of how the case was judged.

The story, the figures a credit officer would see (facts and ratios, never a
rating or a threshold), the questions for the room and a blank prediction grid to
fill in with a pen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer, Table, TableStyle

from lendready.domain.engine import formatting
from lendready.domain.teaching.exercise import FIGURES as SHEET_FIGURES
from lendready.report.context import BriefingContext, as_of_text, figure_text
from lendready.report.document import FRAME_W
from lendready.report.flowables import (
    Heading,
    bullet_list,
    grid,
    heading,
    keep_together,
    paragraph,
    rich,
    text,
)
from lendready.report.handout_case import HANDOUT_TITLE, HandoutCase
from lendready.report.sections.cells import contrast_hex
from lendready.report.styles import INK, RATING_COLOURS, RULE, SHADE, esc

# The facts a credit officer reads first, in this order (shown when answered).
KEY_FACTS = (
    "fin.turnover", "fin.surplus", "fin.unrestricted_reserves", "fin.cash", "loan.amount",
    "loan.term_months", "loan.interest_rate", "inc.largest_customer_share", "inc.main_contract_months_left",
    "sec.property_value", "sec.other_security",
)
# Answers not repeated under "The other answers": the name, free text (in the story) and the forecast.
NOT_LISTED = ("org.name", "org.activity", "loan.purpose_detail", "sec.description", "fin.forecast")

BOX = 7 * mm
"""The side of a tick box: large enough to tick with a pen."""
GRID_ROW = 13 * mm
GRID_WIDTHS = (48 * mm, 25 * mm, 25 * mm, 25 * mm, FRAME_W - 123 * mm)  # room for "Satisfactory"


def story_paragraphs(case: HandoutCase) -> list[str]:
    """The sample's story, paragraph by paragraph; else a factual summary of the answers."""
    if case.sample is not None:
        blocks = [" ".join(line.strip() for line in block.splitlines() if line.strip())
                  for block in case.sample.meta.story.strip().split("\n\n")]
        return [b for b in blocks if b]
    ctx = case.ctx
    v = ctx.values
    said: list[str] = []
    if "org.legal_form" in v:
        said.append(f"Legal form: {ctx.answer('org.legal_form')}.")
    if "org.origin" in v:
        said.append(f"Origin: {ctx.answer('org.origin')}.")
    if "org.years_trading" in v:
        said.append(f"Trading for {ctx.answer('org.years_trading')}.")
    if "fin.turnover" in v:
        said.append(f"Turnover in the last full year: {ctx.answer('fin.turnover')}.")
    if "loan.amount" in v:
        ask = f"It asks for {ctx.answer('loan.amount')}"
        if "loan.term_months" in v:
            ask += f" over {ctx.answer('loan.term_months')}"
        if "loan.interest_rate" in v:
            ask += f" at {ctx.answer('loan.interest_rate')}"
        if "loan.purpose" in v:
            ask += f", for: {ctx.answer('loan.purpose')}"
        said.append(ask + ".")
    else:
        said.append("The amount of the loan is not given.")
    out = [" ".join(said)]
    activity = v.get("org.activity")
    if isinstance(activity, str) and activity.strip():
        out.append(f"What it does, in its own words: {activity.strip()}")
    return out


def pairs_table(rows: list[tuple[str, Any]], ctx: BriefingContext, *, bold: bool = True) -> Table:
    """Label and value pairs, two to a row."""
    st = ctx.styles
    value_style = st.cell_bold if bold else st.cell
    half = (len(rows) + 1) // 2
    left, right = rows[:half], rows[half:]
    table_rows: list[list[Any]] = []
    for i in range(half):
        row: list[Any] = []
        for side in (left, right):
            if i < len(side):
                label, value = side[i]
                row += [text(label, st.cell_small), text(value, value_style) if isinstance(value, str) else value]
            else:
                row += ["", ""]
        table_rows.append(row)
    w = FRAME_W / 2
    pad = [] if bold else [("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]
    return grid(table_rows, [w * 0.56, w * 0.44, w * 0.56, w * 0.44], header=False,
                extra=[("LINEBEFORE", (2, 0), (2, -1), 0.5, RULE), *pad])


def sheet_figures(ctx: BriefingContext) -> list[tuple[str, Any]]:
    """The key facts as answered, then the ratios the exercise shows: values only, never thresholds."""
    st = ctx.styles
    rows: list[tuple[str, Any]] = []
    for qid in KEY_FACTS:
        if qid in ctx.knowledge.questionnaire.questions:
            rows.append((ctx.label(qid), ctx.answer(qid) if qid in ctx.values else "not answered"))
    figures = {f.id: f for f in ctx.analysis.key_figures}
    for mid in SHEET_FIGURES:
        kf = figures.get(mid)
        if kf is None:
            continue
        value = figure_text(kf)
        if value is None:
            rows.append((kf.label, rich(st.cell_small, ("m", f"n/a: {kf.reason or 'not available'}"))))
        elif kf.negative_earnings:
            rows.append((kf.label, rich(st.cell_small, ("b", value))))
        else:
            rows.append((kf.label, value + (f" in {formatting.month_label(kf.month)}" if kf.month else "")))
    return rows


def other_answers(ctx: BriefingContext) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for section in ctx.knowledge.questionnaire.sections:
        for q in section.questions:
            if q.id in KEY_FACTS or q.id in NOT_LISTED or q.id not in ctx.values or q.type == "table":
                continue
            rows.append((ctx.label(q.id), ctx.answer(q.id)))
    return rows


class TickBox(Flowable):
    """An empty square to tick with a pen."""

    def __init__(self, size: float = BOX) -> None:
        super().__init__()
        self.size = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        self.canv.setStrokeColor(INK)
        self.canv.setLineWidth(0.9)
        self.canv.rect(0, 0, self.size, self.size, stroke=1, fill=0)


def prediction_grid(ctx: BriefingContext, first_column: str, rows: Sequence[str],
                    options: Sequence[tuple[str, str]]) -> Table:
    """A header of option words (each on its colour), then one row per line with empty boxes and room
    for the main reason."""
    st = ctx.styles
    head_style = st.cell_bold.clone("grid_head", alignment=1)
    header: list[Any] = [text(first_column, st.cell_bold)]
    extra: list[tuple] = []
    for i, (word, hex_code) in enumerate(options, start=1):
        header.append(paragraph(f'<font color="{contrast_hex(hex_code)}">{esc(word)}</font>', head_style))
        extra.append(("BACKGROUND", (i, 0), (i, 0), colors.HexColor(hex_code)))
    header.append(text("Main reason", st.cell_bold))
    body = [[text(r, st.cell)] + [TickBox() for _ in options] + [""] for r in rows]
    table = Table([header] + body, colWidths=list(GRID_WIDTHS), rowHeights=[None] + [GRID_ROW] * len(body),
                  hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, RULE), ("BOX", (0, 0), (-1, -1), 0.9, INK),
        ("BACKGROUND", (0, 0), (0, 0), SHADE), ("BACKGROUND", (-1, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"), ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 1), (-2, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, 0), 4), ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ("TOPPADDING", (0, 1), (-1, -1), 0), ("BOTTOMPADDING", (0, 1), (-1, -1), 0),
        *extra,
    ]))
    return table


class NoteLines(Flowable):
    """"Notes" and ruled lines to write on: as many as fit on the page (up to ``lines``), or none.

    It never starts a page of its own: with room for fewer than two lines it takes no room at all.
    """

    LABEL = 16.0 + 4 * mm

    def __init__(self, label_style: Any, lines: int, gap: float = 9 * mm) -> None:
        super().__init__()
        # Not kept as ``style``: platypus would read its keepWithNext as the notes' own.
        self.label_style, self.lines, self.gap = label_style, lines, gap
        self.count = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        fits = int((availHeight - self.LABEL) // self.gap)
        self.count = min(self.lines, fits) if fits >= 2 else 0
        return availWidth, (self.LABEL + self.count * self.gap) if self.count else 0

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        # Asked when the lines do not all fit: as many as do, or nothing at all (never a new page).
        fits = int((availHeight - self.LABEL) // self.gap)
        return [NoteLines(self.label_style, fits, self.gap)] if fits >= 2 else [Spacer(0, 0)]

    def draw(self) -> None:
        if not self.count:
            return
        c = self.canv
        top = self.LABEL + self.count * self.gap
        c.setFont(self.label_style.fontName, self.label_style.fontSize)
        c.setFillColor(INK)
        c.drawString(0, top - 4 * mm - self.label_style.fontSize, "Notes")
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        for i in range(self.count):
            c.line(0, i * self.gap, self.width, i * self.gap)


def exercise_sheet(case: HandoutCase, *, level: int, number: int | None = None) -> list[Flowable]:
    """Part A: what the trainees see. Nothing in it says how lendready or a lender judged the case."""
    ctx = case.ctx
    st = ctx.styles
    kicker = f"Case {number} · exercise sheet" if number else f"lendready · {HANDOUT_TITLE} · exercise sheet"
    out: list[Flowable] = [text(kicker, st.cover_kicker), Heading(case.title, st.h1, level)]
    if case.sample is not None:
        out.append(text(case.sample.meta.summary, st.muted))
    out += heading("The story", st.h2, level + 1)
    out += [text(p, st.reading) for p in story_paragraphs(case)]

    out += heading("The figures a credit officer would see", st.h2, level + 1, room=160)
    out.append(text(f"As given in the answers, with the ratios worked out from them, as at {as_of_text(ctx)}. "
                    "Judging them is your job.", st.body_tight))
    out.append(pairs_table(sheet_figures(ctx), ctx))
    others = other_answers(ctx)
    if others:
        # The heading is not kept with the whole table: the table may run on to the next page.
        open_heading = st.h3.clone("h3_open", keepWithNext=0)
        out += [Spacer(1, 4), CondPageBreak(80), text("The other answers", open_heading),
                pairs_table(others, ctx, bold=False)]

    # The questions are read as one list: never one or two left over at the head of the next page.
    page_break, questions_heading = heading("Questions for the room", st.h2, level + 1)
    out += [page_break, keep_together([questions_heading, *bullet_list(st.bullet, case.questions, numbered=True)])]

    # The grid on a page of its own when it does not fit, never split: it is filled in as one.
    k = ctx.knowledge
    rating_options = [(k.vocabulary.rating(r), RATING_COLOURS[r]) for r in ("green", "amber", "red")]
    band_options = [(k.bands[band].label, k.bands[band].colour)
                    for band in ("ready", "nearly_ready", "not_ready") if band in k.bands]
    grid_block: list[Flowable] = [
        Heading("Your prediction", st.h2, level + 1),
        text("Tick one box for each risk area and one for the band the case would get, and note the main "
             "reason for each.", st.body_tight),
        Spacer(1, 3),
        prediction_grid(ctx, "Risk area", [ctx.area_title(area.id) for area in k.areas], rating_options),
        Spacer(1, 5 * mm),
        prediction_grid(ctx, "The band", ["Overall band"], band_options),
    ]
    return out + [Spacer(1, 4), keep_together(grid_block), NoteLines(st.h3, lines=4)]


__all__ = [
    "BOX",
    "GRID_ROW",
    "KEY_FACTS",
    "NoteLines",
    "TickBox",
    "exercise_sheet",
    "other_answers",
    "pairs_table",
    "prediction_grid",
    "sheet_figures",
    "story_paragraphs",
]
