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

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from lendready.domain.engine import formatting
from lendready.domain.engine.questionnaire import MAX_MAGNITUDE
from lendready.domain.files.outside_text import for_display

NUMERIC = frozenset({"amount", "percent", "integer", "number"})

# What to say when the text is not a number at all. The questionnaire's own
# messages cover values of the right type that break a rule.
NOT_A_VALUE = {
    "amount": "Enter an amount in pounds, for example £12,500",
    "percent": "Enter a percentage as a number, for example 12.5",
    "integer": "Enter a whole number, for example 12",
    "number": "Enter a number, for example 3.5",
}
TOO_LARGE = "That figure is too large to be real; check the number of digits"

_MINUSES = "-\u2212\u2013"  # hyphen, minus sign (what formatting.money writes), en dash
_DIGITS = re.compile(
    r"^(?:(?P<whole>\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:\.(?P<frac>\d*))?|\.(?P<only>\d+))$"
)
_DAY_FORMATS = ("%d/%m/%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")
_MONTH_FORMATS = ("%m/%Y", "%B %Y", "%b %Y")


class Parsed(NamedTuple):
    """``value`` is None for an empty box; ``problem`` is set when the text is not an answer."""

    value: Any
    problem: str | None = None


def parse_answer(qtype: str, text: str) -> Parsed:
    """Turn typed text into the value a case file holds for ``qtype``."""
    text = text.strip()
    if not text:
        return Parsed(None)
    if qtype in NUMERIC:
        return _parse_number(qtype, text)
    if qtype == "date":
        return Parsed(_normalise(text, _DAY_FORMATS, "%Y-%m-%d"))
    if qtype == "month":
        return Parsed(_normalise(text, _MONTH_FORMATS, "%Y-%m"))
    return Parsed(text)


def _parse_number(qtype: str, text: str) -> Parsed:
    problem = Parsed(None, NOT_A_VALUE[qtype])
    negative = False
    if text.startswith("(") and text.endswith(")"):  # accountants write a loss as (12,000)
        negative, text = True, text[1:-1].strip()
    if qtype == "amount":
        text = _strip_sign_and_pound(text)
        if text is None:
            return problem
        negative, text = negative != text.startswith("-"), text.lstrip("-")
    else:
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


def _strip_sign_and_pound(text: str) -> str | None:
    """Accept £ and a sign in either order ("-£12,000", "£-12,000"); return "-digits" or "digits"."""
    negative = False
    for _ in range(2):
        if text[:1] in _MINUSES:
            negative, text = True, text[1:].lstrip()
        elif text[:1] == "+":
            text = text[1:].lstrip()
        if text[:1] == "£":
            text = text[1:].lstrip()
    if not text or text[:1] in _MINUSES + "+£":
        return None
    return ("-" if negative else "") + text


def _normalise(text: str, formats: tuple[str, ...], iso: str) -> str:
    """British ways of writing a date or month become ISO; anything else goes on as typed.

    Unrecognised text is still a string, the right type for the case file, so
    the questionnaire's own check explains the expected form and the text is
    kept rather than thrown away.
    """
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).strftime(iso)
        except ValueError:
            continue
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
    if qtype in NUMERIC and isinstance(value, (int, float)) and not isinstance(value, bool):
        if qtype == "amount":
            shown = formatting.money(value).replace("£", "", 1)
        else:
            shown = formatting.number(value)
        if parse_answer(qtype, shown).value == value:
            return shown
        return f"{value:,}" if isinstance(value, int) else format(Decimal(repr(value)), ",f")
    return for_display(str(value))
