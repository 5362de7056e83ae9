"""Slow file work off the GUI thread: a worker thread, a progress dialog with Cancel, one job at a time.

Reading a hostile spreadsheet can take seconds and a long PDF a few more; done
on the GUI thread, the window would stop redrawing and the system would offer
to kill it. :meth:`Background.run` runs the work in a worker thread and waits
for it with a local event loop, so the caller reads like ordinary code
(``outcome = Background.of(self).run(...)``) while the window keeps painting.

* The progress dialog appears only if the work takes longer than
  :data:`SHOW_AFTER_MS`, so quick work never flashes a window. It is modal to
  its window: while it shows, nothing in the window can be edited, saved or
  closed. Before it shows, key presses and clicks wait (Qt keeps them and
  delivers them afterwards) for the same reason.
* Cancel on work that cannot be interrupted (reading a file) returns at once
  and the worker's result, when it comes, is thrown away. Cancel on work that
  can stop (a PDF writer calls :meth:`Job.on_page` after each page) makes the
  next ``on_page`` raise :class:`Cancelled`; ``run`` waits for the worker to
  stop, so when it returns no file has been written.
* One job per window at a time: :attr:`Background.busy` says whether one is
  running; a second ``run`` while it is raises :class:`Busy`.

The result travels from the worker to the GUI thread by a queued signal; the
worker never touches a widget.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QProgressDialog, QPushButton, QWidget

from lendready.domain.files.outside_text import for_display

SHOW_AFTER_MS = 300
"""Work that finishes sooner never shows the progress dialog."""

_RUNNING: set[Job] = set()
"""Every job whose worker has not yet reported, kept alive until it has (even after a Cancel)."""


class Cancelled(Exception):  # noqa: N818 - says what happened, as KeyboardInterrupt does
    """Raised from :meth:`Job.on_page` once Cancel was pressed: the PDF build stops and writes nothing."""


class Busy(RuntimeError):
    """A second job was asked for while one is running in the same window."""


@dataclass
class Outcome:
    """How a job ended: its value, the exception it raised, or cancelled by the user."""

    value: Any = None
    error: BaseException | None = None
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.cancelled and self.error is None


class Job(QObject):
    """One call of ``work(job)`` in a worker thread; it reports once, through a queued signal."""

    page = Signal(int)  # a page was laid out (emitted by the worker, delivered in the GUI thread)
    ended = Signal()  # the worker has returned and joined (GUI thread)
    _report = Signal(object, object)  # (value, error), emitted once by the worker

    def __init__(self, work: Callable[[Job], Any]) -> None:
        super().__init__()
        self._work = work
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.outcome: Outcome | None = None
        self._report.connect(self._reported, Qt.ConnectionType.QueuedConnection)

    # -- the GUI thread ------------------------------------------------------------------------
    def start(self) -> None:
        _RUNNING.add(self)
        # A daemon thread: a reader that cannot be interrupted must never keep a quitting app alive.
        self._thread = threading.Thread(target=self._run, name="lendready-background", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self._stop.set()

    @property
    def cancel_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def running(self) -> bool:
        return self.outcome is None

    def _reported(self, value: Any, error: BaseException | None) -> None:
        if self._thread is not None:
            self._thread.join()  # the worker has emitted its last signal; it holds nothing of ours after this
        cancelled = isinstance(error, Cancelled) or self._stop.is_set()
        self.outcome = Outcome(value, None if isinstance(error, Cancelled) else error, cancelled)
        _RUNNING.discard(self)
        self.ended.emit()

    # -- the worker thread ---------------------------------------------------------------------
    def on_page(self, number: int) -> None:
        """For a PDF writer's ``on_page``: reports progress, and raises :class:`Cancelled` after Cancel."""
        if self._stop.is_set():
            raise Cancelled("stopped by the user")
        self.page.emit(number)

    def _run(self) -> None:
        value: Any = None
        error: BaseException | None = None
        try:
            value = self._work(self)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, which decides
            error = exc
        self._report.emit(value, error)


class Background(QObject):
    """The one-job-at-a-time runner of a window (find it with :meth:`of`)."""

    dialogShown = Signal(QProgressDialog)  # noqa: N815 - Qt naming; for tests and screenshots

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("lendready-background")
        self.window = window
        self.job: Job | None = None
        self.dialog: QProgressDialog | None = None
        self.show_after_ms = SHOW_AFTER_MS
        self._loop: QEventLoop | None = None
        self._label = ""
        self._after: list[Callable[[], None]] = []

    @classmethod
    def of(cls, widget: QWidget) -> Background:
        """The runner of ``widget``'s window, made when first asked for."""
        window = widget.window()
        found = window.findChild(Background, "lendready-background", Qt.FindChildOption.FindDirectChildrenOnly)
        return found if isinstance(found, Background) else cls(window)

    @property
    def busy(self) -> bool:
        return self.job is not None

    def run(
        self, work: Callable[[Job], Any], *, title: str, label: str, wait_on_cancel: bool,
        cancellable: bool = True,
    ) -> Outcome:
        """Run ``work(job)`` in a worker thread and return how it ended, keeping the window alive meanwhile.

        ``wait_on_cancel``: True for work that stops when told (it calls ``job.on_page``): Cancel
        waits for it to stop. False for work that cannot be interrupted: Cancel returns at once and
        its result is ignored when it comes. ``cancellable=False`` shows no Cancel at all, for a
        write that will happen whatever is pressed (a register update): offering to cancel it would
        be a promise the work cannot keep.
        """
        if self.job is not None:
            raise Busy("lendready is still working on the last file")
        job = Job(work)
        self.job = job
        self._label = label = for_display(label, multiline=True)
        self.dialog = dialog = self._make_dialog(for_display(title), label, cancellable)
        loop = self._loop = QEventLoop()
        job.ended.connect(loop.quit)
        job.page.connect(self._page)
        show_timer = QTimer(self)
        show_timer.setSingleShot(True)
        show_timer.timeout.connect(self._show_dialog)
        try:
            job.start()
            show_timer.start(self.show_after_ms)
            while job.running and not (job.cancel_requested and not wait_on_cancel):
                # Until the dialog shows (and while a cancelled PDF stops, one page at most) input
                # waits; while it shows, its modality keeps the window still. Each quit() re-decides.
                if dialog.isVisible() and not job.cancel_requested:
                    loop.exec()
                else:
                    loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            show_timer.stop()
            show_timer.deleteLater()
            job.page.disconnect(self._page)
            job.ended.disconnect(loop.quit)
            dialog.hide()
            dialog.deleteLater()
            self.dialog = None
            self._loop = None
            self.job = None
        outcome = job.outcome if job.outcome is not None else Outcome(cancelled=True)
        if job.cancel_requested:
            outcome.cancelled = True
        after, self._after = self._after, []
        for callback in after:
            QTimer.singleShot(0, callback)
        return outcome

    def cancel(self) -> None:
        """What the Cancel button does (also when the window is asked to close while a job runs)."""
        job = self.job
        if job is None:
            return
        job.cancel()
        if self.dialog is not None:
            self.dialog.setLabelText("Stopping…")
            button = self.dialog.findChild(QPushButton)
            if button is not None:
                button.setEnabled(False)
        if self._loop is not None:
            self._loop.quit()  # the waiting loop decides whether to wait for the worker to stop

    def after(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the running job has ended (at once, queued, when none is running)."""
        if self.job is None:
            QTimer.singleShot(0, callback)
        else:
            self._after.append(callback)

    # -- the dialog ------------------------------------------------------------------------------
    def _make_dialog(self, title: str, label: str, cancellable: bool = True) -> QProgressDialog:
        dialog = QProgressDialog(self.window)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(2**31 - 1)  # shown by our own timer, never by QProgressDialog's
        dialog.setRange(0, 0)  # busy: how many pages a PDF has, or how long a file takes, is not known
        text = QLabel(dialog)
        text.setTextFormat(Qt.TextFormat.PlainText)  # a file's name is outside text, never markup
        text.setWordWrap(True)
        dialog.setLabel(text)
        dialog.setLabelText(label)
        dialog.setMinimumWidth(380)
        if cancellable:
            button = QPushButton("Cancel", dialog)
            button.setAccessibleName("Cancel")
            dialog.setCancelButton(button)
            dialog.canceled.connect(self.cancel)
        else:
            dialog.setCancelButton(None)  # and Escape, which emits canceled, does nothing
        bar = dialog.findChild(QProgressBar)
        if bar is not None:
            bar.setAccessibleName("Progress")
        dialog.setAccessibleName(title)
        dialog.hide()
        return dialog

    def _show_dialog(self) -> None:
        dialog, job = self.dialog, self.job
        if dialog is None or job is None or not job.running or job.cancel_requested:
            return
        dialog.show()
        self.dialogShown.emit(dialog)
        if self._loop is not None:
            self._loop.quit()  # from the input-waiting loop to the ordinary one

    def _page(self, number: int) -> None:
        if self.dialog is not None and self.job is not None and not self.job.cancel_requested:
            self.dialog.setLabelText(f"{self._label}\nPage {number} laid out…")


__all__ = ["SHOW_AFTER_MS", "Background", "Busy", "Cancelled", "Job", "Outcome"]
