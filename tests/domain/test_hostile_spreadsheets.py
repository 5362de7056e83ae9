"""Issue 17: hostile spreadsheets are refused with a plain reason, before python-calamine can take the
process down; ordinary ones in every format still import. Files are generated (tests/spreadsheet_fuzz.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import spreadsheet_fuzz as sf  # noqa: E402

from lendready.domain.files.forecast_import import read_forecast_file  # noqa: E402


def imported(tmp_path: Path, name: str, data: bytes, **kw):
    path = tmp_path / name
    path.write_bytes(data)
    return read_forecast_file(path, **kw)


def refusal(tmp_path: Path, name: str, data: bytes) -> str:
    result = imported(tmp_path, name, data)
    assert result.rows == [] and len(result.problems) == 1, result.problems
    return result.problems[0]


@pytest.mark.parametrize("name", sorted(sf.ordinary()))
def test_an_ordinary_forecast_imports_in_every_format(tmp_path, name):
    kind, data = sf.ordinary()[name]
    result = imported(tmp_path, name, data)
    assert result.problems == []
    assert result.rows[0]["month"] == "2027-01"


def test_a_cell_at_a1_and_one_at_xfd1048576_is_refused_with_the_span(tmp_path):
    message = refusal(tmp_path, "corners.xlsx", sf.xlsx_corners())
    assert message.startswith("The sheet 'Forecast' of corners.xlsx spans A1:XFD1048576 (1,048,576 rows by 16,384")
    assert "Copy the forecast onto a sheet of its own" in message


def test_implied_positions_are_counted_as_calamine_counts_them(tmp_path):
    message = refusal(tmp_path, "sparse.xlsx", sf.xlsx_sparse_implied())
    assert "spans A1:AZ900000 (900,000 rows by 52 columns" in message


def test_a_zip_bomb_is_refused_by_its_declared_size(tmp_path):
    message = refusal(tmp_path, "bomb.xlsx", sf.xlsx_zip_bomb(megabytes=40))
    assert "bomb.xlsx has a part (xl/worksheets/sheet1.xml) that unpacks to 40 MB" in message


def test_a_huge_shared_string_is_refused(tmp_path):
    message = refusal(tmp_path, "s.xlsx", sf.xlsx_shared_string_bomb(megabytes=40))
    assert "has a part (xl/sharedStrings.xml) that unpacks to 39 MB, more than the 32 MB" in message


def test_declared_sizes_that_lie_are_not_believed(tmp_path):
    message = refusal(tmp_path, "lie.xlsx", sf.xlsx_lying_sizes())
    assert message.startswith("lie.xlsx is damaged (xl/worksheets/sheet1.xml")


def test_a_document_type_is_refused_before_any_entity_is_expanded(tmp_path):
    message = refusal(tmp_path, "laughs.xlsx", sf.xlsx_billion_laughs())
    assert "declares a document type, which no spreadsheet does" in message


def test_a_zip_of_thousands_of_parts(tmp_path):
    assert "holds 5,0" in refusal(tmp_path, "many.xlsx", sf.xlsx_many_entries())


def test_xlsb_is_refused_with_how_to_save_as_xlsx(tmp_path):
    message = refusal(tmp_path, "b.xlsb", sf.xlsb_like())
    assert "Excel binary workbook (.xlsb)" in message and "Excel Workbook (.xlsx)" in message


def test_ods_repeats_are_multiplied_out(tmp_path):
    message = refusal(tmp_path, "r.ods", sf.ods_repeat_bomb())
    assert message.startswith("The sheet 'Forecast' of r.ods spans A1:XFD1048576")


def test_a_sparse_xls_is_refused(tmp_path):
    assert "spans A1:IV65536 (65,536 rows by 256 columns" in refusal(tmp_path, "c.xls", sf.xls_corners())


def test_xls_declared_dimensions_are_checked_before_calamine_reserves_them(tmp_path):
    message = refusal(tmp_path, "d.xls", sf.xls_declared_huge())
    assert "declares 1,048,576 rows by 256 columns" in message


def test_an_xls_whose_directory_sectors_loop_is_read_from_a_rebuilt_container(tmp_path):
    # calamine's own reader would follow the loop for ever; it is given a clean compound file instead.
    result = imported(tmp_path, "loop.xls", sf.xls_sector_loop())
    assert result.problems == [] and len(result.rows) == 12


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "forecast.xlsx"
    os.mkfifo(fifo)
    (message,) = read_forecast_file(fifo).problems
    assert "is not a regular file" in message


def test_an_ambiguous_figure_in_a_semicolon_csv_names_row_column_and_both_readings(tmp_path):
    problems = imported(tmp_path, "a.csv", sf.csv_ambiguous()).problems
    assert problems[0].startswith("Row 2, column B (receipts): '12.500' could be £12,500 or £12.5")
    assert problems[1].startswith("Row 2, column C (payments): '1.000' could be £1,000 or £1.0")


def test_one_semicolon_in_a_comma_csv_keeps_commas(tmp_path):
    result = imported(tmp_path, "s.csv", sf.csv_stray_semicolon())
    assert result.problems == [] and len(result.rows) == 13


def test_400000_bad_rows_give_22_lines(tmp_path):
    problems = imported(tmp_path, "bad.csv", sf.csv_many_bad_rows()).problems
    assert len(problems) == 22  # the month count and 19 cell problems, the count of the rest, the unread
    assert problems[0] == "The sheet has 400,000 months; a forecast takes at most 36"
    assert problems[1] == "Row 2, column A (month): 'x' is not a month; write it for example as Aug 2027 or 08/2027"
    assert problems[-2:] == ["and 980 more rows with problems", "the 399,001 rows after row 1,000 were not checked"]


def _fuzz(tmp_path: Path, files: dict[str, tuple[str, bytes]]) -> None:
    for name, (_, data) in files.items():
        result = imported(tmp_path, name, data)
        assert all(isinstance(p, str) and p for p in result.problems), name
        assert bool(result.rows) != bool(result.problems), name


def test_mutated_spreadsheets_import_or_are_refused(tmp_path):
    _fuzz(tmp_path, sf.mutated(60))


@pytest.mark.slow
def test_many_mutated_spreadsheets_import_or_are_refused(tmp_path):
    _fuzz(tmp_path, sf.mutated(1500, seed=1917))


def test_full_size_bombs_whose_sizes_lie_are_refused(tmp_path):
    # Each part is inflated from its own bytes and counted: the cap stops a bomb whatever its entry claims.
    too_much = "unpacks to more than lendready allows for a workbook"
    assert too_much in refusal(tmp_path, "a.xlsx", sf.xlsx_zip_bomb_max("small"))
    assert too_much in refusal(tmp_path, "b.xlsx", sf.xlsx_zip_bomb_max("prefix"))
    assert "would unpack to 990 MB, more than the 64 MB" in refusal(tmp_path, "c.xlsx", sf.xlsx_many_bomb_parts())


def test_a_stream_longer_than_its_declared_part_is_not_read(tmp_path):
    # The entry declares a harmless document; the stream goes on. Readers differ in how far they read
    # (python-calamine 0.9.0 read on and aborted), so the pre-flight refuses any stream that does not
    # end where its entry says.
    assert "its size or checksum is not what the zip declares" in refusal(
        tmp_path, "s.xlsx", sf.xlsx_smuggled_corners())
    assert "is damaged" in refusal(tmp_path, "s.ods", sf.ods_smuggled_repeats())
