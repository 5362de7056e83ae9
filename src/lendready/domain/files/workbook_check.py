"""The pre-flight check of a workbook, in pure Python, before python-calamine reads a byte of it.

calamine is fast and careful with well-formed files, but it trusts what a file
declares and builds every sheet it reads as one dense block of cells from the
top-left to the bottom-right cell used. A 1.8 KB workbook with cells at A1 and
XFD1048576 asks it for 17 billion cells, and the allocation failure aborts the
whole process: no exception, no message, the founder's unsaved case gone. A zip
bomb or a 2 GB shared string does the same more slowly. Rust aborts cannot be
caught, so the only safe place to stop such a file is before calamine opens it.

So this module reads the raw bytes (already size-limited by the caller) the
way calamine will, cheaply, and refuses what would cost too much:

* XLSX/XLSM and ODS are zips: the central directory is checked (entry count,
  each declared size, their total, the compression ratio), then every entry is
  decompressed as a stream, counting the real bytes against a hard cap (zipfile
  also stops at the declared size and checks the CRC, so a lying header is
  refused, not believed). The XML parts calamine reads are parsed by expat with
  any DTD refused (so no entity expansion of any kind), counting elements, and
  the sheets are measured: the real bounding box of the cells with a value,
  positions implied as calamine implies them (``<row r>``, ``<c r>``, counting
  on when ``r`` is absent; ODS ``number-rows-repeated`` and
  ``number-columns-repeated`` arithmetic).
* XLS is an OLE compound file holding a BIFF stream. The compound file is
  opened by olefile, which checks its sector chains for loops and overruns;
  the BIFF records are walked to find each sheet's declared and real bounding
  box; then calamine is given a compound file rebuilt here holding only that
  stream, so none of the original's sector tables (where calamine's own reader
  can loop or over-allocate) reaches it.
* XLSB is refused with a request to save as .xlsx: its binary records would
  need a second parser to check, for a format few founders use.

The limits are far above any forecast and far below what hurts: see the
constants. Every refusal names the file and, where there is one, the sheet,
says what was found and what to do. Nothing here keeps state between calls, so
the GUI may run it on a worker thread.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lendready.domain.files.safe_read import size_text

MAX_BOX_CELLS = 2_000_000
"""Cells in the bounding box calamine builds: about 90 MB in calamine and the Python grid together
(measured), 0.1 s; a forecast needs a few hundred, a large model sheet a few hundred thousand."""
MAX_ZIP_ENTRIES = 1_000
"""A workbook saved by Excel or LibreOffice holds tens of parts, a few hundred with many sheets and
pictures; a zip of thousands of tiny entries only costs time to list."""
MAX_PART_BYTES = 32 * 1024 * 1024
"""One part, uncompressed. A 5 MB workbook of ordinary sheet XML unpacks to about 40 MB in all."""
MAX_TOTAL_BYTES = 64 * 1024 * 1024
"""All parts together, uncompressed: bounds the decompression time (about 0.2 s) and calamine's copies."""
MAX_RATIO = 100
"""Declared uncompressed size over compressed, for parts over 1 MB. Sheet XML compresses 5 to 30 times;
a zip bomb's parts compress hundreds or thousands of times."""
MAX_XML_ELEMENTS = 400_000
"""XML elements parsed in the parts calamine reads: about 3 µs each with the measuring handlers (measured:
an ODS of 290,000 real cells, 583,000 elements, took 1.7 s to check and 2.5 s to import, over the 2 s
goal), so about 1.2 s at most. A sheet takes about two per cell, so this allows about 190,000 cells on
the sheet read (XLSX, with its shared strings) or in all the tables (ODS)."""

_RATIO_FROM = 1024 * 1024
_CHUNK = 64 * 1024
_MAX_ROW = 1_048_576
_MAX_COL = 16_384
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_DIGITS = re.compile(r"[0-9]{1,10}")
_SAVE_AS = "save it as .xlsx, .ods or .csv and import that"
_XLSX_VALUE = frozenset({"v", "f", "is"})  # what a <c> holds when it is not empty
_ODS_VALUE = frozenset({"p", "h", "a", "span", "s", "list", "annotation"})  # text in a table cell


class Refused(Exception):
    """The workbook is not read; the message says why and what to do, for the user."""


@dataclass
class CheckedWorkbook:
    """What the pre-flight learnt: the bytes to give calamine, and how to check a sheet before reading it.

    ``data`` is the file as read, or for XLS the rebuilt compound file. ``sheet_parts`` maps an
    XLSX sheet's name to its part, whose cells are measured only when that sheet is chosen (calamine
    reads XLSX sheets one at a time, ODS and XLS ones all at once, so those are measured up front).
    """

    kind: str
    data: bytes
    sheet_parts: dict[str, str] = field(default_factory=dict)
    _zip: zipfile.ZipFile | None = None
    _budget: list[int] = field(default_factory=lambda: [MAX_XML_ELEMENTS])


def _box_text(rows: tuple[int, int], cols: tuple[int, int]) -> str:
    from lendready.domain.files.forecast_import import column_letters

    return f"{column_letters(cols[0])}{rows[0] + 1}:{column_letters(cols[1])}{rows[1] + 1}"


class _Box:
    """The bounding box of the cells with a value on one sheet, as calamine will build it."""

    def __init__(self) -> None:
        self.rows: tuple[int, int] | None = None
        self.cols: tuple[int, int] | None = None
        self.cells = 0

    def add(self, row0: int, row1: int, col0: int, col1: int, cells: int = 1) -> None:
        self.cells += cells
        if self.rows is None or self.cols is None:
            self.rows, self.cols = (row0, row1), (col0, col1)
            return
        self.rows = (min(self.rows[0], row0), max(self.rows[1], row1))
        self.cols = (min(self.cols[0], col0), max(self.cols[1], col1))

    def size(self) -> int:
        if self.rows is None or self.cols is None:
            return 0
        return (self.rows[1] - self.rows[0] + 1) * (self.cols[1] - self.cols[0] + 1)

    def describe(self) -> str:
        if self.rows is None or self.cols is None:
            return "no cells"
        n_rows, n_cols = self.rows[1] - self.rows[0] + 1, self.cols[1] - self.cols[0] + 1
        span = _box_text(self.rows, self.cols) if self.rows[1] < _MAX_ROW and self.cols[1] < _MAX_COL else (
            "beyond the last row or column a spreadsheet has")
        return f"spans {span} ({n_rows:,} rows by {n_cols:,} columns, {self.size():,} cells)"


def _too_wide(file: str, sheets: list[tuple[str, _Box]], together: bool) -> Refused:
    """The refusal for sheets too large, naming the largest, in words a founder can act on."""
    name, box = max(sheets, key=lambda s: s[1].size())
    where = "together " if together and len(sheets) > 1 else ""
    return Refused(
        f"The sheet '{name}' of {file} {box.describe()}; lendready reads workbooks whose sheets {where}span "
        f"at most {MAX_BOX_CELLS:,} cells, from the first used cell to the last. Copy the forecast onto a "
        "sheet of its own in a new workbook and save that"
    )


# -- XML, with any DTD refused -----------------------------------------------------------------


def _over_budget(what: str) -> Refused:
    return Refused(f"{what} holds more than {MAX_XML_ELEMENTS:,} XML elements in the parts lendready reads")


def _xml_parser(budget: list[int], what: str, start: Callable[[str, dict[str, str]], None] | None,
                end: Callable[[str], None] | None, counts_itself: bool = False) -> Any:
    """An expat parser that refuses DOCTYPEs (so no entity can be declared, let alone expanded) and
    stops after the shared element budget, so parsing time is bounded whatever the part holds."""
    import pyexpat

    parser = pyexpat.ParserCreate()
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse_dtd(*_: object) -> Any:
        raise Refused(f"{what} declares a document type, which no spreadsheet does")

    def counted_start(name: str, attrs: dict[str, str]) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _over_budget(what)
        if start is not None:
            start(name.rpartition(":")[2], attrs)

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.UnparsedEntityDeclHandler = refuse_dtd
    parser.ExternalEntityRefHandler = refuse_dtd
    # The sheets' handlers count the budget themselves: one Python call per element, not two,
    # is what keeps a dense 5 MB sheet inside the 2 s an import may take.
    parser.StartElementHandler = start if counts_itself and start is not None else counted_start
    if end is not None:
        parser.EndElementHandler = lambda name: end(name.rpartition(":")[2])
    return parser


def _parse_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], what: str,
                start: Callable[[str, dict[str, str]], None] | None = None,
                end: Callable[[str], None] | None = None, counts_itself: bool = False) -> None:
    """Parse one part; with ``counts_itself`` the start handler takes the qualified name and
    counts the element budget itself (the hot paths), else a wrapper does both for it."""
    import pyexpat

    parser = _xml_parser(budget, what, start, end, counts_itself)
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except pyexpat.ExpatError as exc:
        raise Refused(f"{what} is damaged (its XML is broken: {exc})") from None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise Refused(f"{what} is damaged ({exc}); {_SAVE_AS}") from None


# -- zips: XLSX, XLSM, ODS ---------------------------------------------------------------------


def _open_zip(file: str, raw: bytes) -> zipfile.ZipFile:
    """The zip, its directory checked before Python lists it, then each entry's declared sizes."""
    eocd = raw.rfind(b"PK\x05\x06", max(0, len(raw) - 65_557))
    if eocd >= 0 and len(raw) >= eocd + 22:
        entries, cd_size = struct.unpack_from("<HI", raw, eocd + 10)
        if entries != 0xFFFF and (entries > MAX_ZIP_ENTRIES or cd_size > MAX_ZIP_ENTRIES * 1024):
            raise Refused(f"{file} holds {entries:,} parts; a workbook has far fewer, so it is not read. {_SAVE_AS}")
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except Exception as exc:  # BadZipFile, NotImplementedError, struct.error...: all mean a damaged zip
        raise Refused(f"{file} is damaged ({exc or 'not a readable zip'}); {_SAVE_AS}") from None
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise Refused(f"{file} holds {len(infos):,} parts; a workbook has far fewer, so it is not read. {_SAVE_AS}")
    seen: set[str] = set()
    total = 0
    for info in infos:
        key = info.filename.replace("\\", "/").casefold()
        if key in seen:
            raise Refused(f"{file} holds two parts called {info.filename!r}, so it is damaged; {_SAVE_AS}")
        seen.add(key)
        _check_declared(file, info)
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise Refused(
            f"{file} would unpack to {size_text(total)}, more than the {size_text(MAX_TOTAL_BYTES)} lendready "
            "unpacks for a workbook. Copy the forecast onto a sheet of its own in a new workbook and save that")
    return zf


def _check_declared(file: str, info: zipfile.ZipInfo) -> None:
    if info.flag_bits & 0x1:
        raise Refused(f"{file} is protected by a password; save a copy without the password and import that")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise Refused(f"{file} is packed in an unusual way (zip method {info.compress_type}); {_SAVE_AS}")
    if info.file_size > MAX_PART_BYTES:
        raise Refused(
            f"{file} has a part ({info.filename}) that unpacks to {size_text(info.file_size)}, more than the "
            f"{size_text(MAX_PART_BYTES)} lendready allows. Copy the forecast onto a sheet of its own in a new "
            "workbook and save that")
    if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise Refused(
            f"{file} has a part ({info.filename}) packed more than {MAX_RATIO} times tighter than a real "
            f"workbook's, which is how a 'zip bomb' is made; it is not read. {_SAVE_AS}")


def _unpack_all(file: str, raw: bytes, zf: zipfile.ZipFile) -> None:
    """Every entry decompressed from its own bytes, its real output counted against the caps.

    A declared size is only a claim, and readers differ in how far they trust it:
    zipfile stops at the declared size, while some versions of calamine's zip reader
    read the whole compressed stream. So a part passes only if its stream ends exactly
    where its entry says (the declared uncompressed size, every compressed byte used)
    and its CRC matches: then every reader sees the same document this check measured.
    """
    total = 0
    for info in zf.infolist():
        if info.is_dir():
            continue
        try:
            total += _unpack_part(file, raw, info, MAX_TOTAL_BYTES - total)
        except Refused:
            raise
        except Exception as exc:  # zlib.error, struct.error, and any other way a damaged stream fails
            raise Refused(f"{file} is damaged ({info.filename}: {exc}); {_SAVE_AS}") from None


def _too_much(file: str) -> Refused:
    return Refused(
        f"{file} unpacks to more than lendready allows for a workbook ({size_text(MAX_PART_BYTES)} a part, "
        f"{size_text(MAX_TOTAL_BYTES)} in all). Copy the forecast onto a sheet of its own in a new workbook "
        "and save that")


def _unpack_part(file: str, raw: bytes, info: zipfile.ZipInfo, room: int) -> int:
    """The part's real unpacked size, or Refused: over the caps, or not ending where its entry says."""
    import zlib

    at = info.header_offset
    if raw[at:at + 4] != b"PK\x03\x04":
        raise Refused(f"{file} is damaged ({info.filename}: no local header); {_SAVE_AS}")
    name_len, extra_len = struct.unpack("<HH", raw[at + 26:at + 30])
    begin = at + 30 + name_len + extra_len
    data = raw[begin:begin + info.compress_size]
    if len(data) != info.compress_size:
        raise Refused(f"{file} is damaged ({info.filename}: cut short); {_SAVE_AS}")
    limit = min(MAX_PART_BYTES, room)
    if info.compress_type == zipfile.ZIP_STORED:
        got, crc = len(data), zlib.crc32(data)
        if got > limit:
            raise _too_much(file)
    else:
        inflate = zlib.decompressobj(-15)
        got, crc, pending = 0, 0, data
        while pending and not inflate.eof:
            chunk = inflate.decompress(pending, _CHUNK)
            pending = inflate.unconsumed_tail
            got += len(chunk)
            crc = zlib.crc32(chunk, crc)
            if got > limit:
                raise _too_much(file)
        if not inflate.eof or inflate.unused_data or pending:
            raise Refused(f"{file} is damaged ({info.filename}: its stream does not end where the zip says); "
                          f"{_SAVE_AS}")
    if got != info.file_size or crc != info.CRC:
        raise Refused(f"{file} is damaged ({info.filename}: its size or checksum is not what the zip declares); "
                      f"{_SAVE_AS}")
    return got


def check_workbook(file: str, raw: bytes) -> CheckedWorkbook:
    """The workbook checked up to its sheets (XLSX) or entirely (ODS, XLS); Refused says why not.

    ``file`` is the name to show the user.
    """
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _check_xls(file, raw)
    zf = _open_zip(file, raw)
    names = {i.filename: i for i in zf.infolist()}
    if any(n.lower().endswith(".bin") and n.lower().rsplit("/", 1)[-1].startswith("workbook") for n in names):
        raise Refused(
            f"{file} is an Excel binary workbook (.xlsb), which lendready does not read; in Excel choose "
            "File → Save As → Excel Workbook (.xlsx) and import that")
    _unpack_all(file, raw, zf)
    if "_rels/.rels" not in names and "content.xml" not in names:
        raise Refused(
            f"{file} is not a spreadsheet lendready can read (it is a zip, but not a workbook); save the forecast "
            "as .xlsx, .ods or .csv and import that")
    # calamine tries XLSX first and ODS after, so a zip that could be both is checked as both.
    checked = CheckedWorkbook("ods", raw)
    if "content.xml" in names:
        _check_ods(file, zf, names["content.xml"])
    if "_rels/.rels" in names:
        checked = _check_xlsx(file, raw, zf, names)
    return checked


# -- XLSX: the package, then the chosen sheet --------------------------------------------------


def _xlsx_paths(file: str, zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo],
                budget: list[int]) -> dict[str, str]:
    """Sheet name -> part, resolved as calamine does (the workbook's folder from _rels/.rels)."""
    targets: list[str] = []

    def package_rel(name: str, attrs: dict[str, str]) -> None:
        if name == "Relationship" and attrs.get("Type", "").endswith("/relationships/officeDocument"):
            targets.append(attrs.get("Target", ""))

    _parse_part(zf, names["_rels/.rels"], budget, file, package_rel)
    if not targets:
        raise Refused(f"{file} is not a workbook lendready can read (it names no workbook part); {_SAVE_AS}")
    if targets[-1].lower().endswith(".bin"):
        raise Refused(
            f"{file} is an Excel binary workbook (.xlsb), which lendready does not read; in Excel choose "
            "File → Save As → Excel Workbook (.xlsx) and import that")
    folder = targets[-1][: targets[-1].rfind("/") + 1].removeprefix("/")
    wanted = [f"{folder}workbook.xml", f"{folder}_rels/workbook.xml.rels", f"{folder}sharedStrings.xml",
              f"{folder}styles.xml"]
    rels: dict[str, str] = {}
    sheets: list[tuple[str, str]] = []

    def workbook_rel(name: str, attrs: dict[str, str]) -> None:
        if name == "Relationship":
            rels[attrs.get("Id", "")] = attrs.get("Target", "")

    def sheet(name: str, attrs: dict[str, str]) -> None:
        if name == "sheet":
            rid = next((v for k, v in attrs.items() if k.rpartition(":")[2] == "id" and k != "sheetId"), "")
            sheets.append((attrs.get("name", ""), rid))

    for part, handler in zip(wanted, (sheet, workbook_rel, None, None)):
        if part in names:
            _parse_part(zf, names[part], budget, f"{file} ({part})", handler)
    paths: dict[str, str] = {}
    for name, rid in sheets:
        target = rels.get(rid)
        if target is not None:
            paths[name] = target[1:] if target.startswith("/") else f"{folder}{target}"
    return paths


def _check_xlsx(file: str, raw: bytes, zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> CheckedWorkbook:
    budget = [MAX_XML_ELEMENTS]
    paths = _xlsx_paths(file, zf, names, budget)
    return CheckedWorkbook("xlsx", raw, paths, zf, budget)


def check_sheet(book: CheckedWorkbook, file: str, sheet: str) -> None:
    """Before calamine reads an XLSX sheet: its cells measured; Refused if too many or too spread out."""
    if book.kind != "xlsx" or book._zip is None:
        return  # ODS and XLS sheets were all measured when the workbook was checked
    part = book.sheet_parts.get(sheet)
    infos = {i.filename: i for i in book._zip.infolist()}
    if part is None or part not in infos:
        raise Refused(f"{file} is damaged (the sheet '{sheet}' has no part of its own); {_SAVE_AS}")
    box = _Box()
    # Start tags only (a quarter of the Python calls of start and end handlers, which is what the
    # time goes on): a <row> or <c> without r follows the one before, as calamine counts them.
    state: dict[str, Any] = {"row": -1, "next_col": 0, "cell": None}
    budget, what = book._budget, f"The sheet '{sheet}' of {file}"

    def start(qname: str, attrs: dict[str, str]) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _over_budget(what)
        name = qname.rpartition(":")[2]
        if name == "c":
            if (ref := attrs.get("r")) is not None:
                state["row"], col = _cell_ref(file, sheet, ref)
            else:
                col = state["next_col"]
            state["next_col"] = col + 1
            state["cell"] = (max(state["row"], 0), col)
        elif name == "row":
            r = attrs.get("r")
            state["row"] = _row_number(file, sheet, r) if r is not None else state["row"] + 1
            state["next_col"], state["cell"] = 0, None
        elif name in _XLSX_VALUE and state["cell"] is not None:  # the cell holds something
            row, col = state["cell"]
            box.add(row, row, col, col)
            state["cell"] = None
            if box.size() > MAX_BOX_CELLS:
                raise _too_wide(file, [(sheet, box)], together=False)

    _parse_part(book._zip, infos[part], budget, what, start, counts_itself=True)


def _row_number(file: str, sheet: str, text: str) -> int:
    if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= _MAX_ROW:
        raise Refused(f"The sheet '{sheet}' of {file} is damaged (a row numbered {text[:20]!r}); {_SAVE_AS}")
    return int(text) - 1


def _cell_ref(file: str, sheet: str, ref: str) -> tuple[int, int]:
    m = _REF.fullmatch(ref)
    col = 0
    if m:
        for ch in m.group(1).upper():
            col = col * 26 + ord(ch) - ord("A") + 1
    if not m or not 1 <= col <= _MAX_COL or not 1 <= int(m.group(2)) <= _MAX_ROW:
        raise Refused(f"The sheet '{sheet}' of {file} is damaged (a cell at {ref[:20]!r}); {_SAVE_AS}")
    return int(m.group(2)) - 1, col - 1


# -- ODS: every table at once ------------------------------------------------------------------


def _repeats(text: str | None, file: str) -> int:
    if text is None:
        return 1
    if not _DIGITS.fullmatch(text) or int(text) < 1:
        raise Refused(f"{file} is damaged (a repeat count of {text[:20]!r}); {_SAVE_AS}")
    return int(text)


def _check_ods(file: str, zf: zipfile.ZipFile, content: zipfile.ZipInfo) -> None:
    """calamine reads every table of content.xml when it opens an ODS, so all are measured now."""
    tables: list[tuple[str, _Box]] = []
    # Start tags only, as for XLSX: a cell is settled when the next cell, row or table starts.
    st: dict[str, Any] = {"row": -1, "col": 0, "row_reps": 1, "cell": None, "row_cols": None}

    def settle_cell() -> None:
        if st["cell"] is not None:
            col, reps, filled = st["cell"]
            if filled:
                lo, hi = st["row_cols"] or (col, col + reps - 1)
                st["row_cols"] = (min(lo, col), max(hi, col + reps - 1))
            st["col"] = col + reps
            st["cell"] = None

    def settle_row() -> None:
        settle_cell()
        if st["row_cols"] is not None and tables:
            lo, hi = st["row_cols"]
            reps = st["row_reps"]
            tables[-1][1].add(st["row"], st["row"] + reps - 1, lo, hi, reps * (hi - lo + 1))
            st["row_cols"] = None
            if sum(b.size() for _, b in tables) > MAX_BOX_CELLS:
                raise _too_wide(file, tables, together=True)

    budget = [MAX_XML_ELEMENTS]

    def start(qname: str, attrs: dict[str, str]) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _over_budget(file)
        name = qname.rpartition(":")[2]
        if name in ("table-cell", "covered-table-cell"):
            if tables:
                settle_cell()
                reps = _repeats(attrs.get("table:number-columns-repeated"), file)
                st["cell"] = [st["col"], reps, "office:value-type" in attrs or "table:formula" in attrs]
        elif name == "table-row":
            if tables:
                settle_row()
                st["row"] += st["row_reps"] if st["row"] >= 0 else 1
                st["row_reps"] = _repeats(attrs.get("table:number-rows-repeated"), file)
                st["col"] = 0
        elif name == "table":
            settle_row()
            tables.append((attrs.get("table:name", f"Sheet{len(tables) + 1}"), _Box()))
            st["row"], st["row_reps"], st["col"] = -1, 1, 0
        elif name in _ODS_VALUE and st["cell"] is not None:
            st["cell"][2] = True  # text inside the cell: not empty

    _parse_part(zf, content, budget, file, start, counts_itself=True)
    settle_row()  # the last row of the last table


# -- XLS: the compound file rebuilt, the BIFF records measured ---------------------------------

_BIFF_CELLS = {0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006}  # the records calamine reads as cells
_STREAM_NAMES = ("Workbook", "Book", "WORKBOOK", "BOOK")


def _check_xls(file: str, raw: bytes) -> CheckedWorkbook:
    stream = _workbook_stream(file, raw)
    sheets = _biff_sheets(file, stream)
    boxes = [(name, _biff_sheet_box(file, name, stream, pos)) for name, pos in sheets]
    if sum(b.size() for _, b in boxes) > MAX_BOX_CELLS:
        raise _too_wide(file, boxes, together=True)
    return CheckedWorkbook("xls", compound_file(stream))


def _workbook_stream(file: str, raw: bytes) -> bytes:
    import olefile  # imported here: only an .xls import needs it

    try:
        with olefile.OleFileIO(raw) as ole:
            name = next((n for n in _STREAM_NAMES if ole.exists(n) and ole.get_type(n) == olefile.STGTY_STREAM),
                        None)
            if name is None:
                raise Refused(f"{file} is an Office file without a workbook in it; {_SAVE_AS}")
            if ole.get_size(name) > len(raw):
                raise Refused(f"{file} is damaged (its workbook is larger than the file); {_SAVE_AS}")
            data: bytes = ole.openstream(name).read()
    except Refused:
        raise
    except Exception as exc:  # olefile raises many kinds on a damaged file; each means the same to the user
        raise Refused(f"{file} is damaged ({str(exc)[:80] or 'not a readable .xls'}); {_SAVE_AS}") from None
    return data


def _records(stream: bytes, pos: int) -> Any:
    """(type, data) of each BIFF record from ``pos``, stopping where the stream ends."""
    end = len(stream)
    while pos + 4 <= end:
        typ, length = struct.unpack_from("<HH", stream, pos)
        yield typ, stream[pos + 4 : pos + 4 + length]
        pos += 4 + length


def _biff_sheets(file: str, stream: bytes) -> list[tuple[str, int]]:
    """The sheets the globals declare, with where each starts (calamine slices the stream there)."""
    sheets: list[tuple[str, int]] = []
    for typ, data in _records(stream, 0):
        if typ == 0x002F and data[:2] != b"\x00\x00":
            raise Refused(f"{file} is protected by a password; save a copy without the password and import that")
        if typ == 0x0085 and len(data) >= 6:
            (pos,) = struct.unpack_from("<I", data)
            if pos >= len(stream):
                raise Refused(f"{file} is damaged (a sheet starts beyond the end of the workbook); {_SAVE_AS}")
            sheets.append((_biff_sheet_name(data, len(sheets)), pos))
        if typ == 0x000A:
            break
    return sheets


def _biff_sheet_name(data: bytes, index: int) -> str:
    """The name of a BoundSheet record, for messages only; a best effort on a damaged one."""
    try:
        cch, flags = data[6], data[7] if len(data) > 7 else 0
        if len(data) >= 8 + cch * (2 if flags & 1 else 1) and flags in (0, 1):
            text = data[8 : 8 + cch * (2 if flags & 1 else 1)]
            return text.decode("utf-16-le" if flags & 1 else "latin-1")
        return data[7 : 7 + cch].decode("latin-1")  # BIFF5: no flags byte
    except (IndexError, UnicodeDecodeError):
        return f"Sheet{index + 1}"


def _biff_sheet_box(file: str, name: str, stream: bytes, pos: int) -> _Box:
    """The sheet's bounding box as calamine builds it; its declared dimensions checked first,
    since calamine reserves room for them before reading a cell."""
    box = _Box()
    depth, seen_bof = 0, False
    for typ, data in _records(stream, pos):
        if depth:
            depth += 1 if typ == 0x0809 else -1 if typ == 0x000A else 0
            continue
        if typ == 0x0809:
            depth, seen_bof = (1 if seen_bof else 0), True
        elif typ == 0x000A:
            break
        elif typ == 0x0200:
            _biff_dimensions(file, name, data)
        elif typ in _BIFF_CELLS and len(data) >= 4:
            row, col = struct.unpack_from("<HH", data)
            box.add(row, row, col, col)
        elif typ == 0x00BD and len(data) >= 6:
            row, first = struct.unpack_from("<HH", data)
            (last,) = struct.unpack_from("<H", data, len(data) - 2)
            count = max(0, (len(data) - 6) // 6)
            box.add(row, row, first, max(last, first + count - 1, first), count)
        if box.size() > MAX_BOX_CELLS:
            raise _too_wide(file, [(name, box)], together=False)
    return box


def _biff_dimensions(file: str, name: str, data: bytes) -> None:
    if len(data) == 14:
        rf, rl, cf, cl = struct.unpack_from("<IIHH", data)
    elif len(data) == 10:
        rf, rl, cf, cl = struct.unpack_from("<HHHH", data)
    else:
        return  # calamine refuses the file itself
    if rl < 1 or cl < 1:
        return
    if cf > 0xFF or cl < cf:
        cf = 0
    rows, cols = rl - rf, cl - cf
    if rows < 1 or cols < 1:
        raise Refused(f"The sheet '{name}' of {file} is damaged (its size is given as {rows} by {cols}); {_SAVE_AS}")
    if rows * cols > MAX_BOX_CELLS:
        raise Refused(
            f"The sheet '{name}' of {file} declares {rows:,} rows by {cols:,} columns ({rows * cols:,} cells); "
            f"lendready reads sheets of at most {MAX_BOX_CELLS:,} cells. Copy the forecast onto a sheet of its "
            "own in a new workbook and save that")


def compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) holding one stream.

    The stream is padded to 4096 bytes as Excel pads it, so it lives in ordinary sectors and the
    file needs no mini stream. Used to hand calamine a clean container, and by the tests to build
    .xls files.
    """
    end_of_chain, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    data = stream + b"\x00" * (max(4096, -(-len(stream) // 512) * 512) - len(stream))
    n_data = len(data) // 512
    n_fat = 1
    while n_fat * 128 < n_data + 1 + n_fat:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("stream too large for a compound file without DIFAT sectors")
    dir_sector = n_data
    fat = [i + 1 for i in range(n_data - 1)] + [end_of_chain, end_of_chain] + [fat_sector] * n_fat
    fat += [free] * (n_fat * 128 - len(fat))

    def entry(entry_name: str, typ: int, child: int, start: int, size: int) -> bytes:
        encoded = (entry_name + "\x00").encode("utf-16-le") if entry_name else b""
        return struct.pack(
            "<64sHBBIII16sIQQIII", encoded, len(encoded), typ, 1, no_stream, no_stream, child, b"\x00" * 16,
            0, 0, 0, start, size, 0)

    directory = (entry("Root Entry", 5, 1, end_of_chain, 0) + entry(name, 2, no_stream, 0, len(data))
                 + entry("", 0, no_stream, 0, 0) * 2)
    difat = [dir_sector + 1 + i for i in range(n_fat)] + [free] * (109 - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00" * 16, 0x3E, 3, 0xFFFE, 9, 6,
        b"\x00" * 6, 0, n_fat, dir_sector, 0, 4096, end_of_chain, 0, end_of_chain, 0,
    ) + struct.pack(f"<{109}I", *difat)
    return header + data + directory + struct.pack(f"<{len(fat)}I", *fat)
