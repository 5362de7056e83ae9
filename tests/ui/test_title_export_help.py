"""The window title names the document once; the recovery prompt gives a UK date and time; the export
dialog says what each briefing holds and where it goes; Help → Using lendready lists every shortcut."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import SAMPLES
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog

from lendready.model.recovery import RecoveryEntry, when_saved
from lendready.ui.export_dialog import AUDIENCE_CONTENTS, ExportDialog
from lendready.ui.using_help import menu_shortcuts
from lendready.ui.widgets import messages


def as_the_platform_shows_it(window) -> str:
    """What Qt puts in the title bar where it adds the display name (QPlatformWindow::formatWindowTitle)."""
    title = window.windowTitle().replace("[*]", "*" if window.isWindowModified() else "")
    return title if title.endswith("lendready") else f"{title} — lendready"


def test_the_title_names_the_document_once(window, qtbot):
    assert as_the_platform_shows_it(window) == "lendready"
    window.new_case("founder")
    assert window.windowTitle() == "Untitled case[*]"
    window.session.set_answer("org.name", "Vale")
    window.refresh()
    assert as_the_platform_shows_it(window) == "Untitled case* — lendready"
    assert as_the_platform_shows_it(window).count("lendready") == 1


def test_the_recovery_time_is_a_uk_date_and_time():
    assert when_saved("2026-12-03T08:43:06Z", dt.timezone.utc) == "3 Dec 2026 at 08:43"
    summer = dt.timezone(dt.timedelta(hours=1), "BST")
    assert when_saved("2026-07-01T08:43:06Z", summer) == "1 Jul 2026 at 09:43"
    assert when_saved("not a time") == "not a time"


def test_the_recovery_prompt_shows_the_local_time_not_the_stamp(window, monkeypatch, knowledge, samples):
    seen = {}

    def choose(parent, icon, title, text, buttons, **kwargs):
        seen["text"] = text
        return "later"

    monkeypatch.setattr(messages, "choose", choose)
    entry = RecoveryEntry(Path("x.recovery.json"), samples["vale"], None, "2026-12-03T08:43:06Z", "Vale")
    assert window.ask_restore(entry) == "later"
    assert "2026-12-03T08:43:06Z" not in seen["text"]
    assert f"was kept on {when_saved('2026-12-03T08:43:06Z')}." in seen["text"]


def test_the_export_dialog_offers_each_briefing_and_writes_where_it_says(window, tmp_path, monkeypatch, qtbot):
    pypdf = pytest.importorskip("pypdf")
    window.open_path(str(SAMPLES / "northtown.lendready"))
    window._last_folder = tmp_path
    target = tmp_path / "for the board"
    shown = {}

    def run(dialog):
        shown["audience"] = dialog.audience()  # the current wording by default
        shown["path"] = dialog.path_edit.text()
        dialog.set_audience("founder")
        shown["renamed"] = dialog.path_edit.text()
        dialog.path_edit.setText(str(target))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportDialog, "exec", run)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: pytest.fail("no second file dialog"))
    assert window.export_briefing()
    assert shown["audience"] == window.workspace.wording
    assert Path(shown["path"]).parent == tmp_path and shown["path"].endswith(".pdf")
    assert shown["renamed"] != shown["path"]  # the name follows the briefing until the user types one
    pdf = tmp_path / "for the board.pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "Northtown Libraries CIC" in text


def test_the_export_dialog_says_what_each_briefing_holds(qtbot, tmp_path):
    dialog = ExportDialog("trainer", tmp_path, lambda a: f"{a}.pdf")
    qtbot.addWidget(dialog)
    from PySide6.QtWidgets import QLabel

    texts = [label.text() for label in dialog.findChildren(QLabel)]
    for about in AUDIENCE_CONTENTS.values():
        assert about in texts
    assert dialog.audience() == "trainer" and dialog.path() == tmp_path / "trainer.pdf"
    dialog.path_edit.setText(str(tmp_path / "mine"))
    dialog.path_edit.textEdited.emit("mine")
    dialog.set_audience("lender")
    assert dialog.path() == tmp_path / "mine.pdf"  # typed: kept whatever briefing is chosen


def test_cancelling_the_export_dialog_writes_nothing(window, tmp_path, monkeypatch):
    window.open_path(str(SAMPLES / "northtown.lendready"))
    monkeypatch.setattr(ExportDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    assert not window.export_briefing()


def test_using_lendready_lists_every_menu_shortcut(window):
    window.open_path(str(SAMPLES / "vale.lendready"))
    from PySide6.QtWidgets import QMenu

    # Found as the window's child, not through QAction.menu(), whose wrapper PySide6 6.8.0 drops.
    help_menu = next(m for m in window.findChildren(QMenu) if m.title() == "&Help")
    using = next(a for a in help_menu.actions() if a.text().startswith("&Using lendready"))
    using.trigger()
    page = window.teach.help.pages["using"].toPlainText()
    listed = menu_shortcuts(window.menuBar())
    assert len(listed) >= 12
    for menu in window.menuBar().findChildren(type(help_menu)):
        for action in menu.actions():
            for key in action.shortcuts():
                shown = key.toString(QKeySequence.SequenceFormat.NativeText)
                assert shown in page, f"{action.text()} ({shown}) is not on the page"
                assert action.text().replace("&", "") in page
    for heading in ("The explainer", "Stress tests and what-ifs", "Exercises and presentation", "Export",
                    "Saving and recovery", "Keyboard shortcuts"):
        assert heading in page
    assert window.teach.help.tabs.currentWidget() is window.teach.help.pages["using"]
    window.teach.help.close()
