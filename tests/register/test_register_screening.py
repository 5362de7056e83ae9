"""``lendready screen --register``: every case the role can see, from its current version, one row each."""

from __future__ import annotations

import csv
import io
from datetime import date

import sqlalchemy as sa
from conftest import SAMPLES

from lendready.cli import main
from lendready.domain.advice import analyse
from lendready.domain.files.case_file import load_case
from lendready.register import schema as t
from lendready.register.repository import Register, sqlite_url

AS_OF = date(2026, 12, 3)


def test_register_screen_reads_the_current_versions(tmp_path, knowledge, capsys):
    url = sqlite_url(tmp_path / "register.sqlite3")
    with Register.open(url, user="alice", knowledge=knowledge, upgrade=True) as register:
        vale = register.import_file(SAMPLES / "vale.lendready")
        register.import_file(SAMPLES / "riverside.lendready")
        case, version = register.get_case(vale.id)
        case.answers["inc.largest_customer_share"] = 78  # version 2 changes the verdict
        assert register.save_version(case, version, reason="new contract") == 2
        # A version written by something other than lendready: the row says why it cannot be read.
        with register.engine.begin() as conn:
            conn.execute(sa.insert(t.cases).values(
                id="broken", team="local", organisation="Broken Ltd", organisation_key="broken ltd",
                status="received", created_at=vale.created_at, updated_at=vale.created_at, current_version=1))
            conn.execute(sa.insert(t.case_versions).values(
                case_id="broken", version=1, document="{not json", sha256="0" * 64, author="mallory",
                created_at=vale.created_at))
        pages = list(register.current_documents(batch=2))
    out = tmp_path / "portfolio.csv"
    status = main(["screen", "--register", "--url", str(url), "-o", str(out), "--as-of", "03/12/2026", "-q"])
    assert status == 0, capsys.readouterr().err
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert len(rows) == len(pages) == 3
    by_source = {r["File"]: r for r in rows}
    assert f"register:{vale.id} v2" in by_source
    expected = analyse(case, knowledge, AS_OF)  # the saved version 2, not the imported version 1
    assert by_source[f"register:{vale.id} v2"]["Band"] == knowledge.bands[expected.band].label
    riverside = analyse(load_case(SAMPLES / "riverside.lendready", knowledge.questionnaire), knowledge, AS_OF)
    assert [r["Band"] for r in rows if r["Organisation"].startswith("Riverside")] == [
        knowledge.bands[riverside.band].label]
    broken = by_source["register:broken v1"]
    assert broken["Status"] != "assessed" and "JSON" in broken["Status"]


def test_register_screen_says_why_when_the_register_cannot_be_reached(tmp_path, capsys):
    status = main(["screen", "--register", "--url", "postgresql://nobody@127.0.0.1:1/none", "-o",
                   str(tmp_path / "p.csv")])
    assert status == 2 and "the register cannot be read" in capsys.readouterr().err
    assert not (tmp_path / "p.csv").exists()
    assert main(["screen", "-o", str(tmp_path / "p.csv")]) == 1
    assert main(["screen", "--url", "sqlite:///x", "-o", str(tmp_path / "p.csv"), str(SAMPLES)]) == 1
