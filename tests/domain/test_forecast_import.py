"""Importing a forecast from real spreadsheet files: CSV, XLSX and ODS, built in a temporary folder."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from lendready.domain.files.forecast_import import MAX_FILE_BYTES, column_letters, read_forecast_file

openpyxl = pytest.importorskip("openpyxl")

MONTHS = [f"2027-{m:02d}" for m in range(1, 13)]


def write_xlsx(path: Path, sheets: dict[str, list[list]], start: str = "A1") -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    col0 = ord(start[0]) - ord("A") + 1
    row0 = int(start[1:])
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                if value is not None:
                    ws.cell(row=row0 + r, column=col0 + c, value=value)
    book.save(path)
    return path


def _ods_cell(value) -> str:
    if isinstance(value, dt.date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value.isoformat()}</text:p></table:table-cell>")
    if isinstance(value, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def write_ods(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A minimal OpenDocument spreadsheet by hand: mimetype, manifest and content.xml."""
    tables = "".join(
        f'<table:table table:name="{name}">'
        + "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def year_rows(header: bool = True, dates: bool = True) -> list[list]:
    rows = [[dt.date(2027, m, 1) if dates else f"2027-{m:02d}", 1000 + m, 900.5] for m in range(1, 13)]
    return ([["Month", "Receipts", "Payments"]] if header else []) + rows


# -- CSV -------------------------------------------------------------------------------------


def test_csv_with_pounds_commas_header_bom_and_windows_line_endings(tmp_path):
    lines = ["Month,Receipts,Payments"] + [f'{m},"£1,{i:03d}","£2,000.50"' for i, m in enumerate(MONTHS)]
    path = tmp_path / "forecast.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    result = read_forecast_file(path)
    assert result.problems == []
    assert [r["month"] for r in result.rows] == MONTHS
    assert result.rows[0] == {"month": "2027-01", "receipts": 1000, "payments": 2000.5}
    assert result.sheet_used is None and result.sheets == ()


def test_csv_without_header_and_excel_windows_1252_pound_sign(tmp_path):
    text = "\r\n".join(f"Jan 2027,£{i},£5" if i == 0 else f"{m},£{i},£5" for i, m in enumerate(MONTHS))
    path = tmp_path / "forecast.csv"
    path.write_bytes(text.encode("cp1252"))
    result = read_forecast_file(path)
    assert result.problems == []
    assert len(result.rows) == 12 and result.rows[0] == {"month": "2027-01", "receipts": 0, "payments": 5}


def test_csv_semicolons_are_read_like_a_paste(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("2027-01;100;50\n2027-02;200;60\n", encoding="utf-8")
    assert read_forecast_file(path).rows[1] == {"month": "2027-02", "receipts": 200, "payments": 60}


def test_csv_bad_cell_is_named_by_sheet_row_and_column_letter(tmp_path):
    lines = ["Month,Receipts,Payments", "2027-01,1,2", "2027-02,1,2", "2027-03,1,2", "2027-04,1,abc"]
    path = tmp_path / "f.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = read_forecast_file(path)
    assert result.rows == []
    assert result.problems == ["Row 5, column C (payments): 'abc' is not an amount"]


def test_csv_with_a_sheet_name_is_refused(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("2027-01,1,2\n", encoding="utf-8")
    assert "has no sheets" in read_forecast_file(path, sheet="Forecast").problems[0]


# -- XLSX ------------------------------------------------------------------------------------


def test_xlsx_with_real_date_cells_and_numbers(tmp_path):
    rows = year_rows()
    rows[1][0] = dt.datetime(2027, 1, 15, 9, 30)  # a datetime stands for its month
    path = write_xlsx(tmp_path / "f.xlsx", {"Forecast": rows})
    result = read_forecast_file(path)
    assert result.problems == []
    assert result.sheet_used == "Forecast" and result.sheets == ("Forecast",)
    assert [r["month"] for r in result.rows] == MONTHS
    assert result.rows[0] == {"month": "2027-01", "receipts": 1001, "payments": 900.5}


def test_xlsx_text_cells_are_read_like_a_paste_without_header(tmp_path):
    rows = [[f"{dt.date(2027, m, 1):%b %Y}", f"£1,{m:03d}", "(0)" if m == 1 else "£0"] for m in range(1, 13)]
    path = write_xlsx(tmp_path / "f.xlsx", {"Sheet1": rows})
    result = read_forecast_file(path)
    assert result.problems == []
    assert result.rows[1] == {"month": "2027-02", "receipts": 1002, "payments": 0}


def test_xlsx_letters_in_c5_are_reported_and_nothing_is_taken(tmp_path):
    rows = year_rows()
    rows[4][2] = "abc"  # the header is row 1, so this is C5
    path = write_xlsx(tmp_path / "f.xlsx", {"Forecast": rows})
    result = read_forecast_file(path)
    assert result.rows == []
    assert result.problems == ["Row 5, column C (payments): 'abc' is not an amount"]


def test_rows_and_columns_are_counted_as_the_sheet_shows_them(tmp_path):
    rows = year_rows()
    rows[2][1] = "lots"
    path = write_xlsx(tmp_path / "f.xlsx", {"Forecast": rows}, start="C4")  # header in row 4, C to E
    result = read_forecast_file(path)
    assert result.problems == ["Row 6, column D (receipts): 'lots' is not an amount"]


def test_every_unreadable_cell_is_listed(tmp_path):
    rows = year_rows()
    rows[1][0] = "soon"
    rows[2][1] = None
    path = write_xlsx(tmp_path / "f.xlsx", {"Forecast": rows})
    problems = read_forecast_file(path).problems
    assert problems[0].startswith("Row 2, column A (month): 'soon' is not a month")
    assert problems[1].startswith("Row 3, column B (receipts): the cell is empty")


def test_first_sheet_by_default_and_a_named_sheet_on_request(tmp_path):
    other = [[dt.date(2028, m, 1), 1, 1] for m in range(1, 13)]
    path = write_xlsx(tmp_path / "f.xlsx", {"Notes": year_rows(), "Plan B": other})
    first = read_forecast_file(path)
    assert first.sheet_used == "Notes" and first.sheets == ("Notes", "Plan B")
    named = read_forecast_file(path, sheet="Plan B")
    assert named.problems == [] and named.sheet_used == "Plan B"
    assert named.rows[0]["month"] == "2028-01"


def test_unknown_sheet_lists_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", {"Notes": year_rows(), "Plan B": year_rows()})
    result = read_forecast_file(path, sheet="Forecast")
    assert result.rows == []
    assert result.problems == ["f.xlsx has no sheet called 'Forecast'; its sheets are 'Notes', 'Plan B'"]
    assert result.sheets == ("Notes", "Plan B")


def test_too_many_months_is_one_problem(tmp_path):
    rows = [[dt.date(2027 + i // 12, i % 12 + 1, 1), 1, 1] for i in range(40)]
    path = write_xlsx(tmp_path / "f.xlsx", {"F": rows})
    result = read_forecast_file(path)
    assert result.rows == []
    assert result.problems == ["The sheet has 40 months; a forecast takes at most 36"]


def test_empty_sheet(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", {"Blank": []})
    assert "is empty" in read_forecast_file(path).problems[0]


# -- ODS -------------------------------------------------------------------------------------


def test_ods_with_date_and_number_cells(tmp_path):
    path = write_ods(tmp_path / "f.ods", {"Cashflow": year_rows(), "Spare": [["x"]]})
    result = read_forecast_file(path)
    assert result.problems == []
    assert result.sheet_used == "Cashflow" and result.sheets == ("Cashflow", "Spare")
    assert [r["month"] for r in result.rows] == MONTHS
    assert result.rows[-1] == {"month": "2027-12", "receipts": 1012, "payments": 900.5}


def test_ods_bad_cell(tmp_path):
    rows = year_rows(header=False, dates=False)
    rows[4][2] = "abc"
    path = write_ods(tmp_path / "f.ods", {"Cashflow": rows})
    assert read_forecast_file(path).problems == ["Row 5, column C (payments): 'abc' is not an amount"]


# -- not a spreadsheet -----------------------------------------------------------------------


def test_a_binary_file_is_one_clear_problem(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = read_forecast_file(path)
    assert result.rows == [] and len(result.problems) == 1
    assert "photo.png is not a spreadsheet lendready can read" in result.problems[0]


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    result = read_forecast_file(path)
    assert len(result.problems) == 1 and "is not a spreadsheet" in result.problems[0]


def test_a_text_file_named_xlsx(tmp_path):
    path = tmp_path / "f.xlsx"
    path.write_text("2027-01,1,2\n", encoding="utf-8")
    result = read_forecast_file(path)
    assert len(result.problems) == 1 and "is not a spreadsheet" in result.problems[0]


def test_a_file_over_5_mb_is_refused_unread(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    result = read_forecast_file(path)
    assert result.rows == [] and len(result.problems) == 1 and "larger than the 5 MB" in result.problems[0]


def test_a_missing_file(tmp_path):
    assert read_forecast_file(tmp_path / "nope.csv").problems == [f"there is no file at {tmp_path / 'nope.csv'}"]


def test_column_letters():
    assert [column_letters(i) for i in (0, 2, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "C", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


def test_a_header_without_a_payments_column(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Month,Receipts,Notes\n2027-01,1,x\n", encoding="utf-8")
    expected = (
        "Row 1 (the header): no payments column; label the columns Month, Receipts and Payments, "
        "or delete the header row"
    )
    assert read_forecast_file(path).problems == [expected]


def test_a_forecast_that_starts_in_column_b_without_header(tmp_path):
    rows = [[None, f"2027-{m:02d}", 1, 2] for m in range(1, 13)]
    rows[2][3] = "x"
    path = write_xlsx(tmp_path / "f.xlsx", {"F": rows})
    assert read_forecast_file(path).problems == ["Row 3, column D (payments): 'x' is not an amount"]
