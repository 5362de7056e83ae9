"""``lendready import-forecast CASE FILE [--sheet NAME]`` as a person runs it: real processes, real files."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys

import pytest
from conftest import SAMPLES

openpyxl = pytest.importorskip("openpyxl")


def run(*args):
    return subprocess.run([sys.executable, "-m", "lendready", *args], capture_output=True, text=True, check=False)


@pytest.fixture
def case(tmp_path):
    path = tmp_path / "case.lendready"
    shutil.copy(SAMPLES / "riverside.lendready", path)
    return path


def csv_year(path, months=12, bad=None):
    lines = ["Month,Receipts,Payments"]
    for i in range(months):
        lines.append(f'{2027 + i // 12}-{i % 12 + 1:02d},"£1,{i:03d}",£500')
    if bad:
        lines[bad[0] - 1] = bad[1]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


def test_success_saves_the_forecast_and_says_what_was_imported(tmp_path, case):
    file = csv_year(tmp_path / "forecast.csv")
    out = run("import-forecast", str(case), str(file))
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"Imported 12 months (Jan 2027 to Dec 2027) from {file} into {case}\n"
    assert out.stderr == ""
    data = json.loads(case.read_text(encoding="utf-8"))
    assert data["answers"]["fin.forecast"][0] == {"month": "2027-01", "receipts": 1000, "payments": 500}
    assert len(data["answers"]["fin.forecast"]) == 12
    assert run("assess", str(case), "--format", "json").returncode == 0


def test_problems_exit_2_and_leave_the_case_untouched(tmp_path, case):
    before = case.read_bytes()
    file = csv_year(tmp_path / "forecast.csv", bad=(5, "2027-04,£1,abc"))
    out = run("import-forecast", str(case), str(file))
    assert out.returncode == 2
    assert out.stdout == ""
    assert "unchanged" in out.stderr
    assert "Row 5, column C (payments): 'abc' is not an amount" in out.stderr
    assert case.read_bytes() == before


def test_not_a_spreadsheet_exit_2(tmp_path, case):
    before = case.read_bytes()
    file = tmp_path / "f.xlsx"
    file.write_bytes(b"\x00\x01 not a workbook")
    out = run("import-forecast", str(case), str(file))
    assert out.returncode == 2 and "is not a spreadsheet" in out.stderr
    assert case.read_bytes() == before


def test_a_refused_case_exit_2(tmp_path):
    bad = tmp_path / "bad.lendready"
    bad.write_text("not json", encoding="utf-8")
    file = csv_year(tmp_path / "forecast.csv")
    out = run("import-forecast", str(bad), str(file))
    assert out.returncode == 2 and "cannot import into" in out.stderr
    assert bad.read_text(encoding="utf-8") == "not json"


def test_named_sheet_and_unknown_sheet(tmp_path, case):
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    ws = book.create_sheet("Forecast")
    ws.append(["Month", "Receipts", "Payments"])
    for m in range(1, 13):
        ws.append([dt.date(2027, m, 1), 2000, 1500.25])
    file = tmp_path / "plan.xlsx"
    book.save(file)
    before = case.read_bytes()
    out = run("import-forecast", str(case), str(file), "--sheet", "Budget")
    assert out.returncode == 2 and "no sheet called 'Budget'; its sheets are 'Notes', 'Forecast'" in out.stderr
    assert case.read_bytes() == before
    out = run("import-forecast", str(case), str(file), "--sheet", "Forecast")
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"Imported 12 months (Jan 2027 to Dec 2027) from {file}, sheet Forecast into {case}\n"
    data = json.loads(case.read_text(encoding="utf-8"))
    assert data["answers"]["fin.forecast"][-1] == {"month": "2027-12", "receipts": 2000, "payments": 1500.25}


def test_a_short_forecast_is_saved_with_the_questionnaire_warning(tmp_path, case):
    file = csv_year(tmp_path / "forecast.csv", months=6)
    out = run("import-forecast", str(case), str(file))
    assert out.returncode == 0
    assert out.stdout.startswith("Imported 6 months (Jan 2027 to Jun 2027)")
    assert "warning" in out.stderr and "The forecast needs 12 to 36 months; this one has 6" in out.stderr
    assert len(json.loads(case.read_text(encoding="utf-8"))["answers"]["fin.forecast"]) == 6


def test_usage_error_exit_1(case):
    assert run("import-forecast", str(case)).returncode == 1
