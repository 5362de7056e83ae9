"""Words for each reader: acronyms spelt out for founders, and the check that none is left unexplained.

The acronyms and their expansions are data (``resources/rules/rulebook.toml``, ``[[acronyms]]``).
A founder's text gets each listed acronym spelt out where it first appears, unless the text already
spells it out; lint reports any acronym-like word in a founder's text that is not listed, so a founder
never meets one unexplained.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lendready.domain.engine.rules import Vocabulary

ACRONYM = re.compile(r"(?<![\w{.])([A-Z][A-Za-z]*[A-Z])(s?)(?![\w}])")
"""A word of two or more letters that starts and ends with a capital (DSCR, TfC, CICs); not inside {names}."""


def explain(text: str, acronyms: Mapping[str, str], done: set[str] | None = None) -> str:
    """``text`` with each listed acronym spelt out where it first appears (unless already spelt out).

    ``done``, shared by texts a reader meets one after another (a key figure's limits), holds the
    acronyms spelt out already: each is spelt out once among them, not in every one.
    """
    if not text or not acronyms:
        return text
    if done is None:
        done = set()
    lowered = text.lower()

    def spell(match: re.Match[str]) -> str:
        term = match.group(1)
        expansion = acronyms.get(term)
        if expansion is None or term in done:
            return match.group(0)
        done.add(term)
        if spelt_out(lowered, match.end(), expansion):
            return match.group(0)
        return f"{match.group(0)} ({expansion})"

    return ACRONYM.sub(spell, text)


def gloss_jargon(text: str, jargon: Mapping[str, str]) -> str:
    """``text`` with each listed jargon phrase followed by its plain wording where it first appears.

    For texts written once for every reader (the primer, glossary, checklist, parameter labels): a
    founder meets "termination for convenience (the buyer ending the contract early without cause)".
    A text that already says it plainly is left as it is.
    """
    if not text or not jargon:
        return text
    for phrase, plain in jargon.items():
        lowered = text.lower()
        if plain.lower() in lowered:
            continue
        at = lowered.find(phrase.lower())
        if at < 0:
            continue
        end = at + len(phrase)
        text = f"{text[:end]} ({plain}){text[end:]}"
    return text


def for_founder(text: str, acronyms: Mapping[str, str], jargon: Mapping[str, str],
                done: set[str] | None = None) -> str:
    """A text written once for every reader, as a founder gets it: acronyms spelt out, jargon glossed."""
    return gloss_jargon(explain(text, acronyms, done), jargon)


def for_reader(text: str, audience: str, vocabulary: Vocabulary) -> str:
    """A text written once for every reader, as ``audience`` gets it (see :func:`for_founder`)."""
    if audience != "founder":
        return text
    return for_founder(text, vocabulary.acronyms, vocabulary.jargon)


def spelt_out(lowered: str, first_end: int, expansion: str) -> bool:
    """Whether a lower-cased text spells an acronym out by its first use (which ends at ``first_end``).

    Spelt out means the expansion, or its name (the part before a colon: "debt service cover"), starts
    before that first use ends or straight after it ("DSCR (debt service cover: …)").
    """
    name = expansion.split(":", 1)[0].strip().lower()
    return any(0 <= lowered.find(form) <= first_end + 2 for form in {expansion.lower(), name} if form)


def unexplained(text: str, acronyms: Mapping[str, str], plain: Iterable[str] = ()) -> list[str]:
    """The acronym-like words in ``text`` that are neither listed nor known to every reader."""
    known = set(plain)
    out: list[str] = []
    for match in ACRONYM.finditer(text or ""):
        term = match.group(1)
        if term not in acronyms and term not in known and term not in out:
            out.append(term)
    return out


def founder_problems(where: str, field: str, text: str | None, vocabulary: Vocabulary) -> list[str]:
    """What a founder would meet unexplained in a text written for founders: acronyms the list does not
    know (a listed one is spelt out for them) and jargon without its plain wording."""
    from lendready.domain.engine.knowledge import RULEBOOK_FILE

    out = [f"{where}: {field}: '{term}' is an acronym a founder would meet unexplained; "
           f"list it under [[acronyms]] in {RULEBOOK_FILE} or write it out"
           for term in unexplained(text or "", vocabulary.acronyms, vocabulary.plain)]
    out += [f"{where}: {field}: '{phrase}' is jargon a founder would meet without its plain "
            f"wording ([[jargon]] in {RULEBOOK_FILE}); word the founder's text plainly"
            for phrase in jargon_used(text or "", vocabulary.jargon)]
    return out


# Fields given per reader since issue 18: where one is a table it must word every reader.
STRICT_FIELDS = ("title", "lender_condition", "label", "definition")
ROLES = ("lender", "founder", "trainer")


def _missing_roles(value: object) -> list[str]:
    if not isinstance(value, Mapping):
        return []
    return [r for r in ROLES if not value.get(r)]


def lint_wording(data: Mapping[str, object], knowledge: object) -> list[str]:
    """Every per-reader table words all three readers; no founder meets an unexplained acronym.

    ``data`` is the validated resource data, ``knowledge`` what was built from it (its founder texts
    already have the listed acronyms spelt out, so any acronym left is one the list does not know).
    """
    from lendready.domain.engine.knowledge import RULEBOOK_FILE, Knowledge

    assert isinstance(knowledge, Knowledge)
    problems: list[str] = []
    vocab = knowledge.vocabulary

    def roles(where: str, field: str, value: object) -> None:
        missing = _missing_roles(value)
        if missing:
            problems.append(f"{where}: {field}: worded per reader but not for: {', '.join(missing)}")

    def founder(where: str, field: str, text: str | None) -> None:
        problems.extend(founder_problems(where, field, text, vocab))

    sections: list = data.get("sections", [])  # type: ignore[assignment]
    for s in sections:
        roles(f"{s['file']}:{s['id']}", "title", s["title"])
    book: Mapping = data.get("rulebook", {})  # type: ignore[assignment]
    for a in book.get("areas", []):
        roles(f"{RULEBOOK_FILE}:{a['id']}", "title", a["title"])
    for m in book.get("metrics", []):
        for f in ("label", "definition"):
            roles(f"{RULEBOOK_FILE}:{m['id']}", f, m[f])
    rule_files: list = data.get("rule_files", [])  # type: ignore[assignment]
    for rf in rule_files:
        for r in rf["rules"]:
            for f in ("title", "lender_condition"):
                roles(f"{rf['file']}:{r['id']}", f, r.get(f))
            for i, lv in enumerate(r.get("levels", []), start=1):
                if len(r["levels"]) > 1:
                    roles(f"{rf['file']}:{r['id']}", f"levels.{i}.title", lv.get("title"))

    q = knowledge.questionnaire
    for section in q.sections:
        where = f"questionnaire/{section.id}.toml:{section.id}"
        founder(where, "title", section.title_for("founder"))
        founder(where, "intro", section.intro.founder)
        for question in section.questions:
            w = f"questionnaire/{section.id}.toml:{question.id}"
            founder(w, "label", question.label.founder)
            founder(w, "help", question.help.founder)
    for area in knowledge.areas:
        founder(f"{RULEBOOK_FILE}:{area.id}", "title", area.title_for("founder"))
    for band in knowledge.bands.values():
        founder(f"{RULEBOOK_FILE}:{band.id}", "founder", band.founder)
    for info in knowledge.metric_info.values():
        founder(f"{RULEBOOK_FILE}:{info.id}", "label", info.label_for("founder"))
        founder(f"{RULEBOOK_FILE}:{info.id}", "definition", info.definition_for("founder"))
    for rule in knowledge.rules:
        where = f"{rule.file}:{rule.id}"
        for level in rule.levels:
            founder(where, "title", level.title.founder)
        founder(where, "why_it_matters", rule.why_it_matters.founder)
        founder(where, "what_to_do", rule.what_to_do.founder)
        if rule.lender_condition:
            founder(where, "lender_condition", rule.lender_condition.founder)
        founder(where, "myth", rule.myth)
    return list(dict.fromkeys(problems))



def unspelt(text: str, acronyms: Mapping[str, str]) -> list[str]:
    """The listed acronyms ``text`` uses without spelling them out at their first use.

    The rule :func:`explain` keeps, so a text that went through it has none. Whitespace is read as one
    space (a report wraps lines anywhere).
    """
    flat = re.sub(r"\s+", " ", text or "")
    lowered = flat.lower()
    seen: set[str] = set()
    out: list[str] = []
    for match in ACRONYM.finditer(flat):
        term = match.group(1)
        expansion = acronyms.get(term)
        if expansion is None or term in seen:
            continue
        seen.add(term)
        if not spelt_out(lowered, match.end(), expansion):
            out.append(term)
    return out


def jargon_used(text: str, jargon: Mapping[str, str]) -> list[str]:
    """The jargon phrases (listed under ``[[jargon]]``) ``text`` uses without also saying them plainly."""
    lowered = re.sub(r"\s+", " ", text or "").lower()
    return [phrase for phrase, plain in jargon.items() if phrase.lower() in lowered and plain.lower() not in lowered]
