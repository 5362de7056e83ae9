"""Imports and PDFs run off the GUI thread: the window keeps painting, Cancel works, nothing half-written."""

from __future__ import annotations

import threading
import time

import pytest
from conftest import SAMPLES
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QPushButton

from lendready.domain.files.forecast_import import ImportResult
from lendready.ui import background, forecast_table
from lendready.ui.background import Background, Busy
from lendready.ui.widgets import messages

ROWS = [{"month": f"2027-{m:02d}", "receipts": 1000 + m, "payments": 900} for m in range(1, 13)]


def click_cancel(dialog: QProgressDialog) -> None:
    button = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel")
    button.click()


class Ticker:
    """A timer that counts while it runs: proof the GUI thread's event loop was not blocked."""

    def __init__(self, interval_ms: int = 20) -> None:
        self.count = 0
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(interval_ms)

    def _tick(self) -> None:
        self.count += 1


@pytest.fixture
def no_dialogs(monkeypatch):
    """A message box offscreen would wait for ever: any unexpected one fails the test at once."""
    def fail(*args, **kwargs):
        raise AssertionError(f"unexpected dialog: {[a for a in args if isinstance(a, str)]}")

    monkeypatch.setattr(messages, "warn", fail)
    monkeypatch.setattr(messages, "choose", fail)


# -- the runner itself ---------------------------------------------------------------------------
def test_quick_work_shows_no_dialog_and_returns_its_value(qtbot, editor):
    runner = Background.of(editor)
    assert Background.of(editor.table) is runner, "one runner per window"
    shown = []
    runner.dialogShown.connect(shown.append)
    outcome = runner.run(lambda job: 42, title="t", label="l", wait_on_cancel=False)
    assert outcome.ok and outcome.value == 42 and shown == []
    assert not runner.busy and background._RUNNING == set()


def test_slow_work_keeps_the_loop_running_shows_progress_and_reports_errors(qtbot, editor):
    runner = Background.of(editor)
    shown: list[QProgressDialog] = []
    runner.dialogShown.connect(shown.append)
    ticker = Ticker()
    threads = []

    def work(job):
        threads.append(threading.current_thread())
        time.sleep(0.6)
        raise OSError(5, "Input/output error")

    outcome = runner.run(work, title="Reading", label="Reading plan.xlsx…", wait_on_cancel=False)
    assert threads[0] is not threading.main_thread()
    assert isinstance(outcome.error, OSError) and not outcome.cancelled
    assert ticker.count >= 10, "the GUI thread's timers fired while the work ran"
    assert len(shown) == 1 and shown[0].windowModality() == Qt.WindowModality.WindowModal
    with pytest.raises(Busy):
        def again():
            runner.run(lambda job: None, title="t", label="l", wait_on_cancel=False)
        runner.job = object()  # as if one were running
        try:
            again()
        finally:
            runner.job = None


def test_the_progress_dialog_looks_right(qtbot, editor, tmp_path):
    runner = Background.of(editor)
    runner.show_after_ms = 0
    seen = {}

    def look(dialog):
        def grab():
            seen["label"] = dialog.labelText()
            seen["title"] = dialog.windowTitle()
            dialog.grab().save(str(tmp_path / "progress.png"))
            dialog.grab().save("/tmp/progress.png")
        QTimer.singleShot(250, grab)

    runner.dialogShown.connect(look)

    def work(job):
        for page in range(1, 6):
            time.sleep(0.12)
            job.on_page(page)

    assert runner.run(work, title="Writing the briefing", label="Writing vale <b>lender</b>.pdf…",
                      wait_on_cancel=True).ok
    assert seen["title"] == "Writing the briefing"
    assert seen["label"].startswith("Writing vale <b>lender</b>.pdf…\nPage ")
    assert (tmp_path / "progress.png").stat().st_size > 0


# -- importing a forecast --------------------------------------------------------------------------
def slow_reader(monkeypatch, release: threading.Event, result: ImportResult):
    calls = []

    def read(path, sheet=None, max_rows=0):
        calls.append((threading.current_thread() is threading.main_thread(), sheet))
        release.wait(20)
        return result

    monkeypatch.setattr(forecast_table, "read_forecast_file", read)
    return calls


def test_a_slow_import_keeps_the_window_alive_and_cancel_leaves_the_forecast(qtbot, editor, monkeypatch, tmp_path,
                                                                             no_dialogs):
    editor.set_value(ROWS[:3])
    release = threading.Event()
    calls = slow_reader(monkeypatch, release, ImportResult(ROWS, []))
    runner = Background.of(editor)
    ticker = Ticker()
    runner.dialogShown.connect(lambda dialog: QTimer.singleShot(200, lambda: click_cancel(dialog)))
    with qtbot.assertNotEmitted(editor.answerChanged):
        assert not editor.import_file(str(tmp_path / "plan.xlsx"))
    assert calls == [(False, None)], "read in a worker thread"
    assert ticker.count >= 10
    assert editor.value() == ROWS[:3]
    assert "cancelled; the table is unchanged" in editor.message_area.message()
    assert not runner.busy
    # The reader cannot be interrupted: it finishes later, and what it read is thrown away.
    with qtbot.assertNotEmitted(editor.answerChanged, wait=200):
        release.set()
        qtbot.waitUntil(lambda: background._RUNNING == set())
    assert editor.value() == ROWS[:3]


def test_a_slow_import_that_finishes_fills_the_table(qtbot, editor, monkeypatch, tmp_path, no_dialogs):
    editor.set_value(ROWS[:2])
    release = threading.Event()
    slow_reader(monkeypatch, release, ImportResult(ROWS, []))
    ticker = Ticker()
    QTimer.singleShot(500, release.set)
    with qtbot.waitSignal(editor.answerChanged) as signal:
        assert editor.import_file(str(tmp_path / "plan.xlsx"))
    assert ticker.count >= 10
    assert signal.args == ["fin.forecast", ROWS]
    assert editor.notice_label.text().startswith("Imported 12 months, Jan 2027 to Dec 2027 from plan.xlsx")


def test_a_file_name_that_looks_like_markup_is_shown_as_text(qtbot, editor, monkeypatch, tmp_path, no_dialogs):
    release = threading.Event()
    release.set()
    slow_reader(monkeypatch, release, ImportResult(ROWS, []))
    name = "<b>plan<i>\u202e.xlsx"
    assert editor.import_file(str(tmp_path / name))
    assert editor.notice_label.textFormat() == Qt.TextFormat.PlainText
    assert "from <b>plan<i>[U+202E].xlsx." in editor.notice_label.text()


def test_a_reader_that_fails_is_reported_and_changes_nothing(qtbot, editor, monkeypatch, tmp_path):
    editor.set_value(ROWS[:3])

    def broken(*args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(forecast_table, "read_forecast_file", broken)
    shown = []
    monkeypatch.setattr(messages, "warn", lambda *a, **k: shown.append(a[2]))
    assert not editor.import_file(str(tmp_path / "plan.xlsx"))
    assert shown and shown[0].startswith("plan.xlsx could not be read")
    assert editor.value() == ROWS[:3]


# -- PDFs from the window ----------------------------------------------------------------------------
def export_to(monkeypatch, window, target, audience="lender"):
    monkeypatch.setattr(window, "choose_audience", lambda: audience)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF"))


def test_export_shows_progress_and_writes_a_pdf_from_a_copy_of_the_case(qtbot, window, tmp_path, monkeypatch,
                                                                        no_dialogs):
    window.open_path(str(SAMPLES / "vale.lendready"))
    window.background.show_after_ms = 0
    labels: list[str] = []
    window.background.dialogShown.connect(lambda dialog: labels.append(dialog.labelText()))
    cases = []
    from lendready import report

    real = report.write_briefing

    def spy(path, case, *args, **kwargs):
        cases.append(case)
        return real(path, case, *args, **kwargs)

    monkeypatch.setattr(report, "write_briefing", spy)
    export_to(monkeypatch, window, tmp_path / "vale")
    ticker = Ticker()
    assert window.export_briefing()
    pdf = tmp_path / "vale.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert labels and labels[0].startswith("Writing vale.pdf")
    assert ticker.count >= 1
    assert cases[0] is not window.session.case, "the writer gets a copy: the case cannot change under it"
    assert cases[0].answers == window.session.case.answers
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vale.pdf"]


def test_cancel_on_page_two_leaves_no_pdf_and_no_temporary_file(qtbot, window, tmp_path, monkeypatch, no_dialogs):
    window.open_path(str(SAMPLES / "riverside.lendready"))
    window.background.show_after_ms = 0
    from lendready import report

    real = report.write_briefing
    reached, pressed = threading.Event(), threading.Event()
    pages = []

    def paced(path, case, *args, on_page, **kwargs):
        def page(n):
            pages.append(n)
            if n == 2:
                reached.set()
                pressed.wait(20)  # the user presses Cancel while page 2 is on screen
            on_page(n)

        return real(path, case, *args, on_page=page, **kwargs)

    monkeypatch.setattr(report, "write_briefing", paced)

    def press_when_ready():
        dialog = window.background.dialog
        if reached.is_set() and dialog is not None and dialog.isVisible():
            click_cancel(dialog)
            pressed.set()
        else:
            QTimer.singleShot(10, press_when_ready)

    QTimer.singleShot(0, press_when_ready)
    export_to(monkeypatch, window, tmp_path / "riverside.pdf")
    assert not window.export_briefing()
    assert pages == [1, 2], "the build stopped at the page Cancel was pressed on"
    assert list(tmp_path.iterdir()) == [], "no PDF and no temporary file"
    assert "Cancelled" in window.statusBar().currentMessage()
    assert not window.background.busy
    # The window works as before: a second export goes through.
    monkeypatch.setattr(report, "write_briefing", real)
    assert window.export_briefing()
    assert (tmp_path / "riverside.pdf").read_bytes().startswith(b"%PDF")


def test_the_session_pack_is_written_in_the_background(qtbot, window, tmp_path, monkeypatch, no_dialogs):
    window.open_path(str(SAMPLES / "vale.lendready"))
    threads = []
    from lendready import report

    real = report.write_session_pack
    monkeypatch.setattr(report, "write_session_pack", lambda *a, **k: threads.append(
        threading.current_thread() is threading.main_thread()) or real(*a, **k))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "pack.pdf"), "PDF"))
    chosen = [s for s in window.samples if s.id in ("vale", "crown_inn")]
    assert window.teach.export_session_pack(chosen)
    assert threads == [False]
    assert (tmp_path / "pack.pdf").read_bytes().startswith(b"%PDF")


def test_export_over_the_open_case_file_is_refused(qtbot, window, tmp_path, monkeypatch):
    case = tmp_path / "mine.lendready"
    case.write_bytes((SAMPLES / "vale.lendready").read_bytes())
    before = case.read_bytes()
    window.open_path(str(case))
    link = tmp_path / "briefing.pdf"
    link.symlink_to(case)  # the name says PDF; the file is the case
    shown = []
    monkeypatch.setattr(messages, "warn", lambda *a, **k: shown.append(a[2]))
    export_to(monkeypatch, window, link)
    assert not window.export_briefing()
    assert shown and "mine.lendready, a case file the briefing is made from" in shown[0]
    assert case.read_bytes() == before and link.is_symlink()


def test_a_case_file_named_pdf_is_not_overwritten_by_its_briefing(qtbot, window, tmp_path, monkeypatch):
    case = tmp_path / "odd.pdf"
    case.write_bytes((SAMPLES / "vale.lendready").read_bytes())
    before = case.read_bytes()
    if not window.open_path(str(case)):
        pytest.skip("this version refuses a case file without the .lendready suffix")
    shown = []
    monkeypatch.setattr(messages, "warn", lambda *a, **k: shown.append(a[2]))
    export_to(monkeypatch, window, case)
    assert not window.export_briefing()
    assert shown and case.read_bytes() == before


def test_while_a_job_runs_nothing_else_starts_and_closing_waits_for_it(qtbot, window, tmp_path, monkeypatch,
                                                                       no_dialogs):
    window.open_path(str(SAMPLES / "vale.lendready"))
    seen = {}

    def probe():
        seen["export"] = window.export_briefing("lender")
        seen["close_case"] = window.close_case()
        seen["session_kept"] = window.session is not None
        window.close()  # the window is asked to close (say, the desktop is logging out)
        seen["still_open"] = window.isVisible()

    QTimer.singleShot(100, probe)

    def work(job):
        for page in range(1, 200):
            time.sleep(0.02)
            job.on_page(page)
        return "finished"

    outcome = window.background.run(work, title="Writing", label="Writing x.pdf", wait_on_cancel=True)
    assert seen == {"export": False, "close_case": False, "session_kept": True, "still_open": True}
    assert outcome.cancelled, "closing cancels the running job"
    qtbot.waitUntil(lambda: not window.isVisible())  # then the window closes as asked


def test_autosave_that_is_refused_says_so_in_the_status_bar(qtbot, window, monkeypatch, no_dialogs):
    from lendready.domain.files.case_file import CaseTooLarge

    window.open_path(str(SAMPLES / "vale.lendready"))
    window.session.set_answer("org.years_trading", 9)

    def too_large(*args, **kwargs):
        raise CaseTooLarge("the case would be 6.2 MB, over the 5 MB a case file may be")

    monkeypatch.setattr(window.recovery, "write", too_large)
    window.autosave()
    assert "6.2 MB" in window.statusBar().currentMessage()
