"""The explainer follows typing a moment after it stops (at once on Enter), says what changed, and keeps
the reader's place."""

from __future__ import annotations

from conftest import SAMPLES
from PySide6.QtCore import Qt

from lendready.domain.engine import formatting
from lendready.ui.widgets.answers import TYPING_PAUSE_MS


def go_to(window, qid):
    ws = window.shown_workspace()
    section = window.session.section_of(qid)
    ws.sections.setCurrentRow([s.id for s in window.knowledge.questionnaire.sections].index(section))
    return ws.views[section].editor(qid).input.edit


def test_typing_without_enter_updates_the_explainer_after_a_pause(qtbot, window):
    window.open_path(str(SAMPLES / "vale.lendready"))
    explainer = window.workspace.explainer
    edit = go_to(window, "inc.largest_customer_share")
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "78")
    assert window.session.answers["inc.largest_customer_share"] == 22  # not per keystroke
    qtbot.waitUntil(lambda: window.session.answers["inc.largest_customer_share"] == 78,
                    timeout=TYPING_PAUSE_MS * 5)
    assert edit.text() == "78" and edit.hasFocus()  # the box is left as typed, the cursor where it was
    bands = window.knowledge.bands
    line = explainer.change_text()
    assert line.startswith(f"Band: {bands['ready'].label} → {bands['nearly_ready'].label}")
    assert "Income" in line and "new: " in line
    text = explainer.browser.toPlainText()
    assert text.strip().startswith(f"What changed: {line}")
    assert "NEW" in text and "changed, was" in text  # the new finding and the changed area are marked
    assert f"{formatting.percent(78)}" in text


def test_enter_updates_at_once_and_half_typed_text_waits(qtbot, window):
    window.open_path(str(SAMPLES / "vale.lendready"))
    edit = go_to(window, "fin.surplus")
    edit.setFocus()
    edit.selectAll()
    before = window.session.answers["fin.surplus"]
    qtbot.keyClicks(edit, "12,")
    qtbot.wait(TYPING_PAUSE_MS * 2)
    assert window.session.answers["fin.surplus"] == before  # "12," is not an amount yet: nothing sent
    assert edit.text() == "12," and not window.workspace.views["finances"].editor("fin.surplus").problem_text()
    qtbot.keyClicks(edit, "500")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.session.answers["fin.surplus"] == 12_500  # at once, no pause needed


def test_the_change_line_stays_until_the_next_change(qtbot, window):
    window.open_path(str(SAMPLES / "vale.lendready"))
    explainer = window.workspace.explainer
    assert explainer.change_text() == ""
    edit = go_to(window, "inc.largest_customer_share")
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "78")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    line = explainer.change_text()
    assert line
    window.next_section()  # a refresh with nothing changed keeps the line
    assert explainer.change_text() == line


def test_the_reading_place_is_kept_when_content_is_added_above(qtbot, window):
    window.resize(1366, 768)
    window.open_path(str(SAMPLES / "vale.lendready"))
    explainer = window.workspace.explainer
    browser = explainer.browser
    bar = browser.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 200)
    bar.setValue(bar.maximum() // 2)
    top_block = browser.cursorForPosition(browser.viewport().rect().topLeft()).block().text()
    edit = go_to(window, "inc.largest_customer_share")
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "78")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert explainer.change_text()  # a line and a finding were added above
    assert browser.cursorForPosition(browser.viewport().rect().topLeft()).block().text() == top_block
