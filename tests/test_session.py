"""The app's model, driven the way the windows drive it: no screen needed."""

from __future__ import annotations

import json
import os

import pytest
from conftest import SAMPLES

from lendready.domain.files.case_file import CaseFileError, load_case
from lendready.model.recovery import RecoveryStore
from lendready.model.session import CaseSession
from lendready.model.settings import MAX_RECENT, Settings, load_settings, save_settings


def test_new_case_edits_mark_unsaved_and_update_the_assessment(knowledge):
    s = CaseSession.new(knowledge, "founder")
    assert not s.dirty and s.assessment.band == "incomplete"
    assert s.set_answer("org.legal_form", "unincorporated_association")
    assert s.dirty
    assert s.assessment.band == "not_ready"
    assert not s.set_answer("org.legal_form", "unincorporated_association")  # no change, no new revision
    assert s.set_answer("org.legal_form", None)
    assert "org.legal_form" not in s.answers
    assert s.assessment.band == "incomplete"


def test_save_makes_clean_and_reopen_gives_the_same_assessment(tmp_path, knowledge):
    s = CaseSession.open(knowledge, SAMPLES / "northtown.lendready")
    s.set_answer("gov.finance_expertise", "yes")
    s.set_note("gov.finance_expertise", "Treasurer appointed in October")
    path = s.save(tmp_path / "northtown-edited")
    assert path.name == "northtown-edited.lendready" and not s.dirty
    again = CaseSession.open(knowledge, path)
    assert again.assessment.to_json() == s.assessment.to_json()
    assert again.notes == {"gov.finance_expertise": "Treasurer appointed in October"}
    assert "governance.no_finance_expertise" not in again.assessment.finding_ids


def test_untitled_case_needs_a_name_to_save(knowledge):
    with pytest.raises(ValueError):
        CaseSession.new(knowledge, "lender").save()


def test_refused_file_raises_and_creates_no_session(tmp_path, knowledge):
    bad = tmp_path / "bad.lendready"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(CaseFileError):
        CaseSession.open(knowledge, bad)


def test_section_progress_counts_relevant_answered_and_problems(knowledge):
    s = CaseSession.open(knowledge, SAMPLES / "vale.lendready")
    people = next(sec for sec in knowledge.questionnaire.sections if sec.id == "people")
    # admitted body: guarantee, deficit, exit debt and bond are asked; a TUPE spin-out: NHS pension access
    # (the last three were added in 2026.12 and Vale leaves them unanswered)
    assert s.section_progress(people) == (4, 7, 0)
    s.set_answer("ppl.lgps_admitted_body", "no")
    assert s.section_progress(people) == (2, 3, 0)  # they are hidden, their answers kept
    assert s.answers["ppl.pension_guarantee"] == "yes"
    income = next(sec for sec in knowledge.questionnaire.sections if sec.id == "income")
    s.set_answer("inc.grant_share", 140)
    assert s.section_progress(income).problems == 1
    assert s.problems()["inc.grant_share"] == "A percentage from 0 to 100"


def test_recovery_round_trip_private_and_ignores_live_or_damaged_files(tmp_path, knowledge):
    store = RecoveryStore(tmp_path / "recovery")
    s = CaseSession.open(knowledge, SAMPLES / "crown_inn.lendready")
    s.set_answer("fin.cash", 42_000)
    file = store.write(s.case, knowledge, s.path)
    if os.name == "posix":
        assert (file.stat().st_mode & 0o077) == 0 and (file.parent.stat().st_mode & 0o077) == 0
    assert store.pending(knowledge) == []  # written by this (running) process
    payload = json.loads(file.read_text("utf-8"))
    payload["pid"] = 2**22 + 12345  # a process that no longer exists
    file.write_text(json.dumps(payload), encoding="utf-8")
    (store.directory / "junk.recovery.json").write_text("{not json", encoding="utf-8")
    [entry] = store.pending(knowledge)
    assert entry.case.answers["fin.cash"] == 42_000
    assert entry.original_path == s.path and entry.organisation == "Crown Inn Community Pub Ltd"
    store.remove(entry)
    assert store.pending(knowledge) == []


def test_settings_survive_damage_and_keep_good_fields(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"recent_files": ["/a.lendready"], "last_role": "pirate", "future": 1}', encoding="utf-8")
    settings = load_settings(path)
    assert settings.recent_files == ["/a.lendready"] and settings.last_role == "lender"
    path.write_text("\xff garbage", encoding="utf-8")
    assert load_settings(path) == Settings()
    for i in range(MAX_RECENT + 3):
        settings.add_recent(tmp_path / f"{i}.lendready")
    assert len(settings.recent_files) == MAX_RECENT
    assert settings.recent_files[0].endswith(f"{MAX_RECENT + 2}.lendready")
    settings.last_role = "founder"
    save_settings(settings, path)
    assert load_settings(path) == settings


def test_loaded_case_keeps_unknown_answers_through_the_session(tmp_path, knowledge):
    doc = json.loads((SAMPLES / "bean_there.lendready").read_text("utf-8"))
    doc["answers"]["future.question"] = [1, 2]
    src = tmp_path / "b.lendready"
    src.write_text(json.dumps(doc), encoding="utf-8")
    s = CaseSession.open(knowledge, src)
    s.set_answer("fin.cash", 1)
    s.save()
    assert load_case(src, knowledge.questionnaire).answers["future.question"] == [1, 2]


def test_settings_check_each_field_on_change_and_ignore_unknown_keys(tmp_path):
    settings = Settings()
    with pytest.raises(ValueError, match="lender, founder, trainer"):
        settings.last_role = "auditor"
    with pytest.raises(ValueError, match="list of file paths"):
        settings.recent_files = "/one/file.lendready"
    with pytest.raises(AttributeError, match="no field"):
        settings.colour = "blue"
    path = tmp_path / "settings.json"
    path.write_text('{"last_role": "trainer", "theme": "dark", "window_geometry": 7,'
                    ' "recent_files": ["/1.lendready"]}', encoding="utf-8")
    loaded = load_settings(path)
    assert (loaded.last_role, loaded.window_geometry, loaded.recent_files) == ("trainer", "", ["/1.lendready"])
    save_settings(loaded, path)
    assert "theme" not in path.read_text(encoding="utf-8"), "unknown keys are not carried forward"


def test_a_year_end_after_today_is_flagged_as_it_is_typed(knowledge, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01
    s = CaseSession.open(knowledge, SAMPLES / "vale.lendready")
    s.set_answer("fin.accounts_year_end", "2027-03-31")
    assert "fin.accounts_year_end" in s.problems()
    s.set_answer("fin.accounts_year_end", "2026-03-31")
    assert "fin.accounts_year_end" not in s.problems()
