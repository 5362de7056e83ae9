"""Rules, parameters, areas and bands as the engine holds them.

Everything here is built from reviewed data (``resources/rules``,
``resources/parameters.toml``) by :mod:`lendready.domain.engine.knowledge`; nothing is
hard-coded but the order of severities and areas that the output contract fixes.
"""

from __future__ import annotations

from typing import NamedTuple

from lendready.domain.engine.conditions import Condition
from lendready.domain.engine.questionnaire import RoleText

SEVERITIES = ("blocker", "high", "medium", "low", "info")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
AREAS = ("organisation", "governance", "asset_lock", "cashflow", "income", "security", "people")
AREA_RANK = {a: i for i, a in enumerate(AREAS)}
RATINGS = ("green", "amber", "red", "unknown")
RATING_RANK = {"green": 0, "amber": 1, "red": 2}


class Parameter(NamedTuple):
    """A threshold a credit team owns: its value, where it comes from, when it was checked."""

    id: str
    value: float
    unit: str
    label: str
    reference: str
    last_review: str
    """ISO date (validated as a date by the schema)."""
    valid_from: str
    source: str


class Level(NamedTuple):
    """One way a rule can fire; a rule's levels are tried most severe first."""

    condition: Condition
    severity: str
    rating: str | None
    title: RoleText


class Rule(NamedTuple):
    id: str
    area: str
    levels: tuple[Level, ...]
    evidence: tuple[str, ...]
    suppresses: tuple[str, ...]
    why_it_matters: RoleText
    what_to_do: RoleText
    myth: str | None
    reference: str | None
    lender_condition: RoleText | None
    file: str
    parameters: tuple[str, ...]


class Area(NamedTuple):
    id: str
    title: str
    description: str
    key_questions: tuple[str, ...]
    titles: RoleText | None = None

    def title_for(self, role: str) -> str:
        return self.titles.for_role(role) if self.titles else self.title


class Band(NamedTuple):
    id: str
    label: str
    colour: str
    lender: str
    founder: str


class MetricInfo(NamedTuple):
    id: str
    label: str
    unit: str
    definition: str
    labels: RoleText | None = None
    definitions: RoleText | None = None
    shorts: RoleText | None = None

    def label_for(self, role: str) -> str:
        return self.labels.for_role(role) if self.labels else self.label

    def short_for(self, role: str) -> str:
        """The name for a table's column or a line's label: the short form where one is given."""
        return self.shorts.for_role(role) if self.shorts else self.label_for(role)

    def definition_for(self, role: str) -> str:
        return self.definitions.for_role(role) if self.definitions else self.definition


class Word(NamedTuple):
    """How readers see one severity or rating code, and the line a legend gives it."""

    code: str
    word: str
    meaning: str


class Vocabulary(NamedTuple):
    """The one set of words every renderer uses for severities and ratings (codes stay in the JSON)."""

    severities: dict[str, Word]
    ratings: dict[str, Word]
    acronyms: dict[str, str]
    plain: frozenset[str]
    jargon: dict[str, str] = {}
    """Phrases a founder should not meet without their plain wording (phrase: plain wording)."""

    def severity(self, code: str) -> str:
        w = self.severities.get(code)
        return w.word if w else code

    def rating(self, code: str | None) -> str:
        w = self.ratings.get(code or "unknown") or self.ratings.get("unknown")
        return w.word if w else str(code)
