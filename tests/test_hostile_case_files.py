"""Issue 17's attacks on case files, shared folders and the command line, each as a tester made it.

Every file is generated here; each test states what the user would lose or be
shown, and checks that it no longer happens.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLES

from lendready.domain.files.case_file import (
    MAX_BYTES,
    MAX_UNKNOWN,
    CaseFileError,
    CaseTooLarge,
    ChangedOnDisk,
    ReadOnlyCase,
    load_case,
    parse_case,
    save_case,
)
from lendready.domain.files.outside_text import for_display, for_terminal, json_safe
from lendready.model.recovery import RecoveryStore
from lendready.model.session import CaseSession

POSIX = os.name == "posix"
SPOOF = "Vale\u202eeraC\u200b \x1b[32mREADY\x1b[0m \x9b31m"


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "lendready", *args],
        capture_output=True, text=True, encoding=(env or {}).get("PYTHONIOENCODING", "utf-8").split(":")[0],
        errors="strict", check=False, env=full_env, timeout=timeout,
    )


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "case.lendready"
    shutil.copy(SAMPLES / "riverside.lendready", path)
    return path


def with_answers(path: Path, **answers: object) -> Path:
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["answers"].update({k.replace("__", "."): v for k, v in answers.items()})
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def csv_forecast(path: Path) -> Path:
    rows = ["Month,Receipts,Payments"] + [f"2027-{m:02d},1000,500" for m in range(1, 13)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# -- shared folders: someone else's save is never overwritten without a word ---------------


def test_a_case_changed_on_disk_by_someone_else_is_not_overwritten(case_path, knowledge):
    session = CaseSession.open(knowledge, case_path)
    theirs = json.loads(case_path.read_text(encoding="utf-8"))
    theirs["answers"]["org.name"] = "Their edit"
    time.sleep(0.01)
    case_path.write_text(json.dumps(theirs), encoding="utf-8")
    session.set_answer("org.name", "My edit")
    with pytest.raises(ChangedOnDisk, match="changed by someone else"):
        session.save()
    assert json.loads(case_path.read_text(encoding="utf-8"))["answers"]["org.name"] == "Their edit"
    assert session.dirty  # nothing was saved: the edit is still unsaved work
    session.save(overwrite_changed=True)  # the user chose to overwrite
    assert json.loads(case_path.read_text(encoding="utf-8"))["answers"]["org.name"] == "My edit"
    session.set_answer("org.name", "Again")
    session.save()  # after our own save the file is ours again: no conflict


def test_a_file_only_touched_is_not_a_conflict(case_path, knowledge):
    session = CaseSession.open(knowledge, case_path)
    later = time.time() + 5
    os.utime(case_path, (later, later))  # a backup tool or a sync client touched it
    session.set_answer("org.name", "Mine")
    session.save()
    assert json.loads(case_path.read_text(encoding="utf-8"))["answers"]["org.name"] == "Mine"


def test_two_copies_of_one_case_keep_their_own_recovery_copies(tmp_path, case_path, knowledge):
    copy = tmp_path / "copy.lendready"
    shutil.copy(case_path, copy)  # copying keeps case_id
    store = RecoveryStore(tmp_path / "recovery")
    first, second = CaseSession.open(knowledge, case_path), CaseSession.open(knowledge, copy)
    assert first.case.case_id == second.case.case_id
    first.set_answer("org.name", "First")
    second.set_answer("org.name", "Second")
    a = store.write(first.case, knowledge, first.path)
    b = store.write(second.case, knowledge, second.path)
    assert a != b
    store.discard(first.case)  # the first copy is closed cleanly
    assert not a.exists() and b.exists()
    assert json.loads(b.read_text(encoding="utf-8"))["case"]["answers"]["org.name"] == "Second"


def test_a_restored_case_still_notices_a_change_made_to_its_file(tmp_path, case_path, knowledge):
    store = RecoveryStore(tmp_path / "recovery")
    session = CaseSession.open(knowledge, case_path)
    session.set_answer("org.name", "Unsaved")
    file = store.write(session.case, knowledge, session.path)
    payload = json.loads(file.read_text(encoding="utf-8"))
    payload["pid"] = 2**22 + 4321  # the writer has gone (a crash)
    file.write_text(json.dumps(payload), encoding="utf-8")
    with_answers(case_path, org__name="Someone else's")
    [entry] = RecoveryStore(tmp_path / "recovery").pending(knowledge)
    restored = CaseSession(knowledge, entry.case, entry.original_path)
    with pytest.raises(ChangedOnDisk):
        restored.save()


# -- the app never writes a file it would refuse to read ---------------------------------


def test_a_case_over_the_limit_is_not_saved_nor_copied_for_recovery(tmp_path, case_path, knowledge):
    session = CaseSession.open(knowledge, case_path)
    before = case_path.read_bytes()
    session.set_note("org.name", "x" * (MAX_BYTES + 10))
    with pytest.raises(CaseTooLarge, match=r"over the 5 MB .*the note on 'Borrower's registered name' \(5\.0 MB\)"):
        session.save()
    assert case_path.read_bytes() == before and session.dirty
    with pytest.raises(CaseTooLarge):
        RecoveryStore(tmp_path / "recovery").write(session.case, knowledge, session.path)
    assert not list((tmp_path / "recovery").glob("*")) if (tmp_path / "recovery").exists() else True
    session.set_note("org.name", "short again")
    session.save()
    assert load_case(case_path, knowledge.questionnaire).notes["org.name"] == "short again"


def test_a_case_just_under_the_limit_saves_and_opens_again(tmp_path, case_path, knowledge):
    session = CaseSession.open(knowledge, case_path)
    size = len(case_path.read_bytes())
    session.set_note("org.name", "é" * ((MAX_BYTES - size) // 2 - 200))  # two bytes each in UTF-8
    session.save()
    assert len(case_path.read_bytes()) <= MAX_BYTES
    assert load_case(case_path, knowledge.questionnaire).notes["org.name"].startswith("éé")


def test_too_many_unknown_answers_are_refused_and_a_thousand_kept(knowledge, case_path):
    doc = json.loads(case_path.read_text(encoding="utf-8"))
    doc["answers"].update({f"future.q{i}": i for i in range(MAX_UNKNOWN)})
    case = parse_case(json.dumps(doc).encode(), knowledge.questionnaire)
    assert len(case.warnings) == MAX_UNKNOWN
    doc["answers"].update({f"r{i}": 0 for i in range(250_000)})  # 250,000 more, under 5 MB
    with pytest.raises(CaseFileError, match="251,000 answers to questions this version does not ask"):
        parse_case(json.dumps(doc).encode(), knowledge.questionnaire)


# -- only regular files; links and permissions respected ---------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path, knowledge):
    fifo = tmp_path / "case.lendready"
    os.mkfifo(fifo)
    with pytest.raises(CaseFileError, match="not a regular file"):
        load_case(fifo, knowledge.questionnaire)
    out = run("assess", str(fifo), timeout=30)
    assert out.returncode == 2 and "not a regular file" in out.stderr


@pytest.mark.skipif(not POSIX, reason="symlinks need privileges on Windows")
def test_saving_through_a_symlink_keeps_the_link(tmp_path, case_path, knowledge):
    link = tmp_path / "shortcut.lendready"
    link.symlink_to(case_path)
    case = load_case(link, knowledge.questionnaire)
    case.answers["org.name"] = "Through the link"
    save_case(case, link, knowledge.questionnaire)
    assert link.is_symlink() and os.readlink(link) == str(case_path)
    assert json.loads(case_path.read_text(encoding="utf-8"))["answers"]["org.name"] == "Through the link"
    out = run("import-forecast", str(link), str(csv_forecast(tmp_path / "f.csv")))
    assert out.returncode == 0, out.stderr
    assert link.is_symlink() and len(json.loads(case_path.read_text())["answers"]["fin.forecast"]) == 12


@pytest.mark.skipif(not POSIX, reason="POSIX permission bits")
def test_a_shared_files_permissions_survive_a_save(case_path, knowledge):
    os.chmod(case_path, 0o640)
    case = load_case(case_path, knowledge.questionnaire)
    save_case(case, case_path, knowledge.questionnaire)
    assert stat.S_IMODE(case_path.stat().st_mode) == 0o640


@pytest.mark.skipif(not POSIX, reason="POSIX permission bits")
def test_a_read_only_case_stays_read_only_and_unchanged(tmp_path, case_path, knowledge):
    os.chmod(case_path, 0o444)
    before = case_path.read_bytes()
    out = run("import-forecast", str(case_path), str(csv_forecast(tmp_path / "f.csv")))
    assert out.returncode == 2 and "read-only" in out.stderr and "nothing was imported" in out.stderr
    assert case_path.read_bytes() == before and stat.S_IMODE(case_path.stat().st_mode) == 0o444
    session = CaseSession.open(knowledge, case_path)
    session.set_answer("org.name", "Edit")
    with pytest.raises(ReadOnlyCase, match="read-only"):
        session.save()
    assert case_path.read_bytes() == before


def test_a_read_only_bit_is_honoured_even_for_root(case_path, knowledge):
    """Root can write anything, but a file marked read-only was marked so by someone: it is left alone."""
    os.chmod(case_path, 0o444)
    case = load_case(case_path, knowledge.questionnaire)
    with pytest.raises(ReadOnlyCase):
        save_case(case, case_path, knowledge.questionnaire)


# -- outputs never replace an input --------------------------------------------------------


def test_a_pdf_never_replaces_the_case_it_comes_from(tmp_path, case_path):
    before = case_path.read_bytes()
    out = run("assess", str(case_path), "--pdf", str(case_path))
    assert out.returncode == 1 and "would replace it" in out.stderr and out.stdout == ""
    out = run("handout", str(case_path), "-o", str(case_path))
    assert out.returncode == 1 and "would replace it" in out.stderr
    if POSIX:  # the same file by another name
        link = tmp_path / "other-name.pdf"
        link.symlink_to(case_path)
        assert run("assess", str(case_path), "--pdf", str(link)).returncode == 1
    assert case_path.read_bytes() == before


# -- the terminal: nothing acts, nothing crashes --------------------------------------------


def test_escape_sequences_in_a_name_cannot_fake_the_band(case_path):
    with_answers(case_path, org__name=SPOOF)
    doc = json.loads(case_path.read_text(encoding="utf-8"))
    doc["notes"] = {"org.name": "note \x1b]0;owned\x07 \u2066x\u2069"}
    case_path.write_text(json.dumps(doc), encoding="utf-8")
    for fmt in ("text", "json"):
        out = run("assess", str(case_path), "--format", fmt)
        assert out.returncode == 0, out.stderr
        for raw in ("\x1b", "\x9b", "\u202e", "\u200b", "\x07", "\u2066"):
            assert raw not in out.stdout and raw not in out.stderr
    text = run("assess", str(case_path), "--format", "text").stdout
    assert "[U+202E]" in text or "[U+001B]" in text  # shown, not hidden
    data = json.loads(run("assess", str(case_path), "--format", "json").stdout)
    assert data["organisation"] is None  # a name with a hidden character is set aside, not shown
    assert "org.name" in json.dumps(data)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_cp1252_console_does_not_crash_on_a_welsh_name(case_path, fmt):
    with_answers(case_path, org__name="Cwmni Cydweithredol Ŵyn a Ŷd 🐑")
    out = run("assess", str(case_path), "--format", fmt, env={"PYTHONIOENCODING": "cp1252"})
    assert out.returncode == 0, out.stderr
    if fmt == "json":
        assert json.loads(out.stdout)["organisation"] == "Cwmni Cydweithredol Ŵyn a Ŷd 🐑"


def test_import_on_a_cp1252_console_reports_what_it_did(tmp_path, case_path):
    with_answers(case_path, org__name="Ŵyn")
    sheet = csv_forecast(tmp_path / "rhagolwg-ŵ.csv")
    out = run("import-forecast", str(case_path), str(sheet), env={"PYTHONIOENCODING": "cp1252"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Imported 12 months")


def test_the_outside_text_functions_show_every_acting_character():
    for raw in ("\x00", "\x1b", "\x7f", "\x85", "\x9b", "\u200b", "\u200e", "\u202a", "\u202e", "\u2066",
                "\u2069", "\u2028", "\ufeff", "\u00ad", "\U000e0041"):
        shown = for_display(f"a{raw}b")
        assert raw not in shown and f"[U+{ord(raw):04X}]" in shown
        assert raw not in for_terminal(f"a{raw}b")
        assert json.loads(json_safe(json.dumps(raw, ensure_ascii=False))) == raw
    assert for_terminal("line\n\tnext") == "line\n\tnext"
    assert for_display("line\nnext") == "line[U+000A]next"
    assert for_display("Cwmni Ŵyn 🐑 — £1,200") == "Cwmni Ŵyn 🐑 — £1,200"


def test_a_hidden_character_in_a_text_answer_is_flagged_where_it_is_typed(knowledge):
    problems = {i.question: i.message for i in knowledge.questionnaire.validate({"org.name": "Vale\u202eCare"}).invalid}
    assert "U+202E (right-to-left override)" in problems["org.name"] and "character 5" in problems["org.name"]
    clean = knowledge.questionnaire.validate({"org.name": "Cwmni Ŵyn"}).invalid
    assert all(i.question != "org.name" for i in clean)


def test_a_recovery_copy_that_cannot_be_read_is_shown_not_dropped(qtbot, tmp_path, knowledge, monkeypatch):
    """An older version could write a copy over the limit; it is named to the user and left in place."""
    from lendready.model.settings import Settings
    from lendready.ui.main_window import MainWindow
    from lendready.ui.widgets import messages

    store = RecoveryStore(tmp_path / "recovery")
    store.directory.mkdir(parents=True)
    big = store.directory / "old.recovery.json"
    big.write_bytes(b'{"pid": 1, "case": {"notes": "' + b"x" * (MAX_BYTES + 70_000) + b'"}}')
    told: list[str] = []
    monkeypatch.setattr(messages, "warn", lambda parent, title, text, informative="": told.append(text + informative))
    window = MainWindow(knowledge, settings=Settings(), recovery=store)
    qtbot.addWidget(window)
    assert not window.offer_recovery()
    assert len(told) == 1 and "old.recovery.json" in told[0] and "larger than" in told[0]
    assert str(store.directory) in told[0] and big.exists()
