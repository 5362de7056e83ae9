"""The briefing's two charts, drawn with reportlab.graphics.

* :func:`area_chart`: the seven area ratings as bars, longer and warmer as the
  risk rises (green, amber, red), grey when an area cannot be rated yet.
* :func:`cashflow_chart`: month-end cash through the forecast, one line per
  scenario, with the zero line and the lowest month marked.

Both only draw what they are given: ratings come from the Assessment, the cash
lines from the Analysis (the forecast's ``cash_line.balances`` and each stress
scenario's ``balances``) and the lowest point from its key figures. Chart
strings are not paragraph markup, so they take text as it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from lendready.domain.engine import formatting
from lendready.domain.engine.status import rating_word
from lendready.report.styles import (
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    RATING_COLOURS,
    RULE,
    SHADE,
    clean,
    text_on,
)

RISK_STEPS = {"green": 1, "amber": 2, "red": 3}


def fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis so it fits ``width`` points."""
    text = clean(text)
    if stringWidth(text, font, size) <= width:
        return text
    # The longest start that fits with the ellipsis: widths only grow with the length, so a binary
    # search finds the same one as trimming a character at a time (which costs the square of the
    # length: minutes for a name of a hundred thousand characters, on every page).
    low, high = 0, len(text) - 1  # text[:low] + "…" fits (or low is 0); text[:high + 1] + "…" does not
    while low < high:
        mid = (low + high + 1) // 2
        if stringWidth(text[:mid] + "…", font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"


def two_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` on one line if it fits, else broken at a space onto two (the second cut if need be)."""
    if stringWidth(text, font, size) <= width:
        return [text]
    words = text.split(" ")
    first = words[0]
    for i in range(1, len(words)):
        candidate = " ".join(words[: i + 1])
        if stringWidth(candidate, font, size) > width:
            return [fit(first, font, size, width), fit(" ".join(words[i:]), font, size, width)]
        first = candidate
    return [fit(text, font, size, width)]


class AreaBar(NamedTuple):
    title: str
    rating: str
    note: str
    """Shown at the right: how many findings, or how many key questions are unanswered."""


def area_chart(rows: Sequence[AreaBar], width: float) -> Drawing:
    row_h, gap, top = 19.0, 5.0, 16.0
    # Columns as wide as their words (a founder's area titles are longer, and wrap onto two lines), the
    # scale keeping room for "Serious concern" inside a third of it.
    note_w = min(112.0, max([40.0, *(stringWidth(r.note, FONT, 7.2) + 2 for r in rows)]))
    label_room = width - note_w - 12 - 3 * stringWidth(rating_word("red") + "  ", FONT_BOLD, 8) - 30
    label_w = min(label_room, max([150.0, *(stringWidth(r.title, FONT, 8.5) / 2 + 24 for r in rows)]))
    scale_x = label_w + 6
    scale_w = width - scale_x - note_w - 6
    height = top + len(rows) * (row_h + gap)
    d = Drawing(width, height)
    # Scale header: the three steps of risk.
    step_w = scale_w / 3
    for i, word in enumerate(rating_word(r) for r in ("green", "amber", "red")):
        d.add(String(scale_x + step_w * (i + 0.5), height - 10, word, fontName=FONT, fontSize=7,
                     fillColor=MUTED, textAnchor="middle"))
    for i in range(4):
        x = scale_x + step_w * i
        d.add(Line(x, 0, x, height - top + 2, strokeColor=RULE, strokeWidth=0.5, strokeDashArray=[1, 2]))
    for i, row in enumerate(rows):
        y = height - top - (i + 1) * (row_h + gap) + gap
        lines = two_lines(row.title, FONT, 8.5, label_w)
        for n, line in enumerate(lines):  # one line centred on the bar, or two filling its height
            base = y + row_h / 2 - 3 + (4.6 if n == 0 else -4.6) * (len(lines) - 1)
            d.add(String(0, base, line, fontName=FONT, fontSize=8.5, fillColor=INK))
        rating = row.rating if row.rating in RATING_COLOURS else "unknown"
        hex_code = RATING_COLOURS[rating]
        word = rating_word(rating)
        if rating in RISK_STEPS:
            bar_w = step_w * RISK_STEPS[rating]
            d.add(Rect(scale_x, y, bar_w, row_h, fillColor=colors.HexColor(hex_code), strokeColor=None))
            d.add(String(scale_x + bar_w - 5, y + row_h / 2 - 3, word, fontName=FONT_BOLD, fontSize=8,
                         fillColor=text_on(hex_code), textAnchor="end"))
        else:
            d.add(Rect(scale_x, y, scale_w, row_h, fillColor=SHADE, strokeColor=colors.HexColor(hex_code),
                       strokeWidth=0.8, strokeDashArray=[3, 2]))
            d.add(String(scale_x + 6, y + row_h / 2 - 3, word, fontName=FONT_BOLD, fontSize=8,
                         fillColor=colors.HexColor(hex_code)))
        d.add(String(width, y + row_h / 2 - 3, fit(row.note, FONT, 7.2, note_w), fontName=FONT, fontSize=7.2,
                     fillColor=MUTED, textAnchor="end"))
    return d


class Series(NamedTuple):
    label: str
    values: Sequence[float]
    colour: str
    dash: Sequence[float] | None = None
    """The line's dash pattern (on, off, …); None draws it solid and thicker, as the main case."""


# Line styles for the scenarios after the main case: a colour and a dash pattern each, so that
# lines stay apart in grey print and for readers who do not tell the colours apart.
SCENARIO_STYLES: tuple[tuple[str, tuple[float, ...]], ...] = (
    ("#e69f00", (4, 2)),
    ("#c62828", (6, 2, 1.5, 2)),
    ("#009e73", (1.5, 1.5)),
    ("#7b3fa0", (8, 3)),
    ("#56b4e9", (3, 1.5, 1, 1.5, 1, 1.5)),
    ("#6d4c41", (2, 3)),
    ("#7f7f7f", (10, 2, 2, 2)),
)


def scenario_style(i: int) -> tuple[str, tuple[float, ...]]:
    """Colour and dash pattern of the ``i``-th scenario line (0-based, after the main case)."""
    return SCENARIO_STYLES[i % len(SCENARIO_STYLES)]


LEGEND_SIZE, LEGEND_ROW, LEGEND_SAMPLE = 7.2, 11.0, 20.0


def _legend_layout(series: Sequence[Series], width: float) -> list[tuple[float, int, str]]:
    """(x, row, fitted label) for each legend entry, wrapped to ``width``."""
    out = []
    x, row = 0.0, 0
    for s in series:
        label = fit(s.label, FONT, LEGEND_SIZE, width - LEGEND_SAMPLE - 4)
        w = LEGEND_SAMPLE + 4 + stringWidth(label, FONT, LEGEND_SIZE)
        if x > 0 and x + w > width:
            x, row = 0.0, row + 1
        out.append((x, row, label))
        x += w + 14
    return out


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = []
    v = start
    while v < high + step * 0.999:
        ticks.append(round(v, 6))
        v += step
    return ticks


def cashflow_chart(
    months: Sequence[str],
    series: Sequence[Series],
    lowest: tuple[str, float] | None,
    width: float,
    height: float = 230.0,
) -> Drawing:
    """Month-end cash per scenario; ``lowest`` (month, value) is marked on the first series.

    ``height`` is for a one-row legend; the drawing grows by any further legend rows.
    """
    n = len(months)
    if n == 0 or not series:
        return Drawing(width, height)
    legend = _legend_layout(series, width - 70.0)
    legend_h = 5.0 + LEGEND_ROW * (legend[-1][1] + 1)
    height += legend_h - 16.0
    d = Drawing(width, height)
    left, right, bottom, top = 62.0, 8.0, 30.0, legend_h + 8.0
    plot_w, plot_h = width - left - right, height - bottom - top
    every = [v for s in series for v in s.values]
    low, high = min(min(every), 0.0), max(max(every), 0.0)
    pad = (high - low) * 0.06 or abs(high) * 0.1 or 1.0
    ticks = nice_ticks(low - (pad if low < 0 else 0), high + pad, count=6)
    y_min, y_max = ticks[0], ticks[-1]

    def x_at(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y_at(v: float) -> float:
        return bottom + plot_h * (v - y_min) / (y_max - y_min)

    # Frame, grid and y labels.
    d.add(Rect(left, bottom, plot_w, plot_h, fillColor=None, strokeColor=RULE, strokeWidth=0.6))
    if y_min < 0:
        d.add(Rect(left, bottom, plot_w, y_at(0) - bottom, fillColor=colors.HexColor("#fdecea"),
                   strokeColor=None))
    for t in ticks:
        y = y_at(t)
        if t != 0:
            d.add(Line(left, y, left + plot_w, y, strokeColor=RULE, strokeWidth=0.4, strokeDashArray=[1, 2]))
        d.add(String(left - 4, y - 2.5, formatting.money(t), fontName=FONT, fontSize=6.8, fillColor=MUTED,
                     textAnchor="end"))
    # The zero line: below it the organisation cannot pay its bills.
    zero = y_at(0)
    d.add(Line(left, zero, left + plot_w, zero, strokeColor=colors.HexColor(RATING_COLOURS["red"]),
               strokeWidth=1.1))
    # Named beside the axis, under its £0, where no scenario line can run over it.
    d.add(String(left - 4, zero - 9.5, "zero cash", fontName=FONT, fontSize=6.3,
                 fillColor=colors.HexColor(RATING_COLOURS["red"]), textAnchor="end"))
    # Month labels, thinned to about twelve.
    step = max(1, math.ceil(n / 12))
    for i in range(0, n, step):
        d.add(Line(x_at(i), bottom, x_at(i), bottom - 3, strokeColor=MUTED, strokeWidth=0.5))
        d.add(String(x_at(i), bottom - 11, clean(formatting.month_label(months[i])), fontName=FONT, fontSize=6.5, fillColor=MUTED,
                     textAnchor="middle"))
    caption = "Month-end cash after the new loan's repayments, without the loan itself"
    d.add(String(left + plot_w / 2, 2, caption,
                 fontName=FONT, fontSize=7, fillColor=MUTED, textAnchor="middle"))
    # Lines, drawn in reverse so the main case sits on top.
    for s in reversed(series):
        points: list[float] = []
        for i, v in enumerate(s.values):
            points += [x_at(i), y_at(v)]
        d.add(PolyLine(points, strokeColor=colors.HexColor(s.colour), strokeWidth=1.2 if s.dash else 1.8,
                       strokeDashArray=list(s.dash) if s.dash else None, strokeLineJoin=1))
    main = series[0]
    for i, v in enumerate(main.values):
        d.add(Circle(x_at(i), y_at(v), 1.6, fillColor=colors.HexColor(main.colour), strokeColor=None))
    # The lowest month, from the Assessment.
    if lowest is not None and lowest[0] in months:
        i = list(months).index(lowest[0])
        x, y = x_at(i), y_at(lowest[1])
        d.add(Circle(x, y, 4.2, fillColor=None, strokeColor=INK, strokeWidth=1.2))
        text = f"Lowest: {formatting.money(lowest[1])} in {clean(formatting.month_label(lowest[0]))}"
        w = stringWidth(text, FONT_BOLD, 7.2)
        tx = min(max(x - w / 2, left + 2), left + plot_w - w - 2)
        ty = y - 14 if y - 14 > bottom + 2 else y + 8
        if ty + 8 > bottom + plot_h:
            ty = y - 14
        d.add(Rect(tx - 2, ty - 2.5, w + 4, 10, fillColor=colors.white, strokeColor=None, fillOpacity=0.85))
        d.add(String(tx, ty, text, fontName=FONT_BOLD, fontSize=7.2, fillColor=INK))
    # Legend, wrapped onto as many rows as it needs above the plot.
    for s, (x, row, label) in zip(series, legend):
        lx, ly = left + x, height - 9 - row * LEGEND_ROW
        d.add(Line(lx, ly + 2.5, lx + LEGEND_SAMPLE, ly + 2.5, strokeColor=colors.HexColor(s.colour),
                   strokeWidth=1.4 if s.dash else 1.8, strokeDashArray=list(s.dash) if s.dash else None))
        d.add(String(lx + LEGEND_SAMPLE + 4, ly, label, fontName=FONT, fontSize=LEGEND_SIZE, fillColor=INK))
    return d
