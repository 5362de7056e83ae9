"""Pydantic schemas for the reviewed data under ``resources/``.

A credit team edits these TOML files without reading Python, so every field is
declared here with what it allows, and a mistake is reported as
``file:id: field: problem``. These models are used when the resources are
(re)validated; the engine itself runs on the lean record types built from the
validated data, which keeps the command line quick to start.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

QUESTION_ID = r"^[a-z]+\.[a-z0-9_]+$"
RULE_ID = r"^[a-z_]+\.[a-z0-9_]+$"
PARAM_ID = r"^[a-z_]+(\.[a-z0-9_]+)*$"

Severity = Literal["blocker", "high", "medium", "low", "info"]
Rating = Literal["red", "amber"]
AnswerType = Literal[
    "text", "choice", "yesno", "integer", "number", "amount", "percent", "date", "month", "table"
]
Role = Literal["lender", "founder", "trainer"]


class Strict(BaseModel):
    """Unknown keys are errors: a misspelt field must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RoleTextData(Strict):
    lender: str = Field(min_length=1)
    founder: str = Field(min_length=1)
    trainer: str | None = None


RoleTextField = str | RoleTextData


class ChoiceData(Strict):
    value: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=1)
    help: str = ""


class TableData(Strict):
    min_rows: int = Field(ge=1)
    max_rows: int = Field(ge=1)

    @model_validator(mode="after")
    def _order(self) -> TableData:
        if self.max_rows < self.min_rows:
            raise ValueError("max_rows is smaller than min_rows")
        return self


class QuestionData(Strict):
    id: str = Field(pattern=QUESTION_ID)
    type: AnswerType
    label: RoleTextField
    help: RoleTextField
    choices: list[ChoiceData] = []
    unit: str = ""
    widget: Literal["", "radio", "combo"] = ""
    max_length: int | None = Field(default=None, ge=1)
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: str | None = None
    table: TableData | None = None

    @model_validator(mode="after")
    def _consistent(self) -> QuestionData:
        if self.type == "choice" and len(self.choices) < 2:
            raise ValueError("a choice question needs at least two choices")
        if self.type != "choice" and self.choices:
            raise ValueError(f"choices are only for choice questions, not {self.type}")
        if self.constraint and not self.constraint_message:
            raise ValueError("a constraint needs a constraint_message the user will see")
        if self.constraint_message and not self.constraint:
            raise ValueError("constraint_message given without a constraint")
        if (self.type == "table") != (self.table is not None):
            raise ValueError("table questions (and only they) need a [table] with min_rows and max_rows")
        values = [c.value for c in self.choices]
        if len(values) != len(set(values)):
            raise ValueError("choice values must be unique")
        return self


class SectionData(Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    title: RoleTextField
    intro: RoleTextField = ""
    questions: list[QuestionData] = Field(min_length=1)


REQUIRED_MESSAGES = (
    "choice", "integer", "month_format", "date_format", "text_length", "text_hidden_character",
    "table_rows", "table_month", "table_negative", "table_duplicate", "table_gap",
)


class QuestionnaireIndex(Strict):
    version: str = Field(min_length=1)
    sections: list[str] = Field(min_length=1)
    messages: dict[str, str]

    @field_validator("messages")
    @classmethod
    def _all_messages(cls, v: dict[str, str]) -> dict[str, str]:
        missing = [k for k in REQUIRED_MESSAGES if k not in v]
        if missing:
            raise ValueError(f"missing messages: {', '.join(missing)}")
        return v


class ParameterData(Strict):
    id: str = Field(pattern=PARAM_ID)
    value: float
    unit: Literal["ratio", "percent", "gbp", "months", "days", "years", "count"]
    label: str = Field(min_length=1)
    reference: str = Field(min_length=10)
    last_review: dt.date
    valid_from: dt.date
    source: Literal["published", "practice"]


class ParametersFile(Strict):
    parameters: list[ParameterData] = Field(min_length=1)


class RuleLevelData(Strict):
    when: str
    severity: Severity
    rating: Rating | None = None
    title: RoleTextField | None = None

    @model_validator(mode="after")
    def _rating_fits_severity(self) -> RuleLevelData:
        _check_rating(self.severity, self.rating)
        return self


def _check_rating(severity: str, rating: str | None) -> None:
    if severity == "blocker" and rating != "red":
        raise ValueError("a blocker always rates its area red")
    if severity in ("low", "info") and rating is not None:
        raise ValueError(f"{severity} findings set no rating")
    if severity in ("high", "medium") and rating is None:
        raise ValueError(f"{severity} findings must set a rating (red or amber)")


class RuleData(Strict):
    id: str = Field(pattern=RULE_ID)
    title: RoleTextField
    why_it_matters: RoleTextField
    what_to_do: RoleTextField
    when: str | None = None
    severity: Severity | None = None
    rating: Rating | None = None
    levels: list[RuleLevelData] = []
    evidence: list[str] = []
    suppresses: list[str] = []
    myth: str | None = None
    reference: str | None = None
    lender_condition: RoleTextField | None = None
    """A condition precedent or covenant a lender might set when this finding stands."""

    @model_validator(mode="after")
    def _one_form(self) -> RuleData:
        single = self.when is not None or self.severity is not None
        if single and self.levels:
            raise ValueError("give either when/severity/rating or [[levels]], not both")
        if not single and not self.levels:
            raise ValueError("a rule needs when and severity (or [[levels]])")
        if single:
            if self.when is None or self.severity is None:
                raise ValueError("a rule needs both when and severity")
            _check_rating(self.severity, self.rating)
        elif self.rating is not None:
            raise ValueError("with [[levels]], set rating on each level")
        return self

    def normalised_levels(self) -> list[RuleLevelData]:
        if self.levels:
            return self.levels
        assert self.when is not None and self.severity is not None
        return [RuleLevelData(when=self.when, severity=self.severity, rating=self.rating)]


class RuleFile(Strict):
    area: str
    rules: list[RuleData] = Field(min_length=1)


class AreaData(Strict):
    id: str
    title: RoleTextField
    description: str
    key_questions: list[str] = Field(min_length=1)


class BandData(Strict):
    id: Literal["ready", "nearly_ready", "not_ready", "incomplete"]
    label: str
    colour: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    lender: str
    founder: str


class MetricData(Strict):
    id: str
    label: RoleTextField
    unit: Literal["ratio", "percent", "gbp", "months", "month"]
    definition: RoleTextField
    short: RoleTextField | None = None
    """The name for a table's column or a line's label, where the label is too long (per reader)."""


COLOUR_NAMES = ("red", "amber", "green", "yellow", "orange")


class WordData(Strict):
    """How readers see one severity or rating code: a word, and the one line a legend gives it."""

    id: str
    word: str = Field(min_length=1, max_length=24)
    meaning: str = Field(min_length=10)


class AcronymData(Strict):
    """An abbreviation a founder may meet, spelt out the first time a founder's text uses it."""

    term: str = Field(pattern=r"^[A-Z][A-Za-z]*[A-Z]$")
    expansion: str = Field(min_length=3)


class JargonData(Strict):
    """A phrase a founder should not meet without its plain wording beside it."""

    phrase: str = Field(min_length=3)
    plain: str = Field(min_length=3)


class RulebookData(Strict):
    version: str = Field(min_length=1)
    areas: list[AreaData]
    bands: list[BandData]
    metrics: list[MetricData]
    severities: list[WordData]
    ratings: list[WordData]
    acronyms: list[AcronymData] = []
    jargon: list[JargonData] = []
    plain_abbreviations: list[str] = []
    """Abbreviations every reader knows (UK, NHS): founders may meet them unexplained."""

    @model_validator(mode="after")
    def _vocabulary(self) -> RulebookData:
        severities = [w.id for w in self.severities]
        if severities != ["blocker", "high", "medium", "low", "info"]:
            raise ValueError("severities must be exactly, in order: blocker, high, medium, low, info")
        ratings = [w.id for w in self.ratings]
        if ratings != ["green", "amber", "red", "unknown"]:
            raise ValueError("ratings must be exactly, in order: green, amber, red, unknown")
        for w in self.severities:
            if any(c in w.word.lower() for c in COLOUR_NAMES):
                raise ValueError(f"severity '{w.id}': the word '{w.word}' names a colour; "
                                 "a finding's weight must not read like an area's rating")
        words = [w.word.lower() for w in self.severities + self.ratings]
        if len(words) != len(set(words)):
            raise ValueError("each severity and rating needs its own word")
        terms = [a.term for a in self.acronyms]
        if len(terms) != len(set(terms)):
            raise ValueError("an acronym is listed twice")
        return self

    @model_validator(mode="after")
    def _fixed_sets(self) -> RulebookData:
        areas = [a.id for a in self.areas]
        expected = ["organisation", "governance", "asset_lock", "cashflow", "income", "security", "people"]
        if areas != expected:
            raise ValueError(f"areas must be exactly, in order: {', '.join(expected)}")
        bands = sorted(b.id for b in self.bands)
        if bands != sorted(["ready", "nearly_ready", "not_ready", "incomplete"]):
            raise ValueError("bands must be ready, nearly_ready, not_ready and incomplete, once each")
        return self


class RuleTestCase(Strict):
    rule: str = Field(pattern=RULE_ID)
    name: str = Field(min_length=1)
    base: str
    set: dict[str, Any] = {}
    unset: list[str] = []
    fires: bool
    severity: Severity | None = None
    as_of: dt.date | None = None
    """The assessment date, for rules that measure an age; without one those rules do not fire."""


class RuleTestFile(Strict):
    cases: list[RuleTestCase] = Field(min_length=1)


class ExpectedVerdict(Strict):
    band: Literal["ready", "nearly_ready", "not_ready", "incomplete"]
    findings: list[str] = []
    absent_findings: list[str] = []
    metrics: dict[str, float | str] = {}
    absent_metrics: list[str] = []


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


Text = Annotated[str, Field(min_length=1), AfterValidator(_not_blank)]
"""A required piece of prose: at least one character that is not a space."""


class SampleMeta(Strict):
    """A teaching case's story, the questions for the room and the experienced lender's answer.

    ``questions`` are put to trainees before the verdict is revealed; ``lender_verdict``
    is that verdict in a sentence or two, and ``lender_reasons`` the reasons behind it,
    one sentence each. The trainer's PDF handout prints all three.
    """

    title: Text
    summary: Text
    as_of: dt.date
    """The date the case is a snapshot of: lint, tests and exercises assess it as at this date."""
    story: Text
    teaches: list[Text] = Field(min_length=1)
    questions: list[Text] = Field(min_length=1)
    lender_verdict: Text
    lender_reasons: list[Text] = Field(min_length=1)
    expected: ExpectedVerdict
