"""How answers, metrics and parameters read in British English.

One place for "£1,250,000", "96%" and "1.80", so the terminal, the GUI and the
PDF show a figure the same way and a credit committee never sees two spellings
of one number.
"""

from __future__ import annotations

from typing import Any

MINUS = "\u2212"
# How every reader sees a ratio over earnings when earnings are zero or less (never "barely covers").
NEGATIVE_EARNINGS = "negative: earnings do not cover costs"


def money(value: float) -> str:
    """£ with thousands separators; pence only when there are any."""
    sign = MINUS if value < 0 else ""
    v = abs(value)
    if float(v).is_integer():
        return f"{sign}£{int(v):,}"
    return f"{sign}£{v:,.2f}"


def number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def percent(value: float) -> str:
    return f"{number(value)}%"


def ratio(value: float) -> str:
    return f"{value:.2f}"


def by_unit(value: Any, unit: str) -> str:
    """Format a number by the unit named in the resource data."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    if unit == "gbp":
        return money(value)
    if unit == "percent":
        return percent(value)
    if unit == "ratio":
        return ratio(value)
    if unit == "months" and not float(value).is_integer():
        return f"{value:.2f} months"
    if unit in COUNTED_UNITS:
        return counted(value, unit)
    return number(value)


def forecast_summary(rows: list[dict[str, Any]]) -> str:
    months = sorted(str(r.get("month", "")) for r in rows if isinstance(r, dict))
    if not months:
        return "no months"
    return f"{len(rows)} months, {months[0]} to {months[-1]}"


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
        return money(value)
    if qtype == "percent" and isinstance(value, (int, float)):
        return percent(value)
    if qtype in ("integer", "number") and isinstance(value, (int, float)):
        return number(value)
    if qtype == "choice" and choice_label is not None:
        return str(choice_label(value))
    if qtype == "table" and isinstance(value, list):
        return forecast_summary(value)
    return str(value)
