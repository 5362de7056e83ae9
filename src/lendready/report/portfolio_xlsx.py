"""A portfolio screen as an XLSX workbook or a CSV file: a renderer of a :class:`Portfolio`.

It formats and never computes: every band, rating, figure, count and sizing comes from the
domain's rows and summary (``lendready.domain.screening``). The workbook has a "Cases" sheet,
one row per case (header frozen, autofilter on, each rating's cell in its colour, figures as
real numbers with a £ or ratio format, dates as dd/mm/yyyy), and a "Summary" sheet with the
counts by band and by legal form and a chart of cases by band. The CSV holds the same columns.

Text from a case (an organisation's name, a file's name) is data, never a formula: in the
workbook every text cell is written with ``write_string``; in the CSV a cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'`` so a spreadsheet
opening it shows the text instead of running it. Both files are written atomically (a
temporary file beside the target, then renamed over it).
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from lendready.domain.engine import formatting
from lendready.domain.engine.status import RATING_COLOURS
from lendready.domain.files.case_file import atomic_write
from lendready.domain.screening import Portfolio, ScreenRow

CASES_SHEET = "Cases"
SUMMARY_SHEET = "Summary"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
MONEY_FORMAT = '"£"#,##0;"−£"#,##0'
DATE_FORMAT = "dd/mm/yyyy"
NUMBER_FORMATS = {"gbp": MONEY_FORMAT, "ratio": "0.00", "percent": '0.0"%"', "months": "0.0", "count": "0"}
NOT_THE_PROBLEM = "n/a: the amount is not the problem"
NO_TERM = "none from 12 months to 30 years"


class Cell(NamedTuple):
    """One cell as the writers see it: its kind decides the format, the value is the domain's."""

    kind: str
    """``text``, ``gbp``, ``ratio``, ``percent``, ``months``, ``count``, ``date``, ``rating`` or ``band``."""
    value: Any
    code: str | None = None
    """For a rating or a band: its code, which picks the colour."""


BLANK = Cell("text", None)


def headers(p: Portfolio) -> list[str]:
    out = ["File", "Organisation", "Legal form", "Band"]
    out += [f"{area.title} rating" for area in p.areas]
    for figure in p.figures:
        unit = {"gbp": " (£)", "percent": " (%)"}.get(figure.unit, "")
        out.append(figure.title + unit)
        if figure.id == "lowest_forecast_cash":
            out.append("Month of lowest cash")
    out += ["Loan asked (£)", "Term asked (months)", "Largest amount, no new red (£)",
            "Comfortable amount (£)", "Shortest term for the amount asked (months)", "Loan sizing",
            "Findings (not counting notes)"]
    out += [f"Finding {i}" for i in range(1, 4)]
    out += ["Last saved", "Status"]
    return out


def _figure_cells(row: ScreenRow, p: Portfolio) -> list[Cell]:
    out: list[Cell] = []
    shown = {f.id: f for f in row.figures}
    for column in p.figures:
        figure = shown.get(column.id)
        if figure is None:
            out.append(BLANK)
        elif figure.value is None:
            out.append(Cell("text", f"n/a ({figure.reason})" if figure.reason else "n/a"))
        elif figure.negative_earnings:
            out.append(Cell("text", formatting.NEGATIVE_EARNINGS))
        else:
            kind = column.unit if column.unit in NUMBER_FORMATS else "ratio"
            out.append(Cell(kind, figure.value))
        if column.id == "lowest_forecast_cash":
            month = figure.month if figure is not None else None
            out.append(Cell("text", formatting.month_label(month) if month else None))
    return out


def cells(row: ScreenRow, p: Portfolio) -> list[Cell]:
    """The row's cells, in :func:`headers` order."""
    if not row.assessed:
        width = len(headers(p))
        return [Cell("text", row.source)] + [BLANK] * (width - 2) + [Cell("text", row.status)]
    out = [Cell("text", row.source), Cell("text", row.organisation), Cell("text", row.legal_form_label),
           Cell("band", row.band_label, row.band)]
    out += [Cell("rating", word, code) for word, code in zip(row.rating_words, row.ratings)]
    out += _figure_cells(row, p)
    out += [Cell("gbp", row.loan_amount), Cell("count", row.loan_term_months)]
    s = row.sizing
    if s is None:
        out += [BLANK] * 4
    else:
        if s.amount_is_not_the_problem:
            out += [Cell("text", NOT_THE_PROBLEM)] * 2
        else:
            out += [Cell("gbp", s.max_amount), Cell("gbp", s.comfortable_amount)]
        out.append(Cell("count", s.shortest_term_months) if s.shortest_term_months is not None
                   else Cell("text", NO_TERM))
        out.append(Cell("text", s.summary))
    out.append(Cell("count", row.findings_count))
    findings = [Cell("text", f"{f.severity_word}: {f.title}") for f in row.top_findings]
    out += (findings + [BLANK] * 3)[:3]
    out += [Cell("date", row.saved), Cell("text", row.status)]
    return out


# ---------------------------------------------------------------------------
# CSV


def csv_safe(text: str) -> str:
    """Text a spreadsheet will show, not run: a leading formula character gets a ``'`` before it."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _whole_pounds(value: float) -> int:
    exact = Decimal(value) if isinstance(value, int) else Decimal(repr(float(value)))
    return int(exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _csv_value(cell: Cell) -> str | int:
    v = cell.value
    if v is None:
        return ""
    if cell.kind == "date":
        return formatting.date_label(v)
    if cell.kind == "gbp":
        return _whole_pounds(v)
    if cell.kind == "count":
        return int(v)
    if cell.kind in ("ratio", "percent", "months"):
        return f"{float(v):.2f}"
    return csv_safe(str(v))


def csv_text(p: Portfolio) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(h) for h in headers(p)])
    for row in p.rows:
        writer.writerow([_csv_value(c) for c in cells(row, p)])
    return buffer.getvalue()


def write_csv(p: Portfolio, path: str | os.PathLike[str]) -> None:
    """The CSV, UTF-8 with a byte-order mark (so Excel reads £ right), written atomically."""
    atomic_write(path, csv_text(p).encode("utf-8-sig"))


# ---------------------------------------------------------------------------
# XLSX


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_colour(background: str) -> str:
    """White or near-black, whichever has the greater contrast on ``background``."""
    bg = _luminance(background)
    white = 1.05 / (bg + 0.05)
    dark = (bg + 0.05) / (_luminance("#1a1a1a") + 0.05)
    return "#ffffff" if white >= dark else "#1a1a1a"


COLUMN_WIDTHS = {"File": 36, "Organisation": 34, "Legal form": 30, "Band": 14, "Loan sizing": 60,
                 "Finding 1": 50, "Finding 2": 50, "Finding 3": 50, "Status": 40, "Last saved": 12}


CONSTANT_MEMORY_ROWS = 20_000
"""From this many rows XlsxWriter streams each row to disk as it is written (memory stays flat);
below it, shared strings make the file smaller and the write about a quarter faster."""


def xlsx_bytes(p: Portfolio) -> bytes:
    """The workbook's bytes. Every sheet is written row by row, in order, so constant-memory mode works."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {
        "constant_memory": len(p.rows) >= CONSTANT_MEMORY_ROWS, "strings_to_formulas": False,
        "strings_to_urls": False, "strings_to_numbers": False,
    })
    formats: dict[str, Any] = {kind: book.add_format({"num_format": f}) for kind, f in NUMBER_FORMATS.items()}
    formats["date"] = book.add_format({"num_format": DATE_FORMAT, "align": "left"})
    coloured: dict[str, Any] = {}

    def fill(colour: str | None) -> Any:
        if not colour:
            return None
        if colour not in coloured:
            coloured[colour] = book.add_format({"bg_color": colour, "font_color": text_colour(colour), "bold": True})
        return coloured[colour]

    band_colours = {c.id: c.colour for c in p.by_band if c.id is not None and c.colour}
    header_format = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#e8eaed",
                                     "bottom": 1})

    sheet = book.add_worksheet(CASES_SHEET)
    names = headers(p)
    for col, name in enumerate(names):
        sheet.set_column(col, col, COLUMN_WIDTHS.get(name, 16))
    sheet.set_row(0, 48)
    for col, name in enumerate(names):
        sheet.write_string(0, col, name, header_format)
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, max(1, len(p.rows)), len(names) - 1)
    for r, row in enumerate(p.rows, start=1):
        for col, cell in enumerate(cells(row, p)):
            _write(sheet, r, col, cell, formats, fill, band_colours)

    _summary(book, p, header_format, formats, fill)
    book.close()
    return buffer.getvalue()


def _write(sheet: Any, r: int, col: int, cell: Cell, formats: dict[str, Any], fill: Any,
           band_colours: dict[str, str]) -> None:
    v = cell.value
    if v is None:
        return
    if cell.kind == "date":
        sheet.write_datetime(r, col, datetime(v.year, v.month, v.day), formats["date"])
    elif cell.kind in NUMBER_FORMATS:
        sheet.write_number(r, col, v, formats[cell.kind])
    elif cell.kind == "rating":
        sheet.write_string(r, col, str(v), fill(RATING_COLOURS.get(cell.code or "", RATING_COLOURS["unknown"])))
    elif cell.kind == "band":
        sheet.write_string(r, col, str(v), fill(band_colours.get(cell.code or "")))
    else:
        sheet.write_string(r, col, str(v))


def _summary(book: Any, p: Portfolio, header_format: Any, formats: dict[str, Any], fill: Any) -> None:
    sheet = book.add_worksheet(SUMMARY_SHEET)
    sheet.set_column(0, 0, 52)
    sheet.set_column(1, 1, 14)
    bold = book.add_format({"bold": True, "font_size": 13})
    sheet.write_string(0, 0, "Portfolio screening", bold)
    facts: list[tuple[str, Any]] = [
        ("Assessed as at", p.as_of), ("Rules", p.rules_version), ("lendready", p.lendready_version),
        ("Cases", p.total), ("Assessed", p.assessed), ("Could not be read", p.unreadable),
    ]
    r = 1
    for label, value in facts:
        sheet.write_string(r, 0, label)
        if isinstance(value, date):
            sheet.write_datetime(r, 1, datetime(value.year, value.month, value.day), formats["date"])
        elif isinstance(value, int):
            sheet.write_number(r, 1, value, formats["count"])
        else:
            sheet.write_string(r, 1, str(value))
        r += 1
    r += 1
    sheet.write_string(r, 0, "Band", header_format)
    sheet.write_string(r, 1, "Cases", header_format)
    first_band = r + 1
    for count in p.by_band:
        r += 1
        style = fill(count.colour)
        if style is not None:
            sheet.write_string(r, 0, count.label, style)
        else:
            sheet.write_string(r, 0, count.label)
        sheet.write_number(r, 1, count.cases, formats["count"])
    last_band = r
    r += 2
    sheet.write_string(r, 0, "Legal form (assessed cases)", header_format)
    sheet.write_string(r, 1, "Cases", header_format)
    for count in p.by_legal_form:
        r += 1
        sheet.write_string(r, 0, count.label)
        sheet.write_number(r, 1, count.cases, formats["count"])

    chart = book.add_chart({"type": "column"})
    chart.add_series({
        "name": "Cases",
        "categories": [SUMMARY_SHEET, first_band, 0, last_band, 0],
        "values": [SUMMARY_SHEET, first_band, 1, last_band, 1],
        "points": [{"fill": {"color": c.colour or "#9e9e9e"}} for c in p.by_band],
        "data_labels": {"value": True},
    })
    chart.set_title({"name": "Cases by band"})
    chart.set_legend({"none": True})
    chart.set_x_axis({"name": "Band"})
    chart.set_y_axis({"name": "Cases", "min": 0})
    sheet.insert_chart(1, 3, chart, {"x_scale": 1.3, "y_scale": 1.2})


def write_xlsx(p: Portfolio, path: str | os.PathLike[str]) -> None:
    atomic_write(path, xlsx_bytes(p))


def write_portfolio(p: Portfolio, path: str | os.PathLike[str]) -> None:
    """XLSX or CSV by the file's extension (``.xlsx`` or ``.csv``); ValueError for any other."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix == ".xlsx":
        write_xlsx(p, path)
    elif suffix == ".csv":
        write_csv(p, path)
    else:
        raise ValueError(f"a portfolio is written as .xlsx or .csv, not {suffix or 'a file without an extension'}")


__all__ = ["Cell", "cells", "csv_safe", "csv_text", "headers", "write_csv", "write_portfolio", "write_xlsx",
           "xlsx_bytes"]
