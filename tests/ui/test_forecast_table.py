"""The forecast editor: paste a year from a spreadsheet, correct it in place, and never lose a figure."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QDate, Qt  # noqa: E402
from PySide6.QtGui import QFont, QPalette  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QTableView,
)

from lendready.ui.forecast_table import MONTH, NET, PAYMENTS, RECEIPTS, RUNNING, ForecastEditor  # noqa: E402

# What a founder gets on the clipboard after selecting a forecast in Excel: a header,
# pound signs and thousands separators, Windows line endings, a net column lendready ignores.
VALE_FIGURES = [
    (640000, 575000), (600000, 570000), (590000, 575000), (600000, 620000), (610000, 575000),
    (590000, 570000), (620000, 585000), (630000, 590000), (610000, 575000), (600000, 575000),
    (580000, 570000), (540000, 600000),
]
MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
SPREADSHEET = "Month\tReceipts\tPayments\tNet\r\n" + "".join(
    f"{MONTH_NAMES[i]}-27\t£{r:,}\t£{p:,}\t£{r - p:,}\r\n" for i, (r, p) in enumerate(VALE_FIGURES)
)
VALE_ROWS = [
    {"month": f"2027-{i + 1:02d}", "receipts": r, "payments": p} for i, (r, p) in enumerate(VALE_FIGURES)
]




def shown(editor: ForecastEditor, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return editor.model.index(row, column).data(role)


def months(editor: ForecastEditor) -> list[str]:
    return [shown(editor, r, MONTH) for r in range(editor.model.rowCount())]


def type_into_cell(qtbot, editor: ForecastEditor, row: int, column: int, text: str) -> QLineEdit:
    """Type as a person would: the first key opens the cell's editor, the rest go to it."""
    editor.table.setFocus()
    editor.table.setCurrentIndex(editor.model.index(row, column))
    qtbot.keyClick(editor.table, text[0])
    cell = QApplication.focusWidget()
    assert isinstance(cell, QLineEdit)
    qtbot.keyClicks(cell, text[1:])
    return cell


# -- pasting ---------------------------------------------------------------------------------


def test_paste_button_reads_a_spreadsheet_year_and_shows_net_and_running_cash(qtbot, editor):
    editor.set_opening_cash(1_400_000)
    QApplication.clipboard().setText(SPREADSHEET)
    with qtbot.waitSignal(editor.answerChanged) as signal:
        qtbot.mouseClick(editor.paste_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["fin.forecast", VALE_ROWS]
    assert editor.value() == VALE_ROWS
    assert months(editor)[0] == "Jan 2027" and months(editor)[-1] == "Dec 2027"
    assert shown(editor, 0, MONTH, Qt.ItemDataRole.EditRole) == "Jan 2027"  # read back as typed
    assert shown(editor, 0, RECEIPTS) == "£640,000"
    assert shown(editor, 0, NET) == "£65,000"
    assert shown(editor, 0, RUNNING) == "£1,465,000"
    assert shown(editor, 3, NET) == "\u2212£20,000"  # April pays out more than it takes in
    assert shown(editor, 3, RUNNING) == "£1,490,000"
    assert shown(editor, 11, NET) == "\u2212£60,000"
    assert shown(editor, 11, RUNNING) == "£1,630,000"
    assert "Pasted 12 months, Jan 2027 to Dec 2027" in editor.notice_label.text()
    assert not editor.message_area.isVisible()


def test_negative_figures_stand_out_in_bold_and_the_problem_colour(editor):
    editor.set_opening_cash(10_000)
    editor.set_value([
        {"month": "2027-01", "receipts": 5_000, "payments": 1_000},
        {"month": "2027-02", "receipts": 0, "payments": 20_000},
    ])
    assert shown(editor, 1, NET) == "\u2212£20,000"
    assert shown(editor, 1, RUNNING) == "\u2212£6,000"
    for column in (NET, RUNNING):
        font = shown(editor, 1, column, Qt.ItemDataRole.FontRole)
        assert isinstance(font, QFont) and font.bold()
        colour = shown(editor, 1, column, Qt.ItemDataRole.ForegroundRole).color()
        assert colour != editor.palette().color(QPalette.ColorRole.Text)
    assert shown(editor, 0, NET, Qt.ItemDataRole.FontRole) is None
    assert shown(editor, 0, RUNNING, Qt.ItemDataRole.ForegroundRole) is None


def test_ctrl_v_in_the_table_pastes_too(qtbot, editor):
    QApplication.clipboard().setText(SPREADSHEET)
    editor.table.setFocus()
    with qtbot.waitSignal(editor.answerChanged) as signal:
        qtbot.keyClick(editor.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert signal.args[1] == VALE_ROWS
    assert editor.model.rowCount() == 12


def test_a_bad_paste_lists_each_cell_and_changes_nothing(qtbot, editor):
    editor.set_value(VALE_ROWS[:3])
    bad = SPREADSHEET.replace("£610,000\t£575,000\t£35,000\r\n", "£61O,000\t\t£35,000\r\n", 1)
    QApplication.clipboard().setText(bad)
    with qtbot.assertNotEmitted(editor.answerChanged):
        qtbot.mouseClick(editor.paste_button, Qt.MouseButton.LeftButton)
    assert editor.value() == VALE_ROWS[:3]
    assert months(editor) == ["Jan 2027", "Feb 2027", "Mar 2027"]
    message = editor.message_area.message()
    assert editor.message_area.isVisible()
    assert message.startswith("Nothing was pasted; the table is unchanged.")
    assert "Row 6, column 2 (receipts): '£61O,000' is not an amount" in message
    assert "Row 6, column 3 (payments): the cell is empty" in message
    assert editor.message_area.accessibleDescription() == message
    # A good paste afterwards clears the list.
    QApplication.clipboard().setText(SPREADSHEET)
    editor.table.setFocus()
    qtbot.keyClick(editor.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert editor.value() == VALE_ROWS
    assert not editor.message_area.isVisible()


def test_every_bad_row_is_listed_not_only_the_first(editor):
    assert not editor.paste_text("\n".join(f"2027-{m:02d}\tx\t1" for m in range(1, 13)))
    lines = editor.message_area.message().splitlines()
    assert len(lines) == 1 + 12
    assert lines[1:] == [f"• Row {n}, column 2 (receipts): 'x' is not an amount" for n in range(1, 13)]


def test_a_long_list_of_problems_is_cut_short_by_the_reader_and_counted(editor):
    text = "\n".join(f"{2027 + m // 12}-{m % 12 + 1:02d}\tx\t1" for m in range(30))
    assert not editor.paste_text(text)
    lines = editor.message_area.message().splitlines()
    assert len(lines) == 1 + 20 + 1  # the 20 the reader lists, then its count of the rest
    assert lines[-1] == "• and 10 more rows with problems"


def test_in_and_out_headings_paste(editor):
    text = "Month\tIn\tOut\n" + "".join(f"2027-{m:02d}\t{m * 100}\t50\n" for m in range(1, 13))
    assert editor.paste_text(text)
    assert editor.value()[0] == {"month": "2027-01", "receipts": 100, "payments": 50}


BAD_PASTE = "2027-01\tx\t1\n2027-02\t1\ty\n"


def _refused(editor) -> None:
    assert not editor.paste_text(BAD_PASTE)
    assert editor.message_area.isVisible() and "Row 2" in editor.message_area.message()


@pytest.mark.parametrize("action", ["edit a cell", "add a month", "remove a month", "undo", "start a forecast"])
def test_a_refused_paste_message_goes_once_the_table_changes(qtbot, editor, action):
    editor.set_value(VALE_ROWS[:3])
    editor.add_month()  # something to undo
    _refused(editor)
    if action == "edit a cell":
        cell = type_into_cell(qtbot, editor, 0, RECEIPTS, "1234")
        with qtbot.waitSignal(editor.answerChanged):
            qtbot.keyClick(cell, Qt.Key.Key_Return)
        assert editor.value()[0]["receipts"] == 1234
    elif action == "add a month":
        editor.add_month()
    elif action == "remove a month":
        editor.table.setCurrentIndex(editor.model.index(0, MONTH))
        editor.remove_months()
    elif action == "undo":
        editor.undo()
    else:
        editor.start_forecast("2030-01")
    assert not editor.message_area.isVisible(), action
    assert editor.message_area.message() is None


def test_a_refused_paste_message_stays_while_nothing_changes(qtbot, editor):
    editor.set_value(VALE_ROWS[:3])
    _refused(editor)
    editor.table.setCurrentIndex(editor.model.index(1, PAYMENTS))  # moving about is not a change
    editor.show_start_panel()
    editor.hide_start_panel()
    assert editor.message_area.isVisible()


def test_the_notice_and_the_start_warning_use_the_width_not_a_narrow_column(qtbot, editor):
    """They once wrapped after a few words beside their buttons, mid-sentence."""
    editor.resize(560, 700)
    editor.set_value(VALE_ROWS[:3])
    assert editor.paste_text(SPREADSHEET)
    editor.show_start_panel()
    qtbot.wait(20)
    assert editor.notice_label.width() >= editor.width() * 0.6
    assert editor.replace_warning.width() >= editor.width() * 0.9  # a line of its own
    fm = editor.replace_warning.fontMetrics()
    assert editor.replace_warning.height() < 2 * fm.lineSpacing()  # one line at this width


def test_pasting_over_a_forecast_can_be_undone(qtbot, editor):
    editor.set_value(VALE_ROWS[:2])
    QApplication.clipboard().setText(SPREADSHEET)
    qtbot.mouseClick(editor.paste_button, Qt.MouseButton.LeftButton)
    assert editor.notice_label.text() == (
        "Pasted 12 months, Jan 2027 to Dec 2027, replacing the 2 months that were in the table."
    )
    assert editor.undo_button.isVisible()
    with qtbot.waitSignal(editor.answerChanged) as signal:
        qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["fin.forecast", VALE_ROWS[:2]]
    assert editor.value() == VALE_ROWS[:2]
    assert not editor.notice.isVisible()


# -- adding and removing months ----------------------------------------------------------------


def test_add_month_appends_the_month_after_the_last(qtbot, editor):
    editor.set_value(VALE_ROWS[:12])
    with qtbot.waitSignal(editor.answerChanged) as signal:
        qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert signal.args[1][-1] == {"month": "2028-01", "receipts": 0, "payments": 0}
    assert months(editor)[-1] == "Jan 2028"
    assert editor.table.currentIndex().row() == 12


def test_add_month_stops_at_the_question_limit(qtbot, editor):
    rows = [{"month": f"{2027 + i // 12}-{i % 12 + 1:02d}", "receipts": 1, "payments": 1} for i in range(35)]
    editor.set_value(rows)
    assert editor.add_button.isEnabled()
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert editor.model.rowCount() == 36
    assert not editor.add_button.isEnabled()


def test_remove_month_removes_the_selected_month_and_can_be_undone(qtbot, editor):
    editor.set_value(VALE_ROWS[:3])
    assert not editor.remove_button.isEnabled()  # nothing chosen yet
    editor.table.setCurrentIndex(editor.model.index(1, RECEIPTS))
    assert editor.remove_button.isEnabled()
    with qtbot.waitSignal(editor.answerChanged) as signal:
        qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert signal.args[1] == [VALE_ROWS[0], VALE_ROWS[2]]
    assert editor.notice_label.text() == "Removed Feb 2027."
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    assert editor.value() == VALE_ROWS[:3]


def test_removing_every_month_empties_the_answer(qtbot, editor):
    editor.set_value(VALE_ROWS[:1])
    editor.table.setCurrentIndex(editor.model.index(0, MONTH))
    with qtbot.waitSignal(editor.answerChanged) as signal:
        qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["fin.forecast", None]
    assert editor.value() is None
    assert not editor.remove_button.isEnabled()


def test_ctrl_z_undoes_step_by_step(qtbot, editor):
    editor.set_value(VALE_ROWS[:2])
    editor.add_month()
    editor.add_month()
    editor.table.setFocus()
    qtbot.keyClick(editor.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert months(editor) == ["Jan 2027", "Feb 2027", "Mar 2027"]
    qtbot.keyClick(editor.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.value() == VALE_ROWS[:2]
    qtbot.keyClick(editor.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # nothing left to undo
    assert editor.value() == VALE_ROWS[:2]


# -- starting a 12-month forecast -------------------------------------------------------------


def test_start_a_12_month_forecast_asks_for_the_first_month_inline(qtbot, editor):
    qtbot.mouseClick(editor.start_button, Qt.MouseButton.LeftButton)
    assert editor.start_panel.isVisible()
    assert not editor.replace_warning.isVisible()  # nothing to replace
    assert QApplication.focusWidget() is editor.first_month_edit
    editor.first_month_edit.setDate(QDate(2027, 4, 1))
    with qtbot.waitSignal(editor.answerChanged) as signal:
        qtbot.mouseClick(editor.create_button, Qt.MouseButton.LeftButton)
    rows = signal.args[1]
    expected = [f"2027-{m:02d}" for m in range(4, 13)] + ["2028-01", "2028-02", "2028-03"]
    assert [r["month"] for r in rows] == expected
    assert all(r["receipts"] == 0 and r["payments"] == 0 for r in rows)
    assert not editor.start_panel.isVisible()


def test_starting_over_a_forecast_warns_and_can_be_undone(qtbot, editor):
    editor.set_value(VALE_ROWS)
    qtbot.mouseClick(editor.start_button, Qt.MouseButton.LeftButton)
    assert editor.replace_warning.isVisible()
    assert editor.replace_warning.text() == "This replaces the 12 months in the table; you can undo it."
    assert editor.first_month_edit.date() == QDate(2027, 1, 1)
    qtbot.keyClick(editor.first_month_edit, Qt.Key.Key_Return)
    assert editor.value()[0] == {"month": "2027-01", "receipts": 0, "payments": 0}
    assert "replacing the 12 months" in editor.notice_label.text() and editor.undo_button.isVisible()
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    assert editor.value() == VALE_ROWS


def test_escape_closes_the_start_panel_without_changing_anything(qtbot, editor):
    editor.set_value(VALE_ROWS)
    qtbot.mouseClick(editor.start_button, Qt.MouseButton.LeftButton)
    with qtbot.assertNotEmitted(editor.answerChanged):
        qtbot.keyClick(editor.first_month_edit, Qt.Key.Key_Escape)
    assert not editor.start_panel.isVisible()
    assert editor.value() == VALE_ROWS


# -- the answer ----------------------------------------------------------------------------------


def test_set_value_fills_the_table_without_emitting(qtbot, editor):
    with qtbot.assertNotEmitted(editor.answerChanged):
        editor.set_value(VALE_ROWS)
        editor.set_value(None)
        editor.set_value(VALE_ROWS)
    assert editor.value() == VALE_ROWS
    assert editor.model.rowCount() == 12


def test_value_is_a_copy(editor):
    editor.set_value(VALE_ROWS)
    editor.value()[0]["receipts"] = 1
    assert editor.value() == VALE_ROWS


def test_a_kept_answer_that_breaks_the_rules_is_shown_as_it_is(editor):
    editor.set_value([{"month": "2027-13", "receipts": -5, "payments": 2.5}])
    assert months(editor) == ["2027-13"]
    assert shown(editor, 0, RECEIPTS) == "\u2212£5"
    assert shown(editor, 0, PAYMENTS) == "£2.50"
    assert editor.value() == [{"month": "2027-13", "receipts": -5, "payments": 2.5}]


def test_set_problem_shows_the_questionnaire_message_inline(editor):
    editor.set_problem("The forecast needs 12 to 36 months; this one has 2")
    assert editor.problem_line.isVisible()
    assert editor.problem_line.message() == "The forecast needs 12 to 36 months; this one has 2"
    assert editor.table.accessibleDescription().startswith("Problem: The forecast needs 12 to 36 months")
    editor.set_problem(None)
    assert not editor.problem_line.isVisible()
    assert not editor.table.accessibleDescription().startswith("Problem")


def test_running_cash_from_zero_says_so(editor):
    editor.set_value(VALE_ROWS[:2])
    editor.set_opening_cash(None)
    assert shown(editor, 1, RUNNING) == "£95,000"
    tip = editor.model.headerData(RUNNING, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "starts from £0" in tip and "before the new loan's repayments, which lendready adds" in tip
    assert "starts from £0, as cash at bank today is not answered yet" in editor.note.text()
    editor.set_opening_cash(1_400_000)
    assert shown(editor, 1, RUNNING) == "£1,495,000"
    tip = editor.model.headerData(RUNNING, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "£1,400,000" in tip and "which lendready adds" in tip
    net_tip = editor.model.headerData(NET, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "before the new loan's repayments, which lendready adds" in net_tip


# -- typing in the table ---------------------------------------------------------------------


def test_editing_an_amount_emits_and_updates_net_and_running_cash(qtbot, editor):
    editor.set_opening_cash(0)
    editor.set_value(VALE_ROWS[:2])
    cell = type_into_cell(qtbot, editor, 0, PAYMENTS, "£700,000")
    with qtbot.waitSignal(editor.answerChanged) as signal:
        qtbot.keyClick(cell, Qt.Key.Key_Return)
    assert signal.args[1][0] == {"month": "2027-01", "receipts": 640000, "payments": 700000}
    assert shown(editor, 0, PAYMENTS) == "£700,000"
    assert shown(editor, 0, NET) == "\u2212£60,000"
    assert shown(editor, 1, RUNNING) == "\u2212£30,000"  # the change carries down the column


def test_editing_a_month_accepts_how_people_write_it(qtbot, editor):
    editor.set_value(VALE_ROWS[:1])
    cell = type_into_cell(qtbot, editor, 0, MONTH, "Mar 2027")
    with qtbot.waitSignal(editor.answerChanged) as signal:
        qtbot.keyClick(cell, Qt.Key.Key_Return)
    assert signal.args[1][0]["month"] == "2027-03"


def test_letters_in_an_amount_are_refused_with_an_inline_message(qtbot, editor):
    editor.set_value(VALE_ROWS[:1])
    cell = type_into_cell(qtbot, editor, 0, RECEIPTS, "12abc")
    assert cell.text() == "12"
    assert editor.message_area.isVisible()
    assert editor.message_area.message().startswith("Amounts are numbers in pounds")
    with qtbot.waitSignal(editor.answerChanged):
        qtbot.keyClick(cell, Qt.Key.Key_Return)
    assert editor.value()[0]["receipts"] == 12
    assert not editor.message_area.isVisible()


def test_an_unfinished_amount_is_not_saved_and_the_message_quotes_it(qtbot, editor):
    editor.set_value(VALE_ROWS[:2])
    cell = type_into_cell(qtbot, editor, 0, RECEIPTS, "1,2")
    with qtbot.assertNotEmitted(editor.answerChanged):
        qtbot.keyClick(cell, Qt.Key.Key_Return)  # incomplete: the cell stays open and says why
        assert QApplication.focusWidget() is cell
        assert editor.message_area.message().startswith("'1,2' is not complete.")
        editor.add_button.setFocus()  # leaving the cell closes it without saving
        qtbot.wait(10)
    assert editor.value() == VALE_ROWS[:2]
    assert editor.message_area.message().startswith("'1,2' was not kept; row 1 still shows £640,000.")


def test_typing_the_same_value_again_is_not_a_change(qtbot, editor):
    editor.set_value(VALE_ROWS[:1])
    cell = type_into_cell(qtbot, editor, 0, RECEIPTS, "640,000")
    with qtbot.assertNotEmitted(editor.answerChanged):
        qtbot.keyClick(cell, Qt.Key.Key_Return)


def test_commit_pending_keeps_a_figure_still_being_typed(qtbot, editor):
    editor.set_value(VALE_ROWS[:1])
    type_into_cell(qtbot, editor, 0, RECEIPTS, "5,000")
    with qtbot.waitSignal(editor.answerChanged) as signal:
        editor.commit_pending()  # e.g. the user saves the case without leaving the cell
    assert signal.args[1][0]["receipts"] == 5000
    with qtbot.assertNotEmitted(editor.answerChanged):
        editor.commit_pending()  # nothing open any more


def test_derived_columns_are_read_only(editor):
    editor.set_value(VALE_ROWS[:1])
    for column in (NET, RUNNING):
        assert not editor.model.flags(editor.model.index(0, column)) & Qt.ItemFlag.ItemIsEditable
        assert not editor.model.setData(editor.model.index(0, column), "5")
    assert editor.model.flags(editor.model.index(0, RECEIPTS)) & Qt.ItemFlag.ItemIsEditable


# -- keyboard and screen readers ---------------------------------------------------------------


def test_every_control_has_an_accessible_name(editor):
    editor.set_value(VALE_ROWS)
    controls = editor.findChildren(QAbstractButton) + editor.findChildren(QAbstractSpinBox)
    controls += editor.findChildren(QTableView)
    assert len(controls) >= 9
    for widget in controls:
        assert widget.accessibleName(), widget
    assert editor.table.accessibleName() == "Your monthly cashflow forecast"
    assert editor.message_area.accessibleName() == "Paste and edit messages"
    assert editor.problem_line.accessibleName() == "Forecast problem"


def test_help_comes_from_the_question_for_the_role(qtbot, knowledge):
    question = knowledge.questionnaire.questions["fin.forecast"]
    lender = ForecastEditor(question, "lender")
    qtbot.addWidget(lender)
    assert lender.help_label.text() == question.help.for_role("lender")
    assert lender.table.accessibleName() == question.label.for_role("lender")
    assert lender.title.text() == question.label.for_role("lender")
    assert not lender.help_label.isVisibleTo(lender)
    lender.help_button.click()
    assert lender.help_label.isVisibleTo(lender)


def test_f1_shows_and_hides_the_help(qtbot, editor):
    editor.table.setFocus()
    qtbot.keyClick(editor.table, Qt.Key.Key_F1)
    assert editor.help_label.isVisible()
    qtbot.keyClick(editor.table, Qt.Key.Key_F1)
    assert not editor.help_label.isVisible()


def test_focus_input_puts_the_cursor_in_the_table(qtbot, editor):
    editor.set_value(VALE_ROWS)
    editor.add_button.setFocus()
    editor.focus_input()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.table)
    assert editor.table.currentIndex() == editor.model.index(0, RECEIPTS)


def test_tab_leaves_the_table(qtbot, editor):
    editor.set_value(VALE_ROWS)
    editor.table.setFocus()
    qtbot.keyClick(editor.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not editor.table


def test_the_table_shows_a_year_without_scrolling(editor):
    editor.set_value(VALE_ROWS)
    hint = editor.table.sizeHint().height()
    assert hint >= editor.table.horizontalHeader().height() + 12 * editor.table.rowHeight(0)


def test_refused_cells_from_outside_are_shown_as_text_with_odd_characters_visible(editor):
    """A pasted cell can hold markup or a right-to-left override; the message shows it, never acts on it."""
    from PySide6.QtCore import Qt

    editor.set_value([])
    assert not editor.paste_text("Month\tReceipts\tPayments\n2027-01\t<b>1</b>\u202e\t900\n")
    message = editor.message_area.message()
    assert "[U+202E]" in message and "\u202e" not in message
    assert editor.message_area.text.textFormat() == Qt.TextFormat.PlainText
    assert editor.notice_label.textFormat() == Qt.TextFormat.PlainText
    assert editor.value() is None
