"""Stress tests and what would change the answer, beside the explainer.

The explainer says what the verdict is; this panel shows how fragile it is (the
stress scenarios, charted and tabulated), how big a loan the case can carry, and
the smallest founder changes that would move the band, each one a click away
from a what-if copy.

The chart is drawn with QPainter in a small widget of our own. QtCharts lives in
the 59 MB PySide6-Addons package, and pyqtgraph would pull in numpy; both are a
lot of download for a dozen polylines.

Every figure comes from the domain (``stress_series``/``stress_tests``,
``loan_sizing``, ``to_improve``). The chart's scenario lines are the balances the
stress tests computed, so the lowest point of each line is the table's figure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lendready.domain import formatting
from lendready.domain.improve import Proposal, loan_sizing, to_improve
from lendready.domain.metrics import monthly_repayment, running_cash, sorted_forecast
from lendready.domain.stress import StressResult, contract_lost, delayed, stress_tests

try:
    from lendready.domain.stress import stress_series as _stress_series
except ImportError:  # a stress module from before the series were exposed
    _stress_series = None  # type: ignore[assignment]
from lendready.session import CaseSession

# Distinct hues that read on light and dark backgrounds; the dash pattern is the second cue.
SERIES_COLOURS = ("#1f77b4", "#d62728", "#17a2b8", "#d63ab5", "#ff7f0e", "#9467bd")
SERIES_DASHES = (
    Qt.PenStyle.DashLine,
    Qt.PenStyle.DotLine,
    Qt.PenStyle.DashDotLine,
    Qt.PenStyle.DashDotDotLine,
    Qt.PenStyle.CustomDashLine,
    Qt.PenStyle.DashLine,
)


class Series(NamedTuple):
    label: str
    values: list[float]
    base: bool = False


def scenario_series(values: Mapping[str, Any], knowledge: Any) -> tuple[list[StressResult], list[str], list[Series]]:
    """(stress results, months, [base, one line per scenario that ran]) of month-end cash.

    The scenario lines come from ``stress.stress_series`` (the balances the stress tests
    themselves found the lowest point of), so a line's lowest point is the table's figure.
    Before ``stress_series`` existed they were rebuilt from the same public helpers;
    that path is kept for an older stress module. Only the base line is computed here.
    """
    if _stress_series is not None:
        found = _stress_series(values, knowledge)
        results = [f.result for f in found]
        lines: list[list[float] | None] = [f.balances for f in found]
    else:
        results = stress_tests(values, knowledge)
        lines = _rebuilt_lines(values, results, knowledge)
    if not results:
        return [], [], []
    rows = sorted_forecast(values["fin.forecast"])
    rate = values.get("loan.interest_rate")
    if rate is None:
        rate = knowledge.param_values["default_interest_rate"]
    term = values["loan.term_months"]
    base = running_cash(values["fin.cash"], rows, monthly_repayment(values["loan.amount"], term, rate), term)
    series = [Series("Forecast as submitted", base, True)]
    # A scenario that did not run (its note says why) would only redraw the base line.
    series += [Series(r.label, line) for r, line in zip(results, lines) if line is not None]
    return results, [str(r["month"]) for r in rows], series


def _rebuilt_lines(values: Mapping[str, Any], results: Sequence[StressResult], knowledge: Any) -> list[
        list[float] | None]:
    """The scenario balances through stress.py's public helpers, for a stress module without series."""
    p = knowledge.param_values
    rows = sorted_forecast(values["fin.forecast"])
    cash, amount, term = values["fin.cash"], values["loan.amount"], values["loan.term_months"]
    rate = values.get("loan.interest_rate")
    if rate is None:
        rate = p["default_interest_rate"]
    receipts = [float(r["receipts"]) for r in rows]
    repayment = monthly_repayment(amount, term, rate)

    def with_receipts(changed: list[float]) -> list[float]:
        return running_cash(cash, rows, repayment, term, receipts=changed)

    out: list[list[float] | None] = []
    for r in results:
        line: list[float] | None = None
        if r.id in ("income_fall_small", "income_fall_large"):
            line = with_receipts([x * (1 - p[f"stress.{r.id}"] / 100) for x in receipts])
        elif r.id == "contract_lost" and r.note is None:
            line = with_receipts(contract_lost(
                receipts, values["inc.main_contract_months_left"], values["inc.largest_customer_share"]))
        elif r.id in ("payment_delay_short", "payment_delay_long"):
            line = with_receipts(delayed(receipts, int(p[f"stress.{r.id}_months"])))
        elif r.id == "rate_rise":
            line = running_cash(cash, rows, monthly_repayment(amount, term, rate + p["stress.rate_rise_points"]), term)
        out.append(line)
    return out


def nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """Round axis values (1, 2, 2.5 or 5 × 10ⁿ apart) covering lo..hi; zero is one of them when in range."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first, last = math.floor(lo / step), math.ceil(hi / step)
    return [i * step for i in range(first, last + 1)]


def _short_money(value: float) -> str:
    """Axis labels: £1.2m, £350k, so they fit the margin."""
    sign = formatting.MINUS if value < 0 else ""
    v = abs(value)
    if v >= 1_000_000:
        return f"{sign}£{v / 1_000_000:.3g}m"
    if v >= 1_000:
        return f"{sign}£{v / 1_000:.3g}k"
    return f"{sign}£{v:.0f}"


class CashChart(QWidget):
    """Running cash per scenario: the base bold, scenarios thin and dashed, a zero line, a legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.months: list[str] = []
        self.series: list[Series] = []
        self.setAccessibleName("Running cash chart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumSize(self.minimumSizeHint())

    def set_series(self, months: list[str], series: list[Series]) -> None:
        self.months, self.series = months, series
        lows = [f"{s.label}: lowest {formatting.money(round(min(s.values), 2))}" for s in series if s.values]
        self.setAccessibleDescription("; ".join(lows))
        self.updateGeometry()
        self.update()

    def _legend_rows(self) -> int:
        return max(1, len(self.series))

    def sizeHint(self) -> QSize:
        fm = QFontMetricsF(self.font())
        return QSize(480, int(220 + self._legend_rows() * (fm.height() + 2)))

    def minimumSizeHint(self) -> QSize:
        fm = QFontMetricsF(self.font())
        return QSize(260, int(160 + self._legend_rows() * (fm.height() + 2)))

    def hasHeightForWidth(self) -> bool:
        return False

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint(painter)
        finally:
            painter.end()

    def _pen(self, index: int, s: Series) -> QPen:
        if s.base:
            pen = QPen(self.palette().color(QPalette.ColorRole.WindowText), 2.6)
            return pen
        pen = QPen(QColor(SERIES_COLOURS[(index - 1) % len(SERIES_COLOURS)]), 1.4)
        style = SERIES_DASHES[(index - 1) % len(SERIES_DASHES)]
        if style == Qt.PenStyle.CustomDashLine:
            pen.setDashPattern([8, 3, 1, 3, 1, 3])
        else:
            pen.setStyle(style)
        return pen

    def _paint(self, painter: QPainter) -> None:
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        grid = QColor(pal.color(QPalette.ColorRole.Mid))
        painter.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        fm = QFontMetricsF(self.font())
        line_h = fm.height() + 2
        if not self.series or not self.months:
            return
        all_values = [v for s in self.series for v in s.values] + [0.0]
        ticks = nice_ticks(min(all_values), max(all_values))
        lo, hi = ticks[0], ticks[-1]
        label_w = fm.horizontalAdvance("2027-12") + 10
        # Margins wide enough for the value labels and for half a month label at either end.
        left = max(max(fm.horizontalAdvance(_short_money(t)) for t in ticks) + 10, label_w / 2)
        right = label_w / 2
        legend_h = len(self.series) * line_h + 6
        # The month labels sit below the lowest value label, which is centred on the plot's bottom edge.
        gap = fm.height() / 2 + 3
        plot = QRectF(left, 8, self.width() - left - right, self.height() - 8 - gap - fm.height() - 8 - legend_h)
        if plot.width() < 20 or plot.height() < 20:
            return
        n = len(self.months)

        def x_at(i: int) -> float:
            return plot.left() + (plot.width() * i / (n - 1) if n > 1 else plot.width() / 2)

        def y_at(v: float) -> float:
            return plot.bottom() - (v - lo) / (hi - lo) * plot.height()

        # Grid and value labels.
        painter.setPen(QPen(grid, 0.6))
        for t in ticks:
            y = y_at(t)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(text)
        for t in ticks:
            y = y_at(t)
            painter.drawText(QRectF(0, y - fm.height() / 2, left - 6, fm.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, _short_money(t))
        # Month labels: as many as fit without touching.
        step = max(1, int(label_w * n / max(plot.width(), 1)) + 1)
        for i in range(0, n, step):
            painter.drawText(QRectF(x_at(i) - label_w / 2, plot.bottom() + gap, label_w, fm.height()),
                             Qt.AlignmentFlag.AlignHCenter, self.months[i])
        # Zero line, stronger than the grid and labelled.
        if lo < 0 <= hi:
            zero = QPen(text, 1.0)
            zero.setStyle(Qt.PenStyle.SolidLine)
            painter.setPen(zero)
            painter.drawLine(QPointF(plot.left(), y_at(0)), QPointF(plot.right(), y_at(0)))
        # Scenarios first, the base last so it stays on top.
        order = [i for i, s in enumerate(self.series) if not s.base] + [i for i, s in enumerate(self.series) if s.base]
        painter.save()
        painter.setClipRect(plot.adjusted(-2, -2, 2, 2))
        for i in order:
            s = self.series[i]
            path = QPainterPath()
            for j, v in enumerate(s.values):
                pt = QPointF(x_at(j), y_at(v))
                path.moveTo(pt) if j == 0 else path.lineTo(pt)
            painter.setPen(self._pen(i, s))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
        painter.restore()
        # Legend: a sample of each line and its label.
        y = plot.bottom() + gap + fm.height() + 8
        for i, s in enumerate(self.series):
            mid = y + line_h / 2
            painter.setPen(self._pen(i, s))
            painter.drawLine(QPointF(left, mid), QPointF(left + 34, mid))
            painter.setPen(text)
            font = QFont(self.font())
            font.setBold(s.base)
            painter.setFont(font)
            painter.drawText(QRectF(left + 42, y, self.width() - left - 50, line_h),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             fm.elidedText(s.label, Qt.TextElideMode.ElideRight, self.width() - left - 50))
            y += line_h
        painter.setFont(self.font())


def _chip(colour: str, size: int = 12) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(QColor(colour))
    return QIcon(pix)


class WhatIfPanel(QWidget):
    """Stress tests and what would change the answer, for the open case."""

    tryProposal = Signal(object)

    COLUMNS = ("Scenario", "Lowest cash", "Month", "DSCR", "Band", "Note")

    def __init__(self, knowledge: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.knowledge = knowledge
        self._shown: tuple[int, int] | None = None  # (id of the session, its revision)
        self.recomputations = 0
        self.proposals: list[Proposal] = []
        self.try_buttons: list[QPushButton] = []

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)

        title = QLabel("<b>Stress tests</b>")
        layout.addWidget(title)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Why the stress tests are not shown")
        layout.addWidget(self.message)
        self.chart = CashChart()
        layout.addWidget(self.chart)

        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setAccessibleName("Stress test results")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons below
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        for col in range(len(self.COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        # Wrapped rows must grow when the columns settle, after the layout has run.
        header.sectionResized.connect(lambda *_: QTimer.singleShot(0, self._fit_rows))
        layout.addWidget(self.table)

        layout.addWidget(QLabel("<b>Loan sizing</b>"))
        self.sizing = QLabel()
        self.sizing.setWordWrap(True)
        self.sizing.setAccessibleName("Loan sizing")
        self.sizing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.sizing)

        layout.addWidget(QLabel("<b>What would change the answer</b>"))
        self.proposals_box = QVBoxLayout()
        self.proposals_box.setSpacing(6)
        layout.addLayout(self.proposals_box)
        self.no_proposals = QLabel()
        self.no_proposals.setWordWrap(True)
        self.no_proposals.setAccessibleName("Why no changes are proposed")
        layout.addWidget(self.no_proposals)
        layout.addStretch(1)

    # -- showing a case ------------------------------------------------------------
    def show_case(self, session: CaseSession) -> None:
        """Recompute only when the case changed since it was last shown (the domain calls cost ~10 ms)."""
        key = (id(session), session.revision)
        if key == self._shown:
            return
        self._shown = key
        self.recomputations += 1
        values = session.validated.values
        answers = session.answers
        band = session.assessment.band
        results, months, series = scenario_series(values, self.knowledge)
        self._show_stress(values, results, months, series)
        self._show_sizing(answers, values)
        self._show_proposals(session, answers, band)

    def _missing(self, values: Mapping[str, Any]) -> list[str]:
        q = self.knowledge.questionnaire.questions
        needs = ("fin.forecast", "fin.cash", "loan.amount", "loan.term_months")
        missing = [q[n].label.lender if n in q else n for n in needs if values.get(n) is None]
        if not missing and (values.get("loan.term_months") or 0) <= 0:
            missing.append("a loan term above zero")
        return missing

    def _show_stress(self, values: Mapping[str, Any], results: list[StressResult], months: list[str],
                     series: list[Series]) -> None:
        self.chart.set_series(months, series)
        self.chart.setVisible(bool(series))
        self.table.setVisible(bool(results))
        if results:
            self.message.hide()
        else:
            missing = self._missing(values)
            what = ", ".join(missing) if missing else "a usable forecast and loan"
            self.message.setText(f"No stress tests yet: they need {what}.")
            self.message.show()
        self.table.setRowCount(len(results))
        bands = self.knowledge.bands
        for row, r in enumerate(results):
            band = bands.get(r.band)
            cells = [
                QTableWidgetItem(r.label),
                QTableWidgetItem(formatting.money(r.lowest_forecast_cash)),
                QTableWidgetItem(r.lowest_cash_month),
                QTableWidgetItem(formatting.ratio(r.dscr) if r.dscr is not None else "—"),
                QTableWidgetItem(band.label if band else r.band),
                QTableWidgetItem(r.note or ""),
            ]
            for col in (1, 3):
                cells[col].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if r.lowest_forecast_cash < 0:
                cells[1].setForeground(QBrush(QColor("#c62828")))
                font = cells[1].font()
                font.setBold(True)
                cells[1].setFont(font)
            if band is not None:
                cells[4].setIcon(_chip(band.colour))
            for col, item in enumerate(cells):
                item.setToolTip(item.text())
                self.table.setItem(row, col, item)
        self._fit_rows()

    def _fit_rows(self) -> None:
        self.table.resizeRowsToContents()
        self._fit_table_height()

    def _fit_table_height(self) -> None:
        """Show every row: the panel scrolls, the table does not scroll inside it."""
        h = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        h += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(h)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_rows)

    def _show_sizing(self, answers: Mapping[str, Any], values: Mapping[str, Any]) -> None:
        sizing = loan_sizing(answers, self.knowledge)
        term, amount = values.get("loan.term_months"), values.get("loan.amount")
        target = formatting.ratio(sizing["dscr_target"])
        best, shortest = sizing["max_amount"], sizing["shortest_term_months"]
        if best is None:
            first = "Largest loan: needs the loan term and the figures for the DSCR."
        else:
            at = formatting.counted(term, "months") if term else "this term"
            first = (f"Largest loan over {at} keeping DSCR ≥ {target} and cash ≥ £0: "
                     f"{formatting.money(best)}.")
        if amount is None:
            second = "Shortest term: needs the amount asked."
        elif shortest is None:
            second = f"No term up to 360 months keeps {formatting.money(amount)} within those limits."
        else:
            second = f"Shortest term for {formatting.money(amount)}: {formatting.counted(shortest, 'months')}."
        self.sizing.setText(f"{first}\n{second}")

    def _value_words(self, qid: str, value: Any) -> str:
        q = self.knowledge.questionnaire.questions.get(qid)
        if q is None:
            return str(value)
        if q.type == "yesno" and value in ("yes", "no"):
            return "Yes" if value == "yes" else "No"
        return formatting.answer(q.type, value, q.choice_label, q.unit)

    def _label(self, qid: str, role: str) -> str:
        q = self.knowledge.questionnaire.questions.get(qid)
        return q.label.for_role(role) if q is not None else qid

    def _show_proposals(self, session: CaseSession, answers: Mapping[str, Any], band: str) -> None:
        while self.proposals_box.count():
            item = self.proposals_box.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.try_buttons = []
        self.proposals = to_improve(answers, self.knowledge, band=band)
        role = session.role
        bands = self.knowledge.bands
        for p in self.proposals:
            row = QFrame()
            row.setFrameShape(QFrame.Shape.StyledPanel)
            h = QHBoxLayout(row)
            h.setContentsMargins(8, 6, 8, 6)
            words = [f"{self._label(c.question, role)}: {self._value_words(c.question, c.before)} → "
                     f"{self._value_words(c.question, c.after)}" for c in p.changes]
            b = bands.get(p.band)
            label = QLabel("<br>".join(_escape(w) for w in words)
                           + f"<br>gives <b>{_escape(b.label if b else p.band)}</b>")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            chip = QLabel()
            chip.setPixmap(_chip(b.colour if b else "#607d8b", 14).pixmap(14, 14))
            chip.setAccessibleName(b.label if b else p.band)
            button = QPushButton("Try this")
            summary = "; ".join(words)
            button.setAccessibleName(f"Try this: {summary}")
            button.setToolTip("Open a what-if copy of the case with this change")
            changes = {c.question: c.after for c in p.changes}
            button.clicked.connect(lambda _=False, ch=changes: self.tryProposal.emit(dict(ch)))
            h.addWidget(chip, 0, Qt.AlignmentFlag.AlignTop)
            h.addWidget(label, 1)
            h.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
            self.proposals_box.addWidget(row)
            self.try_buttons.append(button)
        if self.proposals:
            self.no_proposals.hide()
        else:
            if band == "ready":
                why = "The case is already ready: nothing needs to change."
            elif band == "incomplete":
                why = "Answer the missing questions first: changes are suggested once the case is complete."
            else:
                why = "No single change, or pair of changes, that a founder can make moves the case to a better band."
            self.no_proposals.setText(why)
            self.no_proposals.show()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["CashChart", "Series", "WhatIfPanel", "scenario_series"]
