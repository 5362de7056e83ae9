"""Register → Cases…: the team's pipeline, filtered by officer, band and legal form, searched by name.

A view of :class:`~lendready.model.register_view.RegisterBrowser`: the pipeline is a list of
statuses with their counts on the left, the filters and the name search above the table, one
row per case (most recently changed first) and "Show more" for the next page. Reading the
register runs off the GUI thread (``ui/background.py``): a team's server can be slow. Open (or
a double click, or Enter) hands the chosen case to the window, History… shows its versions.
Below the table, the chosen case can be moved along the pipeline: assigned to an officer (picked
or typed), moved to a status that needs no decision, or decided on (Record a decision…); each asks
the window (``assignRequested``, ``moveRequested``, ``decideRequested``), which asks the register.

Every text from a case (its name, an officer's) is shown as plain text in table cells, which
never read markup, after :func:`~lendready.domain.files.outside_text.for_display`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lendready.model.register_view import (
    MOVABLE_STATUSES,
    CaseRow,
    Choice,
    Listing,
    RegisterBrowser,
    move_choices,
)
from lendready.ui.background import Background, Busy, Job
from lendready.ui.tips import plain_tip

COLUMNS = ("Organisation", "Legal form", "Band", "Status", "Officer", "Last changed", "Version")
SEARCH_DELAY_MS = 250
LEGAL_FORM_WIDTH = 240


def swatch(colour: str | None) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour) if colour else QColor(0, 0, 0, 0))
    return QIcon(pixmap)


class CasesView(QDialog):
    """The Cases view; ``openRequested(case_id)`` and ``historyRequested(case_id)`` go to the window."""

    openRequested = Signal(str)  # noqa: N815 - Qt naming
    historyRequested = Signal(str)  # noqa: N815 - Qt naming
    assignRequested = Signal(str, str)  # noqa: N815 - Qt naming; (case id, the officer picked or typed)
    moveRequested = Signal(str, str)  # noqa: N815 - Qt naming; (case id, status)
    decideRequested = Signal(str)  # noqa: N815 - Qt naming

    def __init__(self, browser: RegisterBrowser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = browser
        self.setWindowTitle("Cases in the register")
        self.setAccessibleName("Cases in the register")
        layout = QHBoxLayout(self)

        left = QVBoxLayout()
        pipeline_label = QLabel("&Pipeline")
        self.pipeline = QListWidget()
        self.pipeline.setAccessibleName("Pipeline: cases by status")
        self.pipeline.setMaximumWidth(200)
        pipeline_label.setBuddy(self.pipeline)
        left.addWidget(pipeline_label)
        left.addWidget(self.pipeline, 1)
        layout.addLayout(left)

        right = QVBoxLayout()
        filters = QHBoxLayout()
        search_label = QLabel("&Name:")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by organisation name")
        self.search.setAccessibleName("Search by organisation name")
        self.search.setClearButtonEnabled(True)
        search_label.setBuddy(self.search)
        self.officer = QComboBox()
        self.officer.setAccessibleName("Officer")
        self.band = QComboBox()
        self.band.setAccessibleName("Band")
        self.legal_form = QComboBox()
        self.legal_form.setAccessibleName("Legal form")
        self.legal_form.setMinimumContentsLength(18)
        self.legal_form.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        filters.addWidget(search_label)
        filters.addWidget(self.search, 2)
        filters.addWidget(self.officer, 1)
        filters.addWidget(self.band, 1)
        filters.addWidget(self.legal_form, 1)
        right.addLayout(filters)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setAccessibleName("Cases")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        right.addWidget(self.table, 1)
        right.addWidget(self._case_controls())

        bottom = QHBoxLayout()
        self.shown_label = QLabel()
        self.shown_label.setTextFormat(Qt.TextFormat.PlainText)
        self.more_button = QPushButton("Show &more")
        self.more_button.clicked.connect(self.load_more)
        self.open_button = QPushButton("&Open")
        self.open_button.clicked.connect(self._open_selected)
        self.history_button = QPushButton("&History…")
        self.history_button.clicked.connect(self._history_selected)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.close)
        bottom.addWidget(self.shown_label, 1)
        bottom.addWidget(self.more_button)
        bottom.addWidget(self.history_button)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.close_button)
        right.addLayout(bottom)
        layout.addLayout(right, 1)
        for button in (self.more_button, self.open_button, self.history_button, self.close_button):
            button.setAutoDefault(False)  # Enter in the search box searches; Enter on a row opens it

        self._fill_choices()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search_now)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        self.pipeline.currentRowChanged.connect(self._status_chosen)
        self.officer.activated.connect(lambda _i: self._combo_chosen("officer", self.officer))
        self.band.activated.connect(lambda _i: self._combo_chosen("band", self.band))
        self.legal_form.activated.connect(lambda _i: self._combo_chosen("legal_form", self.legal_form))
        self.table.itemDoubleClicked.connect(lambda _item: self._open_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.resize(1180, 600)

    def _case_controls(self) -> QGroupBox:
        """The chosen case's officer, status and decision."""
        box = QGroupBox("Move the chosen case along")
        row = QHBoxLayout(box)
        officer_label = QLabel("O&fficer:")
        self.assign_officer = QComboBox()
        self.assign_officer.setEditable(True)
        self.assign_officer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.assign_officer.setAccessibleName("Assign to officer")
        self.assign_officer.setToolTip("Pick an officer or type a name; empty: unassigned")
        self.assign_officer.setMinimumContentsLength(14)
        self.assign_officer.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        line = self.assign_officer.lineEdit()
        if line is not None:
            line.setPlaceholderText("Unassigned")
            line.returnPressed.connect(self._assign_selected)
        officer_label.setBuddy(self.assign_officer)
        self.assign_button = QPushButton("&Assign")
        self.assign_button.clicked.connect(self._assign_selected)
        status_label = QLabel("Stat&us:")
        self.move_status = QComboBox()
        self.move_status.setAccessibleName("Move to status")
        for choice in move_choices():
            self.move_status.addItem(choice.label, choice.value)
        status_label.setBuddy(self.move_status)
        self.move_button = QPushButton("&Change")
        self.move_button.setToolTip("Move the case to this status; approved, declined and at committee come only "
                                    "from a decision")
        self.move_button.clicked.connect(self._move_selected)
        self.move_status.currentIndexChanged.connect(lambda _i: self._update_buttons())
        self.decide_button = QPushButton("Record a &decision…")
        self.decide_button.setToolTip("Approve, decline or refer the case to committee on a recorded assessment")
        self.decide_button.clicked.connect(self._decide_selected)
        row.addWidget(officer_label)
        row.addWidget(self.assign_officer, 1)
        row.addWidget(self.assign_button)
        row.addSpacing(16)
        row.addWidget(status_label)
        row.addWidget(self.move_status)
        row.addWidget(self.move_button)
        row.addSpacing(16)
        row.addStretch(1)
        row.addWidget(self.decide_button)
        for button in (self.assign_button, self.move_button, self.decide_button):
            button.setAutoDefault(False)
        return box

    # -- filters ---------------------------------------------------------------------------------
    @staticmethod
    def _set_choices(combo: QComboBox, choices: list[Choice], current: str | None) -> None:
        combo.blockSignals(True)
        combo.clear()
        for choice in choices:
            combo.addItem(choice.label, choice.value)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
        combo.blockSignals(False)

    def _fill_choices(self) -> None:
        b, f = self.browser, self.browser.filters
        self._set_choices(self.officer, b.officer_choices(), f.officer)
        self._set_choices(self.band, b.band_choices(), f.band)
        self._set_choices(self.legal_form, b.legal_form_choices(), f.legal_form)
        self.pipeline.blockSignals(True)
        self.pipeline.clear()
        for choice in b.status_choices():
            item = QListWidgetItem(choice.label)
            item.setData(Qt.ItemDataRole.UserRole, choice.value)
            self.pipeline.addItem(item)
            if choice.value == f.status:
                self.pipeline.setCurrentItem(item)
        self.pipeline.blockSignals(False)

    def _status_chosen(self, row: int) -> None:
        item = self.pipeline.item(row)
        if item is not None:
            self.set_filter(status=item.data(Qt.ItemDataRole.UserRole))

    def _combo_chosen(self, name: str, combo: QComboBox) -> None:
        self.set_filter(**{name: combo.currentData()})

    def _search_now(self) -> None:
        self._search_timer.stop()
        self.set_filter(search=self.search.text())

    def set_filter(self, **changes: object) -> None:
        if self.browser.set_filters(**changes):
            self.reload()

    # -- reading (off the GUI thread) -----------------------------------------------------------
    def reload(self) -> bool:
        """Read the first page under the filters; True once it is on show."""
        filters = self.browser.filters
        return self._read(lambda _job: self.browser.fetch(filters))

    def load_more(self) -> bool:
        if not self.browser.has_more:
            return False
        return self._read(lambda _job: self.browser.fetch_more())

    def _read(self, work: Callable[[Job], Listing | None]) -> bool:
        from lendready.register.repository import RegisterError, first_line
        from lendready.ui.widgets import messages

        background = Background.of(self)
        if background.busy:
            QTimer.singleShot(100, self.reload)  # the filters moved during a read: read again after it
            return False
        try:
            outcome = background.run(work, title="Reading the register", label="Reading the cases…",
                                     wait_on_cancel=False)
        except Busy:
            return False
        if outcome.cancelled:
            return False
        if outcome.error is not None:
            if not isinstance(outcome.error, (RegisterError, OSError)) and not _is_database_error(outcome.error):
                raise outcome.error
            messages.warn(self, "lendready could not read the register", first_line(outcome.error))
            return False
        listing: Listing | None = outcome.value
        if listing is None or not self.browser.show(listing):
            return False
        self._show_rows()
        return True

    def _show_rows(self) -> None:
        rows = self.browser.rows
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = (row.organisation, row.legal_form, row.band_label, row.status_label, row.officer, row.updated,
                     str(row.version))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)  # an item's text is never read as markup
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                if c in (0, 1):
                    item.setToolTip(plain_tip(text))  # a long name or form is cut: the whole of it on hover
                if c == 2:
                    item.setIcon(swatch(row.band_colour))
                if c == 6:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(1, min(self.table.columnWidth(1), LEGAL_FORM_WIDTH))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._fill_choices()
        more = " (more below: Show more)" if self.browser.has_more else ""
        self.shown_label.setText(f"{len(rows):,} case{'s' if len(rows) != 1 else ''} shown{more}")
        self.more_button.setEnabled(self.browser.has_more)
        if rows and not self.table.selectedItems():
            self.table.selectRow(0)
        self._show_selected()

    def _update_buttons(self) -> None:
        chosen = self.selected_id() is not None
        self.open_button.setEnabled(chosen)
        self.history_button.setEnabled(chosen)
        row = self.selected_row()
        for widget in (self.assign_officer, self.assign_button, self.move_status, self.decide_button):
            widget.setEnabled(chosen)
        target = self.move_status.currentData()
        self.move_button.setEnabled(row is not None and target is not None and target != row.status)

    def _show_selected(self) -> None:
        """Set the officer and status boxes to the chosen case's."""
        row = self.selected_row()
        officers = self.browser.known_officers()
        self.assign_officer.blockSignals(True)
        self.assign_officer.clear()
        for choice in officers:
            self.assign_officer.addItem(choice.label, choice.value)
        current = row.assigned_officer if row is not None else None
        index = self.assign_officer.findData(current) if current else -1
        if current and index < 0:
            self.assign_officer.addItem(row.officer if row is not None else current, current)
            index = self.assign_officer.count() - 1
        self.assign_officer.setCurrentIndex(index)
        if index < 0:
            self.assign_officer.setEditText("")
        self.assign_officer.blockSignals(False)
        self.move_status.blockSignals(True)
        if row is not None and row.status in MOVABLE_STATUSES:
            self.move_status.setCurrentIndex(self.move_status.findData(row.status))
            self.move_status.setPlaceholderText("")
        else:
            self.move_status.setCurrentIndex(-1)  # decided: no manual status is the case's
            self.move_status.setPlaceholderText(f"{row.status_label}" if row is not None else "")
        self.move_status.blockSignals(False)
        self._update_buttons()

    def officer_typed(self) -> str:
        """The officer in the assign box: a picked one's name as stored, else the text as typed."""
        combo = self.assign_officer
        index = combo.currentIndex()
        if index >= 0 and combo.currentText() == combo.itemText(index):
            value = combo.itemData(index)
            return str(value) if value is not None else ""
        return combo.currentText()

    # -- choosing --------------------------------------------------------------------------------
    def shown_rows(self) -> list[CaseRow]:
        return list(self.browser.rows)

    def organisations(self) -> list[str]:
        """The names in the table, top to bottom (what a reader sees)."""
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount())]

    def selected_id(self) -> str | None:
        items = self.table.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def selected_row(self) -> CaseRow | None:
        case_id = self.selected_id()
        return next((r for r in self.browser.rows if r.id == case_id), None) if case_id is not None else None

    def select_case(self, case_id: str) -> bool:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == case_id:
                self.table.selectRow(r)
                return True
        return False

    def _open_selected(self) -> None:
        case_id = self.selected_id()
        if case_id is not None:
            self.openRequested.emit(case_id)

    def _history_selected(self) -> None:
        case_id = self.selected_id()
        if case_id is not None:
            self.historyRequested.emit(case_id)

    def _assign_selected(self) -> None:
        case_id = self.selected_id()
        if case_id is not None:
            self.assignRequested.emit(case_id, self.officer_typed())

    def _move_selected(self) -> None:
        case_id, status = self.selected_id(), self.move_status.currentData()
        if case_id is not None and status is not None:
            self.moveRequested.emit(case_id, str(status))

    def _decide_selected(self) -> None:
        case_id = self.selected_id()
        if case_id is not None:
            self.decideRequested.emit(case_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.table.hasFocus():
            line = self.assign_officer.lineEdit()
            if line is not None and line.hasFocus():
                return  # Enter in the officer box assigns (returnPressed), never closes the view
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self._open_selected()
            return
        super().keyPressEvent(event)


def _is_database_error(error: BaseException) -> bool:
    from sqlalchemy.exc import SQLAlchemyError

    return isinstance(error, SQLAlchemyError)


__all__ = ["CasesView"]
