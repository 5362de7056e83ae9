"""Register → History…: a case's versions, what changed between any two, and its assessment then and today.

A view of :class:`~lendready.model.register_view.CaseHistory`. The versions table lists each
saved version with when, who and why, the band recorded for it and any decision on it. Below,
two version pickers (first the version the committee decided on, else the one before the newest,
against the newest) show the answers that differ, answer by answer: "what changed since the
committee saw it". The last part sets the assessment recorded for the first version beside the
same version assessed now, under today's rules: the band, each area's rating, and the findings
raised or gone. Bands and ratings are the register's records and ``analyse``'s, never worked
out here; every text from the case is shown as plain text. "Record a decision…" asks the window
(``decideRequested``) for the decision dialog on this case; the history shows the decision after.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lendready.model.register_view import CaseHistory, DiffRow, ThenAndToday, VersionRow
from lendready.ui.register_cases import swatch
from lendready.ui.widgets.style import plain_label

VERSION_COLUMNS = ("Version", "Saved", "By", "Reason", "Band recorded", "Decision")
DIFF_COLUMNS = ("Question", "Before", "After")
AREA_COLUMNS = ("Area", "Then", "Today")


def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setWordWrap(True)
    return table


class HistoryPane(QWidget):
    """The history of one registered case (the model is loaded by the caller or by :meth:`load`)."""

    def __init__(self, history: CaseHistory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = plain_label(wrap=True)
        font = QFont(self.heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        layout.addWidget(self.heading)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.versions = _table(VERSION_COLUMNS, "Versions")
        header = self.versions.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        splitter.addWidget(self.versions)

        compare = QWidget()
        compare_layout = QVBoxLayout(compare)
        compare_layout.setContentsMargins(0, 4, 0, 0)
        pick = QHBoxLayout()
        self.before = QComboBox()
        self.before.setAccessibleName("Compare from version")
        self.after = QComboBox()
        self.after.setAccessibleName("Compare to version")
        from_label = QLabel("What changed from &version")
        from_label.setBuddy(self.before)
        to_label = QLabel("&to")
        to_label.setBuddy(self.after)
        pick.addWidget(from_label)
        pick.addWidget(self.before)
        pick.addWidget(to_label)
        pick.addWidget(self.after)
        pick.addStretch(1)
        compare_layout.addLayout(pick)
        self.diff_summary = plain_label(wrap=True)
        compare_layout.addWidget(self.diff_summary)
        self.diff = _table(DIFF_COLUMNS, "Answers that changed")
        diff_header = self.diff.horizontalHeader()
        for column in range(3):
            diff_header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        compare_layout.addWidget(self.diff, 1)
        splitter.addWidget(compare)

        self.assessment_box = QGroupBox("Assessment then and under today's rules")
        box = QVBoxLayout(self.assessment_box)
        self.then_label = plain_label(wrap=True)
        self.today_label = plain_label(wrap=True)
        bands = QHBoxLayout()
        self.then_swatch, self.today_swatch = QLabel(), QLabel()
        self.then_band = plain_label()
        self.today_band = plain_label()
        bands.addWidget(self.then_swatch)
        bands.addWidget(self.then_band)
        bands.addSpacing(24)
        bands.addWidget(self.today_swatch)
        bands.addWidget(self.today_band)
        bands.addStretch(1)
        box.addWidget(self.then_label)
        box.addWidget(self.today_label)
        box.addLayout(bands)
        row = QHBoxLayout()
        self.areas = _table(AREA_COLUMNS, "Area ratings then and today")
        area_header = self.areas.horizontalHeader()
        area_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        area_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        area_header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        rows = len(history.knowledge.areas)
        self.areas.setMinimumHeight((rows + 1) * self.areas.verticalHeader().defaultSectionSize() + 8)
        row.addWidget(self.areas, 1)
        self.findings = plain_label(wrap=True)
        self.findings.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        row.addWidget(self.findings, 1)
        box.addLayout(row, 1)
        splitter.addWidget(self.assessment_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 4)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

        self.before.currentIndexChanged.connect(lambda _i: self.compare())
        self.after.currentIndexChanged.connect(lambda _i: self.compare())

    # -- showing ---------------------------------------------------------------------------------
    def load(self) -> None:
        rows = self.history.load()
        self.heading.setText(f"History of {self.history.organisation}")
        self._show_versions(rows)
        first, last = self.history.default_pair()
        for combo in (self.before, self.after):
            combo.blockSignals(True)
            combo.clear()
            for row in rows:
                combo.addItem(f"{row.version} ({row.saved}, {row.author})", row.version)
            combo.blockSignals(False)
        self.choose(first, last)

    def _show_versions(self, rows: list[VersionRow]) -> None:
        self.versions.setRowCount(len(rows))
        for r, row in enumerate(reversed(rows)):  # newest first
            cells = (str(row.version), row.saved, row.author, row.reason, row.band_label, row.decision)
            for c, text in enumerate(cells):
                self.versions.setItem(r, c, QTableWidgetItem(text))
        self.versions.resizeRowsToContents()

    def choose(self, before: int, after: int) -> None:
        """Compare version ``before`` with version ``after`` (as picking them in the two lists does)."""
        for combo, version in ((self.before, before), (self.after, after)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(version)))
            combo.blockSignals(False)
        self.compare()

    def compare(self) -> None:
        before, after = self.before.currentData(), self.after.currentData()
        if before is None or after is None:
            return
        rows = self.history.diff(int(before), int(after))
        self._show_diff(rows, int(before), int(after))
        self._show_assessment(self.history.then_and_today(int(before)))

    def _show_diff(self, rows: list[DiffRow], before: int, after: int) -> None:
        seen = self.history.committee_version()
        since = " (the version the last decision was made on)" if seen == before else ""
        if before == after:
            text = "The same version is chosen twice: choose two to compare."
        elif not rows:
            text = f"Nothing changed between version {before}{since} and version {after}."
        else:
            text = (f"{len(rows)} answer{'s' if len(rows) != 1 else ''} changed between version {before}{since} "
                    f"and version {after}:")
        self.diff_summary.setText(text)
        self.diff.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, cell in enumerate((row.label, row.before, row.after)):
                self.diff.setItem(r, c, QTableWidgetItem(cell))
        self.diff.resizeRowsToContents()

    def _show_assessment(self, view: ThenAndToday) -> None:
        k = self.history.knowledge
        self.assessment_box.setTitle(f"Version {view.version}: assessment then and under today's rules")
        self.then_label.setText(view.then_heading)
        self.today_label.setText(view.today_heading)
        then_band = k.bands.get(view.then_band) if view.then_band else None
        today_band = k.bands.get(view.today_band)
        self.then_band.setText(f"Band then: {view.then_band_label}")
        self.today_band.setText(f"Band today: {view.today_band_label}"
                                + (" (changed)" if view.band_changed else ""))
        # The band's colour beside its word: never the only cue, never the text's colour.
        self.then_swatch.setPixmap(swatch(then_band.colour if then_band else None).pixmap(14, 14))
        self.today_swatch.setPixmap(swatch(today_band.colour if today_band else None).pixmap(14, 14))
        from lendready.domain.engine.status import RATING_COLOURS

        self.areas.setRowCount(len(view.areas))
        for r, area in enumerate(view.areas):
            title = QTableWidgetItem(area.title + (" (changed)" if area.changed else ""))
            then = QTableWidgetItem(area.then_word)
            if area.then is not None:
                then.setIcon(swatch(RATING_COLOURS.get(area.then)))
            today = QTableWidgetItem(area.today_word)
            today.setIcon(swatch(RATING_COLOURS.get(area.today)))
            if area.changed:
                for item in (title, then, today):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
            for c, item in enumerate((title, then, today)):
                self.areas.setItem(r, c, item)
        lines = []
        if view.rules_changed:
            lines.append("The rules have changed since it was recorded.")
        if view.then_band is None:
            lines.append("Nothing was recorded for this version, so only today's assessment is shown.")
        if view.new_findings:
            lines.append("Raised under today's rules:")
            lines += [f"  • {f}" for f in view.new_findings]
        if view.gone_findings:
            lines.append("Recorded then, not raised today:")
            lines += [f"  • {f}" for f in view.gone_findings]
        if view.then_band is not None and not (view.new_findings or view.gone_findings):
            lines.append("The same findings then and today.")
        self.findings.setText("\n".join(lines))

    # -- what a reader sees, for tests -------------------------------------------------------------
    def version_rows(self) -> list[list[str]]:
        return [[self.versions.item(r, c).text() for c in range(self.versions.columnCount())]
                for r in range(self.versions.rowCount())]

    def diff_rows(self) -> list[tuple[str, str, str]]:
        return [(self.diff.item(r, 0).text(), self.diff.item(r, 1).text(), self.diff.item(r, 2).text())
                for r in range(self.diff.rowCount())]

    def area_rows(self) -> list[tuple[str, str, str]]:
        return [(self.areas.item(r, 0).text(), self.areas.item(r, 1).text(), self.areas.item(r, 2).text())
                for r in range(self.areas.rowCount())]


class HistoryDialog(QDialog):
    """The history pane in its own window (not modal: the case stays usable beside it)."""

    decideRequested = Signal(str)  # noqa: N815 - Qt naming; the case id

    def __init__(self, history: CaseHistory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("History")
        self.setAccessibleName("History of the case")
        layout = QVBoxLayout(self)
        self.pane = HistoryPane(history)
        layout.addWidget(self.pane, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.decide_button = buttons.addButton("Record a &decision…", QDialogButtonBox.ButtonRole.ActionRole)
        self.decide_button.setToolTip("Approve, decline or refer the case to committee on a recorded assessment")
        self.decide_button.setAutoDefault(False)
        self.decide_button.clicked.connect(lambda: self.decideRequested.emit(self.pane.history.case_id))
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(1100, 680)

    def load(self) -> None:
        self.pane.load()
        self.setWindowTitle(f"History of {self.pane.history.organisation}")


__all__ = ["HistoryDialog", "HistoryPane"]
