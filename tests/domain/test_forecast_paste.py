"""A forecast pasted from a spreadsheet is read whole or not at all, and every problem says where it is."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lendready.domain.files.forecast_paste import MAX_ROWS, parse_forecast_text, read_amount, read_month

VALE_ROWS = [
    ("2027-01", 640000, 575000), ("2027-02", 600000, 570000), ("2027-03", 590000, 575000),
]


def rows(*triples):
    return [{"month": m, "receipts": r, "payments": p} for m, r, p in triples]


# -- months and amounts as spreadsheets show them ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["2027-01", "2027/01", "01/2027", "1/2027", "Jan 2027", "January 2027", "jan 2027", "JANUARY 2027",
     "Jan-27", "Jan-2027", "Jan 27", "01/01/2027", "31/01/2027", "2027-01-01", "2027-01-31",
     "1-Jan-27", "01-Jan-2027", "1 January 2027", "01/01/2027 00:00:00", "2027-01-01T00:00:00",
     " 2027-01 ", "Jan.\u00a02027", "2027-1"],
)
def test_months_in_the_ways_spreadsheets_write_them(text):
    assert read_month(text) == "2027-01"


def test_a_date_is_read_day_first_as_in_britain():
    assert read_month("01/02/2027") == "2027-02"
    assert read_month("Sept 2027") == "2027-09"
    assert read_month("Dec-28") == "2028-12"


@pytest.mark.parametrize(
    "text", ["", "2027-13", "13/2027", "2027-00", "01/31/2027", "31/02/2027", "January", "Ja 2027",
             "Total", "2027", "46388", "1899-12", "Janvier 2027", "2027-01-01-01"],
)
def test_what_is_not_a_month(text):
    assert read_month(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("£1,234", 1234), ("1,234.50", 1234.5), ("1234", 1234), ("-£1,234", -1234), ("£-1,234", -1234),
     ("(1,234)", -1234), ("(£1,234)", -1234), ("\u2212£1,234", -1234), ("1 234", 1234),
     ("\u00a0£1,234\u00a0", 1234), ("£\u00a01,234,567", 1234567), ("0", 0), ("-0", 0), ("0.5", 0.5),
     (".5", 0.5), ("1234.00", 1234), ("GBP 1,000", 1000), ("+12", 12),
     # Round amounts as people (and the samples' notes) write them.
     ("£45k", 45000), ("45K", 45000), ("1.2m", 1200000), ("-£3k", -3000), ("(2.5k)", -2500)],
)
def test_amounts_in_the_ways_spreadsheets_write_them(text, value):
    result = read_amount(text)
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize(
    "text", ["", " ", "-", "£", "abc", "12abc", "1234,50", "12,34", "1,2345", "1e5", "£1,234£", "--5",
             "(-5)", "5%", "$100", "1.2.3", "1" + "0" * 16, "k", "£45kk", "1,2k", "9" * 15 + "m"],
)
def test_what_is_not_an_amount(text):
    assert read_amount(text) is None


# -- whole pastes that work ----------------------------------------------------------------------


def test_a_block_copied_from_excel_with_a_header_pound_signs_and_extra_columns():
    text = (
        "Month\tReceipts\tPayments\tNet\tRunning cash\r\n"
        "Jan-27\t£640,000\t£575,000\t£65,000\t£1,465,000\r\n"
        "Feb-27\t£600,000\t£570,000\t£30,000\t£1,495,000\r\n"
        "Mar-27\t£590,000\t£575,000\t£15,000\t£1,510,000\r\n"
    )
    assert parse_forecast_text(text) == (rows(*VALE_ROWS), [])


def test_without_a_header_the_columns_are_month_receipts_payments():
    text = "2027-01\t640000\t575000\n2027-02\t600000\t570000\n2027-03\t590000\t575000"
    assert parse_forecast_text(text).rows == rows(*VALE_ROWS)


def test_a_header_in_any_column_order_and_wording():
    text = (
        "Cash out\tPeriod\tNet cash flow\tCash in\n"
        "575000\t2027-01\t65000\t640000\n"
        "570000\t2027-02\t30000\t600000\n"
        "575000\t2027-03\t15000\t590000\n"
    )
    assert parse_forecast_text(text).rows == rows(*VALE_ROWS)


@pytest.mark.parametrize(
    ("month", "receipts", "payments"),
    [("Month", "Receipts", "Payments"), ("Date", "Income", "Expenditure"), ("Period", "Inflows", "Outflows"),
     ("MONTH", "Total receipts (£)", "Total payments (£)"), ("Month ending", "Money in", "Money out")],
)
def test_header_words(month, receipts, payments):
    text = f"{month}\t{receipts}\t{payments}\n2027-01\t1\t2\n"
    assert parse_forecast_text(text).rows == rows(("2027-01", 1, 2))


@pytest.mark.parametrize(
    ("receipts", "payments"),
    [("In", "Out"), ("IN", "OUT"), ("Cash in", "Cash out"), ("Total in", "Total out"), ("Paid in", "Paid out"),
     ("In (£)", "Out (£)"), ("Incoming", "Outgoings")],
)
def test_in_and_out_name_receipts_and_payments(receipts, payments):
    text = f"Month\t{receipts}\t{payments}\n2027-01\t1\t2\n"
    assert parse_forecast_text(text).rows == rows(("2027-01", 1, 2))


def test_in_and_out_in_other_headings_do_not_take_them_over():
    """'in' is a common little word: a heading's stronger word wins, so nothing collides."""
    text = "Month (in YYYY-MM)\tReceipts in £\tPayments in £\tCash in/out\n2027-01\t1\t2\t-1\n"
    assert parse_forecast_text(text).rows == rows(("2027-01", 1, 2))
    text = "Month\tOut\tIn\n2027-01\t2\t1\n"  # any order
    assert parse_forecast_text(text).rows == rows(("2027-01", 1, 2))


def test_cash_in_out_in_one_column_is_neither_receipts_nor_payments():
    problems = parse_forecast_text("Month\tCash in/out\tOut\n2027-01\t1\t2\n").problems
    assert problems == [
        "Row 1 (the header): no receipts column; label the columns Month, Receipts and Payments, "
        "or paste the figures without a header"
    ]


def test_every_bad_row_is_reported_not_only_the_first():
    text = "Month\tIn\tOut\n2027-01\tx\t1\n2027-02\t1\t2\n2027-03\t1\ty\n2027-04\t\t1\n"
    assert parse_forecast_text(text).problems == [
        "Row 2, column 2 (receipts): 'x' is not an amount",
        "Row 4, column 3 (payments): 'y' is not an amount",
        "Row 5, column 2 (receipts): the cell is empty; enter 0 if there are no receipts that month",
    ]


def test_a_net_column_is_never_taken_for_receipts_or_payments():
    text = "Month\tNet inflow\tReceipts\tNet outflow\tPayments\n2027-01\t9\t1\t9\t2\n"
    assert parse_forecast_text(text).rows == rows(("2027-01", 1, 2))


def test_an_unlabelled_first_column_holds_the_months():
    text = "\tReceipts\tPayments\nJan 2027\t1\t2\n"
    assert parse_forecast_text(text).rows == rows(("2027-01", 1, 2))


def test_several_income_lines_use_the_total():
    text = "Month\tGrant income\tTrading income\tTotal income\tPayments\n2027-01\t1\t2\t3\t4\n"
    assert parse_forecast_text(text).rows == rows(("2027-01", 3, 4))


def test_blank_lines_and_blank_spreadsheet_rows_are_skipped():
    text = "\n2027-01\t1\t2\n\t\t\n\n2027-02\t3\t4\n\n"
    assert parse_forecast_text(text).rows == rows(("2027-01", 1, 2), ("2027-02", 3, 4))


def test_old_mac_line_endings():
    result = parse_forecast_text("2027-01\t1\t2\r2027-02\t3\t4\r")
    assert result.rows == rows(("2027-01", 1, 2), ("2027-02", 3, 4))


def test_with_tabs_commas_are_thousands_separators():
    text = "2027-01\t1,234,567\t1,000\n"
    assert parse_forecast_text(text).rows == rows(("2027-01", 1234567, 1000))


def test_quoted_cells_as_sheets_sometimes_copy_them():
    assert parse_forecast_text('2027-01\t"£1,234"\t"5"\n').rows == rows(("2027-01", 1234, 5))


def test_csv_with_quoted_thousands():
    text = 'Month,Receipts,Payments\n2027-01,"£640,000","£575,000"\nFeb 2027, "600,000", 570000\n'
    assert parse_forecast_text(text).rows == rows(("2027-01", 640000, 575000), ("2027-02", 600000, 570000))


def test_csv_without_thousands_separators():
    text = "2027-01,640000,575000\r\n2027-02,600000.50,570000\r\n"
    assert parse_forecast_text(text).rows == rows(("2027-01", 640000, 575000), ("2027-02", 600000.5, 570000))


def test_csv_with_unquoted_thousands_is_read_when_only_one_reading_fits():
    # "000" cannot begin an amount, and the line must give three columns, so each line has one reading.
    text = "2027-01,640,000,575,000\n2027-02,1,234,56,789\n"
    assert parse_forecast_text(text).rows == rows(("2027-01", 640000, 575000), ("2027-02", 1234, 56789))


def test_csv_with_extra_columns_under_a_header():
    text = "Month,Receipts,Payments,Net\n2027-01,640,000,575,000,65,000\n"
    assert parse_forecast_text(text).rows == rows(("2027-01", 640000, 575000))


def test_semicolon_separated():
    text = "Month;Receipts;Payments\n2027-01;£1234;500.50\n2027-02;1,234,567;12.5\n"
    assert parse_forecast_text(text).rows == rows(("2027-01", 1234, 500.5), ("2027-02", 1234567, 12.5))


@pytest.mark.parametrize("cell, readings, writes", [
    ("12.500", "£12,500 or £12.5", "12500 or 12.50"),
    ("£12,500", "£12,500 or £12.5", "12500 or 12.50"),
    ("-1.234", "£1,234 or £1.234", "1234 or 1.23"),
])
def test_a_figure_with_two_readings_in_a_semicolon_file_is_refused_not_guessed(cell, readings, writes):
    (message,) = problems(f"Month;Receipts;Payments\n2027-01;{cell};5\n")
    assert message.startswith(f"Row 2, column 2 (receipts): '{cell}' could be {readings}")
    assert message.endswith(f": {writes}")


def test_with_tabs_a_full_stop_before_three_digits_is_refused_but_a_comma_groups_thousands():
    assert problems("2027-01\t12.500\t1,000\n") == [
        "Row 1, column 2 (receipts): '12.500' could be £12,500 or £12.5, since in this file the full stop may "
        "separate thousands or pence; write it without thousands separators and with pence after a full stop: "
        "12500 or 12.50"
    ]


def test_a_comma_csv_reads_a_full_stop_as_the_decimal_mark():
    assert parse_forecast_text("2027-01,12.500,5\n").rows == rows(("2027-01", 12.5, 5))


def test_one_semicolon_in_a_comma_csv_does_not_change_the_separator():
    text = "Month,Receipts,Payments,Notes\n2027-01,100,50,rent; rates\n2027-02,100,50,\n"
    assert parse_forecast_text(text).rows == rows(("2027-01", 100, 50), ("2027-02", 100, 50))


def test_semicolons_win_when_commas_are_inside_the_figures():
    text = "2027-01;1,5;2\n2027-02;3;4\n"
    assert problems(text)[0].startswith("Row 1, column 2 (receipts): '1,5' is not an amount")


def test_problems_are_capped_with_a_count_of_the_rest():
    text = "\n".join(f"{2027 + i // 12}-{i % 12 + 1:02d}\tx{i}\t1" for i in range(400))
    result = problems(text, max_rows=1000)
    assert len(result) == 21
    assert result[0] == "Row 1, column 2 (receipts): 'x0' is not an amount"
    assert result[-1] == "and 380 more rows with problems"


def test_the_largest_forecast_fits():
    text = "\n".join(f"{2027 + i // 12}-{i % 12 + 1:02d}\t{i}\t1" for i in range(MAX_ROWS))
    result = parse_forecast_text(text)
    assert result.problems == [] and len(result.rows) == MAX_ROWS


def test_gaps_and_short_forecasts_are_left_to_the_questionnaire():
    text = "2027-01\t1\t2\n2027-05\t3\t4\n"
    assert parse_forecast_text(text).rows == rows(("2027-01", 1, 2), ("2027-05", 3, 4))


def test_negative_amounts_are_read_and_left_to_the_questionnaire_to_judge():
    assert parse_forecast_text("2027-01\t(1,234)\t-£5\n").rows == rows(("2027-01", -1234, -5))


@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**9),
            st.integers(0, 10**9),
            st.sampled_from(["iso", "slash", "name", "short", "date"]),
            st.sampled_from(["plain", "pound", "commas", "pence"]),
        ),
        min_size=1,
        max_size=MAX_ROWS,
    ),
    st.booleans(),
)
def test_any_mix_of_supported_formats_round_trips(items, header):
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    lines, expected = (["Month\tReceipts\tPayments"] if header else []), []
    for i, (receipts, payments, month_style, amount_style) in enumerate(items):
        year, month = 2027 + i // 12, i % 12 + 1
        shown_month = {
            "iso": f"{year}-{month:02d}", "slash": f"{month:02d}/{year}",
            "name": f"{names[month - 1]} {year}", "short": f"{names[month - 1]}-{year % 100:02d}",
            "date": f"01/{month:02d}/{year}",
        }[month_style]

        def shown(v: int, style: str = amount_style) -> str:
            styles = {"plain": str(v), "pound": f"£{v}", "commas": f"{v:,}", "pence": f"£{v:,}.00"}
            return styles[style]

        lines.append(f"{shown_month}\t{shown(receipts)}\t{shown(payments)}")
        expected.append({"month": f"{year}-{month:02d}", "receipts": receipts, "payments": payments})
    assert parse_forecast_text("\r\n".join(lines)) == (expected, [])


# -- problems: named by row and column, and nothing half-imported -------------------------------


def problems(text, **kw):
    result = parse_forecast_text(text, **kw)
    assert result.rows == []  # never half-imported
    return result.problems


def test_every_bad_cell_is_named_by_row_and_column_and_nothing_is_taken():
    text = (
        "Month\tReceipts\tPayments\n"  # row 1
        "2027-01\t£640,000\t£575,000\n"  # row 2: fine
        "2027-02\tabc\t£570,000\n"  # row 3
        "2027-13\t£590,000\t\n"  # row 4
        "\n"  # row 5: blank, skipped but counted
        "Total\t1\t-\n"  # row 6
    )
    assert problems(text) == [
        "Row 3, column 2 (receipts): 'abc' is not an amount",
        "Row 4, column 1 (month): '2027-13' is not a month; write it for example as Aug 2027 or 08/2027",
        "Row 4, column 3 (payments): the cell is empty; enter 0 if there are no payments that month",
        "Row 6, column 1 (month): 'Total' looks like a totals row; copy only the monthly rows",
        "Row 6, column 3 (payments): '-' is not an amount; enter 0 if there are no payments that month",
    ]


def test_columns_are_numbered_as_pasted_whatever_their_order():
    text = "Payments\tMonth\tReceipts\n5\tJan 2027\t£1,2345\n"
    assert problems(text) == ["Row 2, column 3 (receipts): '£1,2345' is not an amount"]


def test_without_a_header_rows_count_from_the_first_line():
    assert problems("2027-01\t1\t2\n2027-02\tx\t2\n") == ["Row 2, column 2 (receipts): 'x' is not an amount"]


def test_an_empty_month_cell():
    assert problems("2027-01\t1\t2\n\t3\t4\n") == [
        "Row 2, column 1 (month): the cell is empty; every row needs its month"
    ]


def test_a_missing_column():
    assert problems("2027-01\t1\n") == [
        "Row 1, column 3 (payments): missing; copy the month, receipts and payments columns together"
    ]


def test_a_decimal_comma_is_explained_not_misread():
    assert problems("2027-01;1234,50;5\n") == [
        "Row 1, column 2 (receipts): '1234,50' is not an amount; write pence after a full stop, "
        "for example 1234.50"
    ]


def test_a_figure_too_large_to_be_real():
    assert problems("2027-01\t1\t99999999999999999\n") == [
        "Row 1, column 3 (payments): '99999999999999999' is too large to be a real figure"
    ]


def test_a_long_cell_is_shortened_in_the_message():
    (message,) = problems("2027-01\t" + "x" * 100 + "\t1\n")
    assert message == "Row 1, column 2 (receipts): '" + "x" * 29 + "…' is not an amount"


def test_duplicate_months_name_both_rows():
    text = "Month\tReceipts\tPayments\nJan 2027\t1\t2\n2027-02\t1\t2\n01/01/2027\t1\t2\n"
    assert problems(text) == ["Row 4, column 1 (month): 2027-01 is also in row 2; give each month once"]


def test_more_than_36_rows():
    text = "\n".join(f"{2027 + i // 12}-{i % 12 + 1:02d}\t1\t1" for i in range(MAX_ROWS + 1))
    assert problems(text) == ["The paste has 37 months; a forecast takes at most 36"]


def test_the_row_limit_follows_the_question():
    text = "2027-01\t1\t1\n2027-02\t1\t1\n2027-03\t1\t1\n"
    assert problems(text, max_rows=2) == ["The paste has 3 months; a forecast takes at most 2"]


def test_the_row_limit_is_reported_with_the_cell_problems():
    text = "\n".join(f"{2027 + i // 12}-{i % 12 + 1:02d}\t1\t1" for i in range(40)) + "\n2030-05\tx\t1"
    assert problems(text) == [
        "The paste has 41 months; a forecast takes at most 36",
        "Row 41, column 2 (receipts): 'x' is not an amount",
    ]


@pytest.mark.parametrize("text", ["", "   ", "\r\n\r\n", "\t\t\n"])
def test_no_data(text):
    assert problems(text) == [
        "Nothing to paste: copy the month, receipts and payments columns in your spreadsheet first"
    ]


def test_a_header_with_nothing_under_it():
    assert problems("Month\tReceipts\tPayments\r\n") == ["Row 1 is a header with no months under it"]


def test_a_header_without_payments():
    assert problems("Month\tReceipts\tNotes\n2027-01\t1\tx\n") == [
        "Row 1 (the header): no payments column; label the columns Month, Receipts and Payments, "
        "or paste the figures without a header"
    ]


def test_a_header_with_two_receipts_columns_and_no_total():
    assert problems("Month\tGrant income\tTrading income\tPayments\n2027-01\t1\t2\t3\n") == [
        "Row 1 (the header): columns 2 and 3 both look like receipts; copy a single receipts column, "
        "such as the total"
    ]


def test_months_across_the_columns():
    text = "\tJan 2027\tFeb 2027\tMar 2027\nReceipts\t1\t2\t3\nPayments\t4\t5\t6\n"
    assert problems(text) == [
        "Row 1 has months across the columns; lendready needs one month per row. In the spreadsheet, "
        "paste the block with Paste Special → Transpose, then copy it again"
    ]


def test_csv_where_commas_cannot_be_told_apart():
    assert problems("2027-01,1,234,567\n") == [
        "Row 1: cannot tell which commas separate columns and which separate thousands; copy straight "
        "from the spreadsheet, or save the figures without thousands separators"
    ]


def test_one_bad_cell_in_an_otherwise_good_year_takes_nothing():
    good = [f"2027-{m:02d}\t£{m},000\t£1,000" for m in range(1, 13)]
    good[6] = "2027-07\t£7,000\t1OO"  # letter O for zero
    assert problems("\n".join(good)) == ["Row 7, column 3 (payments): '1OO' is not an amount"]
