"""Reading a cashflow forecast pasted from a spreadsheet.

Founders keep their forecast in Excel, LibreOffice or Google Sheets; retyping
36 months of figures is where mistakes creep in, so lendready takes the block
straight from the clipboard. A wrong figure in a forecast is worse than no
forecast, so the paste is all or nothing: if any cell cannot be read, no row is
taken and every problem is listed by row and column as the user sees them in
the pasted block (row 1 is the first line pasted, the header if there is one).

How the text is split into columns, in this order:

* Any tab in the text: every line is split on tabs. This is what every
  spreadsheet puts on the clipboard, and it leaves commas to be what they are
  in a British spreadsheet: thousands separators ("£1,234").
* Otherwise semicolons or commas, whichever splits the most lines into one
  and the same number of columns (two or more); on a tie, semicolons, since a
  comma can be part of a figure and a semicolon never is. So one semicolon in a
  note does not turn a comma CSV into a semicolon one. A semicolon file is what
  a spreadsheet writes where the comma is the decimal mark, so there a figure
  such as "12.500" or "12,500" could mean twelve and a half or twelve thousand
  five hundred: it is reported with both readings, never guessed at (nor is a
  decimal comma, "1234,50"). With tabs, the comma groups thousands as above,
  but "12.500" is reported the same way, since a spreadsheet that groups
  thousands with full stops copies it so.
* With commas: CSV, quotes respected, so ``"£1,234"`` is one cell. An
  unquoted thousands separator in CSV is ambiguous, so a line is read with its
  commas as separators only where that is the one reading that gives the
  expected number of columns; "2027-01,1,234,567" could be £1 and £234,567 or
  £1,234 and £567, and is reported rather than guessed.

Only the month, receipts and payments columns are read; others (net, running
cash) are ignored, because lendready works those out itself. Whether months
are consecutive and 12 to 36 of them is left to the questionnaire's own check
once the rows are the answer, so the user sees one wording for it wherever the
forecast came from.

At most ``MAX_PROBLEMS`` problems are listed, then one line counting the rest,
so a file of 400,000 bad rows gives a readable answer in the window and in the
terminal alike.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from lendready.domain.engine.questionnaire import MAX_MAGNITUDE

MAX_ROWS = 36
MAX_PROBLEMS = 20
ROLES = ("month", "receipts", "payments")

_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)
_MINUSES = "-\u2212\u2013"  # hyphen, minus sign, en dash
_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_NUMBER = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")
_TIME = re.compile(r"[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")

# Month patterns, tried in order on lower-cased text with spaces collapsed.
_Y_M = re.compile(r"(\d{4})[-/.](\d{1,2})")  # 2027-01, 2027/1
_M_Y = re.compile(r"(\d{1,2})[-/.](\d{4})")  # 01/2027, 1-2027
_Y_M_D = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")  # 2027-01-01
_D_M_Y = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})")  # 01/01/2027, British day first
_NAME_Y = re.compile(r"([a-z]+)\.?[ \-/']?(\d{4}|\d{2})")  # Jan 2027, January 2027, Jan-27
_D_NAME_Y = re.compile(r"(\d{1,2})[ \-]([a-z]+)\.?[ \-,]*(\d{4}|\d{2})")  # 1 Jan 2027, 01-Jan-27

# Header words. A column whose heading names a derived figure is never read.
_DERIVED = {"net", "balance", "running", "closing", "opening", "cumulative", "bank"}
_HEADER_WORDS = {
    "month": ({"month", "months", "period", "date", "mth"}, ()),
    "receipts": ({"receipts", "receipt", "income", "inflows", "inflow"}, ("cash in", "money in")),
    "payments": (
        {"payments", "payment", "expenditure", "expenditures", "outflows", "outflow", "expenses"},
        ("cash out", "money out"),
    ),
}
# "In" and "Out" name a column only when nothing else in its heading does ("In", "Total in", "Paid out"),
# so "Month (in YYYY-MM)" stays the month and "Payments in £" the payments; "Cash in/out", both ways at
# once, is a net figure and names neither.
_WEAK_HEADER_WORDS = {"receipts": {"in", "ins", "incoming"}, "payments": {"out", "outs", "outgoing", "outgoings"}}


class PasteResult(NamedTuple):
    """The rows read, or (never both) the reasons nothing was taken."""

    rows: list[dict[str, Any]]
    problems: list[str]


# -- single cells ----------------------------------------------------------------------------


def read_month(text: str) -> str | None:
    """A month as people write it in a spreadsheet -> ``"YYYY-MM"``; None if it is not one.

    A full date stands for its month, read day first as in Britain. A two-digit
    year is this century ("Jan-27" is how Excel shows January 2027).
    """
    s = _SPACES.sub(" ", text.strip().lower())
    s = _TIME.sub("", s).strip()
    year = month = None
    if m := _Y_M.fullmatch(s):
        year, month = int(m.group(1)), int(m.group(2))
    elif m := _M_Y.fullmatch(s):
        month, year = int(m.group(1)), int(m.group(2))
    elif m := _Y_M_D.fullmatch(s):
        year, month = _checked_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    elif m := _D_M_Y.fullmatch(s):
        year, month = _checked_date(_year(m.group(3)), int(m.group(2)), int(m.group(1)))
    elif m := _NAME_Y.fullmatch(s):
        year, month = _year(m.group(2)), _month_number(m.group(1))
    elif m := _D_NAME_Y.fullmatch(s):
        named = _month_number(m.group(2))
        year, month = _checked_date(_year(m.group(3)), named or 0, int(m.group(1)))
    if year is None or month is None or not 1 <= month <= 12 or not 1900 <= year <= 9999:
        return None
    return f"{year:04d}-{month:02d}"


def read_amount(text: str) -> int | float | None:
    """An amount in pounds as a spreadsheet shows it -> a number; None if it is not one.

    Accepts "£1,234", "1,234.50", "-£1,234", "£-1,234", "£45k", "1.2m" and the accountants'
    "(1,234)" for a negative; spaces anywhere are ignored. Commas must group
    thousands properly, so a decimal comma ("1234,50") is refused rather than
    read as 123,450.
    """
    s = _SPACES.sub("", text)
    if not s:
        return None
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    signs = 0
    for _ in range(2):  # a sign and a pound sign, in either order
        if s[:1] in _MINUSES or s[:1] == "+":
            negative = negative != (s[:1] != "+")
            signs, s = signs + 1, s[1:]
        if s[:3].lower() == "gbp":
            s = s[3:]
        elif s[:1] == "£":
            s = s[1:]
    if s[-1:].lower() in ("k", "m") and _NUMBER.fullmatch(s[:-1]):
        return _shorthand(text)
    if signs > 1 or (signs and text.strip().startswith("(")) or not _NUMBER.fullmatch(s):
        return None
    digits = s.replace(",", "")
    value: int | float = int(digits) if "." not in digits else float(digits)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if abs(value) > MAX_MAGNITUDE:
        return None
    return -value if negative and value else value


def _shorthand(text: str) -> int | float | None:
    """"£45k" or "1.2m", as people (and the samples' own notes) write round amounts; None if not one."""
    from lendready.domain.engine.formatting import NotReadable, parse_amount

    try:
        value = parse_amount(text)
    except NotReadable:
        return None
    return value if abs(value) <= MAX_MAGNITUDE else None


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _month_number(name: str) -> int | None:
    if len(name) < 3:
        return None
    for i, full in enumerate(_MONTH_NAMES, start=1):
        if full.startswith(name):
            return i
    return None


def _checked_date(year: int, month: int, day: int) -> tuple[int | None, int | None]:
    try:
        dt.date(year, month, day)
    except ValueError:
        return None, None
    return year, month


def _shown(cell: str) -> str:
    cell = cell.strip()
    return cell if len(cell) <= 30 else cell[:29] + "…"


def _month_problem(cell: str) -> str:
    if not cell.strip():
        return "the cell is empty; every row needs its month"
    if cell.strip().lower().startswith("total"):
        return f"'{_shown(cell)}' looks like a totals row; copy only the monthly rows"
    return f"'{_shown(cell)}' is not a month; write it for example as Aug 2027 or 08/2027"


_AMBIGUOUS = re.compile(r"([1-9]\d{0,2})([.,])(\d{3})")


def _bare(cell: str) -> str:
    """The digits and marks of an amount, without spaces, brackets, signs or pound signs."""
    s = _SPACES.sub("", cell).strip("()+" + _MINUSES)
    for prefix in ("£", "gbp", "GBP"):
        s = s.removeprefix(prefix)
    return s.strip("+" + _MINUSES)


def ambiguous_amount(cell: str, marks: str) -> str | None:
    """Why a figure such as "12.500" cannot be read, or None if it can.

    ``marks`` are the marks that, where the text came from, may group thousands
    as well as mark pence: a figure with one of them followed by exactly three
    digits then has two readings, and lendready never picks one.
    """
    m = _AMBIGUOUS.fullmatch(_bare(cell))
    if not marks or not m or m.group(2) not in marks:
        return None
    whole, frac = m.group(1), m.group(3)
    thousands = f"£{int(whole + frac):,}"
    pounds = f"£{whole}.{frac.rstrip('0') or '0'}"
    return (
        f"'{_shown(cell)}' could be {thousands} or {pounds}, since in this file the "
        f"{'full stop' if m.group(2) == '.' else 'comma'} may separate thousands or pence; write it without "
        f"thousands separators and with pence after a full stop: {whole}{frac} or {whole}.{frac[:2]}"
    )


def _amount_problem(cell: str, role: str) -> str:
    s = _SPACES.sub("", cell)
    if not s:
        return f"the cell is empty; enter 0 if there are no {role} that month"
    if s in {"-", "\u2212", "\u2013", "\u2014", "£-", "£\u2212"}:
        return f"'{_shown(cell)}' is not an amount; enter 0 if there are no {role} that month"
    bare = s.strip("()£+" + _MINUSES)
    if re.fullmatch(r"\d+,\d{1,2}", bare):
        return f"'{_shown(cell)}' is not an amount; write pence after a full stop, for example 1234.50"
    if _NUMBER.fullmatch(bare) and abs(float(bare.replace(",", ""))) > MAX_MAGNITUDE:
        return f"'{_shown(cell)}' is too large to be a real figure"
    return f"'{_shown(cell)}' is not an amount"


# -- splitting lines into cells --------------------------------------------------------------


def _separator(text: str) -> str:
    """Tabs if any; otherwise the one of semicolon and comma that splits the lines most consistently."""
    if "\t" in text:
        return "\t"
    if ";" not in text:
        return ","
    if "," not in text:
        return ";"
    lines = [line for line in re.split(r"\r\n|\r|\n", text) if line.strip()]
    semicolons, commas = _consistency(lines, ";"), _consistency(lines, ",")
    return "," if commas > semicolons else ";"


def _consistency(lines: list[str], sep: str) -> int:
    """How many lines split into the most common number of columns, counting only splits into two or more."""
    counts: dict[int, int] = {}
    for line in lines:
        if sep not in line:
            continue
        try:
            width = len(next(csv.reader([line], delimiter=sep, skipinitialspace=True), []))
        except csv.Error:
            continue
        if width >= 2:
            counts[width] = counts.get(width, 0) + 1
    return max(counts.values(), default=0)


def _split(line: str, sep: str) -> list[str]:
    if sep == "\t":
        return [_unquote(c) for c in line.split("\t")]
    try:
        return next(csv.reader([line], delimiter=sep, skipinitialspace=True), [])
    except csv.Error:  # a quoted cell longer than the csv module allows: read the line as it stands
        return line.split(sep)


def _unquote(cell: str) -> str:
    c = cell.strip()
    if len(c) >= 2 and c[0] == c[-1] == '"':
        return c[1:-1].replace('""', '"')
    return cell


_SIGN = r"[+\-\u2212\u2013]?"
_GROUP_START = re.compile(rf"\(?{_SIGN}\s*(?:£|gbp)?\s*{_SIGN}\s*\(?[1-9]\d{{0,2}}", re.IGNORECASE)
_LEADING_ZERO = re.compile(r"0\d+(?:\.\d+)?")  # "000" on its own is a stray thousands group
_GROUP_MIDDLE = re.compile(r"\d{3}")
_GROUP_END = re.compile(r"\d{3}(?:\.\d+)?\s*\)?")


def _comma_readings(cells: list[str], limit: int = 4) -> list[list[str]]:
    """Every way of gluing cells back together where a comma may have been a thousands separator."""
    if len(cells) > 24:  # far wider than a forecast; do not try every combination
        return [cells]
    out: list[list[str]] = []

    def walk(i: int, acc: list[str]) -> None:
        if len(out) >= limit * 8:
            return
        if i == len(cells):
            out.append(list(acc))
            return
        walk(i + 1, acc + [cells[i]])
        if _GROUP_START.fullmatch(cells[i].strip()):
            j = i + 1
            while j < len(cells):
                if _GROUP_END.fullmatch(cells[j]):
                    walk(j + 1, acc + [",".join(cells[i : j + 1])])
                if not _GROUP_MIDDLE.fullmatch(cells[j]):
                    break
                j += 1

    walk(0, [])
    return out


def _read_comma_line(cells: list[str], expected: int) -> list[str] | None:
    readings = _comma_readings(cells)
    if len(readings) > 1:
        readings = [r for r in readings if not any(_LEADING_ZERO.fullmatch(c.strip()) for c in r)] or readings
    if len(readings) == 1:
        return readings[0]
    fitting = [r for r in readings if len(r) == expected]
    return fitting[0] if len(fitting) == 1 else None


# -- the header ------------------------------------------------------------------------------


def _header_role(cell: str) -> str | None:
    words = re.sub(r"[^a-z]+", " ", cell.lower().replace("&", " and ")).split()
    if not words or _DERIVED & set(words):
        return None
    if all(set(words) & weak for weak in _WEAK_HEADER_WORDS.values()):
        return None  # "Cash in/out": money both ways, a net figure, not receipts or payments
    phrase = f" {' '.join(words)} "
    found = [
        role
        for role, (single, phrases) in _HEADER_WORDS.items()
        if set(words) & single or any(f" {p} " in phrase for p in phrases)
    ]
    if not found:
        found = [role for role, weak in _WEAK_HEADER_WORDS.items() if set(words) & weak]
    return found[0] if len(found) == 1 else None


def _is_header(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    if any(read_month(c) or read_amount(c) is not None for c in filled):
        return False
    return any(re.search(r"[A-Za-z]", c) for c in filled)


def _columns_from_header(
    cells: list[str], row: int, column_name: Callable[[int], str], without_header: str
) -> tuple[dict[str, int], list[str]]:
    candidates: dict[str, list[int]] = {role: [] for role in ROLES}
    for i, cell in enumerate(cells):
        role = _header_role(cell)
        if role:
            candidates[role].append(i)
    if not candidates["month"] and cells and not cells[0].strip():
        candidates["month"] = [0]  # the usual unlabelled column of row labels
    columns: dict[str, int] = {}
    problems: list[str] = []
    for role in ROLES:
        found = candidates[role]
        if len(found) > 1:
            totals = [i for i in found if "total" in cells[i].lower()]
            found = totals if len(totals) == 1 else found
        if len(found) == 1:
            columns[role] = found[0]
        elif not found:
            problems.append(
                f"Row {row} (the header): no {role} column; label the columns Month, Receipts and "
                f"Payments, or {without_header}"
            )
        else:
            listed = ", ".join(column_name(i) for i in found[:-1]) + f" and {column_name(found[-1])}"
            every = "both" if len(found) == 2 else "all"
            problems.append(
                f"Row {row} (the header): columns {listed} {every} look like {role}; copy a single "
                f"{role} column, such as the total"
            )
    return columns, problems


# -- the whole paste -------------------------------------------------------------------------


def ambiguous_marks(sep: str) -> str:
    """The marks that may group thousands or mark pence in text split on ``sep`` (see the module notes)."""
    return {";": ".,", "\t": "."}.get(sep, "")


def parse_forecast_text(text: str, max_rows: int = MAX_ROWS) -> PasteResult:
    """Rows {"month", "receipts", "payments"} from pasted text, or every reason it cannot be read."""
    lines = re.split(r"\r\n|\r|\n", text)
    sep = _separator(text)
    numbered = [(n, _split(line, sep)) for n, line in enumerate(lines, start=1)]
    numbered = [(n, cells) for n, cells in numbered if any(c.strip() for c in cells)]
    if not numbered:
        return PasteResult([], [
            "Nothing to paste: copy the month, receipts and payments columns in your spreadsheet first"
        ])
    return read_forecast_rows(numbered, max_rows, commas=sep == ",", ambiguous=ambiguous_marks(sep))


def capped(problems: list[tuple[int | None, str]], limit: int = MAX_PROBLEMS) -> list[str]:
    """The first ``limit`` problems, then one line counting the rows with the rest."""
    shown = [text for _, text in problems[:limit]]
    rest = problems[limit:]
    if rest:
        rows = len({row for row, _ in rest if row is not None})
        if rows == len(rest):
            shown.append(f"and {rows:,} more row{'s' if rows != 1 else ''} with problems")
        else:
            shown.append(f"and {len(rest):,} more problems in {rows:,} row{'s' if rows != 1 else ''}")
    return shown


def _column_number(index: int) -> str:
    return str(index + 1)


def read_forecast_rows(
    numbered: list[tuple[int, list[str]]],
    max_rows: int = MAX_ROWS,
    *,
    commas: bool = False,
    column_name: Callable[[int], str] = _column_number,
    source: str = "paste",
    ambiguous: str = "",
    unread: int = 0,
) -> PasteResult:
    """Rows from cells already split, each line with the row number the user sees; all or nothing.

    Shared by the paste and the file import. ``numbered`` holds only the lines
    with something in them; ``commas`` says the cells came from splitting on
    commas, so unquoted thousands separators must be glued back;
    ``column_name`` names a column as the user sees it (1, 2, 3 in a paste;
    A, B, C in a spreadsheet file); ``source`` is "paste" or "sheet";
    ``ambiguous`` the marks that may group thousands or mark pence
    (``ambiguous_marks``), so a figure such as "12.500" is refused with both
    readings. At most ``MAX_PROBLEMS`` problems are listed (``capped``).
    ``unread`` counts rows with content after those given, which the caller
    did not split (a file of 400,000 rows is refused for its length without
    the cost of reading every cell); they count towards the number of months.
    """
    first_row, first_cells = numbered[0]
    if sum(1 for c in first_cells if read_month(c)) >= 2:
        again = (
            "paste the block with Paste Special → Transpose, then copy it again"
            if source == "paste"
            else "copy the block, paste it with Paste Special → Transpose, save, then import again"
        )
        across = (
            f"Row {first_row} has months across the columns; lendready needs one month per row. "
            f"In the spreadsheet, {again}"
        )
        return PasteResult([], [across])
    problems: list[tuple[int | None, str]] = []
    columns = {role: i for i, role in enumerate(ROLES)}
    data = numbered
    expected = len(ROLES)
    if _is_header(first_cells):
        without_header = "paste the figures without a header" if source == "paste" else "delete the header row"
        columns, header_problems = _columns_from_header(first_cells, first_row, column_name, without_header)
        if header_problems:
            return PasteResult([], capped([(first_row, p) for p in header_problems]))
        data = numbered[1:]
        expected = len(first_cells)
        if not data:
            return PasteResult([], [f"Row {first_row} is a header with no months under it"])

    if len(data) + unread > max_rows:
        problems.append(
            (None, f"The {source} has {len(data) + unread:,} months; a forecast takes at most {max_rows}"))

    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row, cells in data:
        if commas:
            read = _read_comma_line(cells, expected)
            if read is None:
                problems.append((row,
                    f"Row {row}: cannot tell which commas separate columns and which separate "
                    "thousands; copy straight from the spreadsheet, or save the figures without "
                    "thousands separators"
                ))
                continue
            cells = read
        values: dict[str, Any] = {}
        for role in ROLES:
            col = columns[role]
            where = f"Row {row}, column {column_name(col)} ({role})"
            if col >= len(cells):
                problems.append((row, f"{where}: missing; copy the month, receipts and payments columns together"))
                continue
            cell = cells[col]
            value = read_month(cell) if role == "month" else read_amount(cell)
            two_readings = ambiguous_amount(cell, ambiguous) if role != "month" and ambiguous else None
            if two_readings:
                problems.append((row, f"{where}: {two_readings}"))
            elif value is None:
                reason = _month_problem(cell) if role == "month" else _amount_problem(cell, role)
                problems.append((row, f"{where}: {reason}"))
            elif role == "month" and value in seen:
                problems.append((row, f"{where}: {value} is also in row {seen[value]}; give each month once"))
            else:
                values[role] = value
                if role == "month":
                    seen[str(value)] = row
        if len(values) == len(ROLES):
            rows.append({role: values[role] for role in ROLES})
    if problems:
        shown = capped(problems)
        if unread:
            shown.append(f"the {unread:,} rows after row {data[-1][0]:,} were not checked")
        return PasteResult([], shown)
    return PasteResult(rows, [])
