"""Reading what a person typed into an answer box, and writing a value back for them to read.

Kept free of Qt so the rules for "what counts as an amount" can be tested on
their own. Two outcomes are kept apart on purpose:

* text that is not a value of the type at all ("twelve" in an amount box) is
  not an answer: the widget shows a problem and keeps the text, and nothing is
  sent on, because a case file may only hold values of the right type;
* a value of the right type that breaks a rule (a percentage of 140, 3.5 board
  members, the month 2027-13) *is* sent on, so that the questionnaire, not the
  widget, decides whether it counts and says why in its own words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from lendready.domain.engine import formatting
from lendready.domain.engine.questionnaire import MAX_MAGNITUDE
from lendready.domain.files.outside_text import for_display

NUMERIC = frozenset({"amount", "percent", "integer", "number"})

# What to say when the text is not a number at all. The questionnaire's own
# messages cover values of the right type that break a rule.
NOT_A_VALUE = {
    "amount": formatting.AMOUNT_EXAMPLE,
    "percent": "Enter a percentage as a number, for example 12.5",
    "integer": "Enter a whole number, for example 12",
    "number": "Enter a number, for example 3.5",
}
# A number counted in whole units ("Years trading (whole years)") gets a whole example,
# so the message never suggests a figure the question then turns down.
NOT_A_COUNT = "Enter a number, for example 3"
UNIT_WORDS = {"years": ("years", "year", "yrs", "yr"), "months": ("months", "month"),
              "days": ("days", "day"), "people": ("people", "person")}
TOO_LARGE = "That figure is too large to be real; check the number of digits"

_MINUSES = "-\u2212\u2013"  # hyphen, minus sign (what formatting.money writes), en dash
_DIGITS = re.compile(
    r"^(?:(?P<whole>\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:\.(?P<frac>\d*))?|\.(?P<only>\d+))$"
)


class Parsed(NamedTuple):
    """``value`` is None for an empty box; ``problem`` is set when the text is not an answer."""

    value: Any
    problem: str | None = None


def parse_answer(qtype: str, text: str, unit: str = "") -> Parsed:
    """Turn typed text into the value a case file holds for ``qtype``.

    Amounts, dates and months are read the UK way by the shared formatting module
    ("£45k", "1.2m", "31/03/2025", "Apr 2025"); ``unit`` lets "3 years" stand for 3.
    """
    text = text.strip()
    if not text:
        return Parsed(None)
    if qtype == "amount":
        return _parse_amount(text)
    if qtype in NUMERIC:
        return _parse_number(qtype, _without_unit(text, unit), unit)
    if qtype == "date":
        return Parsed(_normalise(text, formatting.parse_date_uk))
    if qtype == "month":
        return Parsed(_normalise(text, formatting.parse_month_uk))
    return Parsed(text)


def _parse_amount(text: str) -> Parsed:
    try:
        value = formatting.parse_amount(text)
    except formatting.NotReadable as exc:
        return Parsed(None, str(exc))
    if abs(value) > MAX_MAGNITUDE:
        return Parsed(None, TOO_LARGE)
    return Parsed(value)


def _without_unit(text: str, unit: str) -> str:
    lowered = text.lower()
    for word in UNIT_WORDS.get(unit, ()):
        if lowered.endswith(word) and lowered[: -len(word)].rstrip() != lowered[: -len(word)]:
            return text[: -len(word)].rstrip()
    return text


def _parse_number(qtype: str, text: str, unit: str = "") -> Parsed:
    message = NOT_A_COUNT if qtype == "number" and unit in formatting.COUNTED_UNITS else NOT_A_VALUE[qtype]
    problem = Parsed(None, message)
    negative = False
    if text.startswith("(") and text.endswith(")"):  # accountants write a loss as (12,000)
        negative, text = True, text[1:-1].strip()
    if qtype == "percent" and text.endswith("%"):
        text = text[:-1].rstrip()
    if text[:1] in _MINUSES:
        negative, text = not negative, text[1:].lstrip()
    elif text[:1] == "+":
        text = text[1:].lstrip()
    match = _DIGITS.match(text)
    if not match:
        return problem
    digits = text.replace(",", "").replace(" ", "")
    try:
        number = Decimal(digits if not digits.endswith(".") else digits[:-1])
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
        return problem
    if negative:
        number = -number
    if abs(number) > Decimal(MAX_MAGNITUDE):
        return Parsed(None, TOO_LARGE)
    if number == number.to_integral_value():
        return Parsed(int(number))
    return Parsed(float(number))


def _normalise(text: str, read: Callable[[str], str]) -> str:
    """UK ways of writing a date or month (and ISO) become ISO; anything else goes on as typed.

    Unrecognised text is still a string, the right type for the case file, so
    the questionnaire's own check explains the expected form and the text is
    kept rather than thrown away.
    """
    try:
        return read(text)
    except formatting.NotReadable:
        return text


def display_text(qtype: str, value: Any) -> str:
    """The text an answer box shows for ``value``; "£" and "%" are drawn beside the box.

    Uses the shared en-GB formatter so a figure reads the same in the form, the
    report and the terminal, unless that would round it: the box must never
    show a different number from the one saved.

    Text from a case shows its acting characters (a right-to-left override, a
    zero-width space, an escape) as ``[U+202E]`` tokens, as the questionnaire's
    message about them says; the box keeps the saved value until the user edits.
    """
    if value is None:
        return ""
    if qtype == "date" and isinstance(value, str):
        shown = formatting.date_label(value)
        return shown if shown != value else for_display(value)
    if qtype == "month" and isinstance(value, str):
        shown = formatting.month_label(value)
        return shown if shown != value else for_display(value)
    if qtype in NUMERIC and isinstance(value, (int, float)) and not isinstance(value, bool):
        if qtype == "amount":
            shown = formatting.money(value, pence=True).replace("£", "", 1)
        else:
            shown = formatting.number(value)
        if parse_answer(qtype, shown).value == value:
            return shown
        return f"{value:,}" if isinstance(value, int) else format(Decimal(repr(value)), ",f")
    return for_display(str(value))
