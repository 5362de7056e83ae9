"""Register → Screen a folder…: many cases into one XLSX or CSV portfolio, with a progress bar and Cancel.

The same screening as ``lendready screen`` (``lendready.domain.screening``) and the same writers
(``lendready.report.portfolio_xlsx``): one row per case, a damaged file a row that says why. The
run is a :class:`~lendready.ui.background.Job` (a worker thread; the worker never touches a
widget): it reports each case screened through a queued signal to the bar, and asks between
cases whether Cancel was pressed; a cancelled run writes nothing. The window stays usable
for reading; the dialog is modal while it runs.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from lendready.domain.engine import formatting
from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.files.outside_text import for_display
from lendready.ui.background import Job, Outcome

OUTPUT_FILTER = "Excel workbook (*.xlsx);;CSV file (*.csv)"


class _Relay(QObject):
    """Carries the worker's progress to the GUI thread (a signal emitted there is queued here)."""

    progressed = Signal(int, int)


def output_path(text: str) -> Path | None:
    """The portfolio file typed: ``.xlsx`` added when it has neither ``.xlsx`` nor ``.csv``."""
    text = text.strip()
    if not text:
        return None
    path = Path(text)
    return path if path.suffix.lower() in (".xlsx", ".csv") else path.with_name(path.name + ".xlsx")


class ScreeningDialog(QDialog):
    """Choose what to screen and where to write it; Screen runs it with progress and Cancel."""

    def __init__(self, knowledge: Knowledge, folder: Path, as_of: date, register: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.knowledge = knowledge
        self.as_of = as_of
        self.register = register
        self.job: Job | None = None
        self.outcome: Outcome | None = None
        self.written: Path | None = None
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)
        self.setWindowTitle("Screen cases into a portfolio")
        self.setAccessibleName("Screen cases into a portfolio")
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        self.from_folder = QRadioButton("A &folder of case files:")
        self.from_register = QRadioButton("Every case in the &register (its current version)")
        self.sources = QButtonGroup(self)
        self.sources.addButton(self.from_folder)
        self.sources.addButton(self.from_register)
        self.from_folder.setChecked(True)
        self.from_register.setEnabled(register is not None)
        self.folder_edit = QLineEdit(str(folder))
        self.folder_edit.setAccessibleName("Folder to screen")
        self.folder_button = QPushButton("&Browse…")
        self.folder_button.clicked.connect(self.browse_folder)
        grid.addWidget(self.from_folder, 0, 0)
        grid.addWidget(self.folder_edit, 0, 1)
        grid.addWidget(self.folder_button, 0, 2)
        grid.addWidget(self.from_register, 1, 0, 1, 3)
        out_label = QLabel("&Write the portfolio to:")
        self.output_edit = QLineEdit(str(folder / "portfolio.xlsx"))
        self.output_edit.setAccessibleName("Portfolio file to write (.xlsx or .csv)")
        out_label.setBuddy(self.output_edit)
        self.output_button = QPushButton("Br&owse…")
        self.output_button.clicked.connect(self.browse_output)
        grid.addWidget(out_label, 2, 0)
        grid.addWidget(self.output_edit, 2, 1)
        grid.addWidget(self.output_button, 2, 2)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        when = QLabel(f"Each case is assessed as at {formatting.date_label(as_of)} under the installed rules "
                      f"({for_display(knowledge.rules_version)}). A file that cannot be read becomes a row that "
                      "says why.")
        when.setTextFormat(Qt.TextFormat.PlainText)
        when.setWordWrap(True)
        layout.addWidget(when)
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Progress")
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.bar.setFormat("%v of %m cases")
        layout.addWidget(self.bar)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.start_button = QPushButton("&Screen")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.close)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.cancel_button.setEnabled(False)
        self.resize(720, self.sizeHint().height())

    # -- choosing --------------------------------------------------------------------------------
    def browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder to screen", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)
            self.from_folder.setChecked(True)

    def browse_output(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Write the portfolio to", self.output_edit.text(), OUTPUT_FILTER)
        if path:
            self.output_edit.setText(path)

    @property
    def running(self) -> bool:
        return self.job is not None and self.job.running

    # -- running ---------------------------------------------------------------------------------
    def start(self) -> bool:
        """Check the choices, then screen in a worker thread; returns at once (False if refused)."""
        from lendready.domain.screening import expand, missing
        from lendready.ui.widgets import messages

        if self.running:
            return False
        target = output_path(self.output_edit.text())
        if target is None:
            messages.warn(self, "Nothing screened", "Say which file to write the portfolio to (.xlsx or .csv).")
            return False
        sources: list[Any] | None = None
        register = self.register if self.from_register.isChecked() else None
        if register is None:
            folder = self.folder_edit.text().strip()
            if not folder or missing([folder]) or not Path(folder).is_dir():
                messages.warn(self, "Nothing screened", f"{folder or 'No folder'} is not a folder on this PC.")
                return False
            sources = expand([folder])
            if not sources:
                messages.warn(self, "Nothing screened", f"{folder} holds no .lendready case files.")
                return False
        knowledge, as_of, relay = self.knowledge, self.as_of, self._relay

        def work(job: Job) -> Any:
            from lendready.domain.screening import screen_portfolio
            from lendready.model.register_view import register_sources
            from lendready.report.portfolio_xlsx import write_portfolio

            items = sources if sources is not None else register_sources(register)
            portfolio = screen_portfolio(items, knowledge, as_of, progress=relay.progressed.emit,
                                         cancelled=lambda: job.cancel_requested)
            if job.cancel_requested:
                return None
            write_portfolio(portfolio, target)
            return portfolio

        self.outcome = None
        self.written = None
        self._target = target
        self.bar.setRange(0, max(1, len(sources) if sources is not None else 1))
        self.bar.setValue(0)
        self.status.setText("Screening…")
        self.job = job = Job(work)
        job.ended.connect(self._ended)
        self._set_running(True)
        job.start()
        return True

    def cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()
            self.status.setText("Stopping…")
            self.cancel_button.setEnabled(False)

    def _set_running(self, running: bool) -> None:
        for widget in (self.start_button, self.close_button, self.folder_edit, self.folder_button,
                       self.output_edit, self.output_button, self.from_folder, self.from_register):
            widget.setEnabled(not running)
        if not running:
            self.from_register.setEnabled(self.register is not None)
        self.cancel_button.setEnabled(running)

    def _progressed(self, done: int, total: int) -> None:
        if self.job is None or self.job.cancel_requested:
            return
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(done)
        self.status.setText(f"Screened {done:,} of {total:,} case{'s' if total != 1 else ''}…")

    def _ended(self) -> None:
        from lendready.domain.screening import ScreeningCancelled
        from lendready.screening_cli import summary_line
        from lendready.ui.widgets import messages

        job = self.job
        assert job is not None
        self.outcome = outcome = job.outcome
        self.job = None
        self._set_running(False)
        if outcome is None:
            return
        if outcome.cancelled or isinstance(outcome.error, ScreeningCancelled):
            self.status.setText("Cancelled: no portfolio was written.")
            return
        if outcome.error is not None:
            error = outcome.error
            if not isinstance(error, (OSError, ValueError, MemoryError)) and not _is_register_error(error):
                raise error
            detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            self.status.setText("The portfolio was not written.")
            messages.warn(self, "lendready could not write the portfolio", f"{self._target}: {detail}")
            return
        self.written = self._target
        self.bar.setValue(self.bar.maximum())
        line = summary_line(outcome.value, os.fspath(self._target))
        self.status.setText(for_display(line[:1].upper() + line[1:] + "."))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:  # stop first; the dialog closes once the worker has stopped
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)

    def reject(self) -> None:  # Esc
        if self.running:
            self.cancel()
            return
        super().reject()


def _is_register_error(error: BaseException) -> bool:
    from lendready.register.repository import RegisterError

    return isinstance(error, RegisterError)


__all__ = ["ScreeningDialog", "output_path"]
