"""The forecast editor's "Import from file…" button: a real file, the file dialog stubbed."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("PySide6")
openpyxl = pytest.importorskip("openpyxl")

from PySide6.QtCore import Qt  # noqa: E402  (after the importorskip)
from PySide6.QtWidgets import QFileDialog, QInputDialog  # noqa: E402

ROWS = [{"month": f"2027-{m:02d}", "receipts": 1000 + m, "payments": 900} for m in range(1, 13)]




def workbook(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def year(first_year=2027, bad_c5=False):
    rows = [["Month", "Receipts", "Payments"]]
    rows += [[dt.date(first_year, m, 1), 1000 + m, 900] for m in range(1, 13)]
    if bad_c5:
        rows[4][2] = "abc"
    return rows


def choose_file(monkeypatch, path):
    calls = []

    def fake(parent, caption, folder, filters):
        calls.append(filters)
        return str(path), filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake))
    return calls


def test_import_button_reads_the_file_and_can_be_undone(qtbot, editor, monkeypatch, tmp_path):
    editor.set_value(ROWS[:2])
    calls = choose_file(monkeypatch, workbook(tmp_path / "plan.xlsx", {"Forecast": year()}))
    assert editor.import_button.accessibleName()
    with qtbot.waitSignal(editor.answerChanged) as signal:
        qtbot.mouseClick(editor.import_button, Qt.MouseButton.LeftButton)
    assert "*.csv *.xlsx *.xls *.ods" in calls[0]
    assert signal.args == ["fin.forecast", ROWS]
    assert editor.value() == ROWS
    assert editor.notice_label.text() == (
        "Imported 12 months, Jan 2027 to Dec 2027 from plan.xlsx, replacing the 2 months that were in the table."
    )
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    assert editor.value() == ROWS[:2]


def test_a_bad_file_lists_the_cells_and_changes_nothing(qtbot, editor, monkeypatch, tmp_path):
    editor.set_value(ROWS[:3])
    choose_file(monkeypatch, workbook(tmp_path / "plan.xlsx", {"Forecast": year(bad_c5=True)}))
    with qtbot.assertNotEmitted(editor.answerChanged):
        qtbot.mouseClick(editor.import_button, Qt.MouseButton.LeftButton)
    assert editor.value() == ROWS[:3]
    message = editor.message_area.message()
    assert message.startswith("Nothing was imported from plan.xlsx; the table is unchanged.")
    assert "• Row 5, column C (payments): 'abc' is not an amount" in message
    assert editor.message_area.isVisible()
    assert editor.message_area.accessibleDescription() == message


def test_several_sheets_ask_which_one(qtbot, editor, monkeypatch, tmp_path):
    path = workbook(tmp_path / "plan.xlsx", {"Notes": [["just notes"]], "Forecast": year(2028)})
    choose_file(monkeypatch, path)
    asked = []

    def fake_item(parent, title, label, items, current, editable):
        asked.append(list(items))
        return "Forecast", True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(fake_item))
    qtbot.mouseClick(editor.import_button, Qt.MouseButton.LeftButton)
    assert asked == [["Notes", "Forecast"]]
    assert [r["month"] for r in editor.value()] == [f"2028-{m:02d}" for m in range(1, 13)]
    assert "from plan.xlsx, sheet Forecast" in editor.notice_label.text()


def test_cancelling_the_dialogs_changes_nothing(qtbot, editor, monkeypatch, tmp_path):
    editor.set_value(ROWS[:3])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a: ("", "")))
    with qtbot.assertNotEmitted(editor.answerChanged):
        qtbot.mouseClick(editor.import_button, Qt.MouseButton.LeftButton)
    choose_file(monkeypatch, workbook(tmp_path / "p.xlsx", {"A": year(), "B": year()}))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a: ("", False)))
    with qtbot.assertNotEmitted(editor.answerChanged):
        qtbot.mouseClick(editor.import_button, Qt.MouseButton.LeftButton)
    assert editor.value() == ROWS[:3]
