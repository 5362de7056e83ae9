"""The editor for the monthly cashflow forecast (``fin.forecast``).

Most people arrive with the forecast already in a spreadsheet, so pasting the
block is the main way in and typing is for corrections. Net and running cash
are shown beside the figures because a founder checks a forecast by its lowest
point, and that is what a lender will look at first; they are shown before the
new loan's repayments, which the assessment adds, and are never saved.

Nothing typed is lost silently: a paste with any unreadable cell changes
nothing and lists the cells; replacing or removing months can be undone.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont, QKeySequence, QPainter, QPalette, QShortcut, QValidator
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lendready.domain.advice.preview import PreviewMonth, forecast_preview, to_pence
from lendready.domain.engine.formatting import money, month_label
from lendready.domain.engine.questionnaire import Question, parse_month
from lendready.domain.files.forecast_import import FILE_FILTER, ImportResult, read_forecast_file
from lendready.domain.files.forecast_paste import MAX_ROWS, parse_forecast_text, read_amount, read_month
from lendready.domain.files.outside_text import for_display
from lendready.ui.background import Background
from lendready.ui.widgets import messages
from lendready.ui.widgets.style import ProblemLine, help_panel, problem_colour, scaled_font

MONTH, RECEIPTS, PAYMENTS, NET, RUNNING = range(5)
HEADERS = ("Month", "Receipts", "Payments", "Net", "Running cash")
BEFORE_LOAN = "before the new loan's repayments, which lendready adds"
AMOUNT_HINT = "Amounts are numbers in pounds, for example 1234 or £1,234.50; enter 0 if there is nothing"
MONTH_HINT = "Write the month for example as Aug 2027 or 08/2027"
_AMOUNT_CHARACTERS = set("0123456789£,.()+-\u2212\u2013 \u00a0")
_MONTH_CHARACTERS = set("0123456789-/. ") | set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_UNDO_DEPTH = 50
_Index = QModelIndex | QPersistentModelIndex


def _month_after(month: str) -> str:
    year, mon = parse_month(month) or (0, 0)
    year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return f"{year:04d}-{mon:02d}"


def _next_month_from_today() -> str:
    today = dt.date.today()
    return _month_after(f"{today.year:04d}-{today.month:02d}")


def _import_folder() -> str:
    """Where the import dialog starts: the last folder imported from, else Documents (never the program's)."""
    from PySide6.QtCore import QStandardPaths

    if ForecastEditor.last_folder and Path(ForecastEditor.last_folder).is_dir():
        return ForecastEditor.last_folder
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents if documents and Path(documents).is_dir() else str(Path.home())


def _plain(value: float) -> str:
    """A number as someone would type it back: no separators, no rounding, no exponent."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def _shown_money(value: float) -> str:
    """The table is typed into, so it shows pence when a figure has any: never a number other than the one kept."""
    rounded = to_pence(value)
    return money(0 if rounded == 0 else rounded, pence=True)  # never "−£0"


class ForecastModel(QAbstractTableModel):
    """The rows as the case holds them, plus the two derived columns for reading."""

    edited = Signal()  # a cell was changed by the user

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.opening: float | None = None
        self.negative_brush = QBrush()
        self._preview: list[PreviewMonth] = []

    # -- contents ------------------------------------------------------------------------
    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = copy.deepcopy(rows)
        self._recalculate()
        self.endResetModel()

    def set_opening(self, opening: float | None) -> None:
        self.opening = opening
        self._recalculate()
        if self.rows:
            self.dataChanged.emit(self.index(0, RUNNING), self.index(len(self.rows) - 1, RUNNING))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, RUNNING, RUNNING)

    def net(self, row: int) -> float:
        return self._preview[row].net

    def running(self, row: int) -> float:
        return self._preview[row].cash

    def _recalculate(self) -> None:
        self._preview = forecast_preview(self.opening, self.rows)

    # -- Qt model ------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (MONTH, RECEIPTS, PAYMENTS):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def _figure(self, row: int, column: int) -> float:
        if column == NET:
            return self.net(row)
        if column == RUNNING:
            return self.running(row)
        return self.rows[row]["receipts" if column == RECEIPTS else "payments"]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if column == MONTH:
            month = str(self.rows[row]["month"])
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return month_label(month)  # "Apr 2025", which the cell reads back as typed
            if role == Qt.ItemDataRole.ToolTipRole and parse_month(month):
                return QDate.fromString(month, "yyyy-MM").toString("MMMM yyyy")
            return None
        figure = self._figure(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return _shown_money(figure)
        if role == Qt.ItemDataRole.EditRole:
            return _plain(figure)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if to_pence(figure) < 0:
            if role == Qt.ItemDataRole.ForegroundRole:
                return self.negative_brush
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        return None

    def setData(  # noqa: N802
        self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        column, text = index.column(), str(value)
        if column == MONTH:
            parsed: Any = read_month(text)
            key = "month"
        elif column in (RECEIPTS, PAYMENTS):
            parsed = read_amount(text)
            key = "receipts" if column == RECEIPTS else "payments"
        else:
            return False
        if parsed is None:
            return False
        if self.rows[index.row()][key] == parsed and type(self.rows[index.row()][key]) is type(parsed):
            return True
        self.rows[index.row()][key] = parsed
        self._recalculate()
        self.dataChanged.emit(self.index(index.row(), 0), self.index(len(self.rows) - 1, RUNNING))
        self.edited.emit()
        return True

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.header_tooltip(section)
        return None

    def header_tooltip(self, section: int) -> str:
        if section == MONTH:
            return "The month, written for example Jan 2027 or 01/2027"
        if section == RECEIPTS:
            return "Money expected in during the month, in pounds"
        if section == PAYMENTS:
            return "Money expected out during the month, in pounds, leaving out the new loan"
        if section == NET:
            return f"Receipts minus payments, {BEFORE_LOAN}"
        if self.opening is None:
            return (
                "Running cash starts from £0 because cash at bank today is not answered yet; "
                f"each month adds its net, {BEFORE_LOAN}"
            )
        return (
            f"Cash at bank today ({_shown_money(self.opening)}) plus each month's net, {BEFORE_LOAN}"
        )


class _TypingValidator(QValidator):
    """Refuses characters that can never be part of the value, and says why."""

    refused = Signal(str)

    def __init__(self, allowed: set[str], read: Any, hint: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._allowed, self._read, self._hint = allowed, read, hint

    def validate(self, text: str, pos: int) -> object:
        if any(ch not in self._allowed for ch in text):
            self.refused.emit(self._hint)
            return QValidator.State.Invalid
        if self._read(text) is not None:
            return QValidator.State.Acceptable
        return QValidator.State.Intermediate


class _CellDelegate(QStyledItemDelegate):
    """In-place editing with the same reading of months and amounts as a paste."""

    message = Signal(str)  # an inline message for the editor's message area; "" clears it

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.open_editor: QLineEdit | None = None

    def createEditor(  # noqa: N802
        self, parent: QWidget, option: QStyleOptionViewItem, index: _Index
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        if index.column() == MONTH:
            validator = _TypingValidator(_MONTH_CHARACTERS, read_month, MONTH_HINT, editor)
            editor.setAccessibleName(f"Month, row {index.row() + 1}")
        else:
            validator = _TypingValidator(_AMOUNT_CHARACTERS, read_amount, AMOUNT_HINT, editor)
            editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            editor.setAccessibleName(f"{HEADERS[index.column()]}, row {index.row() + 1}")
        validator.refused.connect(self.message)
        editor.setValidator(validator)
        editor.setProperty("column", index.column())
        self.open_editor = editor
        return editor

    def setEditorData(self, editor: QWidget, index: _Index) -> None:  # noqa: N802
        assert isinstance(editor, QLineEdit)
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole)))
        editor.setProperty("original", editor.text())

    def setModelData(  # noqa: N802
        self, editor: QWidget, model: QAbstractTableModel, index: _Index
    ) -> None:
        assert isinstance(editor, QLineEdit)
        editor.setProperty("committed", True)
        if model.setData(index, editor.text(), Qt.ItemDataRole.EditRole):
            self.message.emit("")

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:  # noqa: N802
        # Qt keeps the editor open on Enter when the text is incomplete ("1,2");
        # say why instead of leaving the key apparently ignored.
        if (
            isinstance(editor, QLineEdit)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not editor.hasAcceptableInput()
        ):
            self.message.emit(f"'{editor.text().strip()}' is not complete. {self._hint(editor)}")
        return super().eventFilter(editor, event)

    def destroyEditor(self, editor: QWidget, index: _Index) -> None:  # noqa: N802
        # Qt closes an editor without committing when its text is incomplete
        # ("1,2" or an emptied cell); say so, quoting the text, rather than
        # letting it vanish.
        if isinstance(editor, QLineEdit) and not editor.property("committed"):
            text = editor.text().strip()
            if text != editor.property("original") and not editor.hasAcceptableInput():
                kept = index.data(Qt.ItemDataRole.DisplayRole)
                typed = f"'{text}' was not kept" if text else "An empty cell was not kept"
                self.message.emit(f"{typed}; row {index.row() + 1} still shows {kept}. {self._hint(editor)}")
        if editor is self.open_editor:
            self.open_editor = None
        super().destroyEditor(editor, index)

    @staticmethod
    def _hint(editor: QLineEdit) -> str:
        return MONTH_HINT if editor.property("column") == MONTH else AMOUNT_HINT


class ForecastView(QTableView):
    """The table; Ctrl+V pastes a whole forecast, as in a spreadsheet."""

    pasteRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_text = ""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.matches(QKeySequence.StandardKey.Paste):
            event.accept()  # ours, not a window-wide Paste action's
            return True
        return super().event(event)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Paste):
            self.pasteRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def sizeHint(self) -> QSize:  # noqa: N802
        rows = 12.5  # a year in view without scrolling
        row_height = self.verticalHeader().defaultSectionSize()
        height = self.horizontalHeader().sizeHint().height() + int(rows * row_height)
        return QSize(super().sizeHint().width(), height + 2 * self.frameWidth())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        height = self.horizontalHeader().sizeHint().height() + 5 * self.verticalHeader().defaultSectionSize()
        return QSize(super().minimumSizeHint().width(), height + 2 * self.frameWidth())

    def paintEvent(self, event: Any) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            rect = self.viewport().rect().adjusted(12, 12, -12, -12)
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(rect, int(flags), self.empty_text)
            painter.end()


class ForecastEditor(QWidget):
    """The table editor for a ``table`` question: paste, type, add and remove months."""

    answerChanged = Signal(str, object)  # noqa: N815 - Qt naming
    last_folder = ""  # the folder the last import came from, for the next import's dialog

    def __init__(self, question: Question, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.role = role
        self.setObjectName(f"question:{question.id}")
        self.max_rows = question.table.max_rows if question.table else MAX_ROWS
        self._last: list[dict[str, Any]] = []
        self._history: list[list[dict[str, Any]]] = []

        self.model = ForecastModel(self)
        self.model.edited.connect(self._on_cell_edited)
        self._build()
        self._restyle()
        self._update_buttons()
        self._update_note()

    # -- building ------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        label_text = self.question.label.for_role(self.role)
        help_text = self.question.help.for_role(self.role)
        title_row = QHBoxLayout()
        self.title = QLabel(label_text.replace("&", "&&"), self)
        self.title.setWordWrap(True)
        self.title.setFont(scaled_font(self, 1.0, bold=True))
        self.help_button = QToolButton(self)
        self.help_button.setText("?")
        self.help_button.setCheckable(True)
        self.help_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.help_button.setAccessibleName(f"Help for {label_text}")
        self.help_button.setToolTip("Show help (F1)")
        self.help_button.toggled.connect(self._toggle_help)
        self.help_button.setVisible(bool(help_text))
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.help_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(title_row)

        self.caption = QLabel(
            "One row per month: money expected in (receipts) and out (payments). "
            "Paste it from a spreadsheet or type in the table.",
            self,
        )
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)

        self.help_label = help_panel(help_text, self)
        self.help_label.setAccessibleName(f"Help for {label_text}")
        layout.addWidget(self.help_label)
        help_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F1), self)
        help_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        help_shortcut.activated.connect(self.help_button.toggle)

        buttons = QHBoxLayout()
        self.paste_button = QPushButton("&Paste from spreadsheet", self)
        self.paste_button.setAccessibleName("Paste forecast from spreadsheet")
        self.paste_button.setToolTip(
            "Copy the month, receipts and payments columns in your spreadsheet, then paste here "
            "(or press Ctrl+V in the table). The pasted months replace the table."
        )
        self.paste_button.clicked.connect(self.paste_from_clipboard)
        self.start_button = QPushButton("&Start a 12-month forecast…", self)
        self.start_button.setAccessibleName("Start a 12-month forecast")
        self.start_button.clicked.connect(self.show_start_panel)
        self.add_button = QPushButton("&Add month", self)
        self.add_button.setAccessibleName("Add month")
        self.add_button.setToolTip("Add the month after the last one")
        self.add_button.clicked.connect(self.add_month)
        self.remove_button = QPushButton("&Remove month", self)
        self.remove_button.setAccessibleName("Remove month")
        self.remove_button.setToolTip("Remove the selected months")
        self.remove_button.clicked.connect(self.remove_months)
        self.import_button = QPushButton("&Import from file…", self)
        self.import_button.setAccessibleName("Import forecast from a spreadsheet file")
        self.import_button.setToolTip(
            "Read the month, receipts and payments columns from a CSV, Excel or LibreOffice file. "
            "The imported months replace the table."
        )
        self.import_button.clicked.connect(lambda: self.import_file())
        # Two short rows rather than one long one, so the editor fits a narrow middle pane.
        buttons.addWidget(self.paste_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.start_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(self.add_button)
        row_buttons.addWidget(self.remove_button)
        row_buttons.addStretch(1)
        layout.addLayout(row_buttons)

        self._build_start_panel(layout)

        self.table = ForecastView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.question.label.for_role(self.role))
        self.table.setAccessibleDescription(self.question.help.for_role(self.role))
        self.table.empty_text = (
            "No months yet. Paste your forecast from a spreadsheet (Ctrl+V), "
            "or start a 12-month forecast and type the figures in."
        )
        self.delegate = _CellDelegate(self.table)
        self.delegate.message.connect(self._show_edit_message)
        self.table.setItemDelegate(self.delegate)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cells
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setAlternatingRowColors(True)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._size_rows()
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.selectionModel().currentChanged.connect(self._update_buttons)
        self.table.pasteRequested.connect(self.paste_from_clipboard)
        self.model.modelReset.connect(self._update_buttons)
        self.title.setBuddy(self.table)
        corner = self.table.findChild(QAbstractButton)
        if corner is not None:  # Qt's "select all" button in the table's corner
            corner.setAccessibleName("Select the whole forecast")
        layout.addWidget(self.table, 1)

        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setAccessibleName("About net and running cash")
        layout.addWidget(self.note)

        self.problem_line = ProblemLine(self)
        self.problem_line.setAccessibleName("Forecast problem")
        self.problem_line.text.setAccessibleName("Forecast problem")
        layout.addWidget(self.problem_line)

        self.message_area = ProblemLine(self)
        self.message_area.setAccessibleName("Paste and edit messages")
        self.message_area.text.setAccessibleName("Paste and edit messages")
        layout.addWidget(self.message_area)

        self.notice = QWidget(self)
        notice_row = QHBoxLayout(self.notice)
        notice_row.setContentsMargins(0, 0, 0, 0)
        self.notice_label = QLabel(self.notice)
        self.notice_label.setTextFormat(Qt.TextFormat.PlainText)  # it names the file and sheet imported
        self.notice_label.setWordWrap(True)
        self.notice_label.setAccessibleName("What changed")
        self.undo_button = QPushButton("&Undo", self.notice)
        self.undo_button.setAccessibleName("Undo the last change to the forecast")
        self.undo_button.clicked.connect(self.undo)
        # The sentence takes the width beside Undo; with a stretch after it, it was squeezed to a few words a line.
        notice_row.addWidget(self.notice_label, 1)
        notice_row.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignTop)
        self.notice.hide()
        layout.addWidget(self.notice)

        undo_shortcut = QShortcut(QKeySequence.StandardKey.Undo, self)
        undo_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo_shortcut.activated.connect(self.undo)

    def _build_start_panel(self, layout: QVBoxLayout) -> None:
        self.start_panel = QWidget(self)
        panel = QVBoxLayout(self.start_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        panel.addLayout(row)
        label = QLabel("First &month:", self.start_panel)
        self.first_month_edit = QDateEdit(self.start_panel)
        self.first_month_edit.setDisplayFormat("MMMM yyyy")
        self.first_month_edit.setAccessibleName("First month of the forecast")
        self.first_month_edit.setMinimumDate(QDate(1900, 1, 1))
        label.setBuddy(self.first_month_edit)
        self.replace_warning = QLabel(self.start_panel)
        self.replace_warning.setWordWrap(True)
        self.replace_warning.setAccessibleName("Replacing the forecast")
        self.create_button = QPushButton("&Create 12 months", self.start_panel)
        self.create_button.setAccessibleName("Create 12 months")
        self.create_button.clicked.connect(self._create_from_panel)
        self.cancel_button = QPushButton("Cancel", self.start_panel)
        self.cancel_button.setAccessibleName("Cancel starting a forecast")
        self.cancel_button.clicked.connect(self.hide_start_panel)
        row.addWidget(label)
        row.addWidget(self.first_month_edit)
        row.addWidget(self.create_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        panel.addWidget(self.replace_warning)  # its own line: beside the buttons it wrapped word by word
        for key, slot in ((Qt.Key.Key_Return, self._panel_enter), (Qt.Key.Key_Enter, self._panel_enter),
                          (Qt.Key.Key_Escape, self.hide_start_panel)):
            shortcut = QShortcut(QKeySequence(key), self.start_panel)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.start_panel.hide()
        layout.addWidget(self.start_panel)

    # -- the answer ----------------------------------------------------------------------
    def set_value(self, rows: list[dict[str, Any]] | None) -> None:
        """Show a saved answer; this is not an edit, so nothing is emitted and undo starts afresh."""
        self.model.set_rows(list(rows or []))
        self._last = copy.deepcopy(self.model.rows)
        self._history.clear()
        self.notice.hide()
        self.message_area.set_message(None)
        self._update_accessible(self.message_area)

    def value(self) -> list[dict[str, Any]] | None:
        return copy.deepcopy(self.model.rows) or None

    def set_opening_cash(self, value: float | None) -> None:
        self.model.set_opening(value)
        self._update_note()

    def set_problem(self, message: str | None) -> None:
        self.problem_line.set_message(message)
        self._update_accessible(self.problem_line)
        help_text = self.question.help.for_role(self.role)
        self.table.setAccessibleDescription(f"Problem: {message}. {help_text}" if message else help_text)

    def focus_input(self) -> None:
        if self.model.rows and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, RECEIPTS))
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def commit_pending(self) -> None:
        """Keep a figure still being typed in a cell, for example before the case is saved."""
        editor = self.delegate.open_editor
        if editor is not None and editor.hasAcceptableInput():
            self.delegate.commitData.emit(editor)
            self.delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    # -- actions -------------------------------------------------------------------------
    def paste_from_clipboard(self) -> bool:
        return self.paste_text(QApplication.clipboard().text())

    def paste_text(self, text: str) -> bool:
        """Replace the table with a pasted forecast, or change nothing and list why not."""
        result = parse_forecast_text(text, self.max_rows)
        return self._take(
            result.rows, result.problems,
            refused="Nothing was pasted; the table is unchanged. Correct these in the spreadsheet and copy again:",
            done="Pasted",
        )

    def import_file(self, path: str | None = None) -> bool:
        """Replace the table with a forecast read from a spreadsheet file, asking which sheet if there are several.

        The file is read in a worker thread (a hostile file can take seconds), with progress and
        Cancel; this returns once the table has been filled, or left as it was.
        """
        if Background.of(self).busy:
            self._show_edit_message("lendready is still reading a file; wait for it or press Cancel.")
            return False
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Import the forecast from a spreadsheet", _import_folder(), f"{FILE_FILTER};;All files (*)"
            )
            if not path:
                return False
        ForecastEditor.last_folder = str(Path(path).parent)
        name = for_display(Path(path).name)
        result = self._read(path, None, name)
        if result is None:
            return False
        if len(result.sheets) > 1:
            shown = [for_display(s) for s in result.sheets]
            current = result.sheets.index(result.sheet_used) if result.sheet_used in result.sheets else 0
            chosen, ok = QInputDialog.getItem(
                self, f"Choose a sheet — {name}", "This file has several sheets. Which holds the forecast?",
                shown, current, False,
            )
            if not ok or chosen not in shown:
                return False
            sheet = result.sheets[shown.index(chosen)]
            if sheet != result.sheet_used:
                result = self._read(path, sheet, name)
                if result is None:
                    return False
        sheet_note = (
            f", sheet {for_display(result.sheet_used)}" if result.sheet_used and len(result.sheets) > 1 else ""
        )
        return self._take(
            result.rows, result.problems,
            refused=f"Nothing was imported from {name}; the table is unchanged. Correct these in the "
            "spreadsheet, save it and import again:",
            done="Imported",
            origin=f" from {name}{sheet_note}",
        )

    def _read(self, path: str, sheet: str | None, name: str) -> ImportResult | None:
        """The file read off the GUI thread; None (and the table unchanged) when cancelled or failed."""
        max_rows = self.max_rows
        outcome = Background.of(self).run(
            lambda _job: read_forecast_file(path, sheet, max_rows),
            title="Importing the forecast", label=f"Reading {name}…", wait_on_cancel=False,
        )
        if not shiboken6.isValid(self):
            return None  # the editor went (its case was closed) while the file was read
        if outcome.cancelled:
            # The reader cannot be interrupted: it finishes in the background and what it read is dropped.
            self._show_edit_message(f"The import from {name} was cancelled; the table is unchanged.")
            return None
        error = outcome.error
        if error is not None:
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise error
            messages.warn(
                self, "lendready could not import the forecast",
                f"{name} could not be read: {error or type(error).__name__}.", "The table is unchanged.",
            )
            return None
        result = outcome.value
        assert isinstance(result, ImportResult)
        return result

    def _take(
        self, rows: list[dict[str, Any]], problems: list[str], refused: str, done: str, origin: str = ""
    ) -> bool:
        """The one way a block of months replaces the table: all of it, with undo, or nothing and why."""
        if problems:
            # Every bad row, so all of them can be put right in one go: the reader already stops at
            # MAX_PROBLEMS and counts the rest ("and 12 more rows with problems").
            shown = [f"• {p}" for p in problems]
            self.message_area.set_message(for_display(refused + "\n" + "\n".join(shown), multiline=True))
            self._update_accessible(self.message_area)
            return False
        had = len(self.model.rows)
        months = [r["month"] for r in rows]
        self._replace(rows)
        self.message_area.set_message(None)
        self._update_accessible(self.message_area)
        what = f"{done} {len(months)} month{'s' if len(months) != 1 else ''}, {month_label(months[0])} to {month_label(months[-1])}{origin}"
        replaced = f", replacing the {had} month{'s' if had != 1 else ''} that were in the table"
        self._show_notice(f"{what}{replaced if had else ''}.", undoable=had > 0)
        return True

    def add_month(self) -> None:
        if len(self.model.rows) >= self.max_rows:
            return
        valid = [m for r in self.model.rows if parse_month(m := str(r["month"]))]
        month = _month_after(max(valid)) if valid else _next_month_from_today()
        self._replace(self.model.rows + [{"month": month, "receipts": 0, "payments": 0}])
        self.notice.hide()
        last = len(self.model.rows) - 1
        self.table.setCurrentIndex(self.model.index(last, RECEIPTS))
        self.table.scrollTo(self.model.index(last, RECEIPTS))

    def remove_months(self) -> None:
        chosen = self._chosen_rows()
        if not chosen:
            return
        removed = [str(self.model.rows[i]["month"]) for i in chosen]
        self._replace([r for i, r in enumerate(self.model.rows) if i not in chosen])
        what = f"Removed {month_label(removed[0])}." if len(removed) == 1 else f"Removed {len(removed)} months."
        self._show_notice(what, undoable=True)
        if self.model.rows:
            row = min(min(chosen), len(self.model.rows) - 1)
            self.table.setCurrentIndex(self.model.index(row, MONTH))

    def show_start_panel(self) -> None:
        rows = self.model.rows
        valid = [str(r["month"]) for r in rows if parse_month(str(r["month"]))]
        first = valid[0] if valid else _next_month_from_today()
        year, month = parse_month(first) or (2000, 1)
        self.first_month_edit.setDate(QDate(year, month, 1))
        if rows:
            self.replace_warning.setText(
                f"This replaces the {len(rows)} month{'s' if len(rows) != 1 else ''} in the table; "
                "you can undo it."
            )
        self.replace_warning.setVisible(bool(rows))
        self.start_panel.show()
        self.first_month_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.first_month_edit.setCurrentSection(QDateEdit.Section.MonthSection)

    def hide_start_panel(self) -> None:
        self.start_panel.hide()
        self.start_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def start_forecast(self, first_month: str) -> None:
        """Twelve months from ``first_month`` (YYYY-MM) with £0 in each, ready to type over."""
        had = len(self.model.rows)
        months = [first_month]
        for _ in range(11):
            months.append(_month_after(months[-1]))
        self._replace([{"month": m, "receipts": 0, "payments": 0} for m in months])
        if had:
            self._show_notice(
                f"Started a 12-month forecast from {first_month}, replacing the {had} "
                f"month{'s' if had != 1 else ''} that were in the table.",
                undoable=True,
            )
        else:
            self.notice.hide()
        self.table.setCurrentIndex(self.model.index(0, RECEIPTS))

    def undo(self) -> None:
        if not self._history:
            return
        rows = self._history.pop()
        self.model.set_rows(rows)
        self._last = copy.deepcopy(rows)
        self.notice.hide()
        self._emit()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- internals -----------------------------------------------------------------------
    def _panel_enter(self) -> None:
        # Enter means "do it" everywhere in the panel, except on Cancel.
        if self.cancel_button.hasFocus():
            self.hide_start_panel()
        else:
            self._create_from_panel()

    def _create_from_panel(self) -> None:
        chosen = self.first_month_edit.date()
        self.start_panel.hide()
        self.start_forecast(f"{chosen.year():04d}-{chosen.month():02d}")
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _replace(self, rows: list[dict[str, Any]]) -> None:
        self._remember()
        self.model.set_rows(rows)
        self._last = copy.deepcopy(self.model.rows)
        self._emit()

    def _on_cell_edited(self) -> None:
        self._remember()
        self._last = copy.deepcopy(self.model.rows)
        self.notice.hide()  # its Undo would now undo this edit, not what it describes
        self._emit()

    def _remember(self) -> None:
        self._history.append(self._last)
        del self._history[:-_UNDO_DEPTH]

    def _emit(self) -> None:
        # The table changed (typed, pasted, imported, started, added, removed, undone): a message about
        # an earlier paste or import that was refused is about a table no longer shown, so it goes.
        self._show_edit_message("")
        self._update_buttons()
        self.answerChanged.emit(self.question.id, self.value())

    def _chosen_rows(self) -> list[int]:
        rows = {i.row() for i in self.table.selectionModel().selectedIndexes()}
        if not rows and self.table.currentIndex().isValid():
            rows = {self.table.currentIndex().row()}
        return sorted(rows)

    def _show_notice(self, text: str, undoable: bool) -> None:
        self.notice_label.setText(text)
        self.undo_button.setVisible(undoable)
        self.notice.show()

    def _show_edit_message(self, text: str) -> None:
        self.message_area.set_message(text or None)
        self._update_accessible(self.message_area)

    def _toggle_help(self, shown: bool) -> None:
        self.help_label.setVisible(shown)
        self.help_button.setToolTip("Hide help (F1)" if shown else "Show help (F1)")

    def _update_buttons(self, *_: Any) -> None:
        count = len(self.model.rows)
        self.add_button.setEnabled(count < self.max_rows)
        self.remove_button.setEnabled(count > 0 and bool(self._chosen_rows()))

    def _update_note(self) -> None:
        start = (
            f"cash at bank today, {_shown_money(self.model.opening)}"
            if self.model.opening is not None
            else "£0, as cash at bank today is not answered yet"
        )
        self.note.setText(f"Net and running cash are {BEFORE_LOAN}. Running cash starts from {start}.")

    @staticmethod
    def _update_accessible(line: ProblemLine) -> None:
        line.setAccessibleDescription(line.message() or "")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        restyle = (QEvent.Type.PaletteChange, QEvent.Type.StyleChange, QEvent.Type.FontChange)
        if hasattr(self, "note") and event.type() in restyle:
            self._restyle()
        super().changeEvent(event)

    def _size_rows(self) -> None:
        # Compact rows, like a spreadsheet, so a year fits without scrolling; from the font, so 200% scales.
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)

    def _restyle(self) -> None:
        self.model.negative_brush = QBrush(problem_colour(self.palette()))
        if hasattr(self, "table"):
            self._size_rows()
        small = scaled_font(self, 0.9)
        for label in (self.caption, self.note):
            label.setFont(small)
        if self.model.rows:
            last = self.model.index(len(self.model.rows) - 1, RUNNING)
            self.model.dataChanged.emit(self.model.index(0, 0), last)
