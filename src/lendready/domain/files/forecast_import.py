"""Reading a cashflow forecast from a spreadsheet file: CSV, XLSX, XLS or ODS.

The same all-or-nothing reading as a paste (``forecast_paste``), with the
cells addressed as the spreadsheet shows them: rows numbered from 1 as in the
sheet (empty rows above the forecast count), columns as letters. Workbook cells
arrive typed: a date stands for its month, a number is the amount; everything
else is read as text with the paste's rules ("£1,234", "Jan 2027").

CSV is split by the paste's rules too (tabs, then semicolons, then commas with
quotes respected), after decoding as UTF-8 (with or without a byte-order mark)
or, failing that, Windows-1252, which is how Excel saves "CSV" in Britain.
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
    read_forecast_rows,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_SHEET_ROWS = 1000  # far more than a forecast; a sheet is read no further
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
FILE_FILTER = "Spreadsheets (*.csv *.xlsx *.xls *.ods)"
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
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            too_big = (
                f"{p.name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; a forecast is far smaller. "
                "Copy the forecast onto a sheet of its own and save that"
            )
            return ImportResult([], [too_big])
        with p.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        return ImportResult([], [f"{p} is a folder, not a spreadsheet"])
    except FileNotFoundError:
        return ImportResult([], [f"there is no file at {p}"])
    except PermissionError:
        return ImportResult([], [f"lendready is not allowed to read {p}"])
    except OSError as exc:
        return ImportResult([], [f"cannot read {p}: {exc.strerror or exc}"])

    if raw.startswith((_ZIP, _OLE)):
        return _read_workbook(p, raw, sheet, max_rows)
    if p.suffix.lower() in WORKBOOK_SUFFIXES:
        return ImportResult([], [_not_spreadsheet(p, f"it does not hold {p.suffix.lower()} data")])
    return _read_csv(p, raw, sheet, max_rows)


def _read_rows(numbered: list[tuple[int, list[str]]], max_rows: int, commas: bool = False) -> PasteResult:
    """The paste's reading, after dropping empty columns left of the forecast (a sheet may start at B)."""
    offset = min(next(i for i, c in enumerate(cells) if c.strip()) for _, cells in numbered)
    trimmed = [(n, cells[offset:]) for n, cells in numbered]
    return read_forecast_rows(
        trimmed, max_rows, commas=commas, column_name=lambda i: column_letters(i + offset), source="sheet"
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
    lines = text.splitlines()
    numbered = [(n, _split(line, sep)) for n, line in enumerate(lines, start=1)]
    numbered = [(n, cells) for n, cells in numbered if any(c.strip() for c in cells)]
    if not numbered:
        return ImportResult([], [f"{p.name} is empty; it needs the month, receipts and payments columns"])
    result = _read_rows(numbered, max_rows, commas=sep == ",")
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


def _read_workbook(p: Path, raw: bytes, sheet: str | None, max_rows: int) -> ImportResult:
    from python_calamine import CalamineError, CalamineWorkbook  # imported here: only import needs it

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except (CalamineError, ValueError, OSError) as exc:
        return ImportResult([], [_not_spreadsheet(p, str(exc) or "it is damaged")])
    try:
        names = tuple(book.sheet_names)
        try:
            visible = tuple(
                m.name for m in book.sheets_metadata
                if m.visible.name == "Visible" and m.typ.name == "WorkSheet"
            ) or names
        except (AttributeError, CalamineError):
            visible = names
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
            grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=MAX_SHEET_ROWS)
        except (CalamineError, ValueError) as exc:
            return ImportResult([], [f"cannot read the sheet '{name}' of {p.name} ({exc})"], name, visible)
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
