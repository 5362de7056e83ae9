"""The what-if panel: stress tests charted and tabulated, loan sizing, and proposals that open a what-if copy."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPalette

from lendready.session import CaseSession
from lendready.ui import stress_panel
from lendready.ui.stress_panel import CashChart, WhatIfPanel, nice_ticks, scenario_series


@pytest.fixture
def vale(knowledge) -> CaseSession:
    return CaseSession.open(knowledge, SAMPLES / "vale.lendready")


@pytest.fixture
def panel(qtbot, knowledge) -> WhatIfPanel:
    w = WhatIfPanel(knowledge)
    qtbot.addWidget(w)
    w.resize(520, 900)
    return w


def table_rows(panel: WhatIfPanel) -> list[list[str]]:
    t = panel.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_vale_table_lists_the_six_scenarios(panel, vale):
    panel.show_case(vale)
    rows = table_rows(panel)
    assert [r[0] for r in rows] == [
        "Receipts 10% lower every month",
        "Receipts 20% lower every month",
        "Largest contract lost when it ends",
        "Customers pay 30 days late",
        "Customers pay 60 days late",
        "Interest rate 2 points higher (9%)",
    ]
    assert rows[0][1:3] == ["£700,004.74", "2027-12"]
    assert rows[1][1] == "\u2212£20,995.26"
    assert rows[1][4] == "Not ready"
    assert rows[5][3] == "1.87"
    assert "25% of income or less" in rows[2][5]
    assert not panel.table.item(1, 4).icon().isNull()  # the colour chip beside the word
    assert panel.table.isVisibleTo(panel) and not panel.message.isVisibleTo(panel)


def test_vale_sizing_sentence(panel, vale):
    panel.show_case(vale)
    text = panel.sizing.text()
    assert "keeping DSCR ≥ 1.25 and cash ≥ £0: £2,682,000" in text
    assert "Shortest term for £1,500,000: 57 months" in text


def test_chart_series_match_the_table(knowledge, vale):
    from lendready.domain.stress import stress_tests

    values = vale.validated.values
    results, months, series = scenario_series(values, knowledge)
    assert results == stress_tests(values, knowledge)
    assert len(months) == len(series[0].values) and series[0].base
    by_label = {s.label: s for s in series}
    for r in results:
        if r.id == "contract_lost":
            assert r.label not in by_label  # it did not run for Vale (see its note)
            continue
        line = by_label[r.label].values
        assert round(min(line), 2) == r.lowest_forecast_cash
        assert months[line.index(min(line))] == r.lowest_cash_month


def test_chart_paints_and_has_a_size(qtbot, panel, vale):
    panel.show_case(vale)
    chart = panel.chart
    hint = chart.sizeHint()
    assert hint.width() > 0 and hint.height() > 0
    assert len(chart.series) == 6  # base and five scenarios that ran
    image = QImage(480, 360, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    chart.resize(480, 360)
    chart.render(image)
    # Something besides the background was drawn: more than two distinct colours.
    colours = {image.pixel(x, y) for x in range(0, 480, 3) for y in range(0, 360, 3)}
    assert len(colours) > 10
    assert "lowest −£20,995.26" in chart.accessibleDescription()


def test_fallback_lines_match_the_stress_series(knowledge, vale, monkeypatch):
    """The path for a stress module without series draws the same lines."""
    values = vale.validated.values
    _, _, with_series = scenario_series(values, knowledge)
    monkeypatch.setattr(stress_panel, "_stress_series", None)
    _, _, rebuilt = scenario_series(values, knowledge)
    assert [s.label for s in rebuilt] == [s.label for s in with_series]
    for a, b in zip(rebuilt, with_series):
        assert a.values == pytest.approx(b.values)


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


def test_case_without_forecast_says_what_is_missing(panel, vale):
    vale.set_answer("fin.forecast", None)
    panel.show_case(vale)
    assert panel.message.isVisibleTo(panel)
    assert panel.message.text().startswith("No stress tests yet: they need")
    label = vale.knowledge.questionnaire.questions["fin.forecast"].label.lender
    assert label in panel.message.text()
    assert not panel.table.isVisibleTo(panel) and not panel.chart.isVisibleTo(panel)
    assert panel.table.rowCount() == 0


def test_ready_case_explains_why_nothing_is_proposed(panel, vale):
    panel.show_case(vale)
    assert panel.try_buttons == []
    assert "already ready" in panel.no_proposals.text()


def test_nearly_ready_proposal_emits_its_changes(qtbot, panel, vale):
    vale.set_answer("gov.finance_expertise", "no")
    panel.show_case(vale)
    assert len(panel.try_buttons) >= 1
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


def test_same_revision_does_not_recompute(panel, vale, monkeypatch):
    calls = []
    real = stress_panel.scenario_series
    monkeypatch.setattr(stress_panel, "scenario_series", lambda *a: calls.append(1) or real(*a))
    panel.show_case(vale)
    panel.show_case(vale)
    assert len(calls) == 1
    vale.set_answer("gov.finance_expertise", "no")
    panel.show_case(vale)
    assert len(calls) == 2
    assert panel.try_buttons  # the new revision was shown


def test_every_focusable_widget_has_a_name(panel, vale):
    from PySide6.QtWidgets import QWidget

    vale.set_answer("gov.finance_expertise", "no")
    panel.show_case(vale)
    focusable = [w for w in panel.findChildren(QWidget)
                 if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisibleTo(panel)
                 and w.metaObject().className() not in ("QScrollBar", "QWidget", "QScrollArea", "QHeaderView")]
    assert focusable
    for w in focusable:
        assert w.accessibleName(), w.metaObject().className()
