"""The questionnaire at run time: questions, answer types, skip logic and constraints.

The questionnaire is data (``resources/questionnaire``); this module holds the
lean, already-validated form the engine and the GUI work with. Two different
kinds of bad answer are kept apart on purpose, because the case-file contract
treats them differently:

* a value of the wrong *type* (text where an amount belongs) means the file was
  not written by lendready or was damaged, so the loader refuses the file
  (:func:`type_problem`);
* a value of the right type that breaks a *constraint* (a percentage of 180) is
  work in progress, so it is kept, reported, and treated as unanswered
  (:meth:`Questionnaire.validate`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from lendready.domain.engine.conditions import VALUE_KEY, Condition
from lendready.domain.engine.formatting import month_label
from lendready.domain.files.outside_text import acting_characters, describe, token

ROLES = ("lender", "founder", "trainer")

ANSWER_TYPES = (
    "text", "choice", "yesno", "integer", "number", "amount", "percent", "date", "month", "table",
)
NUMERIC_TYPES = frozenset({"integer", "number", "amount", "percent"})
YES_NO = ("yes", "no")

# What the loader tells the user a type allows, in plain words.
TYPE_DESCRIPTIONS = {
    "text": "text",
    "choice": "one of the listed choices (text)",
    "yesno": '"yes" or "no"',
    "integer": "a whole number",
    "number": "a number",
    "amount": "an amount in pounds (a number)",
    "percent": "a percentage from 0 to 100 (a number)",
    "date": "a date as text, YYYY-MM-DD",
    "month": "a month as text, YYYY-MM",
    "table": 'a list of rows {"month": "YYYY-MM", "receipts": number, "payments": number}',
}

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse_month(text: str) -> tuple[int, int] | None:
    """``"2027-08"`` -> (2027, 8); anything else -> None.

    Loan sizing recomputes the metrics some eighty times, and each sorts the forecast by
    month, so a month's parse is remembered (only for month-length text: a hostile value
    may be megabytes long, and is parsed each time).
    """
    if len(text) <= 7:
        return _parse_month(text)
    return _parse_month.__wrapped__(text)


@lru_cache(maxsize=512)
def _parse_month(text: str) -> tuple[int, int] | None:
    m = _MONTH.match(text)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12 or year < 1900:
        return None
    return year, month


def valid_date(text: str) -> bool:
    import datetime as _dt

    if not _DATE.match(text):
        return False
    try:
        _dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


class RoleText(NamedTuple):
    """A text that may be worded differently for a lender, a founder and a trainer."""

    lender: str
    founder: str
    trainer: str

    def for_role(self, role: str) -> str:
        return getattr(self, role, self.lender) if role in ROLES else self.lender

    @classmethod
    def from_data(cls, data: str | Mapping[str, str] | None) -> RoleText:
        if data is None:
            return cls("", "", "")
        if isinstance(data, str):
            return cls(data, data, data)
        lender = data.get("lender") or ""
        return cls(lender, data.get("founder") or lender, data.get("trainer") or lender)


class Choice(NamedTuple):
    value: str
    label: str
    help: str = ""


class TableSpec(NamedTuple):
    min_rows: int
    max_rows: int


class Question(NamedTuple):
    id: str
    type: str
    section: str
    label: RoleText
    help: RoleText
    choices: tuple[Choice, ...] = ()
    unit: str = ""
    widget: str = ""
    max_length: int | None = None
    relevant: Condition | None = None
    constraint: Condition | None = None
    constraint_message: str = ""
    table: TableSpec | None = None

    @property
    def choice_values(self) -> tuple[str, ...]:
        if self.type == "yesno":
            return YES_NO
        return tuple(c.value for c in self.choices)

    def choice_label(self, value: str) -> str:
        for c in self.choices:
            if c.value == value:
                return c.label
        return value


class Section(NamedTuple):
    id: str
    title: str
    intro: RoleText
    questions: tuple[Question, ...]
    titles: RoleText | None = None

    def title_for(self, role: str) -> str:
        return self.titles.for_role(role) if self.titles else self.title


class Invalid(NamedTuple):
    """An answer kept in the file but not used, with the message the user sees."""

    question: str
    value: Any
    message: str


class Validated(NamedTuple):
    """The answers the assessment may use, and what was set aside and why."""

    values: dict[str, Any]
    invalid: list[Invalid]
    relevant: list[str]
    unanswered: list[str]
    hidden: list[str]


def type_problem(question: Question, value: Any) -> str | None:
    """Return why ``value`` is the wrong *type* for ``question`` (the file is refused), else None."""
    t = question.type
    allowed = TYPE_DESCRIPTIONS[t]
    if t in ("text", "choice", "yesno", "date", "month"):
        return None if isinstance(value, str) else f"expected {allowed}, got {_json_kind(value)}"
    if t in NUMERIC_TYPES:
        if not is_number(value):
            return f"expected {allowed}, got {_json_kind(value)}"
        return _magnitude_problem(value, allowed)
    if t == "table":
        if not isinstance(value, list):
            return f"expected {allowed}, got {_json_kind(value)}"
        for i, row in enumerate(value, start=1):
            if not isinstance(row, dict):
                return f"row {i}: expected an object, got {_json_kind(row)}"
            month = row.get("month")
            if not isinstance(month, str):
                return f"row {i}: 'month' must be text YYYY-MM, got {_json_kind(month)}"
            for key in ("receipts", "payments"):
                v = row.get(key)
                if not is_number(v):
                    return f"row {i}: '{key}' must be a number, got {_json_kind(v)}"
                problem = _magnitude_problem(v, "a number")  # type: ignore[arg-type]  # is_number checked it
                if problem:
                    return f"row {i}: '{key}': {problem}"
        return None
    return f"unknown question type {t}"  # pragma: no cover - types are checked at load


# No real figure in a case comes near this; beyond it arithmetic stops being exact.
MAX_MAGNITUDE = 1e15


def _magnitude_problem(value: float, allowed: str) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return f"expected {allowed}, got a non-finite number (NaN or Infinity)"
    if abs(value) > MAX_MAGNITUDE:
        return f"expected {allowed}, got a number too large to be a real figure"
    return None


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class Questionnaire:
    """Sections and questions in order, with the checks that decide what counts."""

    def __init__(self, version: str, sections: tuple[Section, ...], messages: Mapping[str, str]) -> None:
        self.version = version
        self.sections = sections
        self.messages = dict(messages)
        self.questions: dict[str, Question] = {q.id: q for s in sections for q in s.questions}
        self.order: tuple[str, ...] = tuple(self.questions)
        self._index = {qid: i for i, qid in enumerate(self.order)}
        # Answers that decide whether another question counts (its skip logic or constraint reads them):
        # changing one of these means validating the whole questionnaire again.
        self.read_by_checks: frozenset[str] = frozenset(
            qid for q in self.questions.values() for c in (q.relevant, q.constraint) if c is not None
            for qid in c.questions
        )

    def __contains__(self, qid: object) -> bool:
        return qid in self.questions

    def position(self, qid: str) -> int:
        return self._index.get(qid, len(self._index))

    def message(self, key: str, **values: Any) -> str:
        text = self.messages.get(key, key)
        for k, v in values.items():
            text = text.replace("{" + k + "}", str(v))
        return text

    # -- constraints ----------------------------------------------------------
    def constraint_problem(
        self, question: Question, value: Any, earlier: Mapping[str, Any] | None = None
    ) -> str | None:
        """Why a value of the right type is still not usable, in the user's words; None if fine.

        ``earlier`` holds the answers that count so far, for constraints that
        compare with an earlier question (independent directors ≤ board size).
        """
        t = question.type
        if t in ("choice", "yesno"):
            if value not in question.choice_values:
                labels = ", ".join(question.choice_values)
                return self.message("choice", choices=labels)
        elif t == "integer" and isinstance(value, float) and not value.is_integer():
            return self.message("integer")
        elif t == "month" and parse_month(value) is None:
            return self.message("month_format")
        elif t == "date" and not valid_date(value):
            return self.message("date_format")
        elif t == "text" and question.max_length is not None and len(value) > question.max_length:
            return self.message("text_length", max=question.max_length)
        elif t == "text" and (hidden := acting_characters(value)):
            # A bidi override or zero-width space makes one name look like another: flagged, never kept silently.
            position, char = hidden[0]
            return self.message(
                "text_hidden_character", character=describe(char), position=position + 1, token=token(char)
            )
        elif t == "table":
            problem = self._table_problem(question, value)
            if problem:
                return problem
        if question.constraint is not None:
            env = dict(earlier) if earlier else {}
            env[VALUE_KEY] = value
            if question.constraint.evaluate(env) is False:
                return question.constraint_message
        return None

    def _table_problem(self, question: Question, rows: list[dict[str, Any]]) -> str | None:
        spec = question.table or TableSpec(1, 10_000)
        if not spec.min_rows <= len(rows) <= spec.max_rows:
            return self.message("table_rows", min=spec.min_rows, max=spec.max_rows, count=len(rows))
        months: list[tuple[int, int]] = []
        for i, row in enumerate(rows, start=1):
            ym = parse_month(row["month"])
            if ym is None:
                return self.message("table_month", row=i, value=row["month"])
            if row["receipts"] < 0 or row["payments"] < 0:
                return self.message("table_negative", row=i)
            months.append(ym)
        ordered = sorted(months)
        for a, b in zip(ordered, ordered[1:]):
            if a == b:
                return self.message("table_duplicate", month=month_label(f"{a[0]:04d}-{a[1]:02d}"))
            if (b[0] * 12 + b[1]) - (a[0] * 12 + a[1]) != 1:
                return self.message("table_gap", after=month_label(f"{a[0]:04d}-{a[1]:02d}"))
        return None

    # -- what counts ----------------------------------------------------------
    def validate(self, answers: Mapping[str, Any], as_of: date | None = None) -> Validated:
        """Apply skip logic and constraints in questionnaire order.

        Relevance is decided on the answers that count so far, so a question
        hidden by an earlier answer cannot make a later one relevant. An answer
        to a hidden question stays in the file but is not used and is not
        reported as invalid. Every date the questionnaire asks for is of
        something that has already happened (a year end, a valuation), so with
        an assessment date ``as_of`` a date after it is invalid.
        """
        values: dict[str, Any] = {}
        invalid: list[Invalid] = []
        relevant: list[str] = []
        unanswered: list[str] = []
        hidden: list[str] = []
        for qid, question in self.questions.items():
            if question.relevant is not None and question.relevant.evaluate(values) is not True:
                hidden.append(qid)
                continue
            relevant.append(qid)
            if qid not in answers:
                unanswered.append(qid)
                continue
            value = answers[qid]
            problem = self.constraint_problem(question, value, values)
            if problem is None and as_of is not None and question.type == "date" and value > as_of.isoformat():
                problem = self.message("date_after_as_of", as_of=as_of.strftime("%d/%m/%Y"))
            if problem is not None:
                invalid.append(Invalid(qid, value, problem))
                unanswered.append(qid)
                continue
            if question.type == "integer" and isinstance(value, float):
                value = int(value)
            values[qid] = value
        return Validated(values, invalid, relevant, unanswered, hidden)
