"""The Register menu in the window: the Cases view, open and save to the register, the conflict dialog,
the history pane and screening a folder, each driven as a user drives it on a temporary SQLite register."""

from __future__ import annotations

import shutil

import pytest
from conftest import REGISTER_AS_OF as AS_OF
from conftest import SAMPLES
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMenu

from lendready.ui.register_conflict import ConflictDialog
from lendready.ui.widgets import messages

pytestmark = pytest.mark.usefixtures("no_dialogs")


@pytest.fixture
def alice(window, open_as):
    """The window, working as alice on the temporary register."""
    register = open_as("alice")
    window.register_actions.use_register(register)
    return register


def cases_view(qtbot, window):
    view = window.register_actions.show_cases()
    assert view is not None and view.isVisible()
    qtbot.waitUntil(lambda: view.table.rowCount() > 0)
    return view


def choose_in(combo, value):
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def statuses(view):
    return {view.table.item(r, 3).text() for r in range(view.table.rowCount())}


# -- the menu --------------------------------------------------------------------------------------


def test_register_menu_has_cases_save_history_and_screening(window):
    menu = next(m for m in window.findChildren(QMenu) if m.title() == "&Register")
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["&Cases…", "&Save to register", "&History…", "Screen a &folder…"]
    cases = menu.actions()[0]
    assert cases.shortcut().toString() == "Ctrl+Shift+O"
    assert not window.register_actions.save_action.isEnabled()  # no case open yet


# -- the Cases view ----------------------------------------------------------------------------------


def test_register_cases_view_shows_the_pipeline_and_filters_narrow_the_list(qtbot, window, alice):
    view = cases_view(qtbot, window)
    assert view.table.rowCount() == 20
    assert view.pipeline.item(0).text() == "All cases (20)"
    assert view.shown_label.text() == "20 cases shown"

    assessing = next(r for r in range(view.pipeline.count()) if view.pipeline.item(r).text().startswith("Assessing"))
    view.pipeline.setCurrentRow(assessing)  # a click on the status
    assert view.table.rowCount() == 5 and statuses(view) == {"Assessing"}

    choose_in(view.officer, "bob")
    assert 0 < view.table.rowCount() < 5
    assert {view.table.item(r, 4).text() for r in range(view.table.rowCount())} == {"bob"}
    view.pipeline.setCurrentRow(0)
    choose_in(view.officer, None)
    assert view.table.rowCount() == 20

    choose_in(view.band, "not_ready")
    label = window.knowledge.bands["not_ready"].label
    assert 0 < view.table.rowCount() < 20
    assert {view.table.item(r, 2).text() for r in range(view.table.rowCount())} == {label}
    choose_in(view.band, None)

    choose_in(view.legal_form, "cooperative_society")
    assert 0 < view.table.rowCount() < 20
    assert {view.table.item(r, 1).text() for r in range(view.table.rowCount())} == {"Co-operative society"}
    choose_in(view.legal_form, None)


def test_register_search_by_name_narrows_the_list_as_you_type(qtbot, window, alice):
    view = cases_view(qtbot, window)
    view.search.setFocus()
    qtbot.keyClicks(view.search, "branch 1")
    qtbot.waitUntil(lambda: view.table.rowCount() < 20)
    names = view.organisations()
    assert names and all("(branch 1" in n for n in names)
    assert view.pipeline.item(0).text() == f"All cases ({len(names)})"


def test_register_opening_a_case_from_the_cases_view_puts_it_in_the_window(qtbot, window, alice):
    view = cases_view(qtbot, window)
    view.search.setText("Vale")
    view._search_now()
    assert view.organisations() == ["Vale Leisure Trust Ltd"]
    view.table.selectRow(0)
    view.open_button.click()
    session = window.session
    assert session is not None and session.answers["org.name"] == "Vale Leisure Trust Ltd"
    assert window.register_actions.origin.version == 1 and not session.dirty
    assert window.windowTitle() == "Vale Leisure Trust Ltd (register, version 1)[*]"
    assert window.register_actions.save_action.isEnabled()


# -- saving ------------------------------------------------------------------------------------------------


@pytest.fixture
def notes(monkeypatch) -> list[tuple[str, str]]:
    """The information boxes shown, (text, informative text), instead of waiting for OK."""
    from lendready.ui.widgets import messages

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "inform",
                        lambda parent, title, text, informative="": shown.append((text, informative)))
    return shown


def open_vale(qtbot, window):
    view = cases_view(qtbot, window)
    view.search.setText("Vale")
    view._search_now()
    view.table.selectRow(0)
    view.open_button.click()
    return window.session, window.register_actions.origin.case_id


def test_register_save_to_register_makes_a_new_version_of_the_same_session(qtbot, window, alice, notes):
    session, case_id = open_vale(qtbot, window)
    session.set_answer("org.years_trading", 21)
    window.refresh()
    assert window.isWindowModified()
    assert window.register_actions.save_to_register("board minutes")
    assert window.session is session and not session.dirty and not window.isWindowModified()
    assert window.register_actions.origin.version == 2
    [*_, last] = alice.history(case_id)
    assert (last.version, last.author, last.reason) == (2, "alice", "board minutes")
    assert alice.get_case(case_id)[0].answers["org.years_trading"] == 21
    assert window.windowTitle() == "Vale Leisure Trust Ltd (register, version 2)[*]"


def test_register_ctrl_s_on_a_registered_case_saves_to_the_register_asking_why(
        qtbot, window, alice, monkeypatch, notes):
    session, case_id = open_vale(qtbot, window)
    assert alice.summary(case_id).status == "declined"  # as the register was populated
    monkeypatch.setattr(window.register_actions, "ask_reason", lambda: "typed reason")
    session.set_answer("org.years_trading", 22)
    assert window.save()
    assert alice.history(case_id)[-1].reason == "typed reason" and not session.dirty
    # The decline was of version 1: the officer is told the case is back to being assessed.
    assert notes == [("Saved version 2 to the register.",
                      "It was Declined on version 1, so it is back to Assessing until someone decides on version 2.")]
    monkeypatch.setattr(window.register_actions, "ask_reason", lambda: None)  # Cancel: nothing saved
    session.set_answer("org.years_trading", 23)
    assert not window.save() and session.dirty and len(alice.history(case_id)) == 2


# -- two officers, one case -----------------------------------------------------------------------------------


def bob_saves(open_as, case_id):
    bob = open_as("bob")
    case, version = bob.get_case(case_id)
    case.answers["org.years_trading"] = 30  # alice changes this too
    case.answers["fin.turnover"] = 750_000  # only bob
    bob.save_version(case, version, reason="bob's figures")
    return bob


def alice_edits(window):
    session = window.session
    session.set_answer("org.years_trading", 31)
    session.set_answer("fin.surplus", 42_000)  # only alice
    window.refresh()
    return session


def test_register_second_save_shows_the_conflict_and_the_merge_keeps_both_officers_work(
        qtbot, window, alice, open_as, monkeypatch):
    session, case_id = open_vale(qtbot, window)
    bob_saves(open_as, case_id)
    alice_edits(window)
    seen = {}

    def drive(dialog):
        """The user reads the rows, tries to merge too soon, then keeps their own answer and merges."""
        seen["rows"] = dialog.row_texts()
        seen["merge_enabled_first"] = dialog.merge_button.isEnabled()
        dialog.mine_buttons["org.years_trading"].click()
        seen["merge_enabled_after"] = dialog.merge_button.isEnabled()
        dialog.merge_button.click()
        return dialog.result()

    monkeypatch.setattr(ConflictDialog, "exec", drive)
    assert window.register_actions.save_to_register("alice's figures")

    k = window.knowledge.questionnaire.questions
    rows = {r[0]: r for r in seen["rows"]}
    years = rows[k["org.years_trading"].label.for_role("lender")]
    assert years[1:] == ("14 years", "30 years", "31 years", "choose")
    assert rows[k["fin.turnover"].label.for_role("lender")][4] == "theirs (only they changed it)"
    assert rows[k["fin.surplus"].label.for_role("lender")][4] == "yours (only you changed it)"
    assert not seen["merge_enabled_first"] and seen["merge_enabled_after"]

    stored, version = alice.get_case(case_id)
    assert version == 3 and window.register_actions.origin.version == 3
    assert stored.answers["org.years_trading"] == 31  # chosen
    assert stored.answers["fin.turnover"] == 750_000  # bob's, not lost
    assert stored.answers["fin.surplus"] == 42_000  # alice's, not lost
    assert window.session is session and session.answers["fin.turnover"] == 750_000 and not session.dirty
    assert alice.history(case_id)[-1].reason == "alice's figures (merged with version 2)"


def test_register_cancelling_the_conflict_saves_nothing_and_keeps_the_work_open(
        qtbot, window, alice, open_as, monkeypatch):
    session, case_id = open_vale(qtbot, window)
    bob_saves(open_as, case_id)
    alice_edits(window)
    monkeypatch.setattr(ConflictDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    assert not window.register_actions.save_to_register("mine")
    assert session.dirty and session.answers["org.years_trading"] == 31
    assert alice.summary(case_id).current_version == 2 and window.register_actions.origin.version == 1


def test_register_choosing_theirs_for_all_keeps_their_answer(qtbot, window, alice, open_as, monkeypatch):
    session, case_id = open_vale(qtbot, window)
    bob_saves(open_as, case_id)
    alice_edits(window)

    def drive(dialog):
        dialog.all_theirs.click()
        dialog.merge_button.click()
        return dialog.result()

    monkeypatch.setattr(ConflictDialog, "exec", drive)
    assert window.register_actions.save_to_register("mine")
    stored, _ = alice.get_case(case_id)
    assert stored.answers["org.years_trading"] == 30 and stored.answers["fin.surplus"] == 42_000


# -- history -----------------------------------------------------------------------------------------------------


def test_register_history_pane_shows_versions_the_diff_and_the_assessment_then_and_today(
        qtbot, window, alice, open_as, notes):
    session, case_id = open_vale(qtbot, window)
    session.set_answer("org.years_trading", 3)
    assert window.register_actions.save_to_register("committee pack")
    open_as("bob").record_decision(alice.assessments(case_id)[-1].id, "refer", "more on cashflow")
    session.set_answer("fin.surplus", -5000)
    assert window.register_actions.save_to_register("after committee")

    dialog = window.register_actions.show_history()
    assert dialog is not None and dialog.isVisible()
    pane = dialog.pane
    assert pane.heading.text() == "History of Vale Leisure Trust Ltd"
    rows = pane.version_rows()
    assert [(r[0], r[2], r[3]) for r in rows] == [("3", "alice", "after committee"), ("2", "alice", "committee pack"),
                                                  ("1", "alice", "received from the founder")]
    assert rows[1][5] == "Referred to committee by bob"
    assert all(r[1][2] == "/" and r[1][5] == "/" for r in rows)  # dd/mm/yyyy
    # First shown: what changed since the committee saw version 2.
    surplus = window.knowledge.questionnaire.questions["fin.surplus"].label.for_role("lender")
    [(label, _before, after)] = pane.diff_rows()
    assert (label, after) == (surplus, "−£5,000")
    assert pane.diff_summary.text().startswith("1 answer changed between version 2 (the version the last decision")
    # Any two versions: pick them in the lists.
    pane.before.setCurrentIndex(pane.before.findData(1))
    years = window.knowledge.questionnaire.questions["org.years_trading"].label.for_role("lender")
    assert {r[0] for r in pane.diff_rows()} == {surplus, years}
    # Then and today, for the version compared from.
    assert pane.then_label.text().startswith("Then: version 1 as recorded on")
    assert pane.today_label.text().startswith("Today: version 1 under today's rules")
    bands = {b.label for b in window.knowledge.bands.values()}
    assert pane.then_band.text().removeprefix("Band then: ") in bands
    assert len(pane.area_rows()) == len(window.knowledge.areas)


def test_register_history_of_a_case_not_in_the_register_says_so(qtbot, window, alice, monkeypatch):
    window.open_path(str(SAMPLES / "vale.lendready"))
    said = []
    monkeypatch.setattr(messages, "warn", lambda parent, title, text, informative="": said.append(title))
    assert window.register_actions.show_history() is None
    assert said == ["No history yet"]


def test_register_a_file_case_is_registered_by_save_to_register(qtbot, window, alice):
    window.open_path(str(SAMPLES / "riverside.lendready"))
    session = window.session
    session.set_answer("org.years_trading", 12)
    assert window.register_actions.save_to_register("new from a founder")
    origin = window.register_actions.origin
    assert origin.version == 1 and alice.summary(origin.case_id).organisation == "Riverside Community Health CIC"
    assert not session.dirty


# -- screening ---------------------------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path):
    where = tmp_path / "cases"
    where.mkdir()
    for name in ("vale", "riverside", "ashcombe", "northtown", "crown_inn"):
        shutil.copyfile(SAMPLES / f"{name}.lendready", where / f"{name}.lendready")
    (where / "damaged.lendready").write_text("{not json", encoding="utf-8")
    return where


def screening(window, folder, out):
    from lendready.ui.register_screening import ScreeningDialog

    dialog = ScreeningDialog(window.knowledge, folder, AS_OF, None, window)
    dialog.output_edit.setText(str(out))
    dialog.show()
    return dialog


def test_register_screen_a_folder_shows_progress_and_writes_the_portfolio(qtbot, window, folder, tmp_path):
    out = tmp_path / "portfolio.csv"
    dialog = screening(window, folder, out)
    assert not dialog.from_register.isEnabled()
    seen = []
    dialog._relay.progressed.connect(lambda done, total: seen.append((done, total)))
    assert dialog.start()
    assert dialog.running and not dialog.start_button.isEnabled() and dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.running, timeout=10_000)
    assert dialog.written == out and out.is_file()
    assert seen[-1] == (6, 6) and dialog.bar.value() == 6
    assert dialog.status.text().startswith("Screened 6 cases into ")
    lines = out.read_text("utf-8").splitlines()
    assert len(lines) == 7 and any("damaged.lendready" in line for line in lines)
    dialog.close()


def test_register_cancelling_a_screen_writes_nothing(qtbot, window, folder, tmp_path):
    out = tmp_path / "portfolio.xlsx"
    dialog = screening(window, folder, out)
    assert dialog.start()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=10_000)
    assert dialog.written is None and not out.exists()
    assert dialog.status.text() == "Cancelled: no portfolio was written."
    dialog.close()


def test_register_screening_the_register_gives_a_row_per_registered_case(qtbot, window, alice, tmp_path):
    from lendready.ui.register_screening import ScreeningDialog

    out = tmp_path / "register.csv"
    dialog = ScreeningDialog(window.knowledge, tmp_path, AS_OF, alice, window)
    dialog.output_edit.setText(str(out))
    dialog.from_register.setChecked(True)
    assert dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=15_000)
    assert dialog.written == out and len(out.read_text("utf-8").splitlines()) == 21
    dialog.close()


def test_register_hostile_names_show_as_text_in_the_cases_view(qtbot, window, alice):
    from lendready.domain.files.case_file import new_case

    case = new_case("lender")
    case.answers["org.name"] = 'Vale\u202eeraC <b style="color:green">APPROVED</b>'
    alice.add_case(case)
    view = cases_view(qtbot, window)
    name = view.organisations()[0]
    assert "\u202e" not in name and "[U+202E]" in name and "<b" in name
    assert "&lt;b" in view.table.item(0, 0).toolTip()  # the tooltip shows the markup as text too


def test_register_cases_view_fits_a_1366_by_768_screen(qtbot, window, alice):
    view = cases_view(qtbot, window)
    view.resize(1326, 688)
    qtbot.wait(10)
    header = view.table.horizontalHeader()
    shown = sum(header.sectionSize(c) for c in range(view.table.columnCount()))
    assert shown <= view.table.viewport().width() + 1  # no sideways scrolling
    assert view.table.columnWidth(0) >= 200  # the name has room
    assert view.minimumSizeHint().width() <= 1366 and view.minimumSizeHint().height() <= 768
    assert Qt.TextFormat.PlainText == view.shown_label.textFormat()


def test_register_enter_in_the_search_box_searches_and_enter_on_a_row_opens_it(qtbot, window, alice):
    view = cases_view(qtbot, window)
    view.search.setFocus()
    qtbot.keyClicks(view.search, "Riverside")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.organisations() == ["Riverside Community Health CIC"] and window.session is None
    view.table.setFocus()
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert window.session is not None and window.session.answers["org.name"] == "Riverside Community Health CIC"
    assert not view.isVisible()


def test_register_history_button_in_the_cases_view_shows_the_chosen_case(qtbot, window, alice):
    view = cases_view(qtbot, window)
    view.table.selectRow(2)
    chosen = view.organisations()[2]
    view.history_button.click()
    dialog = window.register_actions.history_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.pane.heading.text() == f"History of {chosen}"
    assert [r[3] for r in dialog.pane.version_rows()] == ["received from the founder"]
    assert dialog.pane.diff_summary.text() == "The same version is chosen twice: choose two to compare."


def test_register_that_cannot_be_opened_is_said_not_a_crash(window, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    window.settings.register_sqlite_path = str(blocker / "register.sqlite3")
    said = []
    monkeypatch.setattr(messages, "warn", lambda parent, title, text, informative="": said.append(title))
    assert window.register_actions.show_cases() is None
    assert said == ["lendready could not open the register"]


def test_register_screen_a_folder_from_the_menu(qtbot, window, folder, tmp_path, monkeypatch):
    from lendready.ui.register_screening import ScreeningDialog

    out = tmp_path / "menu.xlsx"

    def drive(dialog):
        dialog.folder_edit.setText(str(folder))
        dialog.output_edit.setText(str(out))
        dialog.start_button.click()
        qtbot.waitUntil(lambda: not dialog.running, timeout=10_000)
        dialog.close_button.click()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ScreeningDialog, "exec", drive)
    assert window.register_actions.screen_folder()
    assert out.is_file() and out.read_bytes()[:2] == b"PK"


def test_register_origin_survives_a_change_of_wording_and_is_dropped_with_the_case(qtbot, window, alice):
    session, case_id = open_vale(qtbot, window)
    ws = window.workspace
    ws.role_choice.setCurrentIndex(ws.role_choice.findData("founder"))
    assert window.workspace is not ws and window.session is session
    assert window.register_actions.origin == (case_id, 1)
    window.close_case()
    assert window.register_actions.origin is None
    window.open_path(str(SAMPLES / "vale.lendready"))
    assert window.register_actions.origin is None  # a file is not the registered case


def test_register_the_settings_register_is_created_on_first_use(qtbot, window, tmp_path):
    window.settings.register_sqlite_path = str(tmp_path / "mine" / "register.sqlite3")
    view = window.register_actions.show_cases()
    assert view is not None and view.table.rowCount() == 0 and view.pipeline.item(0).text() == "All cases (0)"
    assert (tmp_path / "mine" / "register.sqlite3").is_file()
    window.register_actions.register().close()


# -- moving a case along the pipeline --------------------------------------------------------------------------------


def select_status(qtbot, view, status_label):
    for r in range(view.table.rowCount()):
        if view.table.item(r, 3).text() == status_label:
            view.table.selectRow(r)
            return view.selected_id()
    raise AssertionError(status_label)


def test_register_assign_in_the_cases_view_picks_or_types_an_officer(qtbot, window, alice):
    view = cases_view(qtbot, window)
    case_id = select_status(qtbot, view, "Received")
    view.assign_officer.setFocus()
    view.assign_officer.setEditText("")
    qtbot.keyClicks(view.assign_officer.lineEdit(), "  dave  smith")
    qtbot.keyClick(view.assign_officer.lineEdit(), Qt.Key.Key_Return)  # Enter in the box assigns
    assert alice.summary(case_id).assigned_officer == "dave smith"
    assert view.isVisible() and view.selected_id() == case_id  # still chosen after the list is read again
    row = view.table.currentRow()
    assert view.table.item(row, 4).text() == "dave smith"
    assert view.assign_officer.currentText() == "dave smith"
    # Pick one from the list instead
    view.assign_officer.setCurrentIndex(view.assign_officer.findData("bob"))
    view.assign_button.click()
    assert alice.summary(case_id).assigned_officer == "bob"
    assert window.statusBar().currentMessage() == "Assigned to bob."
    view.assign_officer.setEditText("")
    view.assign_button.click()
    assert alice.summary(case_id).assigned_officer is None


def test_register_writes_wait_off_the_gui_thread_with_a_note_and_no_cancel(qtbot, window, alice, monkeypatch, notes):
    """A slow server must not freeze the window: assign, status, save and decision calls run in a worker."""
    import threading
    import time

    from PySide6.QtWidgets import QPushButton

    from lendready.register.repository import Register
    from lendready.ui.background import Background

    threads: dict[str, bool] = {}
    for name in ("assign", "set_status", "save_version", "record_assessment", "audit_entries"):
        real = getattr(Register, name)

        def slow(self, *args, _real=real, _name=name, **kwargs):
            threads[_name] = threading.current_thread() is threading.main_thread()
            time.sleep(0.3)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(Register, name, slow)
    view = cases_view(qtbot, window)
    Background.of(view).show_after_ms = 50
    shown = []
    Background.of(view).dialogShown.connect(
        lambda dialog: shown.append((dialog.labelText(), dialog.findChild(QPushButton))))
    case_id = select_status(qtbot, view, "Received")
    view.assign_officer.setCurrentIndex(view.assign_officer.findData("bob"))
    view.assign_button.click()
    assert alice.summary(case_id).assigned_officer == "bob"
    view.move_status.setCurrentIndex(view.move_status.findData("withdrawn"))
    view.move_button.click()
    assert alice.summary(case_id).status == "withdrawn"
    assert ("Assigning the case…", None) in shown and ("Changing the case's status…", None) in shown
    session, vale = open_vale(qtbot, window)
    session.set_answer("org.years_trading", 30)
    assert window.register_actions.save_to_register("slow server")
    assert alice.summary(vale).current_version == 2
    assert threads == {"assign": False, "set_status": False, "save_version": False, "record_assessment": False,
                       "audit_entries": False}  # the note on a reopened decision is read off the GUI thread too


def test_register_change_status_offers_only_statuses_that_need_no_decision(qtbot, window, alice):
    view = cases_view(qtbot, window)
    labels = [view.move_status.itemText(i) for i in range(view.move_status.count())]
    assert labels == ["Received", "Assessing", "Awaiting approval", "Withdrawn"]
    case_id = select_status(qtbot, view, "Assessing")
    assert view.move_status.currentData() == "assessing" and not view.move_button.isEnabled()
    view.move_status.setCurrentIndex(view.move_status.findData("withdrawn"))
    assert view.move_button.isEnabled()
    view.move_button.click()
    assert alice.summary(case_id).status == "withdrawn"
    assert view.selected_id() == case_id and view.table.item(view.table.currentRow(), 3).text() == "Withdrawn"
    assert any(view.pipeline.item(r).text() == "Withdrawn (1)" for r in range(view.pipeline.count()))
    # A decided case shows its status but offers no move to it
    select_status(qtbot, view, "Approved")
    assert view.move_status.currentIndex() == -1 and view.move_status.placeholderText() == "Approved"
    assert not view.move_button.isEnabled() and view.decide_button.isEnabled()


def drive_decision(monkeypatch, steps):
    from lendready.ui.register_decision import DecisionDialog

    seen = {}

    def drive(dialog):
        dialog.show()
        seen["dialog"] = dialog
        steps(dialog, seen)
        if dialog.isVisible():
            dialog.cancel_button.click()
        return dialog.result()

    monkeypatch.setattr(DecisionDialog, "exec", drive)
    return seen


def test_register_record_a_decision_from_the_cases_view_and_the_list_follows(
        qtbot, window, alice, open_as, monkeypatch):
    bob = open_as("bob")
    window.register_actions.use_register(bob)
    view = cases_view(qtbot, window)
    case_id = select_status(qtbot, view, "Awaiting approval")
    latest = bob.assessments(case_id)[-1]
    band = window.knowledge.bands[latest.band].label

    def steps(dialog, seen):
        seen["chosen"] = dialog.assessment.currentText()
        seen["detail"] = dialog.detail.text()
        seen["enabled_first"] = dialog.record_button.isEnabled()
        seen["four_eyes"] = dialog.four_eyes.isVisible()
        dialog.decision_buttons["approve"].click()
        qtbot.keyClicks(dialog.conditions, "Quarterly monitoring")
        dialog.record_button.click()

    seen = drive_decision(monkeypatch, steps)
    view.decide_button.click()
    assert seen["chosen"].startswith(f"Version 1: {band}, assessed ") and seen["chosen"][-8] == "/"
    assert "written by alice" in seen["detail"]
    assert not seen["enabled_first"] and not seen["four_eyes"]
    [record] = bob.decisions(case_id)
    assert (record.decision, record.conditions, record.approver) == ("approve", "Quarterly monitoring", "bob")
    assert bob.summary(case_id).status == "approved"
    assert view.selected_id() == case_id and view.table.item(view.table.currentRow(), 3).text() == "Approved"
    assert window.statusBar().currentMessage() == "Recorded: Approved on version 1. The case is now Approved."


def test_register_four_eyes_refusal_is_said_and_what_was_typed_is_kept(qtbot, window, alice, monkeypatch):
    view = cases_view(qtbot, window)
    case_id = select_status(qtbot, view, "Awaiting approval")
    said = []
    monkeypatch.setattr(messages, "warn", lambda parent, title, text, informative="": said.append((title, text)))

    def steps(dialog, seen):
        seen["hint"] = dialog.four_eyes.text() if dialog.four_eyes.isVisible() else ""
        dialog.decision_buttons["refer"].click()
        qtbot.keyClicks(dialog.conditions, "More on cashflow")
        dialog.record_button.click()
        seen["still_open"] = dialog.isVisible()
        seen["kept"] = (dialog.decision(), dialog.conditions.toPlainText())

    seen = drive_decision(monkeypatch, steps)
    assert not window.register_actions.decide(case_id)
    assert seen["hint"].startswith("Four eyes: you wrote this version")
    assert said == [("A second person must decide",
                     "alice wrote version 1 of this case, so someone else must decide on it")]
    assert seen["still_open"] and seen["kept"] == ("refer", "More on cashflow")
    assert alice.decisions(case_id) == [] and alice.summary(case_id).status == "awaiting_approval"


def test_register_a_permission_refusal_is_said_in_the_registers_words(qtbot, window, alice, open_as, monkeypatch):
    from lendready.model import register_view
    from lendready.register.repository import PermissionRefused

    window.register_actions.use_register(open_as("bob"))
    view = cases_view(qtbot, window)
    case_id = select_status(qtbot, view, "Awaiting approval")

    def refuse(*_args):
        raise PermissionRefused("permission denied for table decisions")

    monkeypatch.setattr(register_view, "decide", refuse)
    said = []
    monkeypatch.setattr(messages, "warn", lambda parent, title, text, informative="": said.append((title, text)))

    def steps(dialog, seen):
        dialog.decision_buttons["decline"].click()
        dialog.record_button.click()
        seen["still_open"] = dialog.isVisible()

    seen = drive_decision(monkeypatch, steps)
    assert not window.register_actions.decide(case_id)
    assert said == [("The register does not allow this", "permission denied for table decisions")]
    assert seen["still_open"]


def test_register_decision_from_the_history_pane_shows_in_the_history(qtbot, window, alice, open_as, monkeypatch):
    window.register_actions.use_register(open_as("bob"))
    view = cases_view(qtbot, window)
    case_id = select_status(qtbot, view, "Awaiting approval")
    view.history_button.click()
    dialog = window.register_actions.history_dialog
    assert dialog is not None and dialog.pane.version_rows()[0][5] == ""

    def steps(decision, seen):
        decision.decision_buttons["refer"].click()
        decision.record_button.click()

    drive_decision(monkeypatch, steps)
    dialog.decide_button.click()
    assert dialog.pane.version_rows()[0][5] == "Referred to committee by bob"
    assert alice.summary(case_id).status == "committee"


def test_register_decision_dialog_assesses_an_unassessed_version_first(qtbot, window, alice, open_as, monkeypatch):
    from lendready.domain.files.case_file import new_case

    case = new_case("lender")
    case.answers["org.name"] = "Imported Trust"
    case_id = alice.add_case(case).id
    window.register_actions.use_register(open_as("bob"))

    def steps(dialog, seen):
        seen["before"] = (dialog.assessment.count(), dialog.assess_button.isVisible(), dialog.note.text())
        dialog.assess_button.click()
        seen["after"] = (dialog.assessment.count(), dialog.assess_button.isVisible(), dialog.note.isVisible())
        dialog.decision_buttons["decline"].click()
        dialog.record_button.click()

    seen = drive_decision(monkeypatch, steps)
    assert window.register_actions.decide(case_id)
    assert seen["before"][:2] == (0, True) and "No assessment of the current version" in seen["before"][2]
    assert seen["after"] == (1, False, False)
    assert alice.summary(case_id).status == "declined"


def test_register_decision_dialog_fits_and_shows_case_text_as_text(qtbot, window, alice, open_as):
    from lendready.domain.files.case_file import new_case

    case = new_case("lender")
    case.answers["org.name"] = 'Vale\u202eeraC <b style="color:green">APPROVED</b>'
    case_id = alice.add_case(case).id
    alice.assess(case_id, None, AS_OF)
    window.register_actions.use_register(open_as("bob"))
    dialog = window.register_actions.decision_dialog_for(case_id)
    assert dialog is not None
    try:
        dialog.show()
        text = dialog.heading.text()
        assert "[U+202E]" in text and "<b" in text
        assert dialog.heading.textFormat() == Qt.TextFormat.PlainText
        assert dialog.detail.textFormat() == Qt.TextFormat.PlainText
        assert dialog.sizeHint().width() <= 1366 and dialog.sizeHint().height() <= 768
    finally:
        dialog.close()
        dialog.deleteLater()
