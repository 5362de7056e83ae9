"""UK conventions in one place: whole pounds, 'Apr 2025', '31/03/2025', one minus sign, '£45k' read."""

from __future__ import annotations

import datetime as dt

import pytest

from lendready.domain.engine import formatting
from lendready.domain.engine.formatting import (
    MINUS,
    NotReadable,
    date_label,
    moment,
    money,
    month_label,
    parse_amount,
    parse_date_uk,
    parse_month_uk,
)


# -- showing ---------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "shown"), [
    (230708.67, "£230,709"),
    (-76144.91, "\u2212£76,145"),
    (1_250_000, "£1,250,000"),
    (0.5, "£1"),  # half a pound rounds up, not to even
    (2.5, "£3"),
    (-0.4, "£0"),  # never "−£0"
    (0, "£0"),
])
def test_money_is_whole_pounds_by_default(value, shown):
    assert money(value) == shown


@pytest.mark.parametrize(("value", "shown"), [
    (17416.27, "£17,416.27"),
    (-76144.91, "\u2212£76,144.91"),
    (208995.255, "£208,995.26"),
    (1000, "£1,000"),  # pence only when there are any
    (-0.001, "£0"),
])
def test_money_with_pence_for_figures_read_to_the_penny(value, shown):
    assert money(value, pence=True) == shown


def test_every_negative_carries_the_one_minus_sign():
    shown = [money(-5), money(-5.5, pence=True), formatting.number(-3), formatting.number(-2.5),
             formatting.ratio(-0.5), formatting.percent(-12), formatting.by_unit(-1.25, "months"),
             formatting.short_money(-20_000), formatting.short_money(-1_500_000)]
    assert all(s.startswith(MINUS) for s in shown), shown
    assert not any("-" in s for s in shown), shown


@pytest.mark.parametrize(("month", "shown"), [
    ("2025-04", "Apr 2025"), ("2027-12", "Dec 2027"), ("2026-01", "Jan 2026"),
    ("2027-13", "2027-13"), ("soon", "soon"),  # not a month: shown as it is, never guessed
])
def test_month_label(month, shown):
    assert month_label(month) == shown


def test_months_by_unit_and_in_a_forecast_summary():
    assert formatting.by_unit("2027-04", "month") == "Apr 2027"
    rows = [{"month": "2025-04", "receipts": 1, "payments": 1}, {"month": "2026-03", "receipts": 1, "payments": 1}]
    assert formatting.forecast_summary(rows) == "2 months, Apr 2025 to Mar 2026"
    assert formatting.answer("month", "2025-04") == "Apr 2025"


def test_moment_is_a_uk_date_and_time_in_utc():
    assert moment("2026-11-25T10:00:00Z") == "25/11/2026 10:00 UTC"
    assert moment("2026-07-01T09:43:06+01:00") == "01/07/2026 08:43 UTC"  # turned to UTC
    assert moment("2026-07-01T09:43:06") == "01/07/2026 09:43 UTC"  # no offset: the case file writes UTC
    assert moment(dt.datetime(2026, 12, 3, 8, 5, tzinfo=dt.timezone.utc)) == "03/12/2026 08:05 UTC"
    assert moment("yesterday") == "yesterday"  # not a time: shown as it is


def test_date_label():
    assert date_label("2025-03-31") == "31/03/2025"
    assert date_label(dt.date(2026, 1, 5)) == "05/01/2026"
    assert date_label("2026-02-30") == "2026-02-30"  # not a real date: shown as it is
    assert formatting.answer("date", "2025-03-31") == "31/03/2025"


def test_an_amount_answer_keeps_its_pence():
    assert formatting.answer("amount", 12500.5) == "£12,500.50"
    assert formatting.answer("amount", -3000) == "\u2212£3,000"


# -- reading ---------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "value"), [
    ("£10k", 10_000), ("10k", 10_000), ("10K", 10_000), ("£45k", 45_000), ("1.2m", 1_200_000),
    ("£1.2m", 1_200_000), ("£1.5M", 1_500_000), ("1,200,000", 1_200_000), ("£12,500.50", 12500.5),
    ("-£3,000", -3000), ("£-3,000", -3000), ("\u2212£76,144.91", -76144.91), ("(3,000)", -3000),
    ("£2.5 k", 2500), ("1.2345k", 1234.5), ("0", 0), (".5", 0.5), ("£0.5m", 500_000),
])
def test_parse_amount_reads_uk_ways_of_writing_pounds(text, value):
    got = parse_amount(text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("text", ["abc", "k", "£", "10kk", "1,2", "12 500 k m", "£10x", "1.2.3m", "--5", ""])
def test_parse_amount_refuses_what_is_not_an_amount(text):
    with pytest.raises(NotReadable, match="for example £12,500"):
        parse_amount(text)


@pytest.mark.parametrize(("text", "iso"), [
    ("31/03/2025", "2025-03-31"), ("3/4/2025", "2025-04-03"), ("31.03.2025", "2025-03-31"),
    ("31-03-2025", "2025-03-31"), ("31 March 2025", "2025-03-31"), ("31 Mar 2025", "2025-03-31"),
    ("2025-03-31", "2025-03-31"),  # ISO still works, so old habits do
    (" 01/12/2026 ", "2026-12-01"),
])
def test_parse_date_uk_is_day_first(text, iso):
    assert parse_date_uk(text) == iso


@pytest.mark.parametrize(("text", "says"), [
    ("03/31/2025", "write the day first"),  # American order: refused, not swapped silently
    ("31/02/2025", "not a real date"),
    ("2026-02-30", "not a real date"),
    ("31/03/25", "year in full"),  # 1925 or 2025: refused rather than guessed
    ("next Tuesday", "31/03/2026"),
])
def test_parse_date_uk_refuses_ambiguous_or_impossible_dates_and_says_what_to_write(text, says):
    with pytest.raises(NotReadable, match=says):
        parse_date_uk(text)


@pytest.mark.parametrize(("text", "iso"), [
    ("Apr 2025", "2025-04"), ("april 2025", "2025-04"), ("April 2025", "2025-04"), ("04/2025", "2025-04"),
    ("4/2025", "2025-04"), ("2025-04", "2025-04"),
])
def test_parse_month_uk(text, iso):
    assert parse_month_uk(text) == iso


@pytest.mark.parametrize("text", ["2025-13", "13/2025", "Apr", "soon"])
def test_parse_month_uk_refuses_what_is_not_a_month(text):
    with pytest.raises(NotReadable, match="Apr 2026"):
        parse_month_uk(text)


def test_what_is_shown_reads_back_as_the_same_value():
    for value in (10_000, 1_200_000, -76145):
        assert parse_amount(money(value)) == value
    assert parse_date_uk(date_label("2025-03-31")) == "2025-03-31"
    assert parse_month_uk(month_label("2025-04")) == "2025-04"
