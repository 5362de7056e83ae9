"""``assess(case) -> Assessment``: the one place a verdict is reached.

The flow crosses each step once: skip logic and constraints decide which
answers count; the metrics are computed from those; every rule's levels are
tried, most severe first; paired rules give way to the more severe one; areas
are rated; the band follows. The GUI, the PDF and the command line only format
what the Assessment holds, so they can never disagree.

It is pure and deterministic: the same answers and resources give the same
result, and each finding carries the answers it used (evidence) and the
parameters it read (trace), so a credit committee can follow every step.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from datetime import date
from typing import Any, NamedTuple

from lendready import __version__
from lendready.domain.engine import formatting
from lendready.domain.engine.conditions import METRIC_KEY
from lendready.domain.engine.knowledge import PLACEHOLDER, Knowledge, load
from lendready.domain.engine.metrics import EARNINGS_RATIOS, STRESS_DERIVED, Metrics, compute, reading
from lendready.domain.engine.questionnaire import Invalid, Validated
from lendready.domain.engine.rules import AREA_RANK, AREAS, RATING_RANK, SEVERITY_RANK, Level, Rule
from lendready.domain.files.case_file import Case

AUDIENCES = ("lender", "founder", "trainer")


class Evidence(NamedTuple):
    question: str
    value: Any


class Finding(NamedTuple):
    id: str
    area: str
    severity: str
    rating: str | None
    title: str
    evidence: tuple[Evidence, ...]
    why_it_matters: str
    what_to_do: str
    parameters: tuple[str, ...]
    condition: str
    myth: str | None = None
    lender_condition: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "area": self.area,
            "severity": self.severity,
            "title": self.title,
            "evidence": [{"question": e.question, "value": e.value} for e in self.evidence],
            "why_it_matters": self.why_it_matters,
            "what_to_do": self.what_to_do,
        }


class AreaResult(NamedTuple):
    id: str
    rating: str
    missing: tuple[str, ...]
    """Key questions still unanswered (why an area is ``unknown``)."""


class Assessment(NamedTuple):
    organisation: str | None
    band: str
    areas: tuple[AreaResult, ...]
    metrics: Metrics
    findings: tuple[Finding, ...]
    unanswered: tuple[str, ...]
    invalid: tuple[Invalid, ...]
    rules_version: str
    audience: str
    parameter_values: dict[str, float]

    def area(self, area_id: str) -> AreaResult:
        return next(a for a in self.areas if a.id == area_id)

    @property
    def finding_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.findings)

    def to_dict(self, *, trace: bool = False) -> dict[str, Any]:
        """The output contract, field for field (``trace`` adds how each finding was reached)."""
        out: dict[str, Any] = {
            "lendready_version": __version__,
            "rules_version": self.rules_version,
            "organisation": self.organisation,
            "band": self.band,
            "areas": [{"id": a.id, "rating": a.rating} for a in self.areas],
            "metrics": self.metrics.published(),
            "findings": [f.to_dict() for f in self.findings],
            "unanswered": list(self.unanswered),
            "invalid": [{"question": i.question, "value": i.value, "message": i.message} for i in self.invalid],
        }
        if trace:
            out["trace"] = {
                "findings": {
                    f.id: {
                        "condition": f.condition,
                        "parameters": {p: self.parameter_values[p] for p in f.parameters},
                    }
                    for f in self.findings
                },
                "metrics_not_available": dict(sorted(self.metrics.reasons.items())),
                "areas_missing": {a.id: list(a.missing) for a in self.areas if a.missing},
            }
        return out

    def to_json(self, *, trace: bool = False) -> str:
        return json.dumps(self.to_dict(trace=trace), ensure_ascii=False, indent=2) + "\n"


def metric_text(k: Knowledge, values: Mapping[str, Any], mid: str) -> str:
    """A metric as every reader sees it: "n/a" when absent, a ratio over earnings of zero or less as
    "negative: earnings do not cover costs" (never a figure that seems to cover), else by its unit."""
    value = values.get(mid)
    if value is None:
        return "n/a"
    if mid in EARNINGS_RATIOS and values.get("ebitda_proxy", 1) <= 0:
        return formatting.NEGATIVE_EARNINGS
    info = k.metric_info.get(mid)
    return formatting.by_unit(value, info.unit if info else "")


class _Renderer:
    """Fills ``{question.id}``, ``{metric.x}`` and ``{param.y}`` in rule texts with formatted values."""

    def __init__(self, knowledge: Knowledge, values: Mapping[str, Any], metrics: Metrics) -> None:
        self.k = knowledge
        self.values = values
        self.metrics = metrics

    def _value(self, match: Any) -> str:
        name = match.group(1)
        k = self.k
        if name.startswith("param."):
            p = k.parameters[name[6:]]
            return formatting.by_unit(p.value, p.unit)
        if name.startswith("metric."):
            return metric_text(k, self.metrics.values, name[7:])
        question = k.questionnaire.questions[name]
        return formatting.answer(question.type, self.values.get(name), question.choice_label, question.unit)

    def __call__(self, text: str) -> str:
        if "{" not in text:
            return text
        return PLACEHOLDER.sub(self._value, text)


def _fire(rule: Rule, env: Mapping[str, Any]) -> int | None:
    for i, level in enumerate(rule.levels):
        if level.condition.evaluate(env) is True:
            return i
    return None


class Judgement:
    """Everything that decides a verdict, before any text is written.

    The areas and band are worked out when first read: loan sizing's searches re-judge a case
    about thirty times and read only which findings are red or amber at most of those amounts.
    """

    __slots__ = ("validated", "metrics", "kept", "fired", "_k", "_gaps_as", "_outcome")

    def __init__(self, k: Knowledge, validated: Validated, metrics: Metrics, kept: list[tuple[Rule, Level]],
                 fired: Mapping[str, int], gaps_as: tuple[AreaResult, ...] | None = None) -> None:
        self.validated = validated
        self.metrics = metrics
        self.kept = kept
        self.fired = fired
        """Each rule that fired, before suppression, and the index of its level: what a re-judgement of
        slightly changed answers reuses for the rules whose inputs did not change."""
        self._k = k
        self._gaps_as = gaps_as
        self._outcome: tuple[tuple[AreaResult, ...], str] | None = None

    def _worked_out(self) -> tuple[tuple[AreaResult, ...], str]:
        if self._outcome is None:
            self._outcome = _areas_and_band(self._k, self.kept, self.validated.unanswered, self._gaps_as)
        return self._outcome

    @property
    def areas(self) -> tuple[AreaResult, ...]:
        return self._worked_out()[0]

    @property
    def band(self) -> str:
        return self._worked_out()[1]

    def red_ids(self) -> frozenset[str]:
        """Findings that rate their area red or block (the ones that make a case not ready)."""
        return frozenset(r.id for r, lv in self.kept if lv.rating == "red" or lv.severity == "blocker")

    def amber_ids(self) -> frozenset[str]:
        return frozenset(r.id for r, lv in self.kept if lv.rating == "amber" and lv.severity != "blocker")


class _RulebookIndex(NamedTuple):
    readers: dict[str, frozenset[str]]
    """For each question id and metric (as ``metric:name``), the rules whose conditions read it."""
    position: dict[str, int]
    """Each rule's place in the rulebook, the order findings are kept in."""
    stress: frozenset[str]
    """The rules that apply a stress themselves (they read a stress-derived metric)."""


_INDEXES: dict[str, _RulebookIndex] = {}


def _index(k: Knowledge) -> _RulebookIndex:
    """What a re-judgement looks up about the rulebook, built once per rulebook (every case screened
    is re-judged some twenty times, and builds a Reassessor that asks for the stress rules)."""
    known = _INDEXES.get(k.fingerprint)
    if known is None:
        found: dict[str, set[str]] = {}
        for rule in k.rules:
            for lv in rule.levels:
                for name in (*lv.condition.questions, *(METRIC_KEY + m for m in lv.condition.metrics)):
                    found.setdefault(name, set()).add(rule.id)
        known = _RulebookIndex(
            {name: frozenset(ids) for name, ids in found.items()},
            {rule.id: i for i, rule in enumerate(k.rules)},
            frozenset(rule.id for rule in k.rules
                      if any(m in STRESS_DERIVED for level in rule.levels for m in level.condition.metrics)),
        )
        _INDEXES[k.fingerprint] = known
    return known


def stress_rules(k: Knowledge) -> frozenset[str]:
    """Rules that apply a stress themselves (they read a stress-derived metric): not run inside a stress."""
    return _index(k).stress


def _changed(now: Mapping[str, Any], before: Mapping[str, Any]) -> set[str]:
    return {name for name in now.keys() | before.keys() if now.get(name) != before.get(name)}


def _env(values: Mapping[str, Any], metrics: Metrics) -> dict[str, Any]:
    """What conditions read: the answers, and each metric under ``metric:`` (a name no question can have)."""
    env = dict(values)
    for name, value in metrics.values.items():
        env[METRIC_KEY + name] = value
    return env


def judge(
    k: Knowledge, validated: Validated, *, skip: frozenset[str] = frozenset(), as_of: date | None = None,
    since: Judgement | None = None, changed: AbstractSet[str] | None = None,
) -> Judgement:
    """Metrics, rules, areas and band for answers that have been validated.

    Kept apart from :func:`assess` because advice (stress, sizing, proposals)
    re-assesses changed answers dozens of times per case and needs no wording.
    ``skip`` names rules not to evaluate (inside a stress scenario, the rules that
    themselves apply a stress). ``as_of`` is the assessment date: without one the
    metrics that measure an age (of the accounts, the forecast, a valuation) are
    absent and the rules reading them do not fire.

    ``since`` is a judgement of the same case at the same date, with no rules skipped and a few
    answers changed (advice's base): a rule none of whose questions or metrics changed from it fires
    as it did there, so only the rules the change can reach are evaluated again. Loan sizing
    re-judges each case about thirty times changing only the amount or term, which leaves most
    rules untouched. ``changed``, when the caller knows it, is the set of answers that differ from
    ``since`` (else they are compared).
    """
    values = validated.values
    if since is None:
        metrics = compute(values, k.param_values, as_of)
        env = _env(values, metrics)
        fired: dict[str, int] = {}
        for rule in k.rules:
            if rule.id not in skip:
                level = _fire(rule, env)
                if level is not None:
                    fired[rule.id] = level
    else:
        answers_changed = _changed(values, since.validated.values) if changed is None else changed
        metrics = compute(values, k.param_values, as_of, (since.metrics, answers_changed))
        env = _env(values, metrics)
        readers = _index(k).readers
        stale: set[str] = set()
        for name in answers_changed:
            stale.update(readers.get(name, ()))
        for spec in reading(frozenset(answers_changed)):
            if metrics.values.get(spec.id) != since.metrics.values.get(spec.id):
                stale.update(readers.get(METRIC_KEY + spec.id, ()))
        fired = {rid: i for rid, i in since.fired.items() if rid not in skip}
        for rid in stale:
            if rid in skip:
                continue
            level = _fire(k.rules_by_id[rid], env)
            if level is None:
                fired.pop(rid, None)
            else:
                fired[rid] = level
    by_id = k.rules_by_id
    suppressed = {other for rid in fired for other in by_id[rid].suppresses}
    kept = [(by_id[rid], by_id[rid].levels[fired[rid]])
            for rid in sorted(fired, key=_index(k).position.__getitem__) if rid not in suppressed]
    # A re-judgement with the same unanswered questions has the same missing key questions per area.
    gaps_as = since.areas if since is not None and validated.unanswered == since.validated.unanswered else None
    return Judgement(k, validated, metrics, kept, fired, gaps_as)


def _areas_and_band(k: Knowledge, kept: list[tuple[Rule, Level]], unanswered: list[str],
                    gaps_as: tuple[AreaResult, ...] | None) -> tuple[tuple[AreaResult, ...], str]:
    """Each area's rating and the band. ``gaps_as``: areas judged with the same unanswered
    questions, whose missing key questions are these areas' too (a re-judgement's usual case)."""
    blocked: set[str] = set()
    worst: dict[str, int] = {}
    for rule, level in kept:
        if level.severity == "blocker":
            blocked.add(rule.area)
        if level.rating:
            worst[rule.area] = max(worst.get(rule.area, 0), RATING_RANK[level.rating])
    if gaps_as is not None:
        missing_in = {a.id: a.missing for a in gaps_as}
    else:
        gaps = set(unanswered)
        missing_in = {area.id: tuple(q for q in area.key_questions if q in gaps) for area in k.areas}
    areas: list[AreaResult] = []
    for area in k.areas:
        missing = missing_in[area.id]
        if area.id in blocked:
            rating = "red"
        elif missing:
            rating = "unknown"
        else:
            rating = ("green", "amber", "red")[worst.get(area.id, 0)]
        areas.append(AreaResult(area.id, rating, missing))
    areas.sort(key=lambda a: AREA_RANK[a.id])

    ratings = [a.rating for a in areas]
    if blocked:
        band = "not_ready"
    elif "unknown" in ratings:
        band = "incomplete"
    elif "red" in ratings:
        band = "not_ready"
    elif "amber" in ratings:
        band = "nearly_ready"
    else:
        band = "ready"
    return tuple(areas), band


def _judge(k: Knowledge, answers: Mapping[str, Any], as_of: date | None = None) -> Judgement:
    return judge(k, k.questionnaire.validate(answers, as_of), as_of=as_of)


def band_of(case: Case | Mapping[str, Any], knowledge: Knowledge | None = None) -> str:
    """The band alone, as :func:`assess` would give it, at a fraction of the cost."""
    answers = case.answers if isinstance(case, Case) else case
    return _judge(knowledge or load(), answers).band


def assess(
    case: Case | Mapping[str, Any],
    knowledge: Knowledge | None = None,
    *,
    audience: str | None = None,
    as_of: date | None = None,
) -> Assessment:
    """Assess a case (or a bare mapping of answers) against the loaded rules, at ``as_of`` if given."""
    k = knowledge or load()
    answers, role = answers_and_role(case, audience)
    return describe(k, _judge(k, answers, as_of), role)


def answers_and_role(case: Case | Mapping[str, Any], audience: str | None) -> tuple[Mapping[str, Any], str]:
    """A case's answers and the reader its wording is for: ``audience``, else who prepared it (a lender)."""
    if isinstance(case, Case):
        answers: Mapping[str, Any] = case.answers
        role = audience or case.prepared_by
    else:
        answers = case
        role = audience or "lender"
    if role not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}")
    return answers, role


def finding_titles(k: Knowledge, judged: Judgement, role: str = "lender") -> dict[str, str]:
    """Each kept finding's title for ``role``, filled from the judged answers."""
    render = _Renderer(k, judged.validated.values, judged.metrics)
    return {rule.id: render(level.title.for_role(role)) for rule, level in judged.kept}


def describe(k: Knowledge, judged: Judgement, role: str) -> Assessment:
    """The Assessment of a judgement: every finding's wording for ``role``, filled from the case."""
    validated, metrics, kept, areas, band = judged.validated, judged.metrics, judged.kept, judged.areas, judged.band
    values = validated.values
    render = _Renderer(k, values, metrics)
    findings: list[Finding] = []
    for rule, level in kept:
        findings.append(
            Finding(
                id=rule.id,
                area=rule.area,
                severity=level.severity,
                rating=level.rating,
                title=render(level.title.for_role(role)),
                evidence=tuple(Evidence(q, values[q]) for q in rule.evidence if q in values),
                why_it_matters=render(rule.why_it_matters.for_role(role)),
                what_to_do=render(rule.what_to_do.for_role(role)),
                parameters=rule.parameters,
                condition=level.condition.source,
                myth=rule.myth,
                lender_condition=render(rule.lender_condition.for_role(role)) if rule.lender_condition else None,
            )
        )
    findings.sort(key=lambda f: (SEVERITY_RANK[f.severity], AREA_RANK[f.area], f.id))

    name = values.get("org.name")
    return Assessment(
        organisation=name if isinstance(name, str) else None,
        band=band,
        areas=areas,
        metrics=metrics,
        findings=tuple(findings),
        unanswered=tuple(validated.unanswered),
        invalid=tuple(validated.invalid),
        rules_version=k.rules_version,
        audience=role,
        parameter_values=k.param_values,
    )


__all__ = [
    "AREAS", "Assessment", "AreaResult", "Evidence", "Finding", "Judgement", "assess", "band_of", "describe",
    "judge", "metric_text",
]
