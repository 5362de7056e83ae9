"""`lendready handout` and `lendready session-pack` as a trainer runs them: real processes, real files."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tomllib

from conftest import SAMPLE_IDS, SAMPLES
from pypdf import PdfReader


def run(*args, cwd=None):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1795600000")
    return subprocess.run([sys.executable, "-m", "lendready", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, check=False)


def text_of(path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def test_handout_of_a_sample_id(tmp_path):
    out = run("handout", "riverside", "-o", str(tmp_path / "h.pdf"))
    assert out.returncode == 0, out.stderr
    assert "Riverside Community Health CIC" in out.stdout
    text = text_of(tmp_path / "h.pdf")
    assert "Answers — for the trainer" in text and "The experienced lender's verdict" in text
    verdict = tomllib.loads((SAMPLES / "riverside.toml").read_text(encoding="utf-8"))["lender_verdict"]
    assert re.sub(r"\s+", " ", verdict) in text


def test_handout_of_a_case_file_finds_its_sample(tmp_path):
    # A sample's own file is recognised as that sample (story, questions, verdict) ...
    out = run("handout", str(SAMPLES / "vale.lendready"), "-o", str(tmp_path / "v.pdf"))
    assert out.returncode == 0, out.stderr
    verdict = tomllib.loads((SAMPLES / "vale.toml").read_text(encoding="utf-8"))["lender_verdict"]
    assert re.sub(r"\s+", " ", verdict) in text_of(tmp_path / "v.pdf")
    # ... and so is a copy elsewhere: the answers decide, not the path ...
    copy = tmp_path / "copy.lendready"
    copy.write_bytes((SAMPLES / "vale.lendready").read_bytes())
    out = run("handout", copy.name, "-o", "c.pdf", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert re.sub(r"\s+", " ", verdict) in text_of(tmp_path / "c.pdf")
    # ... but a copy with one answer changed is a case of one's own, and says it has no verdict.
    data = json.loads(copy.read_text(encoding="utf-8"))
    data["answers"]["fin.cash"] += 1
    mine = tmp_path / "mine.lendready"
    mine.write_text(json.dumps(data), encoding="utf-8")
    out = run("handout", mine.name, "-o", "m.pdf", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "not one of lendready's sample cases" in text_of(tmp_path / "m.pdf")


def test_unknown_sample_exits_2_and_lists_the_samples(tmp_path):
    target = tmp_path / "h.pdf"
    out = run("handout", "nowhere", "-o", str(target))
    assert out.returncode == 2 and out.stdout == ""
    assert "no sample case 'nowhere'" in out.stderr
    assert all(sid in out.stderr for sid in SAMPLE_IDS)
    out = run("session-pack", "riverside", "nowhere", "-o", str(target))
    assert out.returncode == 2 and out.stdout == ""
    assert "'nowhere'" in out.stderr and all(sid in out.stderr for sid in SAMPLE_IDS)
    assert list(tmp_path.iterdir()) == []


def test_refused_case_file_exits_2_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.lendready"
    bad.write_text('{"format": "lendready-case", "format_version": 1, "answers": {"fin.turnover": "lots"}}')
    target = tmp_path / "h.pdf"
    target.write_bytes(b"previous")
    out = run("handout", str(bad), "-o", str(target))
    assert out.returncode == 2 and out.stdout == ""
    assert "cannot make a handout from" in out.stderr
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.lendready", "h.pdf"]


def test_session_pack_in_the_order_asked(tmp_path):
    target = tmp_path / "pack.pdf"
    out = run("session-pack", "vale", "riverside", "-o", str(target))
    assert out.returncode == 0, out.stderr
    text = text_of(target)
    assert text.index("Case 1 · exercise sheet Vale Leisure Trust Ltd") < text.index(
        "Case 2 · exercise sheet Riverside Community Health CIC")
    assert "Crown Inn" not in text


def test_session_pack_usage_errors_write_nothing(tmp_path):
    target = tmp_path / "pack.pdf"
    twice = run("session-pack", "vale", "vale", "-o", str(target))
    assert twice.returncode == 1 and "named more than once: vale" in twice.stderr
    no_output = run("session-pack", "vale")
    assert no_output.returncode == 1
    unwritable = run("session-pack", "vale", "-o", str(tmp_path / "no-such-folder" / "p.pdf"))
    assert unwritable.returncode == 1 and "cannot write" in unwritable.stderr
    assert list(tmp_path.iterdir()) == []


def test_handout_and_the_trainer_briefing_of_one_file_are_the_same_document(tmp_path):
    """Two routes to the trainer's PDF: same story, same provenance hash of the file as read, same bytes,
    when both assess the case at the same date (a handout of a sample defaults to the sample's own date;
    ``assess`` to the date of SOURCE_DATE_EPOCH, and the PDF prints the date it was assessed at)."""
    case = SAMPLES / "northtown.lendready"
    as_of = tomllib.loads((SAMPLES / "northtown.toml").read_text(encoding="utf-8"))["as_of"]
    by_handout = run("handout", str(case), "-o", str(tmp_path / "h.pdf"))
    by_assess = run("assess", str(case), "--pdf", str(tmp_path / "a.pdf"), "--audience", "trainer",
                    "--as-of", as_of.isoformat())
    assert by_handout.returncode == 0 and by_assess.returncode == 0, by_handout.stderr + by_assess.stderr
    assert (tmp_path / "h.pdf").read_bytes() == (tmp_path / "a.pdf").read_bytes()
    assert f"Assessed as at {as_of.strftime('%d/%m/%Y')}" in text_of(tmp_path / "h.pdf")
    # Without --as-of, assess reads the case at the date of SOURCE_DATE_EPOCH, and says so.
    by_default = run("assess", str(case), "--pdf", str(tmp_path / "d.pdf"), "--audience", "trainer")
    assert by_default.returncode == 0, by_default.stderr
    assert "Assessed as at 25/11/2026" in text_of(tmp_path / "d.pdf")
    by_id = run("handout", "northtown", "-o", str(tmp_path / "i.pdf"))
    assert by_id.returncode == 0, by_id.stderr
    assert (tmp_path / "i.pdf").read_bytes() == (tmp_path / "h.pdf").read_bytes()
