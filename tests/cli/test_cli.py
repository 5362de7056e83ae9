"""The command line as a script or a person uses it: real processes, real files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import SAMPLES

from lendready.domain.engine.contract import AssessmentOutput


def run(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "lendready", *args], capture_output=True, text=True, **kwargs)


def test_assess_json_matches_the_contract_and_the_engine(knowledge, samples):
    from datetime import date

    from lendready.domain.advice import analyse

    out = run("assess", str(SAMPLES / "riverside.lendready"), "--format", "json", "--as-of", "2026-12-01")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    AssessmentOutput.model_validate(data)
    case = samples["riverside"]
    assert data == json.loads(analyse(case, knowledge, date(2026, 12, 1)).to_json())
    assert data["as_of"] == "2026-12-01"
    assert data["band"] == "not_ready"
    assert [a["id"] for a in data["areas"]] == [
        "organisation", "governance", "asset_lock", "cashflow", "income", "security", "people"]
    assert data["metrics"]["dscr"] == 1.8


def test_assess_json_is_byte_identical_across_runs():
    a = run("assess", str(SAMPLES / "vale.lendready"), "--format", "json")
    b = run("assess", str(SAMPLES / "vale.lendready"), "--format", "json")
    assert a.returncode == 0 and a.stdout == b.stdout


def test_trace_shows_conditions_and_parameters():
    out = run("assess", str(SAMPLES / "crown_inn.lendready"), "--format", "json", "--trace")
    trace = json.loads(out.stdout)["trace"]["findings"]["cashflow.dscr_thin"]
    assert "metric.dscr" in trace["condition"]
    assert trace["parameters"]["dscr.amber_below"] == 1.25


def test_assess_text_explains_band_findings_and_evidence():
    out = run("assess", str(SAMPLES / "northtown.lendready"), "--format", "text", "--audience", "founder")
    assert out.returncode == 0
    text = out.stdout
    assert "Band: NOT READY" in text
    assert "One customer provides 86% of income" in text
    assert "Seen: " in text and "Why it matters: " in text and "What to do: " in text
    assert "Lowest forecast cash" in text and "n/a" in text


def test_refused_file_exit_2_message_on_stderr_nothing_on_stdout(tmp_path):
    bad = tmp_path / "bad.lendready"
    bad.write_text('{"format": "lendready-case", "format_version": 1, "answers": {"fin.turnover": "lots"}}')
    out = run("assess", str(bad), "--format", "json")
    assert out.returncode == 2
    assert out.stdout == ""
    assert "fin.turnover" in out.stderr and "an amount in pounds" in out.stderr


def test_newer_version_refused(tmp_path):
    newer = tmp_path / "newer.lendready"
    newer.write_text('{"format": "lendready-case", "format_version": 9, "answers": {}}')
    out = run("assess", str(newer))
    assert out.returncode == 2 and "newer lendready" in out.stderr and out.stdout == ""


@pytest.mark.parametrize("args", [("assess",), ("assess", "x.lendready", "--format", "xml"), ("frobnicate", "a", "b")])
def test_usage_errors_exit_1(args):
    out = run(*args)
    assert out.returncode == 1
    assert "usage" in out.stderr


def test_unknown_answers_are_warned_on_stderr(tmp_path):
    case = json.loads((SAMPLES / "vale.lendready").read_text("utf-8"))
    case["answers"]["future.question"] = 3
    path = tmp_path / "v.lendready"
    path.write_text(json.dumps(case), encoding="utf-8")
    out = run("assess", str(path), "--format", "json")
    assert out.returncode == 0 and "future.question" in out.stderr
    assert json.loads(out.stdout)["band"] == "ready"


def test_lint_clean_and_failing(tmp_path, resources):
    import shutil

    ok = run("lint")
    assert ok.returncode == 0 and "lint: clean" in ok.stdout
    root = tmp_path / "res"
    shutil.copytree(resources, root)
    path = root / "rules" / "people.toml"
    path.write_text(path.read_text("utf-8").replace('ppl.tupe_transfer == "yes"', 'ppl.tupe == "yes"', 1), "utf-8")
    bad = run("lint", str(root))
    assert bad.returncode == 4
    assert "rules/people.toml:people.tupe: when: unknown name 'ppl.tupe'" in bad.stdout


def test_version():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.startswith("lendready ")


def test_as_of_is_printed_and_a_bad_date_is_a_usage_error_naming_the_form():
    out = run("assess", str(SAMPLES / "vale.lendready"), "--as-of", "2027-03-31")
    assert out.returncode == 0, out.stderr
    assert "Assessed as at 31/03/2027" in out.stdout
    bad = run("assess", str(SAMPLES / "vale.lendready"), "--as-of", "31/03/2027", "--format", "json")
    assert bad.returncode == 1 and bad.stdout == ""
    assert "YYYY-MM-DD" in bad.stderr and "31/03/2027" in bad.stderr
    impossible = run("assess", str(SAMPLES / "vale.lendready"), "--as-of", "2027-02-30")
    assert impossible.returncode == 1 and "not a real date" in impossible.stderr


def test_the_text_report_says_when_the_amount_is_not_the_problem():
    out = run("assess", str(SAMPLES / "riverside.lendready"), "--as-of", "2026-12-01")
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert "The amount is not what holds this case back" in text
    assert "Largest amount" not in text
    assert "Customers pay 30 days late: does not apply" in text
