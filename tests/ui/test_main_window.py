"""The main window driven as a person would: real widgets, real files, real processes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import SAMPLE_IDS, SAMPLES
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from lendready.domain.engine import formatting
from lendready.domain.files.case_file import load_case
from lendready.ui.forecast_table import ForecastEditor
from lendready.ui.widgets import messages
from lendready.ui.widgets.answers import ComboInput, LineInput, RadioInput, TextAreaInput


def cli_json(path) -> dict:
    out = subprocess.run([sys.executable, "-m", "lendready", "assess", str(path), "--format", "json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def typed(question, value) -> str:
    """What a person would type for a value."""
    if question.type == "amount":
        return formatting.money(value, pence=True)
    if question.type == "percent":
        return f"{formatting.number(value)}%"
    if question.type in ("integer", "number"):
        return formatting.number(value)
    return str(value)


def type_into(qtbot, widget, text: str) -> None:
    """QTest can only synthesise ASCII key presses; other text arrives as an input method would send it."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        widget.insertPlainText(text) if hasattr(widget, "insertPlainText") else widget.insert(text)


def fill(qtbot, window, qid, value) -> None:
    """Answer one question through its real widget, the way a person does."""
    view = window.workspace.views[window.session.section_of(qid)]
    editor = view.editor(qid)
    if isinstance(editor, ForecastEditor):
        lines = ["Month\tReceipts\tPayments"]
        lines += [f"{r['month']}\t{formatting.money(r['receipts'], pence=True)}\t"
                  f"{formatting.money(r['payments'], pence=True)}" for r in value]
        QApplication.clipboard().setText("\n".join(lines) + "\n")
        assert editor.paste_from_clipboard()
        return
    answer_input = editor.input
    if isinstance(answer_input, RadioInput):
        qtbot.mouseClick(answer_input.buttons[value], Qt.MouseButton.LeftButton)
    elif isinstance(answer_input, ComboInput):
        combo = answer_input.combo
        combo.setFocus()
        combo.setCurrentIndex(combo.findData(value))
    elif isinstance(answer_input, TextAreaInput):
        answer_input.edit.setFocus()
        type_into(qtbot, answer_input.edit, str(value))
        editor.commit_pending()
    elif isinstance(answer_input, LineInput):
        edit = answer_input.edit
        edit.setFocus()
        edit.selectAll()
        type_into(qtbot, edit, typed(editor.question, value))
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    else:  # pragma: no cover - a new input type needs a line here
        raise AssertionError(f"no way to fill {type(answer_input).__name__}")


def test_starts_on_the_start_page_with_case_actions_disabled(window):
    assert window.windowTitle() == "lendready"
    assert window.central.currentWidget() is window.start_page
    assert not window.save_action.isEnabled() and not window.next_action.isEnabled()
    assert window.start_page.samples.count() >= 7


def test_fill_riverside_through_the_gui_save_reopen_and_agree_with_the_cli(qtbot, window, tmp_path, knowledge,
                                                                         monkeypatch):
    target = tmp_path / "riverside-typed.lendready"
    qtbot.mouseClick(window.start_page.role_buttons["lender"], Qt.MouseButton.LeftButton)
    assert window.windowTitle() == "Untitled case[*]" and not window.isWindowModified()
    expected = load_case(SAMPLES / "riverside.lendready", knowledge.questionnaire).answers
    ws = window.workspace
    for section in knowledge.questionnaire.sections:
        assert ws.current_section() == section.id
        for question in section.questions:
            if question.id in expected:
                fill(qtbot, window, question.id, expected[question.id])
        if section is not knowledge.questionnaire.sections[-1]:
            qtbot.mouseClick(ws.next_button, Qt.MouseButton.LeftButton)
    assert window.isWindowModified()
    assert dict(window.session.answers) == dict(expected)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), FILE_FILTER))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert target.is_file() and not window.isWindowModified()
    assert window.windowTitle() == "riverside-typed.lendready[*]"

    window.close_case()
    assert window.open_path(str(target))
    cli = cli_json(target)
    shown = window.session.assessment
    assert shown.band == cli["band"] == "not_ready"
    assert [f.id for f in shown.findings] == [f["id"] for f in cli["findings"]]
    text = window.workspace.explainer.browser.toPlainText()
    assert knowledge.bands[cli["band"]].label in text
    for finding in cli["findings"]:
        assert finding["title"] in text


FILE_FILTER = "lendready cases (*.lendready)"


@pytest.mark.parametrize("sample_id", SAMPLE_IDS)
def test_gui_and_cli_agree_on_every_sample(window, knowledge, sample_id):
    assert window.open_path(str(SAMPLES / f"{sample_id}.lendready"))
    cli = cli_json(SAMPLES / f"{sample_id}.lendready")
    session = window.session
    assert session.assessment is session.analysis.assessment  # one analysis for every pane
    assert json.loads(session.analysis.to_json()) == cli  # verdict, stress, sizing and proposals alike
    text = window.workspace.explainer.browser.toPlainText()
    assert knowledge.bands[cli["band"]].label in text
    assert all(f["title"] in text for f in cli["findings"])
    assert window.session.path is None  # a sample opens as a template, never to be overwritten


def test_skip_logic_and_inline_constraint_messages_through_the_window(qtbot, window):
    window.new_case("founder")
    fill(qtbot, window, "ppl.lgps_admitted_body", "no")
    window.go_to_question("ppl.lgps_admitted_body")
    people = window.workspace.views["people"]
    assert not people.is_shown("ppl.pension_guarantee")
    fill(qtbot, window, "ppl.lgps_admitted_body", "yes")
    assert people.is_shown("ppl.pension_guarantee")
    window.go_to_question("inc.grant_share")
    fill(qtbot, window, "inc.grant_share", 140)
    assert window.workspace.views["income"].editor("inc.grant_share").problem_text() == "A percentage from 0 to 100"
    from lendready.ui.section_list import PROGRESS_ROLE

    assert "⚠ 1 to correct" in window.workspace.sections.item(5).data(PROGRESS_ROLE)
    assert window.session.answers["inc.grant_share"] == 140  # kept, to be corrected


def test_clicking_evidence_jumps_to_the_question(window):
    window.open_path(str(SAMPLES / "northtown.lendready"))
    window.workspace.explainer.questionRequested.emit("inc.largest_customer_share")
    assert window.workspace.current_section() == "income"
    assert window.workspace.views["income"].is_highlighted("inc.largest_customer_share")


def test_keyboard_moves_between_sections(qtbot, window):
    window.new_case("lender")
    qtbot.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.current_section() == "governance"
    qtbot.keyClick(window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.current_section() == "organisation"


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_everything(qtbot, window, monkeypatch):
    window.new_case("founder")
    fill(qtbot, window, "org.name", "Cwmni Ŵyr & <Partners>")
    asked = []
    monkeypatch.setattr(messages, "choose", lambda *a, **k: asked.append(a) or "cancel")
    window.close()
    assert asked and window.isVisible()
    assert window.session.answers["org.name"] == "Cwmni Ŵyr & <Partners>"
    monkeypatch.setattr(messages, "choose", lambda *a, **k: "discard")
    window.close()
    assert not window.isVisible()


def test_refused_file_shows_the_loaders_message_and_changes_nothing(window, tmp_path, monkeypatch):
    window.open_path(str(SAMPLES / "vale.lendready"))
    before = window.session
    shown = []
    monkeypatch.setattr(messages, "warn", lambda *a, **k: shown.append(a[2]))
    newer = tmp_path / "newer.lendready"
    newer.write_text('{"format": "lendready-case", "format_version": 7, "answers": {}}', encoding="utf-8")
    assert not window.open_path(str(newer))
    assert shown and "newer lendready" in shown[0]
    assert window.session is before


def test_recent_files_and_role_persist_in_settings(window, tmp_path):
    path = tmp_path / "mine.lendready"
    path.write_bytes((SAMPLES / "bean_there.lendready").read_bytes())
    window.open_path(str(path))
    assert window.settings.recent_files[0] == str(path.resolve())
    window.close_case()
    assert window.start_page.recent.item(0).data(Qt.ItemDataRole.UserRole) == str(path.resolve())
    window.new_case("founder")
    assert window.settings.last_role == "founder"


def test_every_focusable_widget_has_an_accessible_name(window):
    def unnamed(root: QWidget) -> list[str]:
        missing = []
        for w in root.findChildren(QWidget):
            if w.focusPolicy() == Qt.FocusPolicy.NoFocus or not w.isVisibleTo(root):
                continue
            name = w.accessibleName()
            parent = w.parentWidget()
            # Qt's own inner editors (a spin box's line edit, a scroll area's viewport) take the parent's name.
            if not name and parent is not None and parent.accessibleName():
                continue
            if not name:
                missing.append(f"{type(w).__name__} {w.objectName()!r}")
        return missing

    assert unnamed(window) == []
    window.open_path(str(SAMPLES / "vale.lendready"))
    for row in range(window.workspace.sections.count()):
        window.workspace.sections.setCurrentRow(row)
        assert unnamed(window) == [], window.workspace.current_section()


def test_wording_can_change_without_touching_the_case(window, knowledge):
    window.settings.last_role = "trainer"  # the reader's last choice: opening a sample keeps it
    window.open_path(str(SAMPLES / "riverside.lendready"))
    ws = window.workspace
    assert ws.wording == "trainer"
    label = knowledge.questionnaire.questions["org.name"].label
    ws.role_choice.setCurrentIndex(ws.role_choice.findData("founder"))
    assert window.workspace is not ws and window.workspace.wording == "founder"
    assert window.workspace.views["organisation"].editor("org.name").label.text() == label.for_role("founder")
    assert not window.session.dirty and window.session.case.prepared_by == "trainer"
    founder = next(f for f in window.session.assessment.findings if f.id == "security.none_offered")
    assert founder.what_to_do.startswith("Offer a charge")


def test_lendready_case_opens_that_case(tmp_path):
    """What a file manager's "Open with" does: `lendready CASE` starts with the case open."""
    import os

    script = (
        "import json, sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv[:1])\n"
        "def look():\n"
        "    shown = [w for w in app.topLevelWidgets() if w.isVisible() and hasattr(w, 'session')]\n"
        "    print(json.dumps([[w.windowTitle(), w.session.assessment.band if w.session else None] for w in shown]))\n"
        "    for w in shown:\n"
        "        w.session = None\n"
        "    app.quit()\n"
        "QTimer.singleShot(1500, look)\n"
        "from lendready.cli import main\n"
        "sys.exit(main([sys.argv[1]]))\n"
    )
    case = tmp_path / "crown.lendready"
    case.write_bytes((SAMPLES / "crown_inn.lendready").read_bytes())
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LENDREADY_CONFIG_DIR=str(tmp_path / "config"),
               LENDREADY_DATA_DIR=str(tmp_path / "data"))
    out = subprocess.run([sys.executable, "-c", script, str(case)], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [["crown.lendready[*]", "nearly_ready"]]


def test_export_briefing_writes_the_pdf_for_the_chosen_audience(window, tmp_path, monkeypatch):
    pypdf = pytest.importorskip("pypdf")
    window.open_path(str(SAMPLES / "northtown.lendready"))
    target = tmp_path / "northtown-founder"
    monkeypatch.setattr(window, "choose_audience", lambda: "founder")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF"))
    assert window.export_briefing()
    pdf = tmp_path / "northtown-founder.pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "Northtown Libraries CIC" in text
    assert not window.session.dirty


def test_trying_a_proposal_shows_a_what_if_over_the_case(window, tmp_path, knowledge, monkeypatch):
    original = tmp_path / "vale-variant.lendready"
    doc = json.loads((SAMPLES / "vale.lendready").read_text("utf-8"))
    doc["answers"]["gov.finance_expertise"] = "no"
    original.write_text(json.dumps(doc), encoding="utf-8")
    before = original.read_bytes()
    window.open_path(str(original))
    ws = window.workspace
    ws.right_tabs.setCurrentWidget(ws.what_if)
    assert ws.what_if.try_buttons, "a proposal should be offered for a nearly-ready case"
    ws.what_if.try_buttons[0].click()
    what_if = window.what_if_layer.model.session  # the case stays open: tests/ui/test_what_if_layer.py
    assert what_if.path is None and window.session.path is not None and not window.session.dirty
    assert what_if.answers["gov.finance_expertise"] == "yes"
    assert what_if.assessment.band == "ready"
    assert window.windowTitle() == "What-if on vale-variant.lendready[*]"
    assert original.read_bytes() == before


def test_one_analysis_per_revision_for_both_tabs(qtbot, window, monkeypatch):
    """Typing an answer analyses the case once; the explainer and the what-if tab show that one analysis."""
    from lendready.domain import advice

    calls: list[int] = []
    real = advice.analyse
    monkeypatch.setattr(advice, "analyse", lambda *a, **k: calls.append(1) or real(*a, **k))
    window.open_path(str(SAMPLES / "vale.lendready"))
    ws = window.workspace
    assert len(calls) == 1  # the explainer's, on opening
    ws.right_tabs.setCurrentWidget(ws.what_if)
    ws.right_tabs.setCurrentWidget(ws.explainer)
    ws.right_tabs.setCurrentWidget(ws.what_if)
    assert len(calls) == 1 and ws.what_if.analysis is window.session.analysis
    fill(qtbot, window, "fin.surplus", 100_000)
    assert len(calls) == 2
    analysis = window.session.analysis
    assert ws.what_if.analysis is analysis  # shown at once, the tab being open
    text = ws.explainer.browser.toPlainText()
    assert f"{analysis.figure('dscr').label}\n{formatting.ratio(analysis.figure('dscr').value)}" in text
    ws.right_tabs.setCurrentWidget(ws.explainer)
    assert len(calls) == 2


def test_a_document_handed_over_by_macos_opens_in_the_window(window, monkeypatch):
    """Finder sends a double-clicked case as a QFileOpenEvent; app.run installs this filter on macOS only."""
    from PySide6.QtGui import QFileOpenEvent

    from lendready.app import _file_open_filter

    opened = []
    monkeypatch.setattr(window, "open_path", opened.append)
    handler = _file_open_filter(window)
    assert handler.parent() is window  # kept alive by the window, not by a local variable
    assert handler.eventFilter(window, QFileOpenEvent(str(SAMPLES / "vale.lendready")))
    assert opened == [str(SAMPLES / "vale.lendready")]
