"""Teaching content as reviewed data: the primer, legal forms, glossary, checklist, products and the
PDF report's wording for each reader.

The files under ``resources/teaching/`` are plain text a credit team can edit,
checked like the rest of the resources: every field by a pydantic schema, every
``when`` compiled by the safe condition language against the same names the
rules may use (questions and their choices, metrics, parameters), and every
problem reported as ``file:id: field: problem``. Texts are plain: no HTML or
Markdown, because the app, the terminal and the PDF each lay them out their own
way. They may show a parameter as ``{param.id}``, filled in with its current
value when the files load, so a threshold quoted in the primer never drifts from
the one the rules use.

``teaching/report.toml`` holds the report's role-specific wording: one entry per
key the report's sections look up (:data:`REPORT_WORDING`), each with the text
for the lender, the founder and the trainer. A key missing, unknown or given
twice is a load (and lint) error, never a surprise when a PDF is made; a text
may fill only the slots its key lists (``{band}``, ``{title}``).

``Teaching.documents_for`` and ``Teaching.products_for`` pick the checklist items
and kinds of finance that fit one case, from its valid answers and its metrics.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

from lendready.domain.engine import formatting
from lendready.domain.engine.conditions import (
    FINDING_KEY,
    METRIC_KEY,
    Condition,
    ConditionError,
    Symbols,
    compile_condition,
)
from lendready.domain.engine.knowledge import (
    PLACEHOLDER,
    Knowledge,
    ResourceError,
    cached_validated,
    fingerprint,
    read_toml,
    validate_model,
)
from lendready.domain.engine.metrics import ALL_METRICS
from lendready.domain.engine.rules import Vocabulary
from lendready.domain.engine.wording import for_founder

TEACHING_DIR = "teaching"
PRIMER_FILE = f"{TEACHING_DIR}/primer.toml"
LEGAL_FORMS_FILE = f"{TEACHING_DIR}/legal_forms.toml"
GLOSSARY_FILE = f"{TEACHING_DIR}/glossary.toml"
CHECKLIST_FILE = f"{TEACHING_DIR}/checklist.toml"
PRODUCTS_FILE = f"{TEACHING_DIR}/products.toml"
REPORT_FILE = f"{TEACHING_DIR}/report.toml"
LEGAL_FORM_QUESTION = "org.legal_form"
# Bump when the shape of validated teaching data changes, so stale caches are ignored.
CACHE_SCHEMA = 3

# Every wording key the PDF report's sections look up, with the slots its texts may fill.
REPORT_WORDING: dict[str, frozenset[str]] = {
    key: frozenset(slots) for key, slots in (
        ("summary_heading", ()), ("band_label", ()), ("reasons_heading", ()), ("key_figures_heading", ()),
        ("own_words_heading", ()), ("cashflow_heading", ()), ("no_forecast_note", ()),
        ("stress_heading", ()), ("stress_intro", ()), ("sizing_heading", ()), ("sizing_intro", ()),
        ("sizing_unseen", ()), ("findings_heading", ()), ("findings_intro", ()), ("evidence_label", ()),
        ("conditions_heading", ()), ("conditions_intro", ()), ("action_plan_heading", ()),
        ("action_plan_intro", ()), ("band_moves_intro", ()), ("nothing_to_fix", ()),
        ("documents_heading", ()), ("documents_intro", ()), ("finance_heading", ()),
        ("finance_not_yet", ("band",)), ("primer_heading", ("title",)), ("primer_intro", ()),
    )
}
READERS = ("lender", "founder", "trainer")
_SLOT = re.compile(r"\{([a-z_]+)\}")

# Markup a renderer could act on: HTML or XML tags and entities, Markdown emphasis,
# code, headings and links.
_MARKUP = re.compile(
    r"<[A-Za-z/!][^>]*>|&[A-Za-z]+;|&#\d+;|\*\*|__|`|^\s*#{1,6}\s|\[[^\]]*\]\([^)]*\)",
    re.MULTILINE,
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


# ---------------------------------------------------------------------------
# Schemas (what the TOML may hold)
#
# Defined inside a function so that importing this module, and loading unchanged
# teaching files from the on-disk cache, never imports pydantic (as for the rest
# of the resources: see knowledge.py).


def _plain(text: str) -> str:
    found = _MARKUP.search(text)
    if found:
        raise ValueError(f"contains markup {found.group(0).strip()!r}; write plain text")
    return text


@functools.cache
def schemas() -> SimpleNamespace:
    """The pydantic models of the five teaching files (built on first use)."""
    from typing import Annotated

    from pydantic import AfterValidator, ConfigDict, Field

    from lendready.domain.engine.resource_schema import Strict

    PlainText = Annotated[str, Field(min_length=1), AfterValidator(_plain)]
    OptionalPlainText = Annotated[str, AfterValidator(_plain)]
    ItemId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
    ConditionText = Annotated[str, Field(min_length=1, max_length=2000)]

    class PrimerSectionData(Strict):
        heading: PlainText = Field(max_length=120)
        body: PlainText
        """Paragraphs of plain text separated by blank lines."""

    class PrimerFile(Strict):
        title: PlainText = Field(max_length=120)
        sections: list[PrimerSectionData] = Field(min_length=1)

    class LegalFormData(Strict):
        model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

        id: ItemId
        """A value of the question org.legal_form."""
        name: PlainText
        register_: PlainText = Field(alias="register")
        """Where it is registered and what it files (``register`` in the TOML)."""
        asset_lock: PlainText
        dividends: PlainText
        charges: PlainText
        lender_checks: PlainText

    class LegalFormsFile(Strict):
        forms: list[LegalFormData] = Field(min_length=1)

    class TermData(Strict):
        term: PlainText = Field(max_length=80)
        definition: PlainText

    class GlossaryFile(Strict):
        terms: list[TermData] = Field(min_length=1)

    class DocumentData(Strict):
        id: ItemId
        text: PlainText
        """The document, as the lender would ask for it."""
        why: OptionalPlainText = ""
        when: ConditionText | None = None
        """A condition on the case; without one the document is always asked for."""

    class ChecklistFile(Strict):
        documents: list[DocumentData] = Field(min_length=1)

    class ProductData(Strict):
        id: ItemId
        name: PlainText
        terms: PlainText
        fits: PlainText
        why: PlainText
        """Why it fits a case that meets ``when``, in a sentence (the assessment's ``finance_fits``)."""
        caution: OptionalPlainText = ""
        when: ConditionText | None = None
        """A condition saying the product fits the case; without one it is always listed.

        Besides answers, metrics and parameters it may test ``finding.<rule id>`` (that rule fired)
        and the advice facts in ``PRODUCT_FACTS`` (``metric.lowest_cash_payment_delay``)."""

    class ProductsFile(Strict):
        products: list[ProductData] = Field(min_length=1)

    class WordingData(Strict):
        id: ItemId
        """A key the report looks up (REPORT_WORDING)."""
        lender: PlainText
        founder: PlainText
        trainer: PlainText

    class ReportFile(Strict):
        wording: list[WordingData] = Field(min_length=1)

    return SimpleNamespace(
        PrimerFile=PrimerFile, LegalFormsFile=LegalFormsFile, GlossaryFile=GlossaryFile,
        ChecklistFile=ChecklistFile, ProductsFile=ProductsFile, ReportFile=ReportFile,
    )


# ---------------------------------------------------------------------------
# Runtime records


class PrimerSection(NamedTuple):
    heading: str
    paragraphs: tuple[str, ...]


class LegalForm(NamedTuple):
    id: str
    name: str
    register: str
    asset_lock: str
    dividends: str
    charges: str
    lender_checks: str


class Term(NamedTuple):
    term: str
    definition: str


class Document(NamedTuple):
    id: str
    text: str
    why: str
    when: Condition | None


class Product(NamedTuple):
    id: str
    name: str
    terms: str
    fits: str
    why: str
    caution: str
    when: Condition | None


class Wording(NamedTuple):
    """One piece of the report's wording, as each reader reads it."""

    lender: str
    founder: str
    trainer: str

    def for_reader(self, audience: str) -> str:
        return str(getattr(self, audience)) if audience in READERS else self.lender


# Facts from the advice (not metrics of the case itself) that a product's ``when`` may read as metric.*:
# the lowest cash under the payment-delay stresses that apply, for "a timing gap an overdraft covers".
PRODUCT_FACTS = frozenset({"lowest_cash_payment_delay"})


def case_env(values: Mapping[str, Any], metrics: Any = None) -> dict[str, Any]:
    """The environment a condition reads: answers by question id, metrics under ``metric:``.

    ``values`` are the valid, relevant answers (``questionnaire.validate(answers).values``);
    ``metrics`` is ``assessment.metrics.values`` (a ``Metrics`` object is accepted too).
    """
    env: dict[str, Any] = dict(values)
    if metrics is not None:
        if not isinstance(metrics, Mapping):
            metrics = metrics.values
        for name, value in metrics.items():
            env[METRIC_KEY + name] = value
    return env


class Teaching(NamedTuple):
    """The teaching content, checked and ready to show."""

    primer_title: str
    primer: tuple[PrimerSection, ...]
    legal_forms: dict[str, LegalForm]
    glossary: tuple[Term, ...]
    """Sorted by term, ignoring case."""
    checklist: tuple[Document, ...]
    products: tuple[Product, ...]
    report_wording: dict[str, Wording]
    """Every key of REPORT_WORDING, with its text for each reader."""

    def wording(self, key: str, audience: str, **slots: str) -> str:
        """The report's wording ``key`` for ``audience``, its slots filled (KeyError: not a key)."""
        text = self.report_wording[key].for_reader(audience)
        for name, value in slots.items():
            text = text.replace("{" + name + "}", value)
        return text

    def documents_for(self, values: Mapping[str, Any], metrics: Any = None) -> list[Document]:
        """The checklist for one case: items without ``when``, and those whose ``when`` holds."""
        env = case_env(values, metrics)
        return [d for d in self.checklist if d.when is None or d.when.holds(env)]

    def products_for(self, values: Mapping[str, Any], metrics: Any = None, findings: Iterable[str] = (),
                     facts: Mapping[str, Any] | None = None) -> list[Product]:
        """The kinds of finance that fit one case, in the file's order.

        ``findings`` are the ids of the rules that fired; ``facts`` the advice facts of PRODUCT_FACTS.
        """
        env = case_env(values, metrics)
        for rid in findings:
            env[FINDING_KEY + rid] = True
        for name, value in (facts or {}).items():
            env[METRIC_KEY + name] = value
        return [p for p in self.products if p.when is None or p.when.holds(env)]

    def for_reader(self, audience: str, vocabulary: Vocabulary) -> Teaching:
        """The teaching as ``audience`` reads it.

        These texts are written once for every reader; a founder's copy has each listed acronym spelt
        out and each jargon phrase glossed where it first appears in each text, so the founder's
        briefing never leaves one unexplained. Other readers get the texts as written.
        """
        if audience != "founder":
            return self
        known = _FOR_READER.get((id(self), audience))
        if known is not None and known[0] is self:
            return known[1]

        def plain(text: str) -> str:
            return for_founder(text, vocabulary.acronyms, vocabulary.jargon)

        def each(record: Any, keep: tuple[str, ...] = ("id", "when")) -> Any:
            return record._replace(**{f: plain(getattr(record, f)) for f in record._fields if f not in keep})

        worded = self._replace(
            primer_title=plain(self.primer_title),
            primer=tuple(PrimerSection(plain(s.heading), tuple(plain(p) for p in s.paragraphs))
                         for s in self.primer),
            legal_forms={k: each(f) for k, f in self.legal_forms.items()},
            glossary=tuple(each(t, ()) for t in self.glossary),
            checklist=tuple(each(d) for d in self.checklist),
            products=tuple(each(p) for p in self.products),
            report_wording={k: w._replace(founder=plain(w.founder)) for k, w in self.report_wording.items()},
        )
        _FOR_READER[(id(self), audience)] = (self, worded)
        return worded


_FOR_READER: dict[tuple[int, str], tuple[Teaching, Teaching]] = {}
"""Each loaded teaching's copy per reader (the original kept with it, so an id is never reused)."""


def myths(knowledge: Knowledge, role: str = "lender") -> list[tuple[str, str]]:
    """(belief, correction) for every rule that corrects a myth, in rule order."""
    out = []
    for rule in knowledge.rules:
        if rule.myth:
            correction = _fill(rule.why_it_matters.for_role(role), knowledge, "", [], strict=False)
            out.append((rule.myth, correction))
    return out


# ---------------------------------------------------------------------------
# Building


def symbols_of(knowledge: Knowledge) -> Symbols:
    """The names a rule's condition may use, rebuilt from the loaded knowledge."""
    questions = knowledge.questionnaire.questions
    return Symbols(
        questions={qid: q.type for qid, q in questions.items()},
        choices={qid: frozenset(q.choice_values) for qid, q in questions.items() if q.type in ("choice", "yesno")},
        metrics=ALL_METRICS,
        parameters=knowledge.param_values,
    )


def _fill(text: str, knowledge: Knowledge, where: str, problems: list[str], *, strict: bool = True) -> str:
    """Replace ``{param.id}`` with the parameter's formatted value; report any other braces."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("param.") and name[6:] in knowledge.parameters:
            p = knowledge.parameters[name[6:]]
            return formatting.by_unit(p.value, p.unit)
        if strict:
            if name.startswith("param."):
                problems.append(f"{where}: placeholder {{{name}}} names an unknown parameter")
            else:
                problems.append(f"{where}: placeholder {{{name}}}: teaching texts may show only param.* values")
        return match.group(0)

    filled = PLACEHOLDER.sub(value, text) if "{" in text else text
    if strict and ("{" in PLACEHOLDER.sub("", text) or "}" in PLACEHOLDER.sub("", text)):
        problems.append(f"{where}: a brace that is not a {{param.id}} placeholder")
    return filled


def _paragraphs(body: str) -> tuple[str, ...]:
    """Blank lines separate paragraphs; line breaks inside a paragraph are spaces."""
    return tuple(
        " ".join(line.strip() for line in block.splitlines() if line.strip())
        for block in _PARAGRAPH_BREAK.split(body.strip())
        if block.strip()
    )


def _compile(source: str | None, symbols: Symbols, where: str, problems: list[str]) -> Condition | None:
    if source is None:
        return None
    try:
        return compile_condition(source, symbols)
    except ConditionError as exc:
        problems.append(f"{where}: when: {exc}")
        return None


def _duplicates(ids: list[str], file: str, field_name: str, problems: list[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        key = item.casefold()
        if key in seen:
            problems.append(f"{file}:{item}: {field_name}: used twice")
        seen.add(key)


def teaching_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / TEACHING_DIR).glob("*.toml") if p.is_file())


def validate_teaching(root: Path) -> tuple[dict[str, Any], list[str]]:
    """Parse and schema-check the teaching files; return plain data and problems."""
    models = schemas()
    problems: list[str] = []
    data: dict[str, Any] = {}
    for key, rel, model in (
        ("primer", PRIMER_FILE, models.PrimerFile),
        ("legal_forms", LEGAL_FORMS_FILE, models.LegalFormsFile),
        ("glossary", GLOSSARY_FILE, models.GlossaryFile),
        ("checklist", CHECKLIST_FILE, models.ChecklistFile),
        ("products", PRODUCTS_FILE, models.ProductsFile),
        ("report", REPORT_FILE, models.ReportFile),
    ):
        raw = read_toml(root / rel, root, problems)
        valid = None if raw is None else validate_model(model, raw, rel, problems)
        if valid is not None:
            data[key] = valid.model_dump(mode="json", by_alias=True)
    known = {PRIMER_FILE, LEGAL_FORMS_FILE, GLOSSARY_FILE, CHECKLIST_FILE, PRODUCTS_FILE, REPORT_FILE}
    for extra in teaching_files(root):
        rel = f"{TEACHING_DIR}/{extra.name}"
        if rel not in known:
            problems.append(f"{rel}: (file): not a teaching file lendready reads")
    return data, problems


def build_teaching(data: Mapping[str, Any], knowledge: Knowledge) -> tuple[Teaching | None, list[str]]:
    """Compile every condition and fill every placeholder; check names against the knowledge."""
    problems: list[str] = []
    symbols = symbols_of(knowledge)

    def fill(text: str, where: str) -> str:
        return _fill(text, knowledge, where, problems)

    primer = data["primer"]
    primer_title = fill(primer["title"], f"{PRIMER_FILE}: title")
    _duplicates([s["heading"] for s in primer["sections"]], PRIMER_FILE, "heading", problems)
    sections: list[PrimerSection] = []
    for i, s in enumerate(primer["sections"], start=1):
        where = f"{PRIMER_FILE}:sections.{i}"
        sections.append(
            PrimerSection(fill(s["heading"], f"{where}: heading"), _paragraphs(fill(s["body"], f"{where}: body")))
        )

    forms = data["legal_forms"]["forms"]
    _duplicates([f["id"] for f in forms], LEGAL_FORMS_FILE, "id", problems)
    question = knowledge.questionnaire.questions.get(LEGAL_FORM_QUESTION)
    wanted = question.choice_values if question is not None else ()
    found: dict[str, LegalForm] = {}
    for f in forms:
        where = f"{LEGAL_FORMS_FILE}:{f['id']}"
        if f["id"] not in wanted:
            problems.append(f"{where}: id: not a value of {LEGAL_FORM_QUESTION} ({', '.join(wanted)})")
        texts = {name: fill(f[name], f"{where}: {name}") for name in LegalForm._fields if name != "id"}
        found[f["id"]] = LegalForm(id=f["id"], **texts)
    for value in wanted:
        if value not in found:
            problems.append(f"{LEGAL_FORMS_FILE}:{value}: (item): no entry for this {LEGAL_FORM_QUESTION} value")
    legal_forms = {v: found[v] for v in wanted if v in found}  # in the questionnaire's order

    terms = data["glossary"]["terms"]
    _duplicates([t["term"] for t in terms], GLOSSARY_FILE, "term", problems)
    glossary = sorted(
        (Term(t["term"], fill(t["definition"], f"{GLOSSARY_FILE}:{t['term']}: definition")) for t in terms),
        key=lambda term: term.term.casefold(),
    )

    documents = data["checklist"]["documents"]
    _duplicates([d["id"] for d in documents], CHECKLIST_FILE, "id", problems)
    checklist: list[Document] = []
    for d in documents:
        where = f"{CHECKLIST_FILE}:{d['id']}"
        checklist.append(
            Document(
                id=d["id"], text=fill(d["text"], f"{where}: text"), why=fill(d["why"], f"{where}: why"),
                when=_compile(d["when"], symbols, where, problems),
            )
        )

    products = data["products"]["products"]
    _duplicates([p["id"] for p in products], PRODUCTS_FILE, "id", problems)
    product_symbols = symbols._replace(metrics=symbols.metrics | PRODUCT_FACTS,
                                       findings=frozenset(knowledge.rules_by_id))
    offers: list[Product] = []
    for p in products:
        where = f"{PRODUCTS_FILE}:{p['id']}"
        offers.append(
            Product(
                id=p["id"], name=fill(p["name"], f"{where}: name"), terms=fill(p["terms"], f"{where}: terms"),
                fits=fill(p["fits"], f"{where}: fits"), why=fill(p["why"], f"{where}: why"),
                caution=fill(p["caution"], f"{where}: caution"),
                when=_compile(p["when"], product_symbols, where, problems),
            )
        )

    report_wording = _report_wording(data["report"]["wording"], knowledge, problems)

    if problems:
        return None, problems
    teaching = Teaching(
        primer_title=primer_title, primer=tuple(sections), legal_forms=legal_forms,
        glossary=tuple(glossary), checklist=tuple(checklist), products=tuple(offers),
        report_wording=report_wording,
    )
    return teaching, []


def _mark_slot(slots: frozenset[str], match: re.Match[str]) -> str:
    """A slot its key allows, hidden from the placeholder check (restored after it); else as it is."""
    return f"\x00{match.group(1)}\x00" if match.group(1) in slots else match.group(0)


def _report_wording(entries: list[dict[str, Any]], knowledge: Knowledge, problems: list[str]) -> dict[str, Wording]:
    """Every key of REPORT_WORDING once, each text's slots its key's own, parameters filled in."""
    _duplicates([w["id"] for w in entries], REPORT_FILE, "id", problems)
    found: dict[str, Wording] = {}
    for w in entries:
        where = f"{REPORT_FILE}:{w['id']}"
        slots = REPORT_WORDING.get(w["id"])
        if slots is None:
            problems.append(f"{where}: id: not a wording key the report uses")
            continue
        texts = []
        for reader in READERS:
            text = w[reader]
            for name in _SLOT.findall(text):
                if name not in slots:
                    allowed = ", ".join("{" + s + "}" for s in sorted(slots)) or "none"
                    problems.append(f"{where}: {reader}: slot {{{name}}} is not one of this key's ({allowed})")
            kept = _SLOT.sub(functools.partial(_mark_slot, slots), text)
            filled = _fill(kept, knowledge, f"{where}: {reader}", problems)
            texts.append(re.sub(r"\x00([a-z_]+)\x00", r"{\1}", filled))
        found[w["id"]] = Wording(*texts)
    for key in REPORT_WORDING:
        if key not in found:
            problems.append(f"{REPORT_FILE}:{key}: (item): no wording for this key, which the report needs")
    return {key: found[key] for key in REPORT_WORDING if key in found}


def check_teaching(root: Path, knowledge: Knowledge) -> list[str]:
    """Every problem in the teaching files, as ``file:id: field: problem`` (for the linter)."""
    data, problems = validate_teaching(Path(root))
    if problems:
        return problems
    teaching, problems = build_teaching(data, knowledge)
    if teaching is None:
        return problems
    # The report's wording is written per reader: the founder's must need no glossing. (Texts written
    # once for everyone are glossed for founders by Teaching.for_reader.)
    from lendready.domain.engine.wording import founder_problems

    for key, wording in teaching.report_wording.items():
        problems += founder_problems(f"{REPORT_FILE}:{key}", "founder", wording.founder, knowledge.vocabulary)
    return problems


def _cached_validation(root: Path) -> dict[str, Any]:
    """Validated data, from the on-disk cache when the teaching files are unchanged."""
    key = fingerprint(root, teaching_files(root))
    return cached_validated(f"teaching-{CACHE_SCHEMA}", key, lambda: validate_teaching(root))


_LOADED: dict[tuple[Path, Path, str], Teaching] = {}


def load_teaching(root: Path | None = None, knowledge: Knowledge | None = None) -> Teaching:
    """The teaching content under ``root`` (default: the installed resources), loaded once.

    ``knowledge`` (default: the knowledge loaded from ``root``) supplies the names a
    ``when`` may use and the parameter values placeholders show. Raises
    :class:`ResourceError` listing every problem when the files are broken.
    """
    if root is None:
        if knowledge is not None:
            root = knowledge.root
        else:
            from lendready.resources import resources_dir

            root = resources_dir()
    root = Path(root)
    if knowledge is None:
        from lendready.domain.engine.knowledge import load

        knowledge = load(root)
    key = (root, Path(knowledge.root), knowledge.fingerprint)
    known = _LOADED.get(key)
    if known is not None:
        return known
    teaching, problems = build_teaching(_cached_validation(root), knowledge)
    if teaching is None:
        raise ResourceError(problems)
    _LOADED[key] = teaching
    return teaching


__all__ = [
    "Document",
    "LegalForm",
    "PrimerSection",
    "Product",
    "READERS",
    "REPORT_WORDING",
    "Teaching",
    "Term",
    "Wording",
    "build_teaching",
    "case_env",
    "check_teaching",
    "load_teaching",
    "myths",
    "schemas",
    "symbols_of",
    "validate_teaching",
]
