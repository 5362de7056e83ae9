"""Stress tests and what would change the answer, beside the explainer.

The explainer says what the verdict is; this panel shows how fragile it is (the
stress scenarios, charted and tabulated), how big a loan the case can carry, and
the smallest changes that would move the band, each one a click away from a
what-if copy.

The chart is drawn with QPainter in a small widget of our own. QtCharts lives in
the 59 MB PySide6-Addons package, and pyqtgraph would pull in numpy; both are a
lot of download for a dozen polylines.

The panel formats an :class:`~lendready.domain.advice.Analysis` and nothing
else: the scenarios, their bands and ratios, the month-end cash the chart draws,
the loan sizing and the proposals are the analysis's own (the session builds one
per revision and the explainer shows the same one), and the sentences about
sizing are the shared ones in ``advice.words``. Nothing here computes, ranks or
re-derives a figure, so the chart's lowest point of a line is the table's figure
and no sentence can contradict the band.

A proposal quotes answers from the case ("before → after"), so every label here
is plain text except the proposals' own, which are HTML with the quoted text
passed through :func:`~lendready.ui.widgets.style.html_text`; table cells,
tooltips and the chart's legend show acting characters as ``[U+202E]`` tokens.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QTimer, Signal
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
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lendready.domain.advice import Analysis, Proposal, StressResult
from lendready.domain.advice.words import STRESS_TIMING_ONLY, caveat_text, sizing_sentences
from lendready.domain.engine import formatting
from lendready.domain.files.outside_text import for_display
from lendready.model.session import CaseSession
from lendready.ui.tips import plain_tip
from lendready.ui.widgets.style import html_text, problem_colour

# Distinct hues that read on light and dark backgrounds; the dash pattern is the second cue.
SERIES_COLOURS = ("#1f77b4", "#d62728", "#17a2b8", "#d63ab5", "#ff7f0e", "#9467bd", "#2ca02c", "#8c564b")
SERIES_DASHES = (
    Qt.PenStyle.DashLine,
    Qt.PenStyle.DotLine,
    Qt.PenStyle.DashDotLine,
    Qt.PenStyle.DashDotDotLine,
    Qt.PenStyle.CustomDashLine,
    Qt.PenStyle.DashLine,
    Qt.PenStyle.DotLine,
    Qt.PenStyle.DashDotLine,
)
TIMING_ONLY_MARK = "timing only"
ROW_AIR = 6  # px added to each fitted row of the stress table


class Series(NamedTuple):
    label: str
    values: list[float]
    base: bool = False


def scenario_series(analysis: Analysis) -> tuple[list[str], list[Series]]:
    """(months, [the forecast as given, then each scenario that ran]) of month-end cash, from the analysis.

    The base line is the analysis's cash line and each scenario's line is the balances that scenario's
    re-assessment found its lowest cash in, so a line's lowest point is the table's figure. A scenario
    that does not apply, or has no cash line, is not drawn (the table says why). No forecast: no lines.
    """
    line = analysis.cash_line
    if line is None:
        return [], []
    series = [Series("Forecast as submitted", list(line.balances), True)]
    series += [Series(s.label, list(s.balances)) for s in analysis.stress if s.applies and s.balances is not None]
    return list(line.months), series


def nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """Round axis values (1, 2, 2.5 or 5 × 10ⁿ apart) covering lo..hi; zero is one of them when in range."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first, last = math.floor(lo / step), math.ceil(hi / step)
    return [i * step for i in range(first, last + 1)]


_short_money = formatting.short_money  # axis labels: £1.2m, £350k, so they fit the margin


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
        lows = [f"{s.label}: lowest {formatting.money(min(s.values))}" for s in series if s.values]
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
        label_w = fm.horizontalAdvance("Sep 2027") + 10
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
                             Qt.AlignmentFlag.AlignHCenter, formatting.month_label(self.months[i]))
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
                             fm.elidedText(for_display(s.label), Qt.TextElideMode.ElideRight,
                                           self.width() - left - 50))
            y += line_h
        painter.setFont(self.font())


def _chip(colour: str, size: int = 12) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(QColor(colour))
    return QIcon(pix)


class WhatIfPanel(QWidget):
    """Stress tests and what would change the answer, for the open case."""

    tryProposal = Signal(object)

    COLUMNS = ("Scenario", "Band", "DSCR", "Interest cover", "Lowest cash")
    # Two-word headings take two lines, so a column of short figures is not widened by its heading.
    HEADINGS = ("Scenario", "Band", "DSCR", "Interest\ncover", "Lowest\ncash")
    SCENARIO_MIN_TEXT = "Main contract ended"  # the scenario column is never narrower than this
    SCENARIO, BAND, DSCR, COVER, CASH = range(5)

    def __init__(self, knowledge: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.knowledge = knowledge
        self.analysis: Analysis | None = None
        self.recomputations = 0
        self.proposals: list[Proposal] = []
        self.try_buttons: list[QPushButton] = []
        # Row heights follow the column widths once the layout has settled. A timer owned by the
        # panel (not QTimer.singleShot with a bare callable) dies with it, so it never calls into a
        # panel whose C++ object is gone; it also folds a burst of resizes into one fit.
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Only when the pane is made narrower than the table can be read at: then it scrolls, never clips.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)

        layout.addWidget(_heading("Stress tests"))
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # names the questions still to answer
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Why the cash chart is not shown")
        layout.addWidget(self.message)
        self.chart = CashChart()
        layout.addWidget(self.chart)

        self.table = QTableWidget(0, len(self.COLUMNS))
        for col, (heading, name) in enumerate(zip(self.HEADINGS, self.COLUMNS)):
            heading_item = QTableWidgetItem(heading)
            heading_item.setToolTip(name)
            self.table.setHorizontalHeaderItem(col, heading_item)
        self.table.setAccessibleName("Stress test results")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons below
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setVisible(False)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setTextElideMode(Qt.TextElideMode.ElideNone)
        header.setMinimumSectionSize(24)
        for col in range(len(self.COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)  # _fit_columns sets them
        header.setStretchLastSection(False)
        self.table.installEventFilter(self)  # the table's width sets the columns (and so the row heights)
        layout.addWidget(self.table)
        self.key = QLabel()
        self.key.setTextFormat(Qt.TextFormat.PlainText)
        self.key.setWordWrap(True)
        self.key.setAccessibleName("What the stress table's words mean")
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.key)

        layout.addWidget(_heading("Loan sizing"))
        self.sizing = QLabel()
        self.sizing.setTextFormat(Qt.TextFormat.PlainText)
        self.sizing.setWordWrap(True)
        self.sizing.setAccessibleName("Loan sizing")
        self.sizing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.sizing)

        layout.addWidget(_heading("What would change the answer"))
        self.proposals_box = QVBoxLayout()
        self.proposals_box.setSpacing(6)
        layout.addLayout(self.proposals_box)
        self.no_proposals = QLabel()
        self.no_proposals.setTextFormat(Qt.TextFormat.PlainText)
        self.no_proposals.setWordWrap(True)
        self.no_proposals.setAccessibleName("Why no changes are proposed")
        layout.addWidget(self.no_proposals)
        layout.addStretch(1)

    # -- showing a case ------------------------------------------------------------
    def show_case(self, session: CaseSession) -> None:
        """Show the session's analysis (one per revision, shared with the explainer); unchanged, nothing is redone."""
        self.show_analysis(session.analysis)

    def show_analysis(self, analysis: Analysis) -> None:
        if analysis is self.analysis:
            return
        self.analysis = analysis
        self.recomputations += 1
        role = analysis.assessment.audience
        self._show_headings(role)
        self._show_stress(analysis)
        self._show_sizing(analysis)
        self._show_proposals(analysis, role)

    def _show_headings(self, role: str) -> None:
        """The cover columns named for the reader (DSCR for a lender, in words for a founder)."""
        for col, metric in ((self.DSCR, "dscr"), (self.COVER, "interest_cover")):
            info = self.knowledge.metric_info.get(metric)
            item = self.table.horizontalHeaderItem(col)
            if info is None or item is None:
                continue
            name = info.short_for(role)
            item.setText(name.replace(" ", "\n", 1))
            item.setToolTip(name)

    def _missing(self, values: Any) -> list[str]:
        q = self.knowledge.questionnaire.questions
        needs = ("fin.forecast", "fin.cash", "loan.amount", "loan.term_months")
        missing = [q[n].label.lender if n in q else n for n in needs if values.get(n) is None]
        if not missing and (values.get("loan.term_months") or 0) <= 0:
            missing.append("a loan term above zero")
        return missing

    def _show_stress(self, analysis: Analysis) -> None:
        months, series = scenario_series(analysis)
        self.chart.set_series(months, series)
        self.chart.setVisible(bool(series))
        if series:
            self.message.hide()
        else:
            missing = self._missing(analysis.values)
            what = f"these answers: {'; '.join(missing)}" if missing else "a usable forecast and loan"
            self.message.setText(for_display(f"No cash chart yet: it needs {what}. "
                                             "The scenarios' bands and ratios below are tested without it."))
            self.message.show()
        results = analysis.stress
        self.table.setVisible(bool(results))
        self.table.clearSpans()
        self.table.clearContents()
        self.table.setRowCount(len(results))
        for row, r in enumerate(results):
            self._fill_row(row, r)
        # A scenario cell only names "timing only"; the sentence every reader is given says what it means.
        timing = any(r.applies and r.timing_only for r in results)
        self.key.setText(f"{STRESS_TIMING_ONLY}." if timing else "")
        self.key.setVisible(timing)
        self._fit()

    def _fill_row(self, row: int, r: StressResult) -> None:
        label = for_display(r.label) + (f"\n({TIMING_ONLY_MARK})" if r.applies and r.timing_only else "")
        cells: dict[int, QTableWidgetItem] = {self.SCENARIO: QTableWidgetItem(label)}
        if not r.applies:
            cells[self.BAND] = QTableWidgetItem(for_display(f"Does not apply: {r.reason}"))
            font = cells[self.BAND].font()
            font.setItalic(True)
            cells[self.BAND].setFont(font)
            self.table.setSpan(row, self.BAND, 1, len(self.COLUMNS) - self.BAND)
        else:
            band = self.knowledge.bands.get(r.band)
            cells[self.BAND] = QTableWidgetItem(band.label if band else str(r.band))
            if band is not None:
                cells[self.BAND].setIcon(_chip(band.colour))
            if r.negative_earnings:
                cells[self.DSCR] = QTableWidgetItem(formatting.NEGATIVE_EARNINGS)
                self.table.setSpan(row, self.DSCR, 1, 2)
            else:
                cells[self.DSCR] = QTableWidgetItem(_ratio(r.dscr))
                cells[self.COVER] = QTableWidgetItem(_ratio(r.interest_cover))
                for col in (self.DSCR, self.COVER):
                    cells[col].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if r.lowest_forecast_cash is None:
                cells[self.CASH] = QTableWidgetItem("n/a")
                cells[self.CASH].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                cells[self.CASH].setToolTip("No cash figure: there is no usable monthly forecast")
            else:
                cash = QTableWidgetItem(f"{formatting.money(r.lowest_forecast_cash)}\nin {formatting.month_label(r.lowest_cash_month)}")
                cash.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r.lowest_forecast_cash < 0:
                    # The palette's problem red: a fixed dark red is hard to read on a dark theme's base.
                    cash.setForeground(QBrush(problem_colour(self.table.palette())))
                    font = cash.font()
                    font.setBold(True)
                    cash.setFont(font)
                cells[self.CASH] = cash
        for col, item in cells.items():
            if not item.toolTip():
                item.setToolTip(plain_tip(item.text().replace("\n", " ")))
            self.table.setItem(row, col, item)

    def _fit_columns(self) -> None:
        """Give every figure its room, then share the rest between the scenario names and the notes.

        Cells are measured by the style that draws them (margins, the band's colour chip), so no
        figure wraps or is cut. Width left over goes, in turn, to the scenario names until they take
        about two lines, to the two ratio columns until a ratio over negative earnings (a note
        spanning both) takes about two, then to the names until each fits on a line, then to the
        note; what is left widens the names. The table is never narrower than the figures and a
        readable scenario column: a narrower pane scrolls sideways instead of squeezing the names.
        """
        t = self.table
        header = t.horizontalHeader()
        model = t.model()
        grid = 1 if t.showGrid() else 0
        widths = [0] * len(self.COLUMNS)
        for col in range(len(self.COLUMNS)):
            widths[col] = header.sectionSizeFromContents(col).width()
            for row in range(t.rowCount()):
                if t.item(row, col) is None or t.columnSpan(row, col) > 1:
                    continue  # a spanned note wraps across the columns it spans
                widths[col] = max(widths[col], t.sizeHintForIndex(model.index(row, col)).width() + grid + 2)
        names = widths[self.SCENARIO]
        figures = sum(widths[1:])
        fm = QFontMetricsF(t.font())
        # Never narrower than its heading ("Scenaric" once) nor than its longest word ("Customer" once),
        # each measured in the font it is drawn in, with the cell's margins.
        words = [w for r in range(t.rowCount()) if (item := t.item(r, self.SCENARIO)) is not None
                 for w in item.text().split()]
        longest = max((QFontMetricsF(t.item(0, self.SCENARIO).font()).horizontalAdvance(w) for w in words),
                      default=0.0)
        smallest = max(math.ceil(max(fm.horizontalAdvance(self.SCENARIO_MIN_TEXT), longest)) + 16,
                       header.sectionSizeFromContents(self.SCENARIO).width())
        t.setMinimumWidth(figures + smallest + 2 * t.frameWidth())
        spans = [t.item(r, self.DSCR) for r in range(t.rowCount()) if t.columnSpan(r, self.DSCR) == 2]
        wanted = max((t.sizeHintForIndex(t.indexFromItem(item)).width() + grid + 2 for item in spans if item),
                     default=0)
        ratios = widths[self.DSCR] + widths[self.COVER]
        scenario, span = smallest, ratios
        spare = t.viewport().width() - figures - smallest
        # In turn: names on two lines, notes on two lines, names on one line, notes on one line.
        for which, target in (("scenario", math.ceil(names * 0.6)), ("span", math.ceil(wanted * 0.6)),
                              ("scenario", names), ("span", wanted)):
            current = scenario if which == "scenario" else span
            grow = max(0, min(spare, target - current))
            spare -= grow
            if which == "scenario":
                scenario += grow
            else:
                span += grow
        grow = span - ratios
        widths[self.DSCR] += grow // 2
        widths[self.COVER] += grow - grow // 2
        widths[self.SCENARIO] = scenario + max(0, spare)
        for col, width in enumerate(widths):
            if header.sectionSize(col) != width:
                header.resizeSection(col, width)

    def readable_width(self) -> int:
        """About how wide the panel must be to show the stress table without scrolling sideways.

        Estimated from the font before any case is shown (a window lays out its panes first), from
        the widest figures a table usually holds; once a table is shown, its own minimum counts too.
        """
        fm = QFontMetricsF(self.table.font())
        bold = QFont(self.table.font())
        bold.setBold(True)
        samples = (self.SCENARIO_MIN_TEXT, "Nearly ready", "DSCR", "Interest")
        text = sum(fm.horizontalAdvance(s) for s in samples) + QFontMetricsF(bold).horizontalAdvance("−£1,234,567")
        cells = len(self.COLUMNS) * 10 + 20  # each cell's margins and grid, the band's colour chip
        table = max(math.ceil(text) + cells, self.table.minimumWidth())
        scroll = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return table + 2 * self.table.frameWidth() + 20 + scroll + 4  # the panel's margins and its scroll bar

    def _schedule_fit(self, *_: Any) -> None:
        self._fit_timer.start()

    def _fit(self) -> None:
        self._fit_columns()
        self._fit_rows()

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self._schedule_fit()
        return super().eventFilter(watched, event)

    def _fit_rows(self) -> None:
        t = self.table
        t.resizeRowsToContents()
        for row in range(t.rowCount()):  # a little air above and below two-line cells
            t.setRowHeight(row, t.rowHeight(row) + ROW_AIR)
        self._fit_table_height()

    def _fit_table_height(self) -> None:
        """Show every row: the panel scrolls, the table does not scroll inside it."""
        h = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        h += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(h)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._schedule_fit()

    def changeEvent(self, event: Any) -> None:
        # A new font or style (a display's scaling changed, a theme was switched) measures text anew.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.ApplicationFontChange):
            self._schedule_fit()
        elif event.type() == QEvent.Type.PaletteChange and self.analysis is not None and hasattr(self, "table"):
            self._show_stress(self.analysis)  # the negative-cash colour follows a light or dark theme
        super().changeEvent(event)

    def _show_sizing(self, analysis: Analysis) -> None:
        sizing = analysis.loan_sizing
        if sizing is None:
            self.sizing.setText("Loan sizing needs the amount asked and the loan term.")
            return
        lines = sizing_sentences(sizing)
        lines += [f"Caveat: {caveat_text(c)}." for c in sizing.caveats]
        self.sizing.setText(for_display("\n".join(lines), multiline=True))

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

    def _show_proposals(self, analysis: Analysis, role: str) -> None:
        while self.proposals_box.count():
            item = self.proposals_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.try_buttons = []
        self.proposals = list(analysis.proposals)
        bands = self.knowledge.bands
        for p in self.proposals:
            row = QFrame()
            row.setFrameShape(QFrame.Shape.StyledPanel)
            h = QHBoxLayout(row)
            h.setContentsMargins(8, 6, 8, 6)
            words = [f"{self._label(c.question, role)}: {self._value_words(c.question, c.before)} → "
                     f"{self._value_words(c.question, c.after)}" for c in p.changes]
            b = bands.get(p.band)
            text = "<br>".join(html_text(w) for w in words) + f"<br>gives <b>{html_text(b.label if b else p.band)}</b>"
            if not p.controllable:
                text += "<br><i>needs a figure nobody can simply choose, such as a new valuation</i>"
            label = QLabel(text)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            chip = QLabel()
            chip.setPixmap(_chip(b.colour if b else "#607d8b", 14).pixmap(14, 14))
            chip.setAccessibleName(for_display(b.label if b else p.band))
            button = QPushButton("Try this")
            summary = for_display("; ".join(words))
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
            band = analysis.band
            if band == "ready":
                why = "The case is already ready: nothing needs to change."
            elif band == "incomplete":
                why = "Answer the missing questions first: changes are suggested once the case is complete."
            else:
                why = "No single change, or pair of changes, moves the case to a better band."
            self.no_proposals.setText(why)
            self.no_proposals.show()


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else formatting.ratio(value)


def _heading(text: str) -> QLabel:
    """A bold heading of the panel's own words (never outside text), in a label that reads no markup."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


__all__ = ["CashChart", "Series", "WhatIfPanel", "scenario_series"]
