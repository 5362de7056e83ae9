"""How answers, metrics and parameters read in British English.

One place for "£1,250,000", "96%", "1.80", "Apr 2025" and "31/03/2025", so the
terminal, the GUI and the PDF show a figure the same way and a credit committee
never sees two spellings of one number; and one place for reading what a person
types in the UK way ("£45k", "1.2m", "31/03/2025"). Case files keep ISO dates
(YYYY-MM-DD) and months (YYYY-MM): only what a reader sees or types is UK.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

MINUS = "\u2212"
# How every reader sees a ratio over earnings when earnings are zero or less (never "barely covers").
NEGATIVE_EARNINGS = "negative: earnings do not cover costs"


def money(value: float, pence: bool = False) -> str:
    """£ with thousands separators, in whole pounds (half a pound rounds up, away from zero).

    ``pence=True`` is for the figures a reader pays or checks to the penny (a monthly
    repayment, an answer as typed): pence then show when there are any. A negative
    figure carries the one minus sign, U+2212, and a figure that rounds to nothing
    is "£0", never "−£0".
    """
    exact = _decimal(value)
    places = Decimal("0.01") if pence else Decimal("1")
    rounded = exact.quantize(places, rounding=ROUND_HALF_UP)
    if rounded == 0:
        return "£0"
    sign = MINUS if rounded < 0 else ""
    v = abs(rounded)
    if v == v.to_integral_value():
        return f"{sign}£{int(v):,}"
    return f"{sign}£{v:,.2f}"


def short_money(value: float) -> str:
    """A chart axis label: "£1.2m", "£350k", "−£20k", so it fits the margin."""
    sign = MINUS if value < 0 else ""
    v = abs(value)
    if v >= 1_000_000:
        return f"{sign}£{v / 1_000_000:.3g}m"
    if v >= 1_000:
        return f"{sign}£{v / 1_000:.3g}k"
    return f"{sign}£{v:.0f}" if round(v) else "£0"


def _decimal(value: float) -> Decimal:
    return Decimal(value) if isinstance(value, int) else Decimal(repr(float(value)))


def minus(text: str) -> str:
    """Text with a leading hyphen-minus as a reader sees a negative: U+2212."""
    return MINUS + text[1:] if text.startswith("-") else text


def number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return minus(f"{int(value):,}")
    return minus(f"{value:,.2f}".rstrip("0").rstrip("."))


def percent(value: float) -> str:
    return f"{number(value)}%"


def ratio(value: float) -> str:
    return minus(f"{value:.2f}")


def by_unit(value: Any, unit: str) -> str:
    """Format a number (or a month, unit "month") by the unit named in the resource data."""
    if unit == "month" and isinstance(value, str):
        return month_label(value)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    if unit == "gbp":
        return money(value)
    if unit == "percent":
        return percent(value)
    if unit == "ratio":
        return ratio(value)
    if unit == "months" and not float(value).is_integer():
        return f"{minus(f'{value:.2f}')} months"
    if unit in COUNTED_UNITS:
        return counted(value, unit)
    return number(value)


def forecast_summary(rows: list[dict[str, Any]]) -> str:
    months = sorted(str(r.get("month", "")) for r in rows if isinstance(r, dict))
    if not months:
        return "no months"
    return f"{len(rows)} months, {month_label(months[0])} to {month_label(months[-1])}"


COUNTED_UNITS = {"years": "year", "months": "month", "days": "day"}


def counted(value: float, unit: str) -> str:
    """``2 years``, ``1 month``, ``45 days``: a number with its unit, singular where it should be."""
    word = COUNTED_UNITS[unit] if value == 1 else unit
    return f"{number(value)} {word}"


def answer(qtype: str, value: Any, choice_label: Any = None, unit: str = "") -> str:
    """An answer as a person would write it; ``choice_label`` maps a choice id to its label."""
    if value is None:
        return "not answered"
    if qtype in ("integer", "number") and unit in COUNTED_UNITS and isinstance(value, (int, float)):
        return counted(value, unit)
    if qtype == "amount" and isinstance(value, (int, float)):
        return money(value, pence=True)  # an answer reads as it was given
    if qtype == "percent" and isinstance(value, (int, float)):
        return percent(value)
    if qtype in ("integer", "number") and isinstance(value, (int, float)):
        return number(value)
    if qtype == "choice" and choice_label is not None:
        return str(choice_label(value))
    if qtype == "table" and isinstance(value, list):
        return forecast_summary(value)
    if qtype == "date" and isinstance(value, str):
        return date_label(value)
    if qtype == "month" and isinstance(value, str):
        return month_label(value)
    return str(value)


# -- months and dates -------------------------------------------------------------------
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(month: Any) -> str:
    """``"2025-04"`` -> ``"Apr 2025"``; anything that is not an ISO month is shown as it is."""
    text = str(month)
    found = _ISO_MONTH.match(text)
    if found is None or not 1 <= int(found.group(2)) <= 12:
        return text
    return f"{_MONTH_NAMES[int(found.group(2)) - 1]} {found.group(1)}"


def date_label(day: Any) -> str:
    """``"2025-03-31"`` (or a date) -> ``"31/03/2025"``; anything else is shown as it is."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if isinstance(day, dt.date):
        return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    text = str(day)
    try:
        if len(text) == 10:
            return date_label(dt.date.fromisoformat(text))
    except ValueError:
        pass
    return text


def utc_stamp(stamp: str) -> dt.datetime | None:
    """An ISO time stamp as an aware time; one without an offset is UTC (lendready writes UTC, with a
    ``Z``). None when it does not read as a time."""
    try:
        when = dt.datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)


def moment(stamp: Any) -> str:
    """A UTC time stamp (``"2026-11-25T10:00:00Z"``, or a datetime) as ``"25/11/2026 10:00 UTC"``.

    A stamp with another offset is turned to UTC, one without an offset is taken as UTC (the case
    file writes UTC); anything that does not read as a time is shown as it is.
    """
    when = stamp if isinstance(stamp, dt.datetime) else utc_stamp(str(stamp))
    if when is None:
        return str(stamp)
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc)
    return f"{date_label(when)} {when.hour:02d}:{when.minute:02d} UTC"


# -- reading what a person typed --------------------------------------------------------
class NotReadable(ValueError):
    """Typed text that is not a value of the asked kind; ``str()`` says what to write instead."""


AMOUNT_EXAMPLE = "Enter an amount in pounds, for example £12,500, £45k or £1.2m"
DATE_EXAMPLE = "Enter a date as day/month/year, for example 31/03/2026"
MONTH_EXAMPLE = "Enter a month, for example Apr 2026 or 04/2026"

_MINUSES = "-\u2212\u2013"  # hyphen, minus sign (what money() writes), en dash
_PLAIN = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:\.\d*)?$|^\.\d+$")
_SUFFIX = {"k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}


def parse_amount(text: str) -> int | float:
    """Pounds as a person writes them: "12,500", "£45k", "1.2m", "-£3,000", "(3,000)", "£1,234.50".

    Returns an int for whole pounds. Raises :class:`NotReadable` for anything else.
    """
    s = text.strip().replace("\u00a0", " ")
    negative = False
    if s.startswith("(") and s.endswith(")"):  # accountants write a loss as (12,000)
        negative, s = True, s[1:-1].strip()
    signs = 0
    for _ in range(2):  # "£-12,000" and "-£12,000" alike
        if s[:1] in _MINUSES:
            negative, s, signs = not negative, s[1:].lstrip(), signs + 1
        elif s[:1] == "+":
            s, signs = s[1:].lstrip(), signs + 1
        if s[:1] == "£":
            s = s[1:].lstrip()
    if signs > 1:
        raise NotReadable(AMOUNT_EXAMPLE)
    lowered = s.lower()
    scale = 1
    for suffix, size in _SUFFIX.items():
        if lowered.endswith(suffix) and not lowered[: -len(suffix)].endswith(("k", "m", "b")):
            s, scale = s[: -len(suffix)].rstrip(), size
            break
    if not s or not _PLAIN.match(s):
        raise NotReadable(AMOUNT_EXAMPLE)
    digits = s.replace(",", "").replace(" ", "").rstrip(".")
    try:
        value = Decimal(digits) * scale
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
        raise NotReadable(AMOUNT_EXAMPLE) from None
    if negative:
        value = -value
    if scale != 1:
        value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # "1.2345k" is not a fraction of a penny
    if value == value.to_integral_value():
        return int(value)
    return float(value)


_DAY_FIRST = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_WORDS_DATE = ("%d %B %Y", "%d %b %Y", "%d %B, %Y", "%d %b, %Y")


def parse_date_uk(text: str) -> str:
    """A date written the UK way, day first ("31/03/2025", "31.3.2025", "31 March 2025"), as ISO.

    ISO "2025-03-31" is accepted too, so old habits work. A two-digit year, or a day and month
    that make no real date ("03/31/2025" written the American way), raise :class:`NotReadable`
    with a message that says what to write.
    """
    s = " ".join(text.strip().split())
    day_first = False
    found = _YEAR_FIRST.match(s)
    if found:
        year, month, day = (int(g) for g in found.groups())
    elif found := _DAY_FIRST.match(s):
        day, month, year = (int(g) for g in found.groups())
        day_first = True
        if len(found.group(3)) != 4:
            raise NotReadable("Write the year in full, for example 31/03/2026")
    else:
        for fmt in _WORDS_DATE:
            try:
                return dt.datetime.strptime(s, fmt).date().isoformat()
            except ValueError:
                continue
        raise NotReadable(DATE_EXAMPLE)
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        if day_first and 1 <= day <= 12 < month <= 31:
            raise NotReadable(f"{s} is not a date: write the day first, for example 31/03/2026") from None
        raise NotReadable(f"{s} is not a real date; write it day first, for example 31/03/2026") from None


_MONTH_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_MONTH_ISO = re.compile(r"^(\d{4})\s*[-/]\s*(\d{1,2})$")
_WORDS_MONTH = ("%b %Y", "%B %Y", "%b-%Y", "%B-%Y")


def parse_month_uk(text: str) -> str:
    """A month as people write it ("Apr 2025", "April 2025", "04/2025", "2025-04") as ISO "2025-04".

    Raises :class:`NotReadable` for anything else.
    """
    s = " ".join(text.strip().split())
    found = _MONTH_ISO.match(s)
    if found:
        year, month = int(found.group(1)), int(found.group(2))
    else:
        found = _MONTH_NUMERIC.match(s)
        if found:
            month, year = int(found.group(1)), int(found.group(2))
        else:
            for fmt in _WORDS_MONTH:
                try:
                    return dt.datetime.strptime(s.title(), fmt).strftime("%Y-%m")
                except ValueError:
                    continue
            raise NotReadable(MONTH_EXAMPLE)
    if not 1 <= month <= 12:
        raise NotReadable(f"{s} is not a month; {MONTH_EXAMPLE[0].lower()}{MONTH_EXAMPLE[1:]}")
    return f"{year:04d}-{month:02d}"
