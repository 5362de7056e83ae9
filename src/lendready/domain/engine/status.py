"""How ratings and severities are named and coloured, wherever they are shown.

One table for the explainer pane, the PDF and any other renderer, so a red on
screen is the same red on paper and colour is never the only cue (each has a word).

The words are data (``resources/rules/rulebook.toml``: ``[[severities]]`` and ``[[ratings]]``, each
with the line its legend gives): an area's rating is shown as its colour *and* its word, a finding's
weight as a word on a neutral badge, so a finding's badge never clashes with its area's colour. The
codes (``high``, ``amber``…) stay in the JSON and the rule files; readers only ever see these words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lendready.domain.engine.knowledge import Knowledge
    from lendready.domain.engine.rules import Vocabulary, Word

RATING_COLOURS = {"green": "#2e7d32", "amber": "#ef8f00", "red": "#c62828", "unknown": "#607d8b"}
SEVERITY_COLOURS = {  # neutral inks, darker for weightier findings: never a traffic-light colour
    "blocker": "#212121",
    "high": "#37474f",
    "medium": "#4e5b66",
    "low": "#505c66",
    "info": "#56626c",
}


def vocabulary(knowledge: Knowledge | None = None) -> Vocabulary:
    """The severity and rating words (from the installed resources unless ``knowledge`` is given)."""
    if knowledge is None:
        from lendready.domain.engine.knowledge import load

        knowledge = load()
    return knowledge.vocabulary


def severity_word(code: str, knowledge: Knowledge | None = None) -> str:
    return vocabulary(knowledge).severity(code)


def rating_word(code: str | None, knowledge: Knowledge | None = None) -> str:
    return vocabulary(knowledge).rating(code)


def legend(knowledge: Knowledge | None = None) -> tuple[tuple[Word, ...], tuple[Word, ...]]:
    """(area ratings, finding weights), each word with its one-line meaning, in the contract's order."""
    v = vocabulary(knowledge)
    return tuple(v.ratings.values()), tuple(v.severities.values())
