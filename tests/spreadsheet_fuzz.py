"""Generated spreadsheets, ordinary and hostile, shared by tests/domain/test_hostile_spreadsheets.py and
bench/spreadsheets.py. Every file is built here from code: no binaries are checked in.

Writers are minimal and by hand (XLSX and ODS as zips of XML, XLS as BIFF8 records in a compound file)
so the hostile variants can say exactly what a hostile file says.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import struct
import zipfile
from xml.sax.saxutils import escape

from lendready.domain.files.forecast_import import column_letters
from lendready.domain.files.workbook_check import compound_file

Grid = list[list[object]]

_CT = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/></Types>')
_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def forecast_grid(months: int = 12, header: bool = True) -> Grid:
    rows: Grid = [["Month", "Receipts", "Payments"]] if header else []
    for i in range(months):
        rows.append([dt.date(2027 + i // 12, i % 12 + 1, 1), 1000 + i, 900.5])
    return rows


def _xlsx_cell(ref: str, value: object) -> str:
    if isinstance(value, dt.date):
        serial = (value - dt.date(1899, 12, 30)).days
        return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_xml(grid: Grid) -> str:
    rows = "".join(
        f'<row r="{r + 1}">' + "".join(_xlsx_cell(f"{column_letters(c)}{r + 1}", v)
                                     for c, v in enumerate(cells) if v is not None) + "</row>"
        for r, cells in enumerate(grid))
    return f'<?xml version="1.0"?><worksheet {_NS}><sheetData>{rows}</sheetData></worksheet>'


def xlsx(sheets: dict[str, str], extra: dict[str, bytes | str] | None = None, workbook_prefix: str = "") -> bytes:
    """An XLSX of sheet parts given as XML text (``sheet_xml`` for ordinary ones), a date style in styles."""
    wb = (f'<?xml version="1.0"?>{workbook_prefix}<workbook {_NS} xmlns:r="http://schemas.openxmlformats.org/'
          'officeDocument/2006/relationships"><sheets>'
          + "".join(f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, n in enumerate(sheets))
          + "</sheets></workbook>")
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      f'relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets)))
            + "</Relationships>")
    styles = (f'<?xml version="1.0"?><styleSheet {_NS}><cellXfs count="2"><xf numFmtId="0"/>'
              '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/styles.xml", styles)
        for i, xml in enumerate(sheets.values()):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def _ods_cell(value: object, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None:
        return f"<table:table-cell{rep}/>"
    if isinstance(value, dt.date):
        return (f'<table:table-cell{rep} office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value.isoformat()}</text:p></table:table-cell>")
    if isinstance(value, (int, float)):
        return f'<table:table-cell{rep} office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell{rep} office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods_rows(grid: Grid) -> str:
    return "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in grid)


def ods(tables: dict[str, str]) -> bytes:
    """An ODS of tables given as row XML (``ods_rows`` for ordinary ones)."""
    body = "".join(f'<table:table table:name="{escape(n)}">{rows}</table:table>' for n, rows in tables.items())
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# -- XLS: BIFF8 records in a compound file -------------------------------------------------------


def _rec(typ: int, data: bytes) -> bytes:
    return struct.pack("<HH", typ, len(data)) + data


def _bof(kind: int) -> bytes:
    return _rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def biff_cells(grid: Grid) -> list[bytes]:
    """NUMBER records (a date with the date style) and LABEL records, by position."""
    out = []
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            if isinstance(v, dt.date):
                out.append(_rec(0x0203, struct.pack("<HHHd", r, c, 1, (v - dt.date(1899, 12, 30)).days)))
            elif isinstance(v, (int, float)):
                out.append(_rec(0x0203, struct.pack("<HHHd", r, c, 0, float(v))))
            elif v is not None:
                text = str(v).encode("utf-16-le")
                out.append(_rec(0x0204, struct.pack("<HHHHB", r, c, 0, len(text) // 2, 1) + text))
    return out


def xls(sheets: dict[str, list[bytes]], dimensions: dict[str, tuple[int, int, int, int]] | None = None) -> bytes:
    """An .xls of sheets given as cell records (``biff_cells`` for ordinary ones)."""
    xf = [_rec(0x00E0, struct.pack("<HH", 0, fmt) + b"\x00" * 16) for fmt in (0, 14)]
    names = list(sheets)

    def bound(pos: int, name: str) -> bytes:
        encoded = name.encode("utf-16-le")
        return _rec(0x0085, struct.pack("<IBBBB", pos, 0, 0, len(encoded) // 2, 1) + encoded)

    globals_len = len(_bof(0x0005)) + sum(map(len, xf)) + sum(len(bound(0, n)) for n in names) + 4
    bodies, pos, starts = [], globals_len, []
    for name in names:
        dims = (dimensions or {}).get(name, (0, 0, 0, 0))
        body = _bof(0x0010) + _rec(0x0200, struct.pack("<IIHHH", *dims, 0)) + b"".join(sheets[name]) + _rec(0x000A, b"")
        starts.append(pos)
        bodies.append(body)
        pos += len(body)
    stream = (_bof(0x0005) + b"".join(xf) + b"".join(bound(p, n) for p, n in zip(starts, names))
              + _rec(0x000A, b"") + b"".join(bodies))
    return compound_file(stream)


def csv_text(grid: Grid, sep: str = ",") -> bytes:
    def shown(v: object) -> str:
        return f"{v:%Y-%m}" if isinstance(v, dt.date) else str(v)

    return "\r\n".join(sep.join(shown(v) for v in row) for row in grid).encode()


# -- the attacks ---------------------------------------------------------------------------------


def xlsx_corners() -> bytes:
    """1.8 KB: a cell at A1 and one at XFD1048576, which calamine would fill in between."""
    xml = (f'<?xml version="1.0"?><worksheet {_NS}><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
           '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
    return xlsx({"Forecast": xml})


def xlsx_sparse_implied() -> bytes:
    """Positions implied, not written: a row number far down and cells counted on without r."""
    xml = (f'<?xml version="1.0"?><worksheet {_NS}><sheetData><row><c><v>1</v></c></row>'
           '<row r="900000"><c r="A900000"/>' + "<c/>" * 50 + "<c><v>2</v></c></row></sheetData></worksheet>")
    return xlsx({"Forecast": xml})


def xlsx_zip_bomb(megabytes: int = 400) -> bytes:
    """A sheet part that unpacks hundreds of times larger than it packs: the same row again and again."""
    row = '<row><c t="inlineStr"><is><t>' + "A" * 1000 + "</t></is></c></row>"
    return _bomb("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet {_NS}><sheetData>', row,
                 "</sheetData></worksheet>", megabytes)


def xlsx_shared_string_bomb(megabytes: int = 300) -> bytes:
    """One enormous shared string, which calamine would hold in memory whole."""
    return _bomb("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst {_NS}><si><t>', "9" * 1_000_000,
                 "</t></si></sst>", megabytes)


def _bomb(part: str, head: str, repeat: str, tail: str, megabytes: int) -> bytes:
    """A zip whose ``part`` is head + repeat * n + tail, deflated as a stream so it is built quickly."""
    base = xlsx({"Forecast": sheet_xml(forecast_grid())})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != part:
                z.writestr(info.filename, src.read(info.filename))
        info = zipfile.ZipInfo(part)
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as fh:
            fh.write(head.encode())
            chunk = (repeat * max(1, (1 << 20) // len(repeat))).encode()
            for _ in range(megabytes * (1 << 20) // len(chunk)):
                fh.write(chunk)
            fh.write(tail.encode())
    return out.getvalue()


def xlsx_lying_sizes() -> bytes:
    """The central directory says the sheet is 10 bytes long; it is not."""
    raw = bytearray(xlsx({"Forecast": sheet_xml(forecast_grid(36))}))
    name = b"xl/worksheets/sheet1.xml"
    for sig, size_at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        for m in re.finditer(re.escape(sig), bytes(raw)):
            if raw[m.start() + name_at : m.start() + name_at + len(name)] == name:
                struct.pack_into("<I", raw, m.start() + size_at, 10)
    return bytes(raw)


def xlsx_billion_laughs() -> bytes:
    dtd = ('<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
           '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    return xlsx({"Forecast": sheet_xml(forecast_grid())}, workbook_prefix=dtd)


def xlsx_many_entries(n: int = 5000) -> bytes:
    return xlsx({"Forecast": sheet_xml(forecast_grid())}, extra={f"x/{i}.xml": "" for i in range(n)})


def xlsb_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("_rels/.rels", _RELS.replace("workbook.xml", "workbook.bin"))
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return out.getvalue()


def ods_repeat_bomb() -> bytes:
    """Two lines of XML asking for every row and column a sheet has, each with a value."""
    row = ('<table:table-row table:number-rows-repeated="1048576">'
           + _ods_cell(1, repeat=16384) + "</table:table-row>")
    return ods({"Forecast": row})


def xls_corners() -> bytes:
    return xls({"Forecast": biff_cells([[1]]) + [_rec(0x0203, struct.pack("<HHHd", 65535, 255, 0, 1.0))]})


def xls_declared_huge() -> bytes:
    """DIMENSIONS saying 1,048,576 by 256, for which calamine reserves room before reading a cell."""
    return xls({"Forecast": biff_cells(forecast_grid())}, {"Forecast": (0, 1_048_576, 0, 256)})


def xls_sector_loop() -> bytes:
    """A compound file whose FAT sends the directory's chain round in a circle, which calamine's own
    reader follows for ever (it reads the directory chain with no length limit)."""
    raw = bytearray(xls({"Forecast": biff_cells(forecast_grid())}))
    fat_sector, dir_sector = struct.unpack_from("<I", raw, 76)[0], struct.unpack_from("<I", raw, 48)[0]
    struct.pack_into("<I", raw, 512 * (1 + fat_sector) + 4 * dir_sector, dir_sector)
    return bytes(raw)


def csv_ambiguous() -> bytes:
    return b"Month;Receipts;Payments\r\n2027-01;12.500;1.000\r\n"


def csv_stray_semicolon() -> bytes:
    return ("Month,Receipts,Payments,Notes\n" + "".join(f"2027-{m:02d},100,50,\n" for m in range(1, 13))
            + "2028-01,100,50,rent; rates\n").encode()


def csv_many_bad_rows(rows: int = 400_000) -> bytes:
    return "\n".join(["Month,Receipts,Payments"] + ["x,1,1"] * rows).encode()


# -- the corpus ----------------------------------------------------------------------------------


def ordinary() -> dict[str, tuple[str, bytes]]:
    grid = forecast_grid(36)
    return {
        "forecast.xlsx": ("xlsx", xlsx({"Forecast": sheet_xml(grid)})),
        "forecast.ods": ("ods", ods({"Forecast": ods_rows(grid)})),
        "forecast.xls": ("xls", xls({"Forecast": biff_cells(grid)})),
        "forecast.csv": ("csv", csv_text(grid)),
        "forecast-semicolons.csv": ("csv", csv_text(forecast_grid(12, header=False), ";").replace(b"900.5", b"900")),
    }


def attacks(big: bool = True) -> dict[str, tuple[str, bytes]]:
    """The files of issue 17; ``big`` adds the slow-to-build zip bombs."""
    files: dict[str, tuple[str, bytes]] = {
        "corners.xlsx": ("xlsx", xlsx_corners()),
        "sparse-implied.xlsx": ("xlsx", xlsx_sparse_implied()),
        "lying-sizes.xlsx": ("xlsx", xlsx_lying_sizes()),
        "laughs.xlsx": ("xlsx", xlsx_billion_laughs()),
        "many-entries.xlsx": ("xlsx", xlsx_many_entries()),
        "binary.xlsb": ("xlsb", xlsb_like()),
        "repeats.ods": ("ods", ods_repeat_bomb()),
        "corners.xls": ("xls", xls_corners()),
        "declared-huge.xls": ("xls", xls_declared_huge()),
        "sector-loop.xls": ("xls", xls_sector_loop()),
        "ambiguous.csv": ("csv", csv_ambiguous()),
        "stray-semicolon.csv": ("csv", csv_stray_semicolon()),
        "bad-rows.csv": ("csv", csv_many_bad_rows()),
    }
    if big:
        files["zip-bomb.xlsx"] = ("xlsx", xlsx_zip_bomb())
        files["huge-string.xlsx"] = ("xlsx", xlsx_shared_string_bomb())
    return files


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random damage: bytes flipped, a slice cut out or repeated, or the end cut off."""
    b = bytearray(data)
    how = rng.randrange(4)
    if how == 0:
        for _ in range(rng.randint(1, 20)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif how == 1:
        i = rng.randrange(len(b))
        del b[i : i + rng.randint(1, 200)]
    elif how == 2:
        i = rng.randrange(len(b))
        b[i:i] = b[i : i + rng.randint(1, 200)] * rng.randint(1, 50)
    else:
        del b[rng.randrange(1, len(b)) :]
    return bytes(b)


def mutated(count: int, seed: int = 17) -> dict[str, tuple[str, bytes]]:
    """``count`` damaged copies of the ordinary files and the small attacks, the same for a seed."""
    rng = random.Random(seed)
    pool = list(ordinary().items()) + [(n, v) for n, v in attacks(big=False).items() if n != "bad-rows.csv"]
    out = {}
    for i in range(count):
        name, (kind, data) = pool[i % len(pool)]
        out[f"mutated-{i:04d}-{name}"] = (kind, mutate(data, rng))
    return out
