"""Saving a case someone else changed on a shared drive: asked, never replaced silently."""

from __future__ import annotations

import json
import os
import stat

import pytest
from conftest import SAMPLES
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

from lendready.ui.widgets import messages


@pytest.fixture
def shared(tmp_path):
    """A case on the "shared drive", opened in the window later."""
    path = tmp_path / "shared" / "vale.lendready"
    path.parent.mkdir()
    path.write_bytes((SAMPLES / "vale.lendready").read_bytes())
    return path


def change_from_outside(path) -> bytes:
    """A colleague saves the same case from another machine."""
    doc = json.loads(path.read_text("utf-8"))
    doc["answers"]["org.name"] = "Changed by a colleague"
    path.write_text(json.dumps(doc), encoding="utf-8")
    later = path.stat().st_mtime_ns + 2_000_000_000
    os.utime(path, ns=(later, later))
    return path.read_bytes()


def answer(monkeypatch, key):
    asked = []

    def choose(parent, icon, title, text, buttons, informative="", default=None):
        asked.append({"text": text, "buttons": [label for _, label, _ in buttons], "default": default})
        return key

    monkeypatch.setattr(messages, "choose", choose)
    return asked


def opened_and_edited(window, shared):
    assert window.open_path(str(shared))
    theirs = change_from_outside(shared)
    window.session.set_answer("org.years_trading", 11)
    assert window.session.dirty
    return theirs


def test_save_a_copy_keeps_their_file_and_writes_ours_elsewhere(qtbot, window, shared, monkeypatch, tmp_path):
    theirs = opened_and_edited(window, shared)
    asked = answer(monkeypatch, "copy")
    folders = []
    copy = tmp_path / "mine.lendready"

    def save_dialog(parent, title, start, filters):
        folders.append(start)
        return str(copy), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    assert window.save()
    assert asked[0]["text"].startswith("vale.lendready was changed on disk by someone else since you opened it")
    assert asked[0]["buttons"] == ["Save a copy…", "Overwrite", "Cancel"] and asked[0]["default"] == "copy"
    assert folders == [str(shared.parent / "vale (my copy).lendready")], "Save as starts beside the case"
    assert shared.read_bytes() == theirs
    assert json.loads(copy.read_text("utf-8"))["answers"]["org.years_trading"] == 11
    assert window.session.path == copy.resolve() and not window.session.dirty


def test_overwrite_replaces_their_changes(qtbot, window, shared, monkeypatch):
    opened_and_edited(window, shared)
    answer(monkeypatch, "overwrite")
    assert window.save()
    doc = json.loads(shared.read_text("utf-8"))
    assert doc["answers"]["org.years_trading"] == 11
    assert doc["answers"]["org.name"] != "Changed by a colleague"
    assert not window.session.dirty
    # Ours now: the next save goes through without asking.
    window.session.set_answer("org.years_trading", 12)
    monkeypatch.setattr(messages, "choose", lambda *a, **k: pytest.fail("asked again"))
    assert window.save()


def test_cancel_writes_nothing(qtbot, window, shared, monkeypatch):
    theirs = opened_and_edited(window, shared)
    asked = answer(monkeypatch, "cancel")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: pytest.fail("no Save as on Cancel"))
    assert not window.save()
    assert asked and shared.read_bytes() == theirs
    assert sorted(p.name for p in shared.parent.iterdir()) == ["vale.lendready"]
    assert window.session.dirty and window.session.answers["org.years_trading"] == 11


def test_a_read_only_case_says_so_and_offers_save_as(qtbot, window, shared, monkeypatch, tmp_path):
    assert window.open_path(str(shared))
    before = shared.read_bytes()
    shared.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        window.session.set_answer("org.years_trading", 11)
        asked = answer(monkeypatch, "save_as")
        copy = tmp_path / "elsewhere.lendready"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(copy), "x"))
        assert window.save()
        assert "read-only" in asked[0]["text"] and asked[0]["buttons"] == ["Save as…", "Cancel"]
        assert shared.read_bytes() == before and copy.is_file()
    finally:
        shared.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_a_case_too_large_to_open_again_is_not_saved(qtbot, window, shared, monkeypatch):
    from lendready.domain.files.case_file import CaseTooLarge

    assert window.open_path(str(shared))
    before = shared.read_bytes()
    window.session.set_answer("org.years_trading", 11)

    def too_large(*args, **kwargs):
        raise CaseTooLarge("the case would be 6.1 MB, over the 5 MB a case file may be")

    monkeypatch.setattr(window.session, "save", too_large)
    shown = []
    monkeypatch.setattr(messages, "warn", lambda parent, title, text, informative="": shown.append((text, informative)))
    assert not window.save()
    assert "6.1 MB" in shown[0][0] and "still open here and in the recovery copy" in shown[0][1]
    assert shared.read_bytes() == before and window.session.dirty


def test_save_as_for_a_new_case_starts_in_documents(qtbot, window, monkeypatch):
    window.new_case("founder")
    starts = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda parent, title, start, filters: starts.append(start)
                        or ("", ""))
    assert not window.save_as()
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    expected = documents if documents and os.path.isdir(documents) else os.path.expanduser("~")
    assert os.path.dirname(starts[0]) == expected
    assert not starts[0].startswith(str(SAMPLES.parent.parent)), "never the program's own folder"


def test_a_sample_saves_and_exports_from_the_last_folder_used_not_the_program(qtbot, window, monkeypatch, tmp_path):
    window.settings.add_recent(str(tmp_path / "earlier.lendready"))
    (tmp_path / "earlier.lendready").write_bytes(b"")
    window.open_path(str(SAMPLES / "vale.lendready"))
    starts = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda parent, title, start, filters: starts.append(start)
                        or ("", ""))
    assert window.ask_pdf_path("Export briefing", "vale.pdf") is None
    assert starts == [str(tmp_path / "vale.pdf")]
