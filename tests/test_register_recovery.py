"""A registered case's crash copy keeps which register case and version it came from, so after a restore
"Save to register" names that version (and a case that moved on meets the merge dialog); older copies,
without the link, still read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lendready.model.recovery import RecoveryEntry, RecoveryStore, RegisterLink, restore_question

pytestmark = pytest.mark.usefixtures("no_dialogs")


DEAD_PID = 2**22 + 12345
"""A process that no longer exists: its copy is offered at the next start."""


def as_if_crashed(store: RecoveryStore) -> Path:
    """The copy as a killed process leaves it."""
    [file] = store.pending_files()
    payload = json.loads(file.read_text("utf-8"))
    payload["pid"] = DEAD_PID
    file.write_text(json.dumps(payload), encoding="utf-8")
    return file


# -- the store ------------------------------------------------------------------------------------------


def test_register_recovery_copy_keeps_the_register_case_and_version(tmp_path, knowledge, samples):
    store = RecoveryStore(tmp_path / "recovery")
    case = samples["vale"]
    store.register_link = lambda c: ("case-123", 4) if c is case else None
    file = store.write(case, knowledge, None)
    assert json.loads(file.read_text("utf-8"))["register"] == {"case_id": "case-123", "version": 4}
    as_if_crashed(store)
    [entry] = RecoveryStore(tmp_path / "recovery").pending(knowledge)
    assert entry.register == RegisterLink("case-123", 4) and entry.original_path is None


def test_register_the_restore_question_says_a_register_copy_saves_as_the_next_version(samples):
    import datetime as dt

    utc = dt.timezone.utc
    linked = RecoveryEntry(Path("x.json"), samples["vale"], None, "2026-12-03T08:43:06Z", "Vale Leisure Trust Ltd",
                           RegisterLink("case-123", 4))
    question, then = restore_question(linked, utc)
    assert question == ("lendready did not close properly last time. Unsaved work on Vale Leisure Trust Ltd "
                        "(register, version 4) was kept on 3 Dec 2026 at 08:43.")
    assert "saves it as the next version" in then and "merge" in then
    from_file = linked._replace(register=None, original_path=Path("/cases/vale.lendready"))
    question, then = restore_question(from_file, utc)
    assert "(from vale.lendready)" in question and then == "Restore it now? You can then save it where you like."


def test_register_recovery_copy_of_a_file_or_an_older_copy_has_no_link(tmp_path, knowledge, samples):
    store = RecoveryStore(tmp_path / "recovery")
    file = store.write(samples["vale"], knowledge, None)  # no Register menu asked: an older lendready's copy
    assert "register" not in json.loads(file.read_text("utf-8"))
    as_if_crashed(store)
    [entry] = RecoveryStore(tmp_path / "recovery").pending(knowledge)
    assert entry.register is None and entry.organisation == "Vale Leisure Trust Ltd"


@pytest.mark.parametrize("link", [None, "case-123", {"case_id": "case-123"}, {"case_id": 7, "version": 2},
                                  {"case_id": "case-123", "version": "2"}, {"case_id": "case-123", "version": 0},
                                  {"case_id": "case-123", "version": True}, {"case_id": "", "version": 2},
                                  {"case_id": "x" * 65, "version": 2}])
def test_register_a_link_that_does_not_read_is_dropped_and_the_work_still_restores(tmp_path, knowledge, samples,
                                                                                   link):
    store = RecoveryStore(tmp_path / "recovery")
    store.write(samples["vale"], knowledge, None)
    file = as_if_crashed(store)
    payload = json.loads(file.read_text("utf-8"))
    payload["register"] = link
    file.write_text(json.dumps(payload), encoding="utf-8")
    [entry] = RecoveryStore(tmp_path / "recovery").pending(knowledge)
    assert entry.register is None and entry.case.answers["org.name"] == "Vale Leisure Trust Ltd"


# -- in the window ------------------------------------------------------------------------------------------


def open_registered(window, register, name: str = "Vale"):
    window.register_actions.use_register(register)
    case_id = next(c.id for c in register.list_cases(search=name).cases)
    assert window.register_actions.open_case(case_id)
    return window.session, case_id


def crash_and_restart(window, knowledge, register, monkeypatch):
    """Write the crash copy, lose the window as a crash would, and start again on the same folder."""
    from lendready.model.settings import Settings
    from lendready.ui.main_window import MainWindow

    window.autosave()
    as_if_crashed(window.recovery)
    folder = window.recovery.directory
    window.session = None  # the old window is gone (no save, no prompt)
    again = MainWindow(knowledge, settings=Settings(), recovery=RecoveryStore(folder))
    again.register_actions.use_register(register)
    monkeypatch.setattr(again, "ask_restore", lambda entry: "restore")
    assert again.offer_recovery()
    return again


def test_register_a_restored_case_saves_to_the_register_as_its_next_version(
        qtbot, window, knowledge, open_as, monkeypatch):
    alice = open_as("alice")
    session, case_id = open_registered(window, alice)
    session.set_answer("org.years_trading", 21)
    again = crash_and_restart(window, knowledge, alice, monkeypatch)
    qtbot.addWidget(again)
    restored = again.session
    assert restored.answers["org.years_trading"] == 21 and restored.dirty and restored.path is None
    assert again.register_actions.origin == (case_id, 1)
    assert again.windowTitle() == "Vale Leisure Trust Ltd (register, version 1)[*]"
    [copy] = again.recovery.pending_files()  # kept under the new process, with the link
    assert json.loads(copy.read_text("utf-8"))["register"] == {"case_id": case_id, "version": 1}
    monkeypatch.setattr(again.register_actions, "ask_reason", lambda: "after the crash")
    from lendready.ui.widgets import messages

    told: list[str] = []
    monkeypatch.setattr(messages, "inform", lambda parent, title, text, informative="": told.append(informative))
    assert again.save()  # Ctrl+S: to the register, no Save as
    assert told and "back to Assessing" in told[0]  # it was declined on version 1
    assert alice.summary(case_id).current_version == 2 and not restored.dirty
    assert alice.get_case(case_id)[0].answers["org.years_trading"] == 21
    assert alice.history(case_id)[-1].reason == "after the crash"
    assert again.register_actions.origin == (case_id, 2) and again.recovery.pending_files() == []
    again.session = None
    again.close()


def test_register_a_restored_case_that_moved_on_meets_the_merge_dialog(
        qtbot, window, knowledge, open_as, monkeypatch):
    from lendready.ui.register_conflict import ConflictDialog

    alice = open_as("alice")
    session, case_id = open_registered(window, alice)
    session.set_answer("fin.surplus", 42_000)
    again = crash_and_restart(window, knowledge, alice, monkeypatch)
    qtbot.addWidget(again)
    bob = open_as("bob")
    case, version = bob.get_case(case_id)
    case.answers["fin.turnover"] = 750_000
    bob.save_version(case, version, reason="bob's figures")  # while alice's app was down

    def merge(dialog):
        dialog.merge_button.click()
        return dialog.result()

    monkeypatch.setattr(ConflictDialog, "exec", merge)
    assert again.register_actions.save_to_register("after the crash")
    stored, number = alice.get_case(case_id)
    assert number == 3 and stored.answers["fin.surplus"] == 42_000 and stored.answers["fin.turnover"] == 750_000
    assert alice.history(case_id)[-1].reason == "after the crash (merged with version 2)"
    again.session = None
    again.close()


def test_register_a_restored_file_case_is_not_linked_to_the_register(qtbot, window, knowledge, open_as,
                                                                     monkeypatch):
    from conftest import SAMPLES

    window.open_path(str(SAMPLES / "riverside.lendready"))
    window.session.set_answer("org.years_trading", 12)
    again = crash_and_restart(window, knowledge, open_as("alice"), monkeypatch)
    qtbot.addWidget(again)
    try:
        assert again.register_actions.origin is None
        assert again.session.answers["org.years_trading"] == 12
        assert again.windowTitle() != "Riverside Community Health CIC (register, version 1)[*]"
    finally:
        again.session = None
        again.close()
