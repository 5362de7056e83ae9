"""A hostile case cannot make the window say what it does not: no markup is drawn, no character acts.

QLabel, QMessageBox and tooltips guess whether their text is HTML, so an organisation called
``<b style="color:green">APPROVED</b>`` would be drawn as a green word, an ``<img src="file:///...">``
would load a local file, and a right-to-left override (U+202E), a zero-width space (U+200B) or an
escape sequence (ESC) would reorder, hide or recolour what is read.

Two guards make the class impossible rather than fixing the cases found:

* a source test: no code under ``src/lendready/ui`` (or the crash handler) makes a message box
  itself; every one comes from ``ui/widgets/messages.py``, which sets plain text before any text;
* a widget test: a case whose every text answer and note is hostile (and whose file name is) is
  opened in the real main window; every section, the explainer, the stress tests and what-ifs and
  every step of an exercise are shown, and every label, button, text browser, tooltip, list and table
  item, tab and window title in the window is read back. No widget may render the markup as HTML,
  and no acting character may reach the screen raw: each shows as a ``[U+202E]`` token.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTabWidget,
    QTextBrowser,
    QWidget,
)

HOSTILE = '<b style="color:green">APPROVED</b><img src="file:///etc/passwd"> Vale\u202eeraC\u200b\x1b[32mREADY'
# A name with markup only is a valid answer, so it is used (the exercise's title, the explainer's heading);
# answers holding acting characters are set aside by the questionnaire, and shown in its messages.
MARKUP_NAME = '<b style="color:green">APPROVED</b><img src="file:///etc/passwd"> Vale eraC READY'
ACTING = ("\u202e", "\u200b", "\x1b")
MARKUP = ('<b style="color:green">', "<img src=")
FILE_NAME = 'Vale\u202eeraC <b style="color:green">SAFE.lendready'  # a name cannot hold "/"

UI = REPO / "src" / "lendready" / "ui"
MESSAGES = UI / "widgets" / "messages.py"
# Being converted to ui/widgets/messages.py alongside this test; listed so that it is seen to cover them.
CONVERTING = ("main_window.py", "forecast_table.py", "teaching_actions.py")
OWN_MESSAGE_BOX = re.compile(r"QMessageBox\s*\.\s*(warning|question|information|critical|about|aboutQt)\s*\("
                             r"|QMessageBox\s*\(")


# -- (a) the source: every message box comes from one place --------------------------------------
def _sources() -> list[Path]:
    files = sorted(UI.rglob("*.py")) + [REPO / "src" / "lendready" / "crash.py"]
    return [p for p in files if p != MESSAGES]


def test_the_source_scan_covers_every_window_and_dialog():
    names = {p.name for p in _sources()}
    assert set(CONVERTING) <= names and {"crash.py", "stress_panel.py", "explainer_pane.py"} <= names
    assert MESSAGES.is_file()


def test_no_message_box_is_made_outside_the_plain_text_helpers():
    """QMessageBox's static functions and constructor guess the format; ui/widgets/messages.py does not."""
    found = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if OWN_MESSAGE_BOX.search(code):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert found == [], "use lendready.ui.widgets.messages (message_box, warn, choose):\n" + "\n".join(found)


# -- (b) the window: a hostile case, read back from every widget ---------------------------------
@pytest.fixture
def hostile_case(tmp_path, knowledge) -> Path:
    """A sample with a forecast, its every text answer and every note hostile, and a hostile file name.

    One choice is hostile too: it is set aside as invalid, and the message that says so may quote it.
    The name holds markup only, so that it is a valid answer and is used as the case's name.
    """
    doc = json.loads((SAMPLES / "ashcombe.lendready").read_text(encoding="utf-8"))
    questions = knowledge.questionnaire.questions
    for qid, question in questions.items():
        if question.type == "text":
            doc["answers"][qid] = HOSTILE
    doc["answers"]["org.legal_form"] = HOSTILE
    doc["answers"]["org.name"] = MARKUP_NAME
    doc["notes"] = {qid: f"Note: {HOSTILE}\nsecond line {HOSTILE}" for qid in questions}
    path = tmp_path / FILE_NAME
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def _displayed(root: QWidget) -> Iterator[tuple[str, str, QWidget, bool]]:
    """(where, text, widget, may_be_markup) for every piece of text the window can put on screen.

    ``may_be_markup`` is True where Qt would read the text as HTML (so it must hold no raw markup).
    """
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        kind = type(w).__name__
        if w.isWindow() and w.windowTitle():
            yield f"{kind} window title", w.windowTitle(), w, False
        if w.toolTip():
            yield f"{kind} tooltip", w.toolTip(), w, QtGui.Qt.mightBeRichText(w.toolTip())
        if w.accessibleName():
            yield f"{kind} accessible name", w.accessibleName(), w, False
        if isinstance(w, QLabel):
            fmt = w.textFormat()
            rich = fmt == Qt.TextFormat.RichText or (
                fmt == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(w.text()))
            yield f"QLabel ({fmt.name})", w.text(), w, rich
        elif isinstance(w, QAbstractButton):
            yield f"{kind} text", w.text(), w, False
        elif isinstance(w, QTextBrowser):
            yield "QTextBrowser text", w.toPlainText(), w, False
            yield "QTextBrowser html", w.toHtml(), w, True
        elif isinstance(w, QTabWidget):
            for i in range(w.count()):
                yield "tab", w.tabText(i), w, False
                yield "tab tooltip", w.tabToolTip(i), w, QtGui.Qt.mightBeRichText(w.tabToolTip(i))
        elif isinstance(w, QListWidget):
            for i in range(w.count()):
                item = w.item(i)
                yield "list item", item.text(), w, False
                yield "list item tooltip", item.toolTip(), w, QtGui.Qt.mightBeRichText(item.toolTip())
        elif isinstance(w, QTableWidget):
            for r in range(w.rowCount()):
                for c in range(w.columnCount()):
                    item = w.item(r, c)
                    if item is not None:
                        yield "table item", item.text(), w, False
                        yield "table item tooltip", item.toolTip(), w, QtGui.Qt.mightBeRichText(item.toolTip())
        elif isinstance(w, QLineEdit):
            yield "QLineEdit text", w.text(), w, False
        elif isinstance(w, QPlainTextEdit):
            yield "QPlainTextEdit text", w.toPlainText(), w, False
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                yield "combo item", w.itemText(i), w, False


def _problems(root: QWidget) -> list[str]:
    problems = []
    for where, text, widget, may_be_markup in _displayed(root):
        name = widget.objectName() or type(widget).__name__
        raw = [f"U+{ord(c):04X}" for c in ACTING if c in text]
        if raw:
            problems.append(f"{where} of {name} shows {', '.join(raw)} raw: {text[:120]!r}")
        if may_be_markup and any(m in text for m in MARKUP):
            problems.append(f"{where} of {name} would draw the file's markup as HTML: {text[:120]!r}")
    return problems


def _shown_everywhere(window) -> list[str]:
    """Every section, both right-hand tabs, and a walk of the window after each."""
    problems = []
    ws = window.workspace
    for row in range(ws.sections.count()):
        ws.sections.setCurrentRow(row)
        QApplication.processEvents()
        problems += _problems(window)
    for tab in range(ws.right_tabs.count()):
        ws.right_tabs.setCurrentIndex(tab)
        QApplication.processEvents()
        problems += _problems(window)
    return problems


def test_a_hostile_case_shows_no_markup_and_no_acting_character(qtbot, window, hostile_case, monkeypatch):
    monkeypatch.setattr(QMessageBox, "exec", lambda box: pytest.fail(f"unexpected dialog: {box.text()!r}"))
    window.resize(1366, 768)
    assert window.open_path(str(hostile_case))
    assert window.session.answers["org.name"] == MARKUP_NAME  # the case really is hostile (kept, shown safely)
    assert window.session.answers["org.activity"] == HOSTILE

    problems = _shown_everywhere(window)
    assert sorted(set(problems)) == []

    # It proves something only if the hostile text is on screen, shown as text with its tokens.
    explainer = window.workspace.explainer.browser
    shown = explainer.toPlainText()
    # The answer holding acting characters is set aside, and the explainer says which character, as a token.
    assert "U+202E (right-to-left override)" in shown and "shown as [U+202E]" in shown
    assert not any(c in shown for c in "\u202e\u200b\x1b")
    assert shown.startswith(MARKUP_NAME)  # the heading: the name as written, not drawn
    assert "<img" not in explainer.toHtml()
    window.grab().save(str(hostile_case.parent / "spoof.png"))
    recent = window.start_page.recent
    window.close_case()  # the start page lists the file just opened
    assert any("[U+202E]" in recent.item(i).text() and "<b style" in recent.item(i).text()
               for i in range(recent.count()))


def test_answer_boxes_and_notes_show_tokens_but_change_nothing_until_edited(qtbot, window, hostile_case):
    """The boxes show ``[U+202E]``; committing them unedited (as a save or a log-out does) keeps the file's text."""
    assert window.open_path(str(hostile_case))
    before = (dict(window.session.answers), dict(window.session.notes))
    editor = window.workspace.views[window.session.section_of("org.activity")].editor("org.activity")
    assert "[U+202E]" in editor.input.edit.toPlainText() and "[U+202E]" in editor.note_edit.toPlainText()
    short = window.workspace.views[window.session.section_of("org.registration_number")].editor(
        "org.registration_number")
    assert "[U+202E]" in short.input.edit.text()
    window.commit_pending()
    for view in window.workspace.views.values():
        for qid in view.question_ids():
            note_edit = getattr(view.editor(qid), "note_edit", None)
            if note_edit is not None:
                note_edit.setFocus()
                note_edit.clearFocus()  # leaving the note box commits it
    assert (dict(window.session.answers), dict(window.session.notes)) == before
    assert not window.session.dirty
    # An edit by the user does change it: what is typed is what is kept.
    editor.input.edit.setPlainText("Plain words now")
    editor.commit_pending()
    assert window.session.answers["org.activity"] == "Plain words now"


def test_a_hostile_case_in_an_exercise_shows_no_markup_and_no_acting_character(qtbot, window, hostile_case,
                                                                               monkeypatch):
    monkeypatch.setattr(QMessageBox, "exec", lambda box: pytest.fail(f"unexpected dialog: {box.text()!r}"))
    view = window.teach.open_as_exercise(str(hostile_case))
    assert view is not None
    problems = []
    seen_name = False
    for _ in range(200):
        QApplication.processEvents()
        problems += _problems(window)
        seen_name = seen_name or "&lt;b style=&quot;color:green&quot;&gt;APPROVED" in view.header.text()
        if view.exercise.at_end:
            break
        view.advance()
    assert view.exercise.at_end
    assert seen_name, "the hostile answers never reached the exercise: the walk proves nothing"
    presentation = window.teach.present()
    assert presentation is not None
    QApplication.processEvents()
    problems += _problems(presentation)
    presentation.close()
    assert sorted(set(problems)) == []


def test_the_stress_panel_of_a_hostile_case_shows_no_markup_and_no_acting_character(qtbot, knowledge, hostile_case):
    """On its own too: the table, its tooltips, the sizing and the proposals (which quote answers)."""
    from lendready.model.session import CaseSession
    from lendready.ui.stress_panel import WhatIfPanel

    panel = WhatIfPanel(knowledge)
    qtbot.addWidget(panel)
    panel.show_case(CaseSession.open(knowledge, hostile_case))
    panel.show()
    assert panel.table.rowCount() > 0
    assert _problems(panel) == []


def test_the_crash_dialog_shows_its_paths_as_text(qtbot, tmp_path, monkeypatch):
    """The log folder can be set to anything (LENDREADY_LOG_DIR): markup in it is shown, never drawn."""
    from lendready import crash

    seen = {}

    def fake_exec(box):
        seen["text"], seen["format"] = box.text(), box.textFormat()
        seen["labels"] = [label.textFormat() for label in box.findChildren(QLabel) if label.text()]
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    log_file = tmp_path / '<b style="color:green">SAFE</b>\u202e' / "lendready.log"
    crash._dialog(crash.crash_message(KeyError, "lendready.ui.x", log_file, '<img src="file:///etc/passwd">'))
    assert seen["format"] == Qt.TextFormat.PlainText
    assert all(fmt == Qt.TextFormat.PlainText for fmt in seen["labels"])
    assert '<b style="color:green">SAFE</b>[U+202E]' in seen["text"]
    assert '<img src="file:///etc/passwd">' in seen["text"] and "\u202e" not in seen["text"]


def test_outside_text_helpers_show_text_as_written():
    from lendready.ui.tips import plain_tip
    from lendready.ui.widgets.style import html_text, plain_label

    assert html_text(HOSTILE) == (
        "&lt;b style=&quot;color:green&quot;&gt;APPROVED&lt;/b&gt;&lt;img src=&quot;file:///etc/passwd&quot;&gt;"
        " Vale[U+202E]eraC[U+200B][U+001B][32mREADY"
    )
    label = plain_label(HOSTILE)
    assert label.textFormat() == Qt.TextFormat.PlainText and "[U+202E]" in label.text()
    tip = plain_tip(HOSTILE)
    assert "&lt;b style" in tip and "<b style" not in tip and "\u202e" not in tip
    assert plain_tip("Show help (F1)") == "Show help (F1)"  # ordinary tooltips are left alone
