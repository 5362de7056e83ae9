"""The risk explainer pane shows what the Analysis holds, readably, and leads back to the questions."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import SAMPLE_IDS

pytest.importorskip("PySide6")

from PySide6.QtCore import QEvent, QPoint, Qt  # noqa: E402
from PySide6.QtGui import QBrush, QColor, QHelpEvent, QPalette, QTextCursor  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QToolTip, QVBoxLayout, QWidget  # noqa: E402

from lendready.domain.advice import Analysis, analyse  # noqa: E402
from lendready.domain.engine import formatting  # noqa: E402
from lendready.domain.engine.assessment import Evidence, assess  # noqa: E402
from lendready.ui.explainer_pane import QUESTION_SCHEME, ExplainerPane, contrast, threshold_text  # noqa: E402

AS_OF = date(2026, 11, 25)


def analysed(case, knowledge, audience=None) -> Analysis:
    return analyse(case, knowledge, AS_OF, audience=audience)

RATING_WORDS = {"green": "Satisfactory", "amber": "Needs work", "red": "Serious concern", "unknown": "Not yet known"}


# -- helpers -----------------------------------------------------------------


def fragments(pane: ExplainerPane):
    """Every text fragment of the pane's document, in order."""
    block = pane.browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            yield it.fragment()
            it += 1
        block = block.next()


def anchors(pane: ExplainerPane) -> dict[str, list[tuple[int, str]]]:
    """href -> [(document position, link text)] for every link in the pane."""
    found: dict[str, list[tuple[int, str]]] = {}
    for frag in fragments(pane):
        fmt = frag.charFormat()
        if fmt.isAnchor():
            found.setdefault(fmt.anchorHref(), []).append((frag.position(), frag.text()))
    return found


def background_of(pane: ExplainerPane, frag) -> QColor | None:
    """The colour a fragment is drawn on: its own background, else its table cell's, else None."""
    brush = frag.charFormat().background()
    if brush.style() != Qt.BrushStyle.NoBrush:
        return brush.color()
    cursor = QTextCursor(pane.browser.document())
    cursor.setPosition(frag.position())
    table = cursor.currentTable()
    if table is not None:
        cell = table.cellAt(cursor).format().background()
        if cell.style() != Qt.BrushStyle.NoBrush:
            return cell.color()
    return None


def lines(pane: ExplainerPane) -> list[str]:
    return [line.strip() for line in pane.browser.toPlainText().splitlines()]


def point_of(pane: ExplainerPane, position: int) -> QPoint:
    """Scroll document ``position`` into view and return a viewport point on its first character."""
    cursor = QTextCursor(pane.browser.document())
    cursor.setPosition(position)
    pane.browser.setTextCursor(cursor)
    pane.browser.ensureCursorVisible()
    rect = pane.browser.cursorRect(cursor)
    return QPoint(rect.left() + 3, rect.center().y())


def make_pane(qtbot, knowledge, width: int = 460, height: int = 900) -> ExplainerPane:
    pane = ExplainerPane(knowledge)
    qtbot.addWidget(pane)
    pane.resize(width, height)
    pane.show()
    qtbot.waitExposed(pane)
    return pane


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in [
        (QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#353535"), (QPalette.ColorRole.ButtonText, "#e6e6e6"),
        (QPalette.ColorRole.Link, "#0000ff"),  # Qt's default: unreadable on a dark base
    ]:
        palette.setColor(role, QColor(colour))
    return palette


# -- content -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["lender", "founder"])
@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_every_sample_shows_band_areas_and_findings_in_words(qtbot, knowledge, samples, sample, role):
    analysis = analysed(samples[sample], knowledge, audience=role)
    a = analysis.assessment
    pane = make_pane(qtbot, knowledge)
    pane.show_analysis(analysis, role)
    text = pane.browser.toPlainText()
    shown = lines(pane)

    band = knowledge.bands[a.band]
    assert band.label in shown
    assert (band.founder if role == "founder" else band.lender) in text

    titles = [ar.title_for(role) for ar in knowledge.areas]
    assert [line for line in shown if line in titles] == titles  # all seven, in contract order
    for area in knowledge.areas:
        i = shown.index(area.title_for(role))
        assert shown[i + 1] == RATING_WORDS[a.area(area.id).rating]
        assert area.id not in shown  # never a raw id
    for finding in a.findings:
        assert finding.title in text
        assert finding.what_to_do in text
        if finding.myth:
            assert f"Myth: {finding.myth}" in text
    figures = [f.label for f in analysis.key_figures]
    assert [line for line in shown if line in figures] == figures  # every key figure, in the analysis's order
    for f in analysis.key_figures:
        i = shown.index(f.label)
        if f.value is None:
            assert shown[i + 1] == "n/a"
            assert shown[i + 2] == f.reason
        elif f.negative_earnings:
            assert shown[i + 1] == formatting.NEGATIVE_EARNINGS
        else:
            assert shown[i + 1] == formatting.by_unit(f.value, f.unit)


def test_founder_wording_of_evidence_and_trainer_gets_the_lender_band_text(qtbot, knowledge, samples):
    pane = make_pane(qtbot, knowledge)
    pane.show_analysis(analysed(samples["vale"], knowledge, audience="trainer"), "trainer")
    assert knowledge.bands["ready"].lender in pane.browser.toPlainText()
    pane.show_analysis(analysed(samples["vale"], knowledge, audience="founder"), "founder")
    text = pane.browser.toPlainText()
    assert knowledge.bands["ready"].founder in text
    founder_label = knowledge.questionnaire.questions["ppl.tupe_transfer"].label.founder
    assert founder_label in text and "?:" not in text


def test_figures_are_formatted_and_the_month_of_lowest_cash_is_shown(qtbot, knowledge, samples):
    analysis = analysed(samples["vale"], knowledge)
    pane = make_pane(qtbot, knowledge)
    pane.show_analysis(analysis, "lender")
    shown = lines(pane)
    lowest = analysis.figure("lowest_forecast_cash")
    i = shown.index(lowest.label)
    assert shown[i + 1] == formatting.money(lowest.value) and shown[i + 2] == "in Apr 2027"
    assert shown[i + 1] == "£1,420,335"  # whole pounds
    assert lowest.month == "2027-04"  # the analysis keeps ISO; only the reader sees "Apr 2027"
    assert shown[shown.index("Loan-to-value") + 1] == "53.57%"
    assert shown[shown.index(analysis.figure("dscr").label) + 1] == "2.01"


def test_metric_definition_is_a_tooltip(qtbot, knowledge, samples):
    pane = make_pane(qtbot, knowledge)
    analysis = analysed(samples["vale"], knowledge)
    pane.show_analysis(analysis, "lender")
    label = knowledge.metric_info["dscr"].label
    frag = next(f for f in fragments(pane) if f.text() == label)
    pos = point_of(pane, frag.position())
    viewport = pane.browser.viewport()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, pos, viewport.mapToGlobal(pos)))
    qtbot.waitUntil(lambda: QToolTip.isVisible())
    dscr = analysis.figure("dscr")
    limits = "; ".join(threshold_text(t) for t in dscr.thresholds)
    assert QToolTip.text() == f"{knowledge.metric_info['dscr'].definition} Rated: {limits}."
    # The limits are the analysis's, as the rules state them.
    assert "Serious concern below 1.00 (DSCR below which earnings do not cover repayments)" in limits
    assert "Needs work below 1.25" in limits
    QToolTip.hideText()


def test_negative_earnings_read_as_such_not_as_a_ratio(qtbot, knowledge, answers_of):
    answers = answers_of("vale")
    answers["fin.surplus"] = -400_000  # with 300,000 depreciation, earnings are below zero
    analysis = analysed(answers, knowledge)
    dscr = analysis.figure("dscr")
    assert dscr.negative_earnings and dscr.value is not None and dscr.value < 0
    pane = make_pane(qtbot, knowledge)
    pane.show_analysis(analysis, "lender")
    shown = lines(pane)
    for mid in ("dscr", "interest_cover"):
        f = analysis.figure(mid)
        assert shown[shown.index(f.label) + 1] == formatting.NEGATIVE_EARNINGS
        assert formatting.ratio(f.value) not in shown


def test_the_assessment_it_is_given_is_read_through_its_analysis(qtbot, knowledge, samples):
    """The window hands over the session's assessment; the figures are its analysis's, never the pane's own."""
    analysis = analysed(samples["vale"], knowledge)
    pane = make_pane(qtbot, knowledge)
    pane.set_analysis_source(lambda: analysis)
    pane.show_assessment(analysis.assessment, "lender")
    shown = lines(pane)
    assert "Key figures" in shown
    assert shown[shown.index(analysis.figure("dscr").label) + 1] == "2.01"
    # An assessment that is not the analysis's (equal, but another object) has no figures to show.
    other = assess(samples["vale"], knowledge)
    assert other.band == analysis.band
    pane.show_assessment(other, "lender")
    shown = lines(pane)
    assert "Key figures" not in shown and analysis.figure("dscr").label not in shown
    assert knowledge.bands["ready"].label in shown  # the rest of the verdict is still shown


def test_rating_chips_carry_their_colour_as_well_as_the_word(qtbot, knowledge, samples):
    pane = make_pane(qtbot, knowledge)
    pane.show_analysis(analysed(samples["riverside"], knowledge), "lender")
    backgrounds = {f.text().replace("\xa0", " ").strip(): f.charFormat().background().color().name()
                   for f in fragments(pane) if f.charFormat().background().style() != Qt.BrushStyle.NoBrush}
    assert backgrounds["Serious concern"] == "#c62828" and backgrounds["Needs work"] == "#ef8f00"
    assert backgrounds["Satisfactory"] == "#2e7d32"


# -- links back to the questions -----------------------------------------------


def test_clicking_a_piece_of_evidence_asks_for_its_question(qtbot, knowledge, samples):
    analysis = analysed(samples["riverside"], knowledge)
    a = analysis.assessment
    pane = make_pane(qtbot, knowledge)
    pane.show_analysis(analysis, "lender")
    finding = next(f for f in a.findings if f.id == "income.single_customer")
    qid = finding.evidence[0].question
    links = anchors(pane)[f"{QUESTION_SCHEME}:{qid}"]
    label = knowledge.questionnaire.questions[qid].label.lender
    assert any(text.startswith(label) for _, text in links)
    position = links[-1][0]
    with qtbot.waitSignal(pane.questionRequested, timeout=1000) as blocker:
        qtbot.mouseClick(pane.browser.viewport(), Qt.MouseButton.LeftButton, pos=point_of(pane, position))
    assert blocker.args == [qid]


def test_every_evidence_item_is_a_link_to_its_question(qtbot, knowledge, samples):
    analysis = analysed(samples["northtown"], knowledge)
    a = analysis.assessment
    pane = make_pane(qtbot, knowledge)
    pane.show_analysis(analysis, "lender")
    hrefs = anchors(pane)
    for finding in a.findings:
        for e in finding.evidence:
            assert f"{QUESTION_SCHEME}:{e.question}" in hrefs


@pytest.fixture
def incomplete(knowledge, answers_of):
    answers = answers_of("vale")
    del answers["gov.finance_expertise"]
    answers["inc.grant_share"] = 140
    return analysed(answers, knowledge, audience="founder")


def test_an_incomplete_case_names_the_missing_key_question_as_a_link(qtbot, knowledge, incomplete):
    assert incomplete.assessment.area("governance").rating == "unknown"
    pane = make_pane(qtbot, knowledge)
    pane.show_analysis(incomplete, "founder")
    shown = lines(pane)
    governance = next(a for a in knowledge.areas if a.id == "governance").title_for("founder")
    assert shown[shown.index(governance) + 1] == "Not yet known"
    assert knowledge.bands["incomplete"].label in shown
    label = knowledge.questionnaire.questions["gov.finance_expertise"].label.founder
    (position, text), = anchors(pane)[f"{QUESTION_SCHEME}:gov.finance_expertise"]
    assert text == label
    with qtbot.waitSignal(pane.questionRequested, timeout=1000) as blocker:
        qtbot.mouseClick(pane.browser.viewport(), Qt.MouseButton.LeftButton, pos=point_of(pane, position))
    assert blocker.args == ["gov.finance_expertise"]


def test_links_are_followed_with_tab_and_enter(qtbot, knowledge, incomplete):
    host = QWidget()
    qtbot.addWidget(host)
    before = QLineEdit(host)
    before.setAccessibleName("Earlier field")
    pane = ExplainerPane(knowledge, host)
    layout = QVBoxLayout(host)
    layout.addWidget(before)
    layout.addWidget(pane)
    host.resize(460, 900)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    pane.show_analysis(incomplete, "founder")
    before.setFocus()
    qtbot.waitUntil(before.hasFocus)

    qtbot.keyClick(before, Qt.Key.Key_Tab)
    assert pane.browser.hasFocus()
    before.setFocus()
    pane.setFocus()  # what the main window does to bring the pane forward
    assert pane.browser.hasFocus()
    assert pane.browser.accessibleName() == "Risk explainer" == pane.accessibleName()

    target = f"{QUESTION_SCHEME}:gov.finance_expertise"
    for _ in range(10):
        if pane.browser.textCursor().charFormat().anchorHref() == target:
            break
        qtbot.keyClick(pane.browser, Qt.Key.Key_Tab)
    assert pane.browser.textCursor().charFormat().anchorHref() == target
    with qtbot.waitSignal(pane.questionRequested, timeout=1000) as blocker:
        qtbot.keyClick(pane.browser, Qt.Key.Key_Return)
    assert blocker.args == ["gov.finance_expertise"]


def test_answers_set_aside_are_listed_with_their_message_and_link(qtbot, knowledge, incomplete):
    invalid = next(i for i in incomplete.assessment.invalid if i.question == "inc.grant_share")
    pane = make_pane(qtbot, knowledge)
    pane.show_analysis(incomplete, "founder")
    text = pane.browser.toPlainText()
    assert "Answers set aside (1)" in text
    label = knowledge.questionnaire.questions["inc.grant_share"].label.founder
    assert f"{label}\n{invalid.message}" in text
    (position, link_text), = anchors(pane)[f"{QUESTION_SCHEME}:inc.grant_share"]
    assert link_text == label
    with qtbot.waitSignal(pane.questionRequested, timeout=1000) as blocker:
        qtbot.mouseClick(pane.browser.viewport(), Qt.MouseButton.LeftButton, pos=point_of(pane, position))
    assert blocker.args == ["inc.grant_share"]


def test_nothing_set_aside_means_no_such_heading(qtbot, knowledge, samples):
    pane = make_pane(qtbot, knowledge)
    pane.show_analysis(analysed(samples["vale"], knowledge), "lender")
    assert "Answers set aside" not in pane.browser.toPlainText()


# -- escaping, layout, colours, refresh ----------------------------------------


def test_markup_in_names_answers_and_texts_is_shown_literally(qtbot, knowledge, answers_of):
    answers = answers_of("vale")
    answers["org.name"] = "A & B <Ltd>"
    analysis = analysed(answers, knowledge)
    a = analysis.assessment
    first = a.findings[0]
    doctored = first._replace(
        title="<b>Bold</b> & <i>co</i>",
        evidence=(Evidence("org.activity", "<img src=x> & <a href='lr-question:org.name'>x</a>"),),
        what_to_do="Use &amp; then <br/>",
    )
    a = a._replace(findings=(doctored,) + a.findings[1:])
    pane = make_pane(qtbot, knowledge)
    pane.show_analysis(analysis._replace(assessment=a), "lender")
    text = pane.browser.toPlainText()
    assert "A & B <Ltd>" in text
    assert "<b>Bold</b> & <i>co</i>" in text
    assert "<img src=x> & <a href='lr-question:org.name'>x</a>" in text
    assert "Use &amp; then <br/>" in text
    assert f"{QUESTION_SCHEME}:org.name" not in anchors(pane)  # the text made no link of its own


@pytest.mark.parametrize("width", [380, 520])
def test_no_horizontal_scrolling_in_a_narrow_pane(qtbot, knowledge, samples, width):
    pane = make_pane(qtbot, knowledge, width=width)
    for sample in SAMPLE_IDS:
        for role in ("lender", "founder"):
            pane.show_analysis(analysed(samples[sample], knowledge, audience=role), role)
            QApplication.processEvents()
            assert pane.browser.horizontalScrollBar().maximum() == 0, (sample, role)


@pytest.mark.parametrize("dark", [False, True])
def test_all_text_reads_on_its_background(qtbot, knowledge, samples, incomplete, dark):
    pane = make_pane(qtbot, knowledge)
    if dark:
        pane.setPalette(dark_palette())
    base = pane.browser.palette().color(QPalette.ColorRole.Base)
    text_colour = pane.browser.palette().color(QPalette.ColorRole.Text)
    cases = [analysed(samples[s], knowledge) for s in ("riverside", "crown_inn", "vale")] + [incomplete]
    for a in cases:
        pane.show_analysis(a, a.assessment.audience)
        checked_links = 0
        for frag in fragments(pane):
            fmt = frag.charFormat()
            if not frag.text().strip():
                continue
            fg: QBrush = fmt.foreground()
            colour = fg.color() if fg.style() != Qt.BrushStyle.NoBrush else text_colour
            bg = background_of(pane, frag) or base
            assert contrast(colour, bg) >= 4.5, (frag.text(), colour.name(), bg.name())
            checked_links += fmt.isAnchor()
        assert checked_links


def _blocks_up_from(block):
    while block.isValid():
        yield block
        block = block.previous()


def _top_of(browser, text):
    """Where the block reading ``text`` starts in the document (the one nearest the view's top)."""
    doc, bar = browser.document(), browser.verticalScrollBar()
    block, tops = doc.begin(), []
    while block.isValid():
        if block.text() == text:
            tops.append(doc.documentLayout().blockBoundingRect(block).top())
        block = block.next()
    return min(tops, key=lambda t: abs(t - bar.value()))


def pane_texts(pane, analysis, role) -> list[str]:
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(pane._render(analysis, role))
    out, block = [], doc.begin()
    while block.isValid():
        out.append(block.text())
        block = block.next()
    return out


def test_refreshing_keeps_the_reading_place_unless_told_otherwise(qtbot, knowledge, samples):
    """Reworded or changed above the reader, the text they were reading stays where it was on screen."""
    pane = make_pane(qtbot, knowledge, height=500)
    pane.show_analysis(analysed(samples["riverside"], knowledge, audience="lender"), "lender")
    bar = pane.browser.verticalScrollBar()
    bar.setValue(400)
    browser = pane.browser
    top = browser.cursorForPosition(QPoint(4, 4)).block()
    founder = pane_texts(pane, analysed(samples["riverside"], knowledge, audience="founder"), "founder")
    lender = pane_texts(pane, analysed(samples["riverside"], knowledge, audience="lender"), "lender")
    kept = next(b.text() for b in _blocks_up_from(top)
                if b.text().strip() and founder.count(b.text()) == 1 and lender.count(b.text()) == 1)
    before = _top_of(browser, kept) - bar.value()
    pane.show_analysis(analysed(samples["riverside"], knowledge, audience="founder"), "founder")
    assert bar.value() > 0 and _top_of(browser, kept) - bar.value() == pytest.approx(before, abs=1)
    pane.show_analysis(analysed(samples["northtown"], knowledge), "lender", keep_scroll=False)
    assert bar.value() == 0


def test_palette_change_rerenders_with_readable_links(qtbot, knowledge, samples):
    pane = make_pane(qtbot, knowledge)
    pane.show_analysis(analysed(samples["riverside"], knowledge), "lender")
    pane.setPalette(dark_palette())
    base = QColor("#1e1e1e")
    link = next(f for f in fragments(pane) if f.charFormat().isAnchor())
    assert contrast(link.charFormat().foreground().color(), base) >= 4.5


def test_an_unknown_link_target_is_ignored(qtbot, knowledge):
    from PySide6.QtCore import QUrl

    pane = make_pane(qtbot, knowledge)
    with qtbot.assertNotEmitted(pane.questionRequested):
        pane.browser.anchorClicked.emit(QUrl(f"{QUESTION_SCHEME}:no.such_question"))
        pane.browser.anchorClicked.emit(QUrl("https://example.org/"))
