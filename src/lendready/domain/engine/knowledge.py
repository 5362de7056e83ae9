"""Loads the reviewed data once, checks it, and compiles it for the engine.

Loading has two halves. *Validation* parses the TOML and checks every field
with the pydantic schemas in :mod:`resource_schema`; its output is plain,
already-checked data, cached on disk under the hash of the resource files (and
of this version of lendready), because parsing TOML and building pydantic
validators costs more than the whole command-line assessment. *Building* turns
that data into the engine's lean record types and compiles every condition with the
safe condition language; it runs on every start, so a condition is never taken
from the cache in compiled form, and every name it uses is checked against the
questionnaire, the metrics and the parameters each time.

Every problem is reported as ``file:id: field: problem`` and all of them are
reported at once, so a reviewer fixes a file in one pass.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

from lendready.domain.engine.conditions import ConditionError, Symbols, compile_condition
from lendready.domain.engine.metrics import ALL_METRICS, DESCRIBED_METRICS
from lendready.domain.engine.metrics import CODE_PARAMETERS as METRIC_PARAMETERS
from lendready.domain.engine.questionnaire import (
    Choice,
    Question,
    Questionnaire,
    RoleText,
    Section,
    TableSpec,
)
from lendready.domain.engine.resource_cache import (  # noqa: F401 (re-exported: the resource API lives here too)
    ResourceError,
    _rel,
    cached_validated,
    fingerprint,
    read_toml,
    validate_model,
)
from lendready.domain.engine.rules import (
    AREAS,
    Area,
    Band,
    Level,
    MetricInfo,
    Parameter,
    Rule,
    Vocabulary,
    Word,
)
from lendready.domain.engine.wording import explain

# Bump when the shape of validated data changes, so stale caches are ignored.
PARAMETERS_FILE = "parameters.toml"
QUESTIONNAIRE_INDEX = "questionnaire/questionnaire.toml"
RULEBOOK_FILE = "rules/rulebook.toml"
# Parameters the metric definitions themselves read.
# Parameters the metric definitions and the stress scenarios read (the advice's own list is
# kept beside the scenarios; knowledge cannot import the advice, which is built on it).
CODE_PARAMETERS = tuple(dict.fromkeys(METRIC_PARAMETERS + (
    "stress.income_fall_small", "stress.income_fall_large", "stress.contract_loss_share_above",
    "stress.termination_notice_months", "stress.payment_delay_short_months", "stress.payment_delay_long_months",
    "stress.debtor_days_meaningful_above", "stress.rate_rise_points", "stress.cost_rise",
    "stress.combined_income_fall", "stress.combined_cost_rise",
)))

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+)\}")


class Knowledge(NamedTuple):
    """Everything the engine needs, loaded once per process."""

    root: Path
    fingerprint: str
    questionnaire: Questionnaire
    parameters: dict[str, Parameter]
    param_values: dict[str, float]
    rules: tuple[Rule, ...]
    areas: tuple[Area, ...]
    bands: dict[str, Band]
    metric_info: dict[str, MetricInfo]
    rules_version: str
    rules_by_id: dict[str, Rule]
    vocabulary: Vocabulary


# ---------------------------------------------------------------------------
# Files and fingerprint


def resource_files(root: Path) -> list[Path]:
    """The files the engine is built from (rule tests and samples are not)."""
    found = [root / PARAMETERS_FILE]
    found += sorted((root / "questionnaire").glob("*.toml"))
    found += sorted((root / "rules").glob("*.toml"))
    return [p for p in found if p.is_file()]


# ---------------------------------------------------------------------------
# Validation (pydantic)


def validate_resources(root: Path) -> tuple[dict[str, Any], list[str]]:
    """Parse and schema-check the engine's files; return plain data and problems."""
    from lendready.domain.engine import resource_schema as rs

    problems: list[str] = []
    out: dict[str, Any] = {"sections": [], "rule_files": []}

    index_raw = read_toml(root / QUESTIONNAIRE_INDEX, root, problems)
    index = validate_model(rs.QuestionnaireIndex, index_raw, QUESTIONNAIRE_INDEX, problems)
    if index is not None:
        out["questionnaire"] = index.model_dump(mode="json")
        for sid in index.sections:
            rel = f"questionnaire/{sid}.toml"
            raw = read_toml(root / rel, root, problems)
            section = validate_model(rs.SectionData, raw, rel, problems)
            if section is not None:
                if section.id != sid:
                    problems.append(f"{rel}:{section.id}: id: must match the file name '{sid}'")
                out["sections"].append({"file": rel, **section.model_dump(mode="json")})
        listed = {f"questionnaire/{s}.toml" for s in index.sections} | {QUESTIONNAIRE_INDEX}
        for extra in sorted((root / "questionnaire").glob("*.toml")):
            if _rel(root, extra) not in listed:
                problems.append(f"{_rel(root, extra)}: (file): not listed in {QUESTIONNAIRE_INDEX} sections")

    raw = read_toml(root / PARAMETERS_FILE, root, problems)
    params = validate_model(rs.ParametersFile, raw, PARAMETERS_FILE, problems)
    if params is not None:
        out["parameters"] = params.model_dump(mode="json")["parameters"]

    raw = read_toml(root / RULEBOOK_FILE, root, problems)
    book = validate_model(rs.RulebookData, raw, RULEBOOK_FILE, problems)
    if book is not None:
        out["rulebook"] = book.model_dump(mode="json")

    for path in sorted((root / "rules").glob("*.toml")):
        rel = _rel(root, path)
        if rel == RULEBOOK_FILE:
            continue
        raw = read_toml(path, root, problems)
        rule_file = validate_model(rs.RuleFile, raw, rel, problems)
        if rule_file is not None:
            rules = []
            for rule in rule_file.rules:
                dumped = rule.model_dump(mode="json", exclude={"when", "severity", "rating", "levels"})
                dumped["levels"] = [lv.model_dump(mode="json") for lv in rule.normalised_levels()]
                rules.append(dumped)
            out["rule_files"].append({"file": rel, "area": rule_file.area, "rules": rules})
    return out, problems


def _cached_validation(root: Path) -> tuple[dict[str, Any], str]:
    """Validated data, from the on-disk cache when the resources are unchanged."""
    key = fingerprint(root, resource_files(root))
    return cached_validated("resources", key, lambda: validate_resources(root)), key


# ---------------------------------------------------------------------------
# Building (compile conditions, check every name)


def _compile(source: str, symbols: Symbols, where: str, problems: list[str]) -> Any:
    try:
        return compile_condition(source, symbols)
    except ConditionError as exc:
        problems.append(f"{where}: {exc}")
        return None


def _check_placeholders(text: str, symbols: Symbols, where: str, problems: list[str]) -> list[str]:
    params: list[str] = []
    for name in PLACEHOLDER.findall(text):
        if name.startswith("param."):
            if name[6:] not in symbols.parameters:
                problems.append(f"{where}: placeholder {{{name}}} names an unknown parameter")
            else:
                params.append(name[6:])
        elif name.startswith("metric."):
            if name[7:] not in symbols.metrics and name[7:] != "lowest_cash_month":
                problems.append(f"{where}: placeholder {{{name}}} names an unknown metric")
        elif name not in symbols.questions:
            problems.append(f"{where}: placeholder {{{name}}} is not a question id, metric.* or param.*")
    return params


def _vocabulary(book: dict[str, Any]) -> Vocabulary:
    def words(entries: list[dict[str, Any]]) -> dict[str, Word]:
        return {w["id"]: Word(w["id"], w["word"], w["meaning"]) for w in entries}

    return Vocabulary(
        words(book["severities"]), words(book["ratings"]),
        {a["term"]: a["expansion"] for a in book.get("acronyms", [])},
        frozenset(book.get("plain_abbreviations", [])),
        {j["phrase"]: j["plain"] for j in book.get("jargon", [])},
    )


def build(root: Path, data: dict[str, Any], key: str) -> Knowledge:
    problems: list[str] = []
    qdata = data["questionnaire"]
    vocabulary = _vocabulary(data["rulebook"])

    def _role_text(value: Any) -> RoleText:
        """A text per reader; the founder's has each listed acronym spelt out."""
        text = RoleText.from_data(value)
        return text._replace(founder=explain(text.founder, vocabulary.acronyms))

    # Parameters first: conditions resolve them.
    parameters: dict[str, Parameter] = {}
    for p in data.get("parameters", []):
        if p["id"] in parameters:
            problems.append(f"{PARAMETERS_FILE}:{p['id']}: id: defined twice")
        parameters[p["id"]] = Parameter(
            id=p["id"], value=p["value"], unit=p["unit"], label=p["label"], reference=p["reference"],
            last_review=p["last_review"], valid_from=p["valid_from"], source=p["source"],
        )
    for needed in CODE_PARAMETERS:
        if needed not in parameters:
            problems.append(f"{PARAMETERS_FILE}:{needed}: id: required by the metric definitions, missing")
    param_values = {pid: p.value for pid, p in parameters.items()}

    # Questionnaire: relevance and constraints may name only earlier questions.
    seen_types: dict[str, str] = {}
    seen_choices: dict[str, frozenset[str]] = {}
    sections: list[Section] = []
    for s in data["sections"]:
        file = s["file"]
        questions: list[Question] = []
        for q in s["questions"]:
            qid = q["id"]
            where = f"{file}:{qid}"
            if qid in seen_types:
                problems.append(f"{where}: id: used by another question")
                continue
            earlier = Symbols(questions=dict(seen_types), choices=dict(seen_choices), parameters=param_values)
            relevant = None
            if q.get("relevant"):
                relevant = _compile(q["relevant"], earlier, f"{where}: relevant", problems)
            constraint = None
            if q.get("constraint"):
                with_value = Symbols(
                    questions=dict(seen_types), choices=dict(seen_choices), parameters=param_values,
                    allow_value=True, value_type=q["type"],
                )
                constraint = _compile(q["constraint"], with_value, f"{where}: constraint", problems)
            table = q.get("table")
            question = Question(
                id=qid, type=q["type"], section=s["id"],
                label=_role_text(q["label"]), help=_role_text(q["help"]),
                choices=tuple(Choice(c["value"], c["label"], c.get("help", "")) for c in q.get("choices", [])),
                unit=q.get("unit", ""), widget=q.get("widget", ""), max_length=q.get("max_length"),
                relevant=relevant, constraint=constraint,
                constraint_message=q.get("constraint_message") or "",
                table=TableSpec(table["min_rows"], table["max_rows"]) if table else None,
            )
            questions.append(question)
            seen_types[qid] = q["type"]
            if question.type in ("choice", "yesno"):
                seen_choices[qid] = frozenset(question.choice_values)
        titles = _role_text(s["title"])
        sections.append(Section(s["id"], titles.lender, _role_text(s.get("intro", "")), tuple(questions), titles))
    questionnaire = Questionnaire(qdata["version"], tuple(sections), qdata["messages"])

    symbols = Symbols(
        questions=seen_types, choices=seen_choices, metrics=ALL_METRICS, parameters=param_values
    )

    book = data["rulebook"]
    areas = tuple(
        Area(a["id"], _role_text(a["title"]).lender, a["description"], tuple(a["key_questions"]),
             _role_text(a["title"]))
        for a in book["areas"]
    )
    for a in areas:
        for qid in a.key_questions:
            if qid not in seen_types:
                problems.append(f"{RULEBOOK_FILE}:{a.id}: key_questions: '{qid}' is not a question id")
    bands = {b["id"]: Band(b["id"], b["label"], b["colour"], b["lender"], explain(b["founder"], vocabulary.acronyms))
             for b in book["bands"]}
    metric_info = {}
    for m in book["metrics"]:
        labels, definitions = _role_text(m["label"]), _role_text(m["definition"])
        shorts = _role_text(m["short"]) if m.get("short") else None
        metric_info[m["id"]] = MetricInfo(m["id"], labels.lender, m["unit"], definitions.lender, labels, definitions,
                                          shorts)
    wanted_metrics = set(DESCRIBED_METRICS)
    for missing in sorted(wanted_metrics - set(metric_info)):
        problems.append(f"{RULEBOOK_FILE}:{missing}: metrics: no label or definition for this metric")
    for unknown in sorted(set(metric_info) - wanted_metrics):
        problems.append(f"{RULEBOOK_FILE}:{unknown}: metrics: not a metric the engine computes")

    rules: list[Rule] = []
    rule_ids: set[str] = set()
    for rf in data["rule_files"]:
        file, area = rf["file"], rf["area"]
        if area not in AREAS:
            problems.append(f"{file}: area: '{area}' is not one of {', '.join(AREAS)}")
            continue
        for r in rf["rules"]:
            rid = r["id"]
            where = f"{file}:{rid}"
            if rid in rule_ids:
                problems.append(f"{where}: id: used by another rule")
                continue
            rule_ids.add(rid)
            if rid.split(".", 1)[0] != area:
                problems.append(f"{where}: id: must start with the file's area '{area}.'")
            levels: list[Level] = []
            trace: list[str] = []
            cond_questions: list[str] = []
            for i, lv in enumerate(r["levels"], start=1):
                label = "when" if len(r["levels"]) == 1 else f"levels.{i}.when"
                cond = _compile(lv["when"], symbols, f"{where}: {label}", problems)
                title = _role_text(lv.get("title") or r["title"])
                for text in dict.fromkeys(title):
                    trace += _check_placeholders(text, symbols, f"{where}: title", problems)
                if cond is None:
                    continue
                trace += list(cond.parameters)
                cond_questions += [q for q in cond.questions if q not in cond_questions]
                levels.append(Level(cond, lv["severity"], lv.get("rating"), title))
            severities = [lv["severity"] for lv in r["levels"]]
            from lendready.domain.engine.rules import SEVERITY_RANK

            if [SEVERITY_RANK[s] for s in severities] != sorted(SEVERITY_RANK[s] for s in severities):
                problems.append(f"{where}: levels: list the most severe level first")
            for fname in ("why_it_matters", "what_to_do", "lender_condition"):
                value = r.get(fname)
                if value is None:
                    continue
                texts = [value] if isinstance(value, str) else [t for t in value.values() if t]
                for text in texts:
                    trace += _check_placeholders(text, symbols, f"{where}: {fname}", problems)
            evidence = r.get("evidence") or cond_questions
            for qid in evidence:
                if qid not in seen_types:
                    problems.append(f"{where}: evidence: '{qid}' is not a question id")
            rules.append(
                Rule(
                    id=rid, area=area, levels=tuple(levels), evidence=tuple(evidence),
                    suppresses=tuple(r.get("suppresses", [])),
                    why_it_matters=_role_text(r["why_it_matters"]), what_to_do=_role_text(r["what_to_do"]),
                    myth=r.get("myth"), reference=r.get("reference"),
                    lender_condition=_role_text(r["lender_condition"]) if r.get("lender_condition") else None,
                    file=file,
                    parameters=tuple(dict.fromkeys(trace)),
                )
            )
    for rule in rules:
        for other in rule.suppresses:
            if other not in rule_ids:
                problems.append(f"{rule.file}:{rule.id}: suppresses: '{other}' is not a rule id")
    if problems:
        raise ResourceError(problems)
    return Knowledge(
        root=root, fingerprint=key, questionnaire=questionnaire, parameters=parameters,
        param_values=param_values, rules=tuple(rules), areas=areas, bands=bands,
        metric_info=metric_info, rules_version=book["version"], rules_by_id={r.id: r for r in rules},
        vocabulary=vocabulary,
    )


_LOADED: dict[Path, Knowledge] = {}


def load(root: Path | None = None) -> Knowledge:
    """The knowledge for ``root`` (default: the installed resources), loaded once per process."""
    if root is None:
        from lendready.resources import resources_dir

        root = resources_dir()
    root = Path(root)
    known = _LOADED.get(root)
    if known is not None:
        return known
    data, key = _cached_validation(root)
    knowledge = build(root, data, key)
    _LOADED[root] = knowledge
    return knowledge


def check(root: Path) -> list[str]:
    """Every problem in the engine's resources, without the cache (for the linter)."""
    data, problems = validate_resources(root)
    if problems:
        return problems
    try:
        build(root, data, "lint")
    except ResourceError as exc:
        return exc.problems
    return []
