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
import zlib
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


# -- at the limits: attacks as large as the 5 MB file limit allows, and the largest legitimate files ---

LIMIT = 5 * 1024 * 1024
"""forecast_import's MAX_FILE_BYTES; every file below is built to stay under it."""
_ODS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
             'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
             'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
             'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
             "<office:body><office:spreadsheet>")
_ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>"


def _deflate(data: bytes, flush: bool = False) -> bytes:
    """Raw deflate of ``data``: a complete stream, or (``flush``) byte-aligned blocks to continue from."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    return co.compress(data) + co.flush(zlib.Z_FULL_FLUSH if flush else zlib.Z_FINISH)


def _zip_entries(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A deflated zip of (name, packed, declared size, declared CRC), written by hand so the sizes and CRC
    can say anything; ZIP64 fields where a size needs them."""
    out = io.BytesIO()
    central = []
    for name, packed, size, crc in entries:
        encoded, offset, big = name.encode(), out.tell(), size >= 0xFFFFFFFF
        sizes = (0xFFFFFFFF, 0xFFFFFFFF) if big else (len(packed), size)
        extra = struct.pack("<HHQQ", 1, 16, size, len(packed)) if big else b""
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 45, 0, 8, 0, 0x21, crc, *sizes, len(encoded),
                              len(extra)) + encoded + extra + packed)
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 45, 45, 0, 8, 0, 0x21, crc, *sizes,
                                   len(encoded), len(extra), 0, 0, 0, 0, offset) + encoded + extra)
    cd_start = out.tell()
    out.write(b"".join(central))
    cd_len = out.tell() - cd_start
    if any(size >= 0xFFFFFFFF for _, _, size, _ in entries):
        out.write(struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, len(entries), len(entries),
                              cd_len, cd_start) + struct.pack("<4sIQI", b"PK\x06\x07", 0, cd_start + cd_len, 1))
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), cd_len, cd_start, 0))
    return out.getvalue()


def _entries_of(data: bytes, leave_out: str = "") -> list[tuple[str, bytes, int, int]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [(i.filename, z.read(i)) for i in z.infolist() if i.filename != leave_out]
    return [(n, _deflate(b), len(b), zlib.crc32(b)) for n, b in parts]


def _bomb_max(base: bytes, part: str, head: str, repeat: str, tail: str, lie: str, packed: int) -> bytes:
    """``base`` with ``part`` replaced by head + repeat * n + tail, n as large as fits in ``packed`` bytes.

    Each 1 MB copy of the repeat is deflated after a full flush, so its packed bytes are the same every
    time and a stream of gigabytes is built by repetition. ``lie``: "" declares the true size (ZIP64);
    "small" declares 1 KB (and a CRC that is not theirs); "prefix" declares the first 30 MB with their CRC, so that
    zipfile, which stops at the declared size, finds nothing wrong."""
    entries = _entries_of(base, leave_out=part)
    chunk = repeat.encode() * max(1, (1 << 20) // len(repeat))
    block, first, last = _deflate(chunk, flush=True), _deflate(head.encode(), flush=True), _deflate(tail.encode())
    room = packed - sum(len(e[1]) + 2 * len(e[0]) + 100 for e in entries) - 2 * len(part) - 150
    count = (room - len(first) - len(last)) // len(block)
    stream = first + block * count + last
    size, crc = len(head) + len(chunk) * count + len(tail), zlib.crc32(head.encode())
    if lie == "prefix":
        size = 30 * 1024 * 1024
        crc = zlib.crc32(zlib.decompressobj(-15).decompress(stream, size))
    elif lie == "small":
        size, crc = 1024, 0  # neither is the first 1 KB's, which is all zipfile reads
    else:
        for _ in range(count):
            crc = zlib.crc32(chunk, crc)
        crc = zlib.crc32(tail.encode(), crc)
    return _zip_entries([*entries, (part, stream, size, crc)])


_FILL = 5 * 1024 * 1024 - 20_000


def xlsx_zip_bomb_max(lie: str = "", packed: int = _FILL) -> bytes:
    """A sheet part packed to just under 5 MB that unpacks to about 5 GB of rows (``_bomb_max`` for ``lie``)."""
    row = ('<row><c t="inlineStr"><is><t>' + "A" * 30_000 + "</t></is></c></row>") * 35
    return _bomb_max(xlsx({"Forecast": sheet_xml(forecast_grid(36))}), "xl/worksheets/sheet1.xml",
                     f'<?xml version="1.0"?><worksheet {_NS}><sheetData>', row, "</sheetData></worksheet>", lie,
                     packed)


def ods_zip_bomb_max(lie: str = "", packed: int = _FILL) -> bytes:
    """content.xml packed to just under 5 MB, unpacking to about 5 GB of rows."""
    row = ('<table:table-row><table:table-cell office:value-type="string"><text:p>' + "A" * 30_000
           + "</text:p></table:table-cell></table:table-row>") * 35
    return _bomb_max(ods({"Forecast": ods_rows(forecast_grid(36))}), "content.xml",
                     _ODS_HEAD + '<table:table table:name="Forecast">', row, "</table:table>" + _ODS_TAIL, lie,
                     packed)


def xlsx_shared_string_bomb_max(lie: str = "", packed: int = 585 * 1024) -> bytes:
    """As the issue's: a 585 KB XLSX whose sharedStrings.xml holds one string of hundreds of MB."""
    return _bomb_max(xlsx({"Forecast": sheet_xml(forecast_grid(36))}), "xl/sharedStrings.xml",
                     f'<?xml version="1.0"?><sst {_NS} count="1" uniqueCount="1"><si><t>', "9" * 1_000_000,
                     "</t></si></sst>", lie, packed)


def xlsx_many_bomb_parts(parts: int = 990) -> bytes:
    """Many parts each just under the 1 MB from which the ratio is checked, packed a thousand times:
    only the declared total (about 1 GB) gives it away."""
    entries = _entries_of(xlsx({"Forecast": sheet_xml(forecast_grid(36))}))
    body = b"<x>" + b"0" * ((1 << 20) - 8) + b"</x>"
    packed, crc = _deflate(body), zlib.crc32(body)
    return _zip_entries(entries + [(f"xl/media/fill{i}.xml", packed, len(body), crc) for i in range(parts)])


def _smuggled(base: bytes, part: str, shown: str, hidden: str) -> bytes:
    """``part`` declares (size and CRC) only ``shown``, a complete XML document, but its deflate stream goes
    on with ``hidden``: a reader that stops at the declared size sees one document, a reader that stops
    where the stream ends (as the Rust zip crate does) reads on."""
    stream = _deflate(shown.encode(), flush=True) + _deflate(hidden.encode())
    assert zlib.decompressobj(-15).decompress(stream) == (shown + hidden).encode()
    return _zip_entries([*_entries_of(base, leave_out=part), (part, stream, len(shown), zlib.crc32(shown.encode()))])


def xlsx_smuggled_corners() -> bytes:
    """The sheet declares a worksheet with no cells; the stream goes on to cells at A1 and XFD1048576."""
    return _smuggled(xlsx({"Forecast": sheet_xml(forecast_grid(36))}), "xl/worksheets/sheet1.xml",
                     f'<?xml version="1.0"?><worksheet {_NS}></worksheet>',
                     '<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576">'
                     "<v>1</v></c></row></sheetData></worksheet>")


def ods_smuggled_repeats() -> bytes:
    """content.xml declares an ordinary forecast; the stream goes on to a table of every cell a sheet has."""
    shown = _ODS_HEAD + '<table:table table:name="Forecast">' + ods_rows(forecast_grid(36)) + "</table:table>" + _ODS_TAIL
    hidden = ('<table:table table:name="Hidden"><table:table-row table:number-rows-repeated="1048576">'
              + _ods_cell(1, repeat=16384) + "</table:table-row></table:table>")
    return _smuggled(ods({"Forecast": ods_rows(forecast_grid(36))}), "content.xml", shown, hidden)


def _excel_rows(rows: int, cols: int, span: int = 10_000) -> str:
    """Rows as Excel writes them (each cell with its reference), figures below ``span``."""
    rng = random.Random(17)
    letters = [column_letters(c) for c in range(cols)]
    return "".join(
        f'<row r="{r}">' + "".join(f'<c r="{x}{r}"><v>{rng.randrange(span)}</v></c>' for x in letters) + "</row>"
        for r in range(1, rows + 1))


def xlsx_big_legit(rows: int = 23_000, cols: int = 40, span: int = 10_000) -> bytes:
    """A 36-month forecast on sheet 1 and a dense data sheet on sheet 2 (920,000 cells of figures below
    10,000 by default, as many as fit in 5 MB): the forecast is read, the data sheet only unpacked."""
    data = f'<?xml version="1.0"?><worksheet {_NS}><sheetData>{_excel_rows(rows, cols, span)}</sheetData></worksheet>'
    return xlsx({"Forecast": sheet_xml(forecast_grid(36)), "Data": data})


def xlsx_near_elements(strings: int = 90_000, rows: int = 1000, cols: int = 100) -> bytes:
    """Shared strings and the sheet read together just under MAX_XML_ELEMENTS: the forecast in A:C and
    columns of labels beside it, each a shared string."""
    sst = (f'<?xml version="1.0"?><sst {_NS} count="{strings}" uniqueCount="{strings}">'
           + "".join(f"<si><t>Label {i}</t></si>" for i in range(strings)) + "</sst>")
    grid = forecast_grid(36)
    body = []
    for r in range(1, rows + 1):
        cells = "".join(_xlsx_cell(f"{column_letters(c)}{r}", v) for c, v in enumerate(grid[r - 1])) if r <= 37 else ""
        cells += "".join(f'<c r="{column_letters(c)}{r}" t="s"><v>{(r * cols + c) % strings}</v></c>'
                         for c in range(3, cols))
        body.append(f'<row r="{r}">{cells}</row>')
    xml = f'<?xml version="1.0"?><worksheet {_NS}><sheetData>{"".join(body)}</sheetData></worksheet>'
    return xlsx({"Forecast": xml}, extra={"xl/sharedStrings.xml": sst})


def xlsx_box_at_limit() -> bytes:
    """The forecast at A1 and one note at BXW1000: a box of 1,999,000 mostly empty cells, every one of
    which calamine builds and the import turns into Python."""
    xml = sheet_xml(forecast_grid(36)).replace(
        "</sheetData>", '<row r="1000"><c r="BXW1000" t="inlineStr"><is><t>note</t></is></c></row></sheetData>')
    return xlsx({"Forecast": xml})


def ods_dense_legit(rows: int = 1_950, cols: int = 100) -> bytes:
    """A forecast and a data table of real figures (195,000 cells by default), near the XML element limit."""
    rng = random.Random(17)
    data = "".join("<table:table-row>" + "".join(_ods_cell(rng.randrange(10_000)) for _ in range(cols))
                   + "</table:table-row>" for _ in range(rows))
    return ods({"Forecast": ods_rows(forecast_grid(36)), "Data": data})


def ods_repeats_at_limit(rows: int = 1_999, cols: int = 1_000) -> bytes:
    """A forecast and a table of zeros written as LibreOffice writes them, one repeated cell in one
    repeated row: together just under MAX_BOX_CELLS."""
    data = (f'<table:table-row table:number-rows-repeated="{rows}">' + _ods_cell(0, repeat=cols)
            + "</table:table-row>")
    return ods({"Forecast": ods_rows(forecast_grid(36)), "Data": data})


def xls_big_legit(rows: int = 3_300, last_row: int = 7_700) -> bytes:
    """A forecast and a data sheet of 256 columns of figures in MULRK records, as many rows as fit in
    5 MB, and one note at IV{last_row}: together just under MAX_BOX_CELLS."""
    rng = random.Random(17)
    records = []
    for r in range(rows):
        rks = b"".join(struct.pack("<HI", 0, (rng.randrange(10_000) << 2) | 2) for _ in range(256))
        records.append(_rec(0x00BD, struct.pack("<HH", r, 0) + rks + struct.pack("<H", 255)))
    records.append(_rec(0x0203, struct.pack("<HHHd", last_row - 1, 255, 0, 1.0)))
    return xls({"Forecast": biff_cells(forecast_grid(36)), "Data": records})


def csv_big_legit(limit: int = LIMIT - 1024) -> bytes:
    """Valid-looking rows up to just under 5 MB: a month and two figures a line, months counting on."""
    lines, size, i = ["Month,Receipts,Payments"], 0, 0
    while size < limit - 64:
        line = f"{2027 + i // 12}-{i % 12 + 1:02d},{1000 + i % 9000}.25,{900 + i % 700}.50"
        lines.append(line)
        size += len(line) + 2
        i += 1
    return "\r\n".join(lines).encode()


def at_the_limits() -> dict[str, tuple[str, bytes]]:
    """The issue's attacks at full size (under the 5 MB limit) and the largest legitimate files."""
    return {
        "zip-bomb-5mb.xlsx": ("xlsx", xlsx_zip_bomb_max()),
        "zip-bomb-5mb-lies-1kb.xlsx": ("xlsx", xlsx_zip_bomb_max("small")),
        "zip-bomb-5mb-lies-30mb.xlsx": ("xlsx", xlsx_zip_bomb_max("prefix")),
        "zip-bomb-990-parts.xlsx": ("xlsx", xlsx_many_bomb_parts()),
        "zip-bomb-5mb.ods": ("ods", ods_zip_bomb_max()),
        "zip-bomb-5mb-lies-30mb.ods": ("ods", ods_zip_bomb_max("prefix")),
        "huge-string-585kb.xlsx": ("xlsx", xlsx_shared_string_bomb_max()),
        "huge-string-585kb-lies-1kb.xlsx": ("xlsx", xlsx_shared_string_bomb_max("small")),
        "huge-string-585kb-lies-30mb.xlsx": ("xlsx", xlsx_shared_string_bomb_max("prefix")),
        "smuggled-corners.xlsx": ("xlsx", xlsx_smuggled_corners()),
        "smuggled-repeats.ods": ("ods", ods_smuggled_repeats()),
        "legit-0.9m-cells.xlsx": ("xlsx", xlsx_big_legit()),
        "legit-1.9m-cells.xlsx": ("xlsx", xlsx_big_legit(rows=47_500, span=2)),
        "legit-near-elements.xlsx": ("xlsx", xlsx_near_elements()),
        "legit-box-at-limit.xlsx": ("xlsx", xlsx_box_at_limit()),
        "legit-dense.ods": ("ods", ods_dense_legit()),
        "legit-dense-over-elements.ods": ("ods", ods_dense_legit(rows=2_900)),
        "legit-repeats-at-limit.ods": ("ods", ods_repeats_at_limit()),
        "legit-big.xls": ("xls", xls_big_legit()),
        "legit-5mb.csv": ("csv", csv_big_legit()),
    }
