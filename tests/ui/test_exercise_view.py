"""Exercise and presentation mode, driven from the keyboard the way a trainer drives them."""

from __future__ import annotations

from conftest import SAMPLES
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QLabel, QPushButton

from lendready.domain.teaching.exercise import AREA, BAND, MYTH, PREDICT, SCORE, VERDICT
from lendready.ui.exercise_view import PRESENT_BACKGROUND, ExerciseView, PresentationWindow

KEY_OF = {"green": Qt.Key.Key_G, "amber": Qt.Key.Key_A, "red": Qt.Key.Key_R}
BAND_KEY = {"ready": Qt.Key.Key_1, "nearly_ready": Qt.Key.Key_2, "not_ready": Qt.Key.Key_3}
WRONG = {"green": "red", "amber": "green", "red": "green"}


def shown_text(view: ExerciseView) -> str:
    """What the room reads: every label's rich text as plain text."""
    return " ".join(QTextDocumentFragment.fromHtml(label.text()).toPlainText() for label in view.findChildren(QLabel))


def press(qtbot, view, key, times=1):
    for _ in range(times):
        qtbot.keyClick(view, key)


def start(window, sample="riverside") -> ExerciseView:
    assert window.open_path(str(SAMPLES / f"{sample}.lendready"))
    action = next(a for a in window.findChildren(type(window.save_action)) if a.shortcut().toString() == "Ctrl+T")
    action.trigger()
    view = window.teach.view
    assert view is not None and window.central.currentWidget() is view
    return view


def test_the_exercise_hides_the_explainer_and_ending_it_brings_the_case_back(qtbot, window):
    view = start(window)
    assert not window.workspace.explainer.isVisible(), "the room must not see the answers while predicting"
    assert "Riverside" in view.header.text()
    press(qtbot, view, Qt.Key.Key_Escape)
    assert window.teach.view is None
    assert window.central.currentWidget() is window.workspace
    assert window.workspace.explainer.isVisible()


def test_predict_reveal_and_score_from_the_keyboard(qtbot, window):
    view = start(window)
    ex = view.exercise
    while ex.step.kind != PREDICT:
        press(qtbot, view, Qt.Key.Key_Space)
    # The room calls out each area in turn (the row moves on by itself): all right but income.
    for area in ex.scored_areas:
        rating = ex.ratings[area] if area != "income" else WRONG[ex.ratings[area]]
        press(qtbot, view, KEY_OF[rating])
    press(qtbot, view, BAND_KEY[ex.assessment.band])
    assert ex.area_predictions["income"] != ex.ratings["income"]
    assert not ex.missing_predictions
    checked = [b for b in view.findChildren(QPushButton) if b.isChecked()]
    assert len(checked) == len(ex.scored_areas) + 1, "each prediction shows as a pressed button"
    assert all(b.text().startswith("✓") for b in checked), "and is ticked: colour is never the only cue"
    assert {b.property("choice") for b in checked} <= {"green", "amber", "red", ex.assessment.band}

    press(qtbot, view, Qt.Key.Key_Space)
    assert ex.revealing
    seen_areas = []
    while ex.step.kind != SCORE:
        step = ex.step
        text = shown_text(view)
        if step.kind == MYTH:
            card = ex.myth(step.key)
            assert card.statement in text and card.correction not in text, "a card asks before it tells"
            press(qtbot, view, Qt.Key.Key_F)
            assert card.correction in shown_text(view) and "False." in shown_text(view)
        elif step.kind == AREA:
            seen_areas.append(step.key)
            for finding in ex.findings_in(step.key):
                assert finding.title in text and finding.why_it_matters in text and finding.what_to_do in text
                for fact in ex.evidence(finding):
                    assert fact.label in text
        elif step.kind == BAND:
            assert ex.knowledge.bands[ex.assessment.band].label in text
        elif step.kind == VERDICT:
            assert ex.story.lender_verdict in text
        press(qtbot, view, Qt.Key.Key_Space)
    assert seen_areas == [a.id for a in ex.knowledge.areas]
    score = ex.score()
    assert score.points == score.out_of - 1, "only income was missed, by two shades"
    assert f"{score.points:g} out of {score.out_of:g}".replace(".5", "½") in shown_text(view)
    assert score.myths_right == score.myths_answered == len(ex.myths)
    press(qtbot, view, Qt.Key.Key_Space)  # Finish
    assert window.teach.view is None


def test_revealing_with_predictions_missing_warns_once_then_goes_on(qtbot, window):
    view = start(window, "vale")
    ex = view.exercise
    while ex.step.kind != PREDICT:
        press(qtbot, view, Qt.Key.Key_Right)
    press(qtbot, view, Qt.Key.Key_G)
    press(qtbot, view, Qt.Key.Key_Space)
    assert ex.step.kind == PREDICT and "Not predicted yet" in shown_text(view)
    assert "the readiness band" in shown_text(view)
    press(qtbot, view, Qt.Key.Key_PageDown)
    assert ex.step.kind != PREDICT and ex.revealing
    press(qtbot, view, Qt.Key.Key_Left)
    assert ex.step.kind == PREDICT and "locked" in shown_text(view)
    assert all(not b.isEnabled() for b in view.rating_groups[ex.scored_areas[0]].buttons())


def test_clicking_a_prediction_button_records_it(qtbot, window):
    view = start(window, "bean_there")
    ex = view.exercise
    while ex.step.kind != PREDICT:
        view.advance()
    button = view.rating_groups["security"].button(2)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert ex.area_predictions == {"security": "red"}
    assert view.rating_groups["security"].button(2).isChecked()


def test_presentation_is_large_high_contrast_and_shares_the_rooms_progress(qtbot, window, tmp_path):
    view = start(window, "vale")
    presentation = PresentationWindow(view.exercise)
    qtbot.addWidget(presentation)
    presentation.resize(1920, 1080)
    presentation.show()
    qtbot.waitExposed(presentation)
    pv = presentation.view
    assert pv.px >= 30, "body text must read from the back of a room at 1080 lines"
    assert PRESENT_BACKGROUND in pv.styleSheet() and "#ffffff" in pv.styleSheet()
    assert not pv.present_button.isVisible()
    press(qtbot, pv, Qt.Key.Key_Space, 3)
    assert view.exercise.position == 3
    presentation.grab().save(str(tmp_path / "presentation.png"))
    assert (tmp_path / "presentation.png").stat().st_size > 10_000
    press(qtbot, pv, Qt.Key.Key_Escape)
    assert not presentation.isVisible()
    view.refresh()
    assert "step 4 of" in view.header.text(), "the window picks up where the projector left off"


def test_f5_presents_full_screen_from_the_case_and_escape_comes_back(qtbot, window):
    window.open_path(str(SAMPLES / "crown_inn.lendready"))
    action = next(a for a in window.findChildren(type(window.save_action)) if a.shortcut().toString() == "F5")
    action.trigger()
    presentation = window.teach.presentation
    assert presentation is not None and presentation.isFullScreen()
    press(qtbot, presentation.view, Qt.Key.Key_Escape)
    assert window.teach.presentation is None
    assert window.central.currentWidget() is window.teach.view


def test_a_case_of_ones_own_gets_an_exercise_without_a_story(qtbot, window, monkeypatch):
    window.new_case("trainer")
    window.session.set_answer("org.name", "Tiny & Co <Ltd>")
    window.teach.start_exercise()
    view = window.teach.view
    assert "Tiny &amp; Co &lt;Ltd&gt;" in view.header.text(), "user text is escaped, never markup"
    assert "Tiny & Co <Ltd>" in shown_text(view)
    assert "A case of your own" in shown_text(view)
    from lendready.ui.widgets import messages

    monkeypatch.setattr(messages, "choose", lambda *a, **k: "discard")
    assert window.close_case()
    assert window.teach.view is None and window.session is None


def test_help_topics_open_offline_from_the_help_menu_and_the_glossary_filters(qtbot, window, knowledge):
    from lendready.domain.teaching.content import load_teaching

    teaching = load_teaching(knowledge=knowledge)
    from PySide6.QtWidgets import QMenu

    # Found as the window's child, not through QAction.menu(), whose wrapper PySide6 6.8.0 drops.
    help_menu = next(m for m in window.findChildren(QMenu) if m.title() == "&Help")
    titles = [a.text() for a in help_menu.actions()]
    assert {"Primer…", "Legal forms…", "Myths and facts…", "Glossary…"} <= set(titles)
    next(a for a in help_menu.actions() if a.text() == "Glossary…").trigger()
    browser = window.teach.help
    assert browser.isVisible()
    glossary = browser.pages["glossary"]
    assert all(t.term in glossary.toPlainText() for t in teaching.glossary)
    browser.filter.setText("admitted")
    shown = glossary.toPlainText()
    assert "Admitted body" in shown and "Asset lock:" not in shown
    browser.filter.setText("zzzz")
    assert "No term mentions" in glossary.toPlainText()
    browser.show_topic("primer")
    assert teaching.primer_title in browser.pages["primer"].toPlainText()
    assert teaching.primer[-1].heading in browser.pages["primer"].toPlainText()
    assert all(f.name in browser.pages["legal_forms"].toPlainText() for f in teaching.legal_forms.values())


def test_the_start_page_starts_an_exercise_on_the_chosen_sample(qtbot, window):
    page = window.start_page
    row = next(i for i in range(page.samples.count()) if "Crown Inn" in page.samples.item(i).text())
    page.samples.setCurrentRow(row)
    qtbot.mouseClick(page.exercise_button, Qt.MouseButton.LeftButton)
    view = window.teach.view
    assert view is not None and window.central.currentWidget() is view
    assert view.exercise.title.startswith("Crown Inn")
    assert view.exercise.story.lender_verdict, "a sample's exercise carries its lender's verdict"


def pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_teach_menu_writes_the_handout_of_the_open_sample_with_its_story(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    window.open_path(str(SAMPLES / "riverside.lendready"))
    target = tmp_path / "riverside handout"  # no suffix typed: .pdf is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF"))
    assert window.teach.export_handout()
    text = pdf_text(tmp_path / "riverside handout.pdf")
    riverside = window.teach.sample()
    assert riverside is not None and riverside.id == "riverside"
    assert riverside.meta.questions[0][:40] in text.replace("\n", " ")
    assert "lender's verdict" in text
    # Once the sample is edited its story and verdict no longer fit: the handout says so.
    window.session.set_answer("fin.surplus", 400000)
    assert window.teach.sample() is None
    assert window.teach.export_handout()
    edited = pdf_text(tmp_path / "riverside handout.pdf")
    assert riverside.meta.questions[0][:40] not in edited.replace("\n", " ")


def test_session_pack_dialog_ticks_the_open_sample_and_writes_the_chosen_cases(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog

    from lendready.ui.session_pack_dialog import SessionPackDialog

    window.open_path(str(SAMPLES / "vale.lendready"))
    seen = {}

    def run_dialog(dialog: SessionPackDialog) -> int:
        seen["preticked"] = [s.id for s in dialog.chosen()]
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        dialog.set_all(Qt.CheckState.Unchecked)
        seen["ok_when_empty"] = ok.isEnabled()
        dialog.check(["crown_inn", "vale"])
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SessionPackDialog, "exec", run_dialog)
    target = tmp_path / "pack.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF"))
    assert window.teach.export_session_pack()
    assert seen == {"preticked": ["vale"], "ok_when_empty": False}
    text = pdf_text(target)
    assert text.index("Crown Inn") < text.index("Vale Leisure"), "cases come in the library's order"
