"""Reading a cashflow forecast from a spreadsheet file: CSV, XLSX, XLS or ODS.

The same all-or-nothing reading as a paste (``forecast_paste``), with the
cells addressed as the spreadsheet shows them: rows numbered from 1 as in the
sheet (empty rows above the forecast count), columns as letters. Workbook cells
arrive typed: a date stands for its month, a number is the amount; everything
else is read as text with the paste's rules ("£1,234", "Jan 2027").

CSV is split by the paste's rules too (tabs; otherwise semicolons or commas,
whichever splits the lines into a consistent number of columns, quotes
respected), after decoding as UTF-8 (with or without a byte-order mark) or,
failing that, Windows-1252, which is how Excel saves "CSV" in Britain.

The file is read only if it is a regular file within the size limit
(``safe_read``: a FIFO or device never blocks the app), and a workbook only
after ``workbook_check`` has measured it: python-calamine aborts the process on
a workbook whose cells span too much, so such a file must never reach it.
Nothing here keeps state, so the GUI may call it from a worker thread.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from lendready.domain.files.forecast_paste import (
    MAX_ROWS,
    PasteResult,
    _separator,
    _split,
    ambiguous_marks,
    read_forecast_rows,
)
from lendready.domain.files.safe_read import UnreadableFile, read_regular
from lendready.domain.files.workbook_check import Refused, check_sheet, check_workbook

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_SHEET_ROWS = 1000  # far more than a forecast; a sheet is read no further
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")  # .xlsb is recognised only to be refused
FILE_FILTER = "Spreadsheets (*.csv *.xlsx *.xls *.ods *.xlsm *.tsv *.txt)"
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old .xls


class ImportResult(NamedTuple):
    """The rows read, or (never both) the reasons nothing was taken.

    ``sheet_used`` is the sheet read (None for CSV or when none could be);
    ``sheets`` lists the workbook's sheets, so a caller can offer a choice.
    """

    rows: list[dict[str, Any]]
    problems: list[str]
    sheet_used: str | None = None
    sheets: tuple[str, ...] = ()


def column_letters(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA", as spreadsheets name columns."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def _not_spreadsheet(path: Path, why: str = "") -> str:
    detail = f" ({why})" if why else ""
    return (
        f"{path.name} is not a spreadsheet lendready can read{detail}; save the forecast as "
        ".xlsx, .ods or .csv and import that"
    )


def read_forecast_file(path: str | Path, sheet: str | None = None, max_rows: int = MAX_ROWS) -> ImportResult:
    """Rows {"month", "receipts", "payments"} from a spreadsheet file, or every reason it cannot be read."""
    p = Path(path)
    try:
        raw = read_regular(p, MAX_FILE_BYTES, "spreadsheet")
    except UnreadableFile as exc:
        return ImportResult([], [str(exc)])

    if raw.startswith((_ZIP, _OLE)):
        return _read_workbook(p, raw, sheet, max_rows)
    if p.suffix.lower() in WORKBOOK_SUFFIXES:
        return ImportResult([], [_not_spreadsheet(p, f"it does not hold {p.suffix.lower()} data")])
    return _read_csv(p, raw, sheet, max_rows)


def _read_rows(
    numbered: list[tuple[int, list[str]]], max_rows: int, commas: bool = False, ambiguous: str = "",
    unread: int = 0,
) -> PasteResult:
    """The paste's reading, after dropping empty columns left of the forecast (a sheet may start at B)."""
    offset = min(next(i for i, c in enumerate(cells) if c.strip()) for _, cells in numbered)
    trimmed = [(n, cells[offset:]) for n, cells in numbered]
    return read_forecast_rows(
        trimmed, max_rows, commas=commas, column_name=lambda i: column_letters(i + offset), source="sheet",
        ambiguous=ambiguous, unread=unread,
    )


# -- CSV ---------------------------------------------------------------------------------------


def _decode(raw: bytes) -> str | None:
    if b"\x00" in raw:
        return None  # binary, or UTF-16, which no spreadsheet's CSV export produces by default
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _read_csv(p: Path, raw: bytes, sheet: str | None, max_rows: int) -> ImportResult:
    text = _decode(raw)
    if text is None:
        return ImportResult([], [_not_spreadsheet(p, "it is not text, nor a workbook")])
    if sheet is not None:
        return ImportResult([], [f"{p.name} is a CSV file, which has no sheets; import it without choosing one"])
    sep = _separator(text)
    numbered: list[tuple[int, list[str]]] = []
    unread = 0
    for n, line in enumerate(text.splitlines(), start=1):
        if len(numbered) >= MAX_SHEET_ROWS:  # read no further than a sheet is; only count the rest
            unread += bool(line.strip(" \t;,\"'"))
            continue
        cells = _split(line, sep)
        if any(c.strip() for c in cells):
            numbered.append((n, cells))
    if not numbered:
        return ImportResult([], [f"{p.name} is empty; it needs the month, receipts and payments columns"])
    result = _read_rows(numbered, max_rows, commas=sep == ",", ambiguous=ambiguous_marks(sep), unread=unread)
    return ImportResult(result.rows, result.problems)


# -- workbooks ---------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """A typed workbook cell as the text the paste rules read."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):  # before numbers: a bool is an int
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")  # never an exponent: 1e-05 -> 0.00001
    return str(value)


def _is_fatal(exc: BaseException) -> bool:
    """An interrupt or exit must pass; anything else from calamine (including the PanicException a Rust
    panic becomes, which is a BaseException) only means this file cannot be read."""
    return isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError))


def _read_workbook(p: Path, raw: bytes, sheet: str | None, max_rows: int) -> ImportResult:
    from python_calamine import CalamineWorkbook  # imported here: only import needs it

    try:
        checked = check_workbook(p.name, raw)
    except Refused as exc:
        return ImportResult([], [str(exc)])
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(checked.data))
    except BaseException as exc:
        if _is_fatal(exc):
            raise
        return ImportResult([], [_not_spreadsheet(p, _calamine_reason(exc) or "it is damaged")])
    try:
        names, visible = _sheet_names(book)
        if not names:
            return ImportResult([], [_not_spreadsheet(p, "it has no sheets")])
        if sheet is None:
            name = visible[0]
        elif sheet in names:
            name = sheet
        else:
            listed = ", ".join(f"'{n}'" for n in visible)
            return ImportResult([], [f"{p.name} has no sheet called '{sheet}'; its sheets are {listed}"],
                                None, visible)
        try:
            check_sheet(checked, p.name, name)
        except Refused as exc:
            return ImportResult([], [str(exc)], name, visible)
        try:
            grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=MAX_SHEET_ROWS)
        except BaseException as exc:
            if _is_fatal(exc):
                raise
            reason = _calamine_reason(exc)
            return ImportResult([], [f"cannot read the sheet '{name}' of {p.name} ({reason})"], name, visible)
    finally:
        with contextlib.suppress(Exception):  # closing is best effort; already closed is fine
            book.close()

    numbered = [(n, [_cell_text(c) for c in cells]) for n, cells in enumerate(grid, start=1)]
    numbered = [(n, cells) for n, cells in numbered if any(c.strip() for c in cells)]
    if not numbered:
        return ImportResult([], [
            f"The sheet '{name}' of {p.name} is empty; it needs the month, receipts and payments columns"
        ], name, visible)
    result = _read_rows(numbered, max_rows)
    return ImportResult(result.rows, result.problems, name, visible)


def _sheet_names(book: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """All the sheets, and the visible worksheets (all of them if calamine cannot tell)."""
    names = tuple(str(n) for n in book.sheet_names)
    try:
        visible = tuple(
            m.name for m in book.sheets_metadata
            if m.visible.name == "Visible" and m.typ.name == "WorkSheet"
        ) or names
    except Exception:
        visible = names
    return names, visible


def _calamine_reason(exc: BaseException) -> str:
    """calamine's own words, kept short and with any control characters made visible."""
    from lendready.domain.files.outside_text import for_display

    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return for_display(text[:120])
