"""Trainer handouts and session packs: an exercise sheet for the room, then the answers.

A handout is one case in three parts; it is also the trainer's briefing
(``build_briefing(..., audience="trainer")``). Part A, the exercise sheet, is
what the trainees see: the story, the figures a credit officer would see (facts
and ratios, never a rating or a threshold), the questions for the room and a
blank prediction grid to fill in with a pen. Part B, on pages of its own headed
"Answers — for the trainer", is what the engine made of the case: the band, each
area's rating, every finding with its evidence, why it matters and what would
fix it (a myth asked as "True or false?"), what the case teaches and, for a
sample case, the experienced lender's verdict and reasons. Part C, "Reference —
for the trainer", is the rest of what every briefing carries, in the briefing's
own sections: the key figures against their thresholds, the cashflow with its
stress tests and loan sizing, the conditions a lender might set, the action
plan, the document checklist, the kinds of finance that fit, the primer with the
legal forms, myths and glossary, and the provenance.

A session pack puts several sample cases together: a cover with the plan of
the session, every exercise sheet, then every case's answers, then a reference
part (the myths with their corrections, the glossary and a short primer).

Built from the same pieces as the briefing (:mod:`lendready.report.briefing`):
its styles and embedded DejaVu fonts, its literal printing of outside text, its
generation time (``SOURCE_DATE_EPOCH``) and its atomic write; so the same cases,
rules and generation time give the same bytes.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from lendready import __version__
from lendready.domain.advice import Analysis
from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.files.case_file import Case
from lendready.domain.teaching.exercise import FIGURES as SHEET_FIGURES
from lendready.domain.teaching.samples import Sample, load_sample_case, sample_as_of
from lendready.report import briefing
from lendready.report.briefing import (
    FRAME_W,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PAGE_H,
    PAGE_W,
    BriefingError,
    Keep,
    P,
    R,
    T,
    _Brief,
    _Heading,
    as_of_text,
    figure_text,
    finding_block,
    generation_time,
    grid,
    reason_lines,
    write_pdf,
)
from lendready.report.pdfcanvas import FastCanvas, PagedCanvas
from lendready.report.styles import (
    ACCENT,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    RATING_COLOURS,
    RATING_WORDS,
    RULE,
    SHADE,
    clean,
    esc,
    forget_widths,
    text_on,
)

HANDOUT_TITLE = "Trainer's handout"
PACK_TITLE = "Training session pack"
EXERCISE_PART = "Exercise sheet — for trainees"
ANSWERS_PART = "Answers — for the trainer"
REFERENCE_PART = "Reference — myths, glossary and primer"
CASE_REFERENCE_PART = "Reference — for the trainer"

# The facts a credit officer reads first, in this order (shown when answered).
KEY_FACTS = (
    "fin.turnover", "fin.surplus", "fin.unrestricted_reserves", "fin.cash", "loan.amount",
    "loan.term_months", "loan.interest_rate", "inc.largest_customer_share", "inc.main_contract_months_left",
    "sec.property_value", "sec.other_security",
)
# Answers not repeated under "The other answers": the name, free text (in the story) and the forecast.
NOT_LISTED = ("org.name", "org.activity", "loan.purpose_detail", "sec.description", "fin.forecast")

# Put to the room when a case is not one of the samples (a sample brings its own).
DEFAULT_QUESTIONS = (
    "Where will the money to repay this loan come from, and how sure is it?",
    "Which single figure would you look at first, and why?",
    "What happens to this organisation, and to the loan, if its largest customer leaves?",
    "Does the legal form or the asset lock change what a lender can do? How?",
    "What would you ask the founders before you decided?",
    "What one change would most improve the chance of a loan?",
)

HOW_TO_RUN = (
    ("Hand out the exercise sheets only (part 1). Keep the answers (part 2) back until the room has "
     "made its predictions."),
    ("For each case, give groups 20 to 30 minutes to read the story and the figures, talk through the "
     "questions for the room and fill in the prediction grid: one tick per risk area, one for the band, "
     "and the main reason for each."),
    "Collect the predictions area by area on a flipchart before revealing anything.",
    ("Reveal the band and the area ratings, then the findings behind them. Ask where the room differed "
     "from lendready, and why."),
    ("Read each \"True or false?\" statement aloud before its correction, and close the case with what it "
     "teaches and the experienced lender's verdict."),
    "Hand out the reference part (myths, glossary, primer) at the end.",
)

BOX = 7 * mm
"""The side of a tick box: large enough to tick with a pen."""
GRID_ROW = 13 * mm
GRID_WIDTHS = (48 * mm, 21 * mm, 21 * mm, 21 * mm, FRAME_W - 111 * mm)
ANSWERS_RED = colors.HexColor("#8e1b1b")


# ---------------------------------------------------------------------------
# Public API


def build_handout(
    case: Case,
    knowledge: Knowledge,
    *,
    sample: Sample | None = None,
    generated: datetime | None = None,
    case_bytes: bytes | None = None,
    as_of: date | None = None,
    analysis: Analysis | None = None,
) -> bytes:
    """The trainer's handout for one case as PDF bytes: the exercise sheet, the answers, the reference.

    ``sample`` brings the story, the questions for the room, the lessons and the
    experienced lender's verdict; without it the story is a summary of the
    answers, the questions a default set, and there is no verdict. ``case_bytes``,
    the case file as read, is what the provenance's SHA-256 is of (else the case
    as lendready saves it). Built from one Analysis: ``analysis`` when given (worded
    for the trainer), else the case analysed once at ``as_of`` (default: a sample's
    own snapshot date, so a teaching case never ages; else the date of
    ``SOURCE_DATE_EPOCH`` or today).
    """
    when = _when(generated)
    item = _Item.make(case, knowledge, sample, when, case_bytes, analysis=analysis, as_of=as_of)
    out: list[Flowable] = [_Mark(EXERCISE_PART, item.title)]
    out += exercise(item, level=0)
    out += [PageBreak(), _Mark(ANSWERS_PART, item.title)]
    out += answers(item, level=0)
    out += [PageBreak(), _Mark(CASE_REFERENCE_PART, item.title)]
    out += case_reference(item)
    org = clean(item.title)
    return _render(
        out, when, header=HANDOUT_TITLE, first_page_header=True,
        title=f"{HANDOUT_TITLE}: {org}",
        subject=f"Exercise and answers for {org} (rules {knowledge.rules_version})",
        keywords=["lendready", "trainer", "handout", item.b.a.band],
    )


def write_handout(
    path: str | os.PathLike[str],
    case: Case,
    knowledge: Knowledge,
    *,
    sample: Sample | None = None,
    generated: datetime | None = None,
    case_bytes: bytes | None = None,
    as_of: date | None = None,
    analysis: Analysis | None = None,
) -> Path:
    """Build the handout, then write it atomically: ``path`` is either untouched or complete."""
    return write_pdf(path, build_handout(case, knowledge, sample=sample, generated=generated,
                                         case_bytes=case_bytes, as_of=as_of, analysis=analysis))


def build_session_pack(
    samples: Sequence[Sample],
    knowledge: Knowledge,
    *,
    generated: datetime | None = None,
    as_of: date | None = None,
) -> bytes:
    """A session pack for ``samples`` (in the order given) as PDF bytes.

    A cover with the cases and how to run the session; every exercise sheet; every
    case's answers; the myths, the glossary and a short primer. Each case is
    analysed once, at ``as_of`` when given, else at its own snapshot date. Raises
    :class:`BriefingError` for an empty list, and the case file's own error if a
    sample's case is refused.
    """
    if not samples:
        raise BriefingError("a session pack needs at least one sample case")
    when = _when(generated)
    items = [_Item.make(load_sample_case(s, knowledge), knowledge, s, when, as_of=as_of) for s in samples]
    out: list[Flowable] = [_Mark("", PACK_TITLE, outline="The session plan")]
    out += pack_cover(items, knowledge, when)
    for i, item in enumerate(items, start=1):
        out += [PageBreak(), _Mark(EXERCISE_PART, item.title,
                                   outline="Part 1: Exercise sheets" if i == 1 else None)]
        out += exercise(item, level=1, number=i)
    for i, item in enumerate(items, start=1):
        out += [PageBreak(), _Mark(ANSWERS_PART, item.title,
                                   outline="Part 2: Answers — for the trainer" if i == 1 else None)]
        out += answers(item, level=1, number=i)
    out += [PageBreak(), _Mark(REFERENCE_PART, PACK_TITLE, outline="Part 3: Reference")]
    out += reference(items[0].b, level=1)
    n = len(items)
    return _render(
        out, when, header=PACK_TITLE, first_page_header=False,
        title=f"{PACK_TITLE}: {n} case{'s' if n != 1 else ''}",
        subject="Cases: " + "; ".join(clean(item.title) for item in items),
        keywords=["lendready", "trainer", "session pack"],
    )


def write_session_pack(
    path: str | os.PathLike[str],
    samples: Sequence[Sample],
    knowledge: Knowledge,
    *,
    generated: datetime | None = None,
    as_of: date | None = None,
) -> Path:
    """Build the session pack, then write it atomically: ``path`` is either untouched or complete."""
    return write_pdf(path, build_session_pack(samples, knowledge, generated=generated, as_of=as_of))


def _when(generated: datetime | None) -> datetime:
    when = generation_time(generated)
    # reportlab's own clock also reads SOURCE_DATE_EPOCH and fails on a bad one: check it first.
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        briefing._epoch_seconds(os.environ["SOURCE_DATE_EPOCH"].strip())
    return when


# ---------------------------------------------------------------------------
# One case


class _Item(NamedTuple):
    b: _Brief
    sample: Sample | None

    @classmethod
    def make(cls, case: Case, k: Knowledge, sample: Sample | None, when: datetime,
             case_bytes: bytes | None = None, *, analysis: Analysis | None = None,
             as_of: date | None = None) -> _Item:
        if as_of is None and analysis is None and sample is not None:
            as_of = sample_as_of(sample)
        return cls(_Brief.make(case, k, "trainer", when, case_bytes, analysis=analysis, as_of=as_of), sample)

    @property
    def title(self) -> str:
        return self.sample.meta.title if self.sample is not None else self.b.org

    @property
    def questions(self) -> list[str]:
        return list(self.sample.meta.questions) if self.sample is not None else list(DEFAULT_QUESTIONS)


class _Mark(Flowable):
    """Takes no room: sets the running header (the part) and footer (the case) from this page on,
    and can add a bookmark."""

    def __init__(self, part: str, title: str, outline: str | None = None) -> None:
        super().__init__()
        self.part, self.title, self.outline = part, title, outline

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


def _heading(text: str, style: Any, level: int, room: float = 70) -> list[Flowable]:
    return [CondPageBreak(room), _Heading(text, style, level)]


def _together(heading: Flowable, block: Flowable) -> KeepTogether:
    """A heading kept with the block after it.

    A KeepTogether inside another always reports the height of a whole page, so
    the outer one would always start a new page: the block's content is taken out.
    """
    content = list(block._content) if isinstance(block, KeepTogether) else [block]
    return Keep([heading, *content])


def story_paragraphs(item: _Item) -> list[str]:
    """The sample's story, paragraph by paragraph; else a factual summary of the answers."""
    if item.sample is not None:
        blocks = [" ".join(line.strip() for line in block.splitlines() if line.strip())
                  for block in item.sample.meta.story.strip().split("\n\n")]
        return [b for b in blocks if b]
    b = item.b
    v = b.values
    said: list[str] = []
    if "org.legal_form" in v:
        said.append(f"Legal form: {b.answer('org.legal_form')}.")
    if "org.origin" in v:
        said.append(f"Origin: {b.answer('org.origin')}.")
    if "org.years_trading" in v:
        said.append(f"Trading for {b.answer('org.years_trading')}.")
    if "fin.turnover" in v:
        said.append(f"Turnover in the last full year: {b.answer('fin.turnover')}.")
    if "loan.amount" in v:
        ask = f"It asks for {b.answer('loan.amount')}"
        if "loan.term_months" in v:
            ask += f" over {b.answer('loan.term_months')}"
        if "loan.interest_rate" in v:
            ask += f" at {b.answer('loan.interest_rate')}"
        if "loan.purpose" in v:
            ask += f", for: {b.answer('loan.purpose')}"
        said.append(ask + ".")
    else:
        said.append("The amount of the loan is not given.")
    out = [" ".join(said)]
    activity = v.get("org.activity")
    if isinstance(activity, str) and activity.strip():
        out.append(f"What it does, in its own words: {activity.strip()}")
    return out


def _pairs(rows: list[tuple[str, Any]], st: Any, *, bold: bool = True) -> Table:
    """Label and value pairs, two to a row."""
    value_style = st.cell_bold if bold else st.cell
    half = (len(rows) + 1) // 2
    left, right = rows[:half], rows[half:]
    table_rows: list[list[Any]] = []
    for i in range(half):
        row: list[Any] = []
        for side in (left, right):
            if i < len(side):
                label, value = side[i]
                shown = T(value, value_style) if isinstance(value, str) else value
                row += [T(label, st.cell_small), shown]
            else:
                row += ["", ""]
        table_rows.append(row)
    w = FRAME_W / 2
    pad = [] if bold else [("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]
    return grid(table_rows, [w * 0.56, w * 0.44, w * 0.56, w * 0.44], header=False,
                extra=[("LINEBEFORE", (2, 0), (2, -1), 0.5, RULE), *pad])


def key_figures(item: _Item) -> list[tuple[str, Any]]:
    b = item.b
    st = b.st
    rows: list[tuple[str, Any]] = []
    for qid in KEY_FACTS:
        if qid in b.k.questionnaire.questions:
            rows.append((b.label(qid), b.answer(qid) if qid in b.values else "not answered"))
    figures = {f.id: f for f in b.an.key_figures}
    for mid in SHEET_FIGURES:  # the ones the exercise shows: values only, never their thresholds
        kf = figures.get(mid)
        if kf is None:
            continue
        value = figure_text(kf)
        if value is None:
            rows.append((kf.label, R(st.cell_small, ("m", f"n/a: {kf.reason or 'not available'}"))))
        elif kf.negative_earnings:
            rows.append((kf.label, R(st.cell_small, ("b", value))))
        else:
            rows.append((kf.label, value + (f" in {kf.month}" if kf.month else "")))
    return rows


def other_answers(item: _Item) -> list[tuple[str, Any]]:
    b = item.b
    rows = []
    for section in b.k.questionnaire.sections:
        for q in section.questions:
            if q.id in KEY_FACTS or q.id in NOT_LISTED or q.id not in b.values or q.type == "table":
                continue
            rows.append((b.label(q.id), b.answer(q.id)))
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


def prediction_grid(
    b: _Brief, first_column: str, rows: Sequence[str], options: Sequence[tuple[str, str]]
) -> Table:
    """A header of option words (each on its colour), then one row per line with empty boxes and room
    for the main reason."""
    st = b.st
    head_style = st.cell_bold.clone("grid_head", alignment=1)
    header: list[Any] = [T(first_column, st.cell_bold)]
    extra: list[tuple] = []
    for i, (word, hex_code) in enumerate(options, start=1):
        fg = "#ffffff" if text_on(hex_code) == colors.white else "#1a1a1a"
        header.append(P(f'<font color="{fg}">{esc(word)}</font>', head_style))
        extra.append(("BACKGROUND", (i, 0), (i, 0), colors.HexColor(hex_code)))
    header.append(T("Main reason", st.cell_bold))
    body = [[T(r, st.cell)] + [TickBox() for _ in options] + [""] for r in rows]
    table = Table([header] + body, colWidths=list(GRID_WIDTHS),
                  rowHeights=[None] + [GRID_ROW] * len(body), hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, RULE),
        ("BOX", (0, 0), (-1, -1), 0.9, INK),
        ("BACKGROUND", (0, 0), (0, 0), SHADE),
        ("BACKGROUND", (-1, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 1), (-2, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, 0), 4), ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ("TOPPADDING", (0, 1), (-1, -1), 0), ("BOTTOMPADDING", (0, 1), (-1, -1), 0),
        *extra,
    ]))
    return table


def exercise(item: _Item, *, level: int, number: int | None = None) -> list[Flowable]:
    """Part A: what the trainees see. Nothing in it says how lendready or a lender judged the case."""
    b = item.b
    st = b.st
    kicker = f"Case {number} · exercise sheet" if number else f"lendready · {HANDOUT_TITLE} · exercise sheet"
    out: list[Flowable] = [P(esc(kicker), st.cover_kicker), _Heading(item.title, st.h1, level)]
    if item.sample is not None:
        out.append(T(item.sample.meta.summary, st.muted))
    out += _heading("The story", st.h2, level + 1)
    out += [T(p, st.reading) for p in story_paragraphs(item)]

    out += _heading("The figures a credit officer would see", st.h2, level + 1, room=160)
    out.append(T(f"As given in the answers, with the ratios worked out from them, as at {as_of_text(b)}. "
                 "Judging them is your job.", st.body_tight))
    out.append(_pairs(key_figures(item), st))
    others = other_answers(item)
    if others:
        # The heading is not kept with the whole table: the table may run on to the next page.
        open_heading = st.h3.clone("h3_open", keepWithNext=0)
        out += [Spacer(1, 4), CondPageBreak(80), T("The other answers", open_heading),
                _pairs(others, st, bold=False)]

    # The questions are read as one list: never one or two left over at the head of the next page.
    brk, heading = _heading("Questions for the room", st.h2, level + 1)
    out += [brk, Keep([heading, *(R(st.bullet, q, bullet=f"{i}.")
                                          for i, q in enumerate(item.questions, start=1))])]

    # The grid on a page of its own when it does not fit, never split: it is filled in as one.
    areas = [area.title for area in b.k.areas]
    rating_options = [(RATING_WORDS[r], RATING_COLOURS[r]) for r in ("green", "amber", "red")]
    band_options = [(b.k.bands[band].label, b.k.bands[band].colour)
                    for band in ("ready", "nearly_ready", "not_ready") if band in b.k.bands]
    grid_block: list[Flowable] = [
        _Heading("Your prediction", st.h2, level + 1),
        T("Tick one box for each risk area and one for the band the case would get, and note the main "
          "reason for each.", st.body_tight),
        Spacer(1, 3),
        prediction_grid(b, "Risk area", areas, rating_options),
        Spacer(1, 5 * mm),
        prediction_grid(b, "The band", ["Overall band"], band_options),
    ]
    out += [Spacer(1, 4), Keep(grid_block), _Notes(st.h3, lines=4)]
    return out


class _Notes(Flowable):
    """"Notes" and ruled lines to write on: as many as fit on the page (up to ``lines``), or none.

    It never starts a page of its own: with room for fewer than two lines it takes no room at all
    (so the space above it is its own, not a Spacer that could push it over).
    """

    LABEL = 16.0 + 4 * mm

    def __init__(self, style: Any, lines: int, gap: float = 9 * mm) -> None:
        super().__init__()
        # Not kept as ``style``: platypus would read its keepWithNext as the notes' own.
        self.label_style, self.lines, self.gap = style, lines, gap
        self.count = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        fits = int((availHeight - self.LABEL) // self.gap)
        self.count = min(self.lines, fits) if fits >= 2 else 0
        return availWidth, (self.LABEL + self.count * self.gap) if self.count else 0

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        # Asked when the lines do not all fit: as many as do, or nothing at all (never a new page).
        fits = int((availHeight - self.LABEL) // self.gap)
        return [_Notes(self.label_style, fits, self.gap)] if fits >= 2 else [Spacer(0, 0)]

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


def rating_cell(b: _Brief, rating: str) -> Paragraph:
    """A rating as its word on its colour (the word is always there: never colour alone)."""
    hex_code = RATING_COLOURS.get(rating, RATING_COLOURS["unknown"])
    fg = "#ffffff" if text_on(hex_code) == colors.white else "#1a1a1a"
    return P(f'<font color="{fg}"><b>{esc(RATING_WORDS.get(rating, rating))}</b></font>', b.st.cell)


def answers(item: _Item, *, level: int, number: int | None = None) -> list[Flowable]:
    """Part B: the engine's verdict and the findings behind it, the lessons and the lender's verdict."""
    b = item.b
    st, a = b.st, b.a
    kicker = f"Case {number} · answers" if number else f"lendready · {HANDOUT_TITLE} · answers"
    out: list[Flowable] = [P(esc(kicker), st.cover_kicker)]
    out.append(_Heading(f"{ANSWERS_PART}: {item.title}" if number else ANSWERS_PART, st.h1, level))
    if not number:
        out.append(T(item.title, st.h3))
    out.append(T("Keep these pages back until the room has made its predictions.", st.muted))

    # The band, as its word on its colour.
    fg = text_on(b.band_colour)
    word = st.cover_band.clone("handout_band", textColor=fg, fontSize=18, leading=22)
    note = st.body_tight.clone("handout_band_note", textColor=fg)
    small = st.small.clone("handout_band_small", textColor=fg)
    cell: list[Flowable] = [T("THE BAND LENDREADY GIVES", small), T(b.band_label, word)]
    if b.band:
        cell += [Spacer(1, 2), T(b.band.lender, note)]
    box = Table([[cell]], colWidths=[FRAME_W], hAlign="LEFT")
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(b.band_colour)),
        ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
    ]))
    out += [Spacer(1, 4), box]

    out.append(T(f"Assessed as at {as_of_text(b)}.", st.muted))
    reasons, more = reason_lines(b)
    out += _heading("What decided the band", st.h2, level + 1)
    out += [R(st.bullet, r, bullet=f"{i}.") for i, r in enumerate(reasons, start=1)]
    if more:
        out.append(T(f"… and {more} more of the same weight, listed below.", st.muted))

    out += _heading("The seven risk areas", st.h2, level + 1, room=150)
    rows: list[list[Any]] = [[T("Risk area", st.cell_bold), T("Rating", st.cell_bold),
                              T("Findings", st.cell_bold)]]
    extra: list[tuple] = []
    for r, area in enumerate(a.areas, start=1):
        mine = [f for f in a.findings if f.area == area.id]
        if area.rating == "unknown":
            n = len(area.missing)
            note = f"{n} key question{'s' if n != 1 else ''} unanswered"
        else:
            note = "; ".join(f.title for f in mine if f.severity != "info") or "no findings"
        rows.append([T(b.area_title(area.id), st.cell), rating_cell(b, area.rating), T(note, st.cell_small)])
        extra.append(("BACKGROUND", (1, r), (1, r),
                      colors.HexColor(RATING_COLOURS.get(area.rating, RATING_COLOURS["unknown"]))))
    out.append(grid(rows, [48 * mm, 26 * mm, FRAME_W - 74 * mm], zebra=False,
                    extra=[("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *extra]))

    out += _heading("Findings, area by area", st.h2, level + 1)
    if not a.findings:
        out.append(T("No rule fired on this case.", st.body))
    else:
        out.append(T("What was seen, why it matters to a lender and what would fix it. A myth is put as a "
                      "statement: ask the room \"true or false?\" before reading the correction.", st.body))
        for area in a.areas:
            mine = [f for f in a.findings if f.area == area.id]
            if not mine:
                continue
            rating = RATING_WORDS.get(area.rating, area.rating)
            heading = _Heading(f"{b.area_title(area.id)}: {rating}", st.h3, level + 2)
            blocks = [finding_block(b, f, belief_label="True or false?") for f in mine]
            out += [CondPageBreak(70), _together(heading, blocks[0]), *blocks[1:]]

    if item.sample is not None:
        meta = item.sample.meta
        out += _heading("What this case teaches", st.h2, level + 1)
        out += [R(st.bullet, lesson, bullet="•") for lesson in meta.teaches]
        verdict = [_Heading("The experienced lender's verdict", st.h2, level + 1),
                   R(st.body, ("b", meta.lender_verdict))]
        reasons_given = list(meta.lender_reasons)
        if reasons_given:
            verdict.append(T("Why:", st.h3))
            verdict += [R(st.bullet, reason, bullet="•") for reason in reasons_given]
        out += [CondPageBreak(90), Keep(verdict)]  # reasons are a few lines: never leave one behind
    else:
        out += _heading("The experienced lender's verdict", st.h2, level + 1)
        out.append(T("None: this case is not one of lendready's sample cases, so no experienced lender's "
                     "verdict or list of lessons was written for it. Compare the room's predictions with "
                     "the band and the findings above.", st.body))
    return out


# ---------------------------------------------------------------------------
# One case's reference part: the briefing's own sections, so every version carries the same facts

# The briefing's sections in the order the trainer's reference part prints them.
CASE_SECTIONS = (briefing.cashflow, briefing.conditions, briefing.action_plan, briefing.documents,
                 briefing.products, briefing.primer, briefing.provenance)


def case_reference(item: _Item) -> list[Flowable]:
    """Part C: the case in detail, the background on lending to mutuals, and the provenance."""
    b = item.b
    st = b.st
    out: list[Flowable] = [P(f"lendready · {esc(HANDOUT_TITLE)} · reference", st.cover_kicker),
                           _Heading(CASE_REFERENCE_PART, st.h1, 0), T(item.title, st.h3)]
    out.append(T("For preparing the session and for the discussion after the reveal: the figures against "
                 "the thresholds they are judged by, the cashflow and its stress tests, the conditions a "
                 "lender might set, what would move the band, the documents a lender would ask for and the "
                 "finance that could fit; then the background on lending to mutuals, and what this handout "
                 "was made from.", st.muted))
    out += _heading("Key figures and the thresholds they are judged against", st.h2, 1)
    out.append(briefing.key_figures_table(b))
    for section in CASE_SECTIONS:
        fresh = section in briefing.NEW_PAGE and not (
            section is briefing.cashflow and b.an.cash_line is None)
        out.append(CondPageBreak(briefing.FRESH_PAGE) if fresh else Spacer(1, 8))
        out += section(b)
    return out


# ---------------------------------------------------------------------------
# The session pack's cover and reference part


def pack_cover(items: Sequence[_Item], k: Knowledge, when: datetime) -> list[Flowable]:
    st = items[0].b.st
    n = len(items)
    out: list[Flowable] = [Spacer(1, 4 * mm), P(f"lendready · {esc(PACK_TITLE)}", st.cover_kicker)]
    out.append(P("Lending to mutuals: a case session", st.cover_title))
    out.append(T(f"{n} case{'s' if n != 1 else ''} · {when.strftime('%d %B %Y').lstrip('0')} · rules "
                 f"version {k.rules_version}", st.muted))
    out += _heading("The cases", st.h2, 1)
    rows: list[list[Any]] = [[T("", st.cell_bold), T("Case", st.cell_bold), T("In one line", st.cell_bold)]]
    for i, item in enumerate(items, start=1):
        summary = item.sample.meta.summary if item.sample is not None else ""
        rows.append([str(i), T(item.title, st.cell_bold), T(summary, st.cell_small)])
    out.append(grid(rows, [8 * mm, 58 * mm, FRAME_W - 66 * mm],
                    extra=[("TOPPADDING", (0, 1), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 1), (-1, -1), 1.5)]))
    out += _heading("How to run the session", st.h2, 1)
    out += [R(st.bullet, step, bullet=f"{i}.") for i, step in enumerate(HOW_TO_RUN, start=1)]
    out.append(Spacer(1, 3))
    out.append(R(st.body_tight, ("b", "In this pack: "),
                 "part 1, the exercise sheets, each case on new pages (copy these for the room); part 2, "
                 "the answers, for the trainer; part 3, the myths with their corrections, the glossary and "
                 "a short primer."))
    out.append(T("lendready is a readiness check, not a credit decision: the answers show how a lender is "
                 "likely to see each case.", st.muted))
    return out


def reference(b: _Brief, *, level: int) -> list[Flowable]:
    from lendready.domain.teaching.content import myths

    st, t = b.st, b.teaching
    out: list[Flowable] = [P(f"lendready · {esc(PACK_TITLE)}", st.cover_kicker),
                           _Heading("Reference", st.h1, level)]
    out.append(T("For the end of the session: the myths the cases correct, the words a lender uses and "
                 "a short primer on lending to mutuals.", st.muted))
    beliefs = myths(b.k, "trainer")
    if beliefs:
        heading: list[Flowable] = _heading("Myths and their corrections", st.h2, level + 1)
        out.append(heading[0])
        for i, (belief, correction) in enumerate(beliefs):
            pair = [R(st.body_tight, ("b", "Myth:"), " " + belief),
                    R(st.body, ("b", "Correction:"), " " + correction)]
            out.append(Keep(heading[1:] + pair if i == 0 else pair))
    if t.glossary:
        out += _heading("Glossary", st.h2, level + 1)
        out += [R(st.glossary, ("b", term.term + ":"), " " + term.definition) for term in t.glossary]
    if t.primer:
        out += _heading(f"A short primer: {t.primer_title}", st.h2, level + 1)
        out.append(T("The opening of each section of the primer; each case's own trainer's handout carries "
                     "it in full.", st.muted))
        for section in t.primer:
            if section.paragraphs:
                out.append(Keep([T(section.heading, st.h3), T(section.paragraphs[0], st.reading)]))
    return out


# ---------------------------------------------------------------------------
# Page furniture and the document


def _canvas_maker(when: datetime, header: str, first_page_header: bool) -> type[Canvas]:
    stamp = when.strftime("D:%Y%m%d%H%M%S+00'00'")
    right = briefing._fit(f"lendready {__version__} · {header} · {when.strftime('%d %B %Y').lstrip('0')}",
                          FONT, 7, 80 * mm)

    class HandoutCanvas(PagedCanvas, FastCanvas):
        """The part (exercise or answers) and the case at the head of each page, "page 3 of 9" at the foot."""

        lr_part = ""
        lr_title = ""
        date_stamp = stamp

        def _furniture(self, total: int) -> None:
            page = self._pageNumber
            self.saveState()
            if page > 1 or first_page_header:
                y = PAGE_H - 13 * mm
                part = self.lr_part
                if part:
                    self.setFont(FONT_BOLD, 8.5)
                    self.setFillColor(ANSWERS_RED if part == ANSWERS_PART else ACCENT)
                    self.drawString(MARGIN_X, y, part)
                self.setFont(FONT, 7)
                self.setFillColor(MUTED)
                self.drawRightString(PAGE_W - MARGIN_X, y, right)
                self.setStrokeColor(RULE)
                self.setLineWidth(0.5)
                self.line(MARGIN_X, y - 3, PAGE_W - MARGIN_X, y - 3)
            self.setFont(FONT_BOLD, 7.5)
            self.setFillColor(INK)
            footer = briefing._fit(self.lr_title, FONT_BOLD, 7.5, FRAME_W - 35 * mm)
            self.drawString(MARGIN_X, 10 * mm, footer)
            self.setFont(FONT, 7)
            self.setFillColor(MUTED)
            self.drawRightString(PAGE_W - MARGIN_X, 10 * mm, f"Page {page} of {total}")
            self.restoreState()

    return HandoutCanvas


class _Doc(briefing._Doc):
    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Mark):
            self.canv.lr_part = flowable.part
            self.canv.lr_title = flowable.title
            if flowable.outline:
                key = f"h{self.seq.nextf('outline')}"
                self.canv.bookmarkPage(key)
                self.canv.addOutlineEntry(flowable.outline, key, level=0, closed=False)
            return
        super().afterFlowable(flowable)


def _render(story: list[Flowable], when: datetime, *, header: str, first_page_header: bool, title: str,
            subject: str, keywords: list[str]) -> bytes:
    buffer = io.BytesIO()
    doc = _Doc(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=f"lendready {__version__}",
        subject=subject,
        creator=f"lendready {__version__}",
        keywords=keywords,
        invariant=1,
        lang="en-GB",
        displayDocTitle=1,
    )
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("body", [frame])])
    forget_widths()
    a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        doc.build(story, canvasmaker=_canvas_maker(when, header, first_page_header))
    finally:
        rl_config.useA85 = a85
    return buffer.getvalue()


__all__ = [
    "DEFAULT_QUESTIONS",
    "build_handout",
    "build_session_pack",
    "write_handout",
    "write_session_pack",
]
