"""The what-if panel formats the case's Analysis: every scenario tabulated and charted, the loan sizing in the
shared words, and proposals that open a what-if copy. It computes nothing of its own."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

pytest.importorskip("PySide6")

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics, QImage, QPalette
from PySide6.QtWidgets import QWidget

from lendready.domain import advice
from lendready.domain.advice.words import STRESS_TIMING_ONLY, caveat_text, sizing_sentences
from lendready.domain.engine import formatting
from lendready.model.session import CaseSession
from lendready.ui.stress_panel import CashChart, WhatIfPanel, nice_ticks, scenario_series

NINE = [
    "income_fall_small", "income_fall_large", "contract_lost", "termination_for_convenience",
    "payment_delay_short", "payment_delay_long", "rate_rise", "cost_rise", "combined",
]


@pytest.fixture
def vale(knowledge) -> CaseSession:
    return CaseSession.open(knowledge, SAMPLES / "vale.lendready")


@pytest.fixture
def riverside(knowledge) -> CaseSession:
    return CaseSession.open(knowledge, SAMPLES / "riverside.lendready")


@pytest.fixture
def panel(qtbot, knowledge) -> WhatIfPanel:
    w = WhatIfPanel(knowledge)
    qtbot.addWidget(w)
    w.resize(460, 900)  # the right-hand pane of a 1366-wide window
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def count_analyses(monkeypatch):
    """Every analyse() call the session makes, counted."""
    calls: list[int] = []
    real = advice.analyse

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(advice, "analyse", counted)
    return calls


def settle(qtbot) -> None:
    qtbot.wait(20)  # the columns and rows are fitted once the layout has run


def cell(panel: WhatIfPanel, row: int, col: int) -> str:
    item = panel.table.item(row, col)
    return item.text() if item is not None else ""


def scenario_names(panel: WhatIfPanel) -> list[str]:
    return [cell(panel, r, WhatIfPanel.SCENARIO).split("\n")[0] for r in range(panel.table.rowCount())]


# -- the stress table -----------------------------------------------------------------


def test_vale_table_lists_the_nine_scenarios_in_order(qtbot, panel, vale):
    panel.show_case(vale)
    analysis = vale.analysis
    assert [s.id for s in analysis.stress] == NINE
    assert scenario_names(panel) == [s.label for s in analysis.stress]
    assert panel.table.rowCount() == 9
    assert scenario_names(panel)[0] == "Receipts 10% lower"
    assert scenario_names(panel)[6] == "Interest rate 2 points higher (9%)"
    assert panel.table.isVisibleTo(panel) and not panel.message.isVisibleTo(panel)


def test_each_row_shows_the_scenarios_own_band_ratios_and_cash(qtbot, panel, vale):
    panel.show_case(vale)
    t, bands = panel.table, vale.knowledge.bands
    for row, s in enumerate(vale.analysis.stress):
        if not s.applies:
            assert cell(panel, row, WhatIfPanel.BAND) == f"Does not apply: {s.reason}"
            assert t.columnSpan(row, WhatIfPanel.BAND) == 4  # across every figure: nothing to show there
            continue
        assert cell(panel, row, WhatIfPanel.BAND) == bands[s.band].label
        assert not t.item(row, WhatIfPanel.BAND).icon().isNull()  # the colour chip beside the word
        if s.negative_earnings:
            assert cell(panel, row, WhatIfPanel.DSCR) == formatting.NEGATIVE_EARNINGS
            assert t.columnSpan(row, WhatIfPanel.DSCR) == 2  # DSCR and interest cover alike
        else:
            assert cell(panel, row, WhatIfPanel.DSCR) == formatting.ratio(s.dscr)
            assert cell(panel, row, WhatIfPanel.COVER) == formatting.ratio(s.interest_cover)
        assert cell(panel, row, WhatIfPanel.CASH) == (
            f"{formatting.money(s.lowest_forecast_cash)}\nin {formatting.month_label(s.lowest_cash_month)}")
    # What Vale's figures say today (docs/rules.md, "Stress scenarios").
    assert cell(panel, 1, WhatIfPanel.CASH) == "\u2212£20,995\nin Dec 2027"
    assert t.item(1, WhatIfPanel.CASH).font().bold()
    assert cell(panel, 1, WhatIfPanel.DSCR) == formatting.NEGATIVE_EARNINGS
    assert cell(panel, 2, WhatIfPanel.BAND) == "Does not apply: the largest customer gives 25% of income or less"
    assert cell(panel, 6, WhatIfPanel.DSCR) == "1.87" and cell(panel, 6, WhatIfPanel.BAND) == "Ready"


def test_timing_only_scenarios_say_so(qtbot, panel, vale):
    panel.show_case(vale)
    timing = [row for row, s in enumerate(vale.analysis.stress) if s.applies and s.timing_only]
    assert timing == [4, 5]  # the two payment delays
    for row in range(9):
        assert cell(panel, row, WhatIfPanel.SCENARIO).endswith("\n(timing only)") == (row in timing)
    assert panel.key.isVisibleTo(panel)
    assert panel.key.text() == f"{STRESS_TIMING_ONLY}."


def test_riverside_ratios_over_negative_earnings_read_as_such(qtbot, panel, riverside):
    panel.show_case(riverside)
    stress = riverside.analysis.stress
    negative = [row for row, s in enumerate(stress) if s.applies and s.negative_earnings]
    assert len(negative) >= 5
    for row in negative:
        assert cell(panel, row, WhatIfPanel.DSCR) == formatting.NEGATIVE_EARNINGS
        assert formatting.ratio(stress[row].dscr) not in cell(panel, row, WhatIfPanel.DSCR)
    assert not panel.key.isVisibleTo(panel)  # no timing-only scenario ran (no forecast)


def test_case_without_forecast_says_why_there_is_no_chart_and_still_tests_the_ratios(qtbot, panel, vale):
    vale.set_answer("fin.forecast", None)
    panel.show_case(vale)
    assert panel.message.isVisibleTo(panel)
    assert panel.message.text().startswith("No cash chart yet: it needs these answers:")
    label = vale.knowledge.questionnaire.questions["fin.forecast"].label.lender
    assert label in panel.message.text()
    assert not panel.chart.isVisibleTo(panel)
    assert panel.table.isVisibleTo(panel) and scenario_names(panel) == [s.label for s in vale.analysis.stress]
    delay = NINE.index("payment_delay_short")
    assert cell(panel, delay, WhatIfPanel.BAND).startswith("Does not apply: needs a monthly forecast")
    assert cell(panel, NINE.index("rate_rise"), WhatIfPanel.CASH) == "n/a"


# -- the chart ----------------------------------------------------------------------


def test_chart_draws_the_analysis_cash_lines(knowledge, vale):
    analysis = vale.analysis
    months, series = scenario_series(analysis)
    assert months == list(analysis.cash_line.months)
    assert series[0].base and series[0].values == list(analysis.cash_line.balances)
    ran = [s for s in analysis.stress if s.applies and s.balances is not None]
    assert [s.label for s in series[1:]] == [s.label for s in ran]
    for line, s in zip(series[1:], ran):
        assert line.values == list(s.balances)
        assert round(min(line.values), 2) == s.lowest_forecast_cash  # the table's figure is the line's lowest
        assert months[line.values.index(min(line.values))] == s.lowest_cash_month
    assert "Main contract lost when it ends" not in [s.label for s in series]  # it does not apply to Vale


def test_no_forecast_no_lines(knowledge, riverside):
    assert riverside.analysis.cash_line is None
    assert scenario_series(riverside.analysis) == ([], [])


def test_chart_paints_and_has_a_size(qtbot, panel, vale):
    panel.show_case(vale)
    chart = panel.chart
    hint = chart.sizeHint()
    assert hint.width() > 0 and hint.height() > 0
    assert len(chart.series) == 8  # the forecast as given and the seven scenarios that ran
    image = QImage(480, 360, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    chart.resize(480, 360)
    chart.render(image)
    # Something besides the background was drawn: more than two distinct colours.
    colours = {image.pixel(x, y) for x in range(0, 480, 3) for y in range(0, 360, 3)}
    assert len(colours) > 10
    assert "lowest −£20,995" in chart.accessibleDescription()  # whole pounds, the one minus sign


def test_empty_chart_paints(qtbot):
    chart = CashChart()
    qtbot.addWidget(chart)
    chart.resize(300, 200)
    image = QImage(300, 200, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    chart.render(image)
    base = chart.palette().color(QPalette.ColorRole.Base)
    assert image.pixelColor(150, 100) == base  # the background only, and no exception on no data


def test_nice_ticks_include_zero():
    ticks = nice_ticks(-20995.26, 1_490_000)
    assert 0 in ticks and ticks[0] <= -20995.26 and ticks[-1] >= 1_490_000
    assert len(ticks) <= 7


# -- loan sizing ----------------------------------------------------------------------


def test_vale_sizing_in_the_shared_words_with_its_caveats(qtbot, panel, vale):
    panel.show_case(vale)
    sizing = vale.analysis.loan_sizing
    text = panel.sizing.text()
    expected = sizing_sentences(sizing)
    expected += [f"Caveat: {caveat_text(c)}." for c in sizing.caveats]
    assert text.split("\n") == expected
    assert "Largest amount over 120 months that brings in no red finding: £2,100,000" in text
    assert "Comfortable amount (no new red or amber finding): £1,680,000." in text
    assert "Shortest term for the amount asked: 43 months." in text
    assert "Caveat: a pension deficit stands beside the loan." in text


def test_riverside_is_told_the_amount_is_not_the_problem_and_offered_no_amount(qtbot, panel, riverside):
    panel.show_case(riverside)
    analysis = riverside.analysis
    sizing = analysis.loan_sizing
    assert analysis.band == "not_ready" and sizing.amount_is_not_the_problem
    text = panel.sizing.text()
    assert text.startswith("The amount is not what holds this case back")
    for title in (f.title for f in analysis.assessment.findings if f.id in sizing.held_back_by):
        assert title in text
    # Nothing reads as an amount it could borrow: no largest, comfortable or shortest-term offer.
    for offer in ("Largest amount", "Comfortable amount", "Shortest term", "could borrow"):
        assert offer not in text
    assert formatting.money(sizing.comfortable_amount) not in text
    assert "Caveat: the main contract ends before the loan would be repaid." in text
    # Nor does a proposal put a bigger or "comfortable" loan to a case the amount does not hold back.
    assert not any(c.question == "loan.amount" for p in analysis.proposals for c in p.changes)
    assert not any(formatting.money(sizing.max_amount) in b.accessibleName() for b in panel.try_buttons)


def test_a_case_without_an_amount_says_what_sizing_needs(qtbot, panel, vale):
    vale.set_answer("loan.amount", None)
    panel.show_case(vale)
    assert vale.analysis.loan_sizing is None
    assert panel.sizing.text() == "Loan sizing needs the amount asked and the loan term."


# -- proposals ----------------------------------------------------------------------


def test_ready_case_explains_why_nothing_is_proposed(panel, vale):
    panel.show_case(vale)
    assert panel.try_buttons == []
    assert "already ready" in panel.no_proposals.text()


def test_nearly_ready_proposal_emits_its_changes(qtbot, panel, vale):
    vale.set_answer("gov.finance_expertise", "no")
    panel.show_case(vale)
    assert panel.proposals == list(vale.analysis.proposals)
    assert len(panel.try_buttons) == len(panel.proposals) >= 1
    first = panel.proposals[0]
    assert [(c.question, c.after) for c in first.changes] == [("gov.finance_expertise", "yes")]
    button = panel.try_buttons[0]
    assert button.accessibleName().startswith("Try this: ")
    assert "No → Yes" in button.accessibleName()
    assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert not panel.no_proposals.isVisibleTo(panel)
    with qtbot.waitSignal(panel.tryProposal) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert blocker.args == [{"gov.finance_expertise": "yes"}]


# -- one analysis per revision --------------------------------------------------------


def test_same_revision_does_not_recompute(panel, vale, count_analyses):
    panel.show_case(vale)
    panel.show_case(vale)
    assert len(count_analyses) == 1 and panel.recomputations == 1
    vale.set_answer("gov.finance_expertise", "no")
    panel.show_case(vale)
    assert len(count_analyses) == 2 and panel.recomputations == 2
    assert panel.try_buttons  # the new revision was shown


def test_panel_and_explainer_share_one_analysis_per_revision(qtbot, vale, count_analyses):
    from lendready.ui.workspace import Workspace

    ws = Workspace(vale, "lender")
    qtbot.addWidget(ws)
    vale.audience = ws.wording
    for _ in range(2):  # what the window does on each change: the explainer, then the what-if tab
        ws.explainer.show_assessment(vale.assessment, ws.wording)
        ws.what_if.show_case(vale)
    assert len(count_analyses) == 1
    assert ws.what_if.analysis is vale.analysis
    shown = [line.strip() for line in ws.explainer.browser.toPlainText().splitlines()]
    dscr = vale.analysis.figure("dscr")
    assert shown[shown.index(dscr.label) + 1] == formatting.ratio(dscr.value)  # the analysis's own figures

    vale.set_answer("fin.surplus", -400_000)  # earnings below zero
    ws.explainer.show_assessment(vale.assessment, ws.wording)
    ws.what_if.show_case(vale)
    assert len(count_analyses) == 2
    shown = [line.strip() for line in ws.explainer.browser.toPlainText().splitlines()]
    assert shown[shown.index(dscr.label) + 1] == formatting.NEGATIVE_EARNINGS
    assert ws.what_if.analysis is vale.analysis


# -- layout ------------------------------------------------------------------------


def _lines(panel: WhatIfPanel, row: int, col: int) -> int:
    """How many lines a cell's text takes at its column's width (its span's, for a spanned cell)."""
    t = panel.table
    width = sum(t.columnWidth(c) for c in range(col, col + t.columnSpan(row, col))) - 10
    fm = QFontMetrics(t.font())
    text = cell(panel, row, col)
    height = fm.boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text).height()
    return round(height / fm.lineSpacing())


@pytest.mark.parametrize("width", [460, 690])  # the right-hand pane at 1366 and at 1920 pixels wide
@pytest.mark.parametrize("sample", ["vale", "riverside"])
def test_nothing_in_the_table_is_cut_and_names_wrap_little(qtbot, knowledge, sample, width):
    w = WhatIfPanel(knowledge)
    qtbot.addWidget(w)
    w.resize(width, 900)
    w.show()
    qtbot.waitExposed(w)
    w.show_case(CaseSession.open(knowledge, SAMPLES / f"{sample}.lendready"))
    settle(qtbot)
    t = w.table
    header = t.horizontalHeader()
    assert t.width() <= t.parentWidget().width()  # the table fits the pane
    for col in range(t.columnCount()):
        assert header.sectionSizeFromContents(col).width() <= header.sectionSize(col), col  # headings whole
    for row in range(t.rowCount()):
        assert _lines(w, row, WhatIfPanel.SCENARIO) <= 3, cell(w, row, WhatIfPanel.SCENARIO)
        for col in range(1, t.columnCount()):
            if t.item(row, col) is None or t.columnSpan(row, col) > 1:
                continue
            # A figure never wraps or is cut: its column is as wide as the style draws it.
            assert t.sizeHintForIndex(t.model().index(row, col)).width() <= t.columnWidth(col), (row, col)
        assert t.rowHeight(row) >= t.sizeHintForRow(row)
    assert t.height() == (header.height() + 2 * t.frameWidth()
                          + sum(t.rowHeight(r) for r in range(t.rowCount())))  # every row shown


def test_a_narrow_pane_scrolls_rather_than_squeezing_the_table(qtbot, knowledge, vale):
    w = WhatIfPanel(knowledge)
    qtbot.addWidget(w)
    w.resize(260, 700)
    w.show()
    qtbot.waitExposed(w)
    w.show_case(vale)
    settle(qtbot)
    assert w.table.width() >= w.table.minimumWidth() > 260
    assert all(_lines(w, row, WhatIfPanel.SCENARIO) <= 4 for row in range(w.table.rowCount()))


def test_a_deleted_panel_is_never_called_back(qtbot, knowledge, vale):
    """A fit scheduled by a resize must not fire into a panel whose C++ object is gone (it once did)."""
    host = QWidget()
    w = WhatIfPanel(knowledge, host)
    host.resize(500, 800)
    host.show()
    qtbot.waitExposed(host)
    w.show_case(vale)
    with qtbot.captureExceptions() as exceptions:
        host.resize(640, 800)  # schedules a fit
        w.resize(600, 800)
        w.table.horizontalHeader().resizeSection(0, 200)
        host.deleteLater()  # gone before the event loop runs the fit
        qtbot.wait(50)
    assert exceptions == []


def test_every_focusable_widget_has_a_name(panel, vale):
    vale.set_answer("gov.finance_expertise", "no")
    panel.show_case(vale)
    focusable = [w for w in panel.findChildren(QWidget)
                 if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisibleTo(panel)
                 and w.metaObject().className() not in ("QScrollBar", "QWidget", "QScrollArea", "QHeaderView")]
    assert focusable
    for w in focusable:
        assert w.accessibleName(), w.metaObject().className()
