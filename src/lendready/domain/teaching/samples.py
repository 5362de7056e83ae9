"""The sample-case library: teaching cases with their story and expected verdict.

Trainers open these in the app and the suite checks each one still gets the
verdict its metadata states, so a rule change that alters a teaching case's
outcome is noticed, not discovered in front of a class.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from lendready.domain.engine.resource_cache import (
    ResourceError,
    cached_validated,
    fingerprint,
    read_toml,
    validate_model,
)

if TYPE_CHECKING:  # the start page lists the samples without loading the rules or the case reader
    from lendready.domain.engine.knowledge import Knowledge
    from lendready.domain.files.case_file import Case

SAMPLES_DIR = "samples"
# Bump when the shape of the cached sample metadata changes, so stale caches are ignored.
CACHE_SCHEMA = 2
CASE_SUFFIX = ".lendready"


class Expected(NamedTuple):
    band: str
    findings: tuple[str, ...]
    absent_findings: tuple[str, ...]
    metrics: dict[str, float | str]
    absent_metrics: tuple[str, ...]


class SampleMeta(NamedTuple):
    """A sample's story and verdict as checked by ``resource_schema.SampleMeta`` (see there for each field)."""

    title: str
    summary: str
    as_of: str
    """ISO date the case is a snapshot of."""
    story: str
    teaches: tuple[str, ...]
    questions: tuple[str, ...]
    lender_verdict: str
    lender_reasons: tuple[str, ...]
    expected: Expected

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SampleMeta:
        exp = data["expected"]
        return cls(
            data["title"], data["summary"], data["as_of"], data["story"], tuple(data["teaches"]), tuple(data["questions"]),
            data["lender_verdict"], tuple(data["lender_reasons"]),
            Expected(exp["band"], tuple(exp["findings"]), tuple(exp["absent_findings"]), dict(exp["metrics"]),
                     tuple(exp["absent_metrics"])),
        )


@dataclass(frozen=True)
class Sample:
    id: str
    path: Path
    meta: SampleMeta


def sample_paths(root: Path) -> list[Path]:
    return sorted((root / SAMPLES_DIR).glob(f"*{CASE_SUFFIX}"))


def _validate_samples(root: Path) -> tuple[dict[str, Any], list[str]]:
    """Schema-check every sample's metadata: {id: plain data}, and the problems found."""
    from lendready.domain.engine.resource_schema import SampleMeta as Schema

    problems: list[str] = []
    out: dict[str, Any] = {}
    folder = root / SAMPLES_DIR
    cases = {p.stem for p in sample_paths(root)}
    metas = {p.stem for p in folder.glob("*.toml")}
    for orphan in sorted(metas - cases):
        problems.append(f"{SAMPLES_DIR}/{orphan}.toml: (file): no {orphan}{CASE_SUFFIX} beside it")
    for sid in sorted(cases):
        rel = f"{SAMPLES_DIR}/{sid}.toml"
        if sid not in metas:
            problems.append(f"{SAMPLES_DIR}/{sid}{CASE_SUFFIX}: (file): no {sid}.toml with its story and verdict")
            continue
        raw = read_toml(folder / f"{sid}.toml", root, problems)
        meta = validate_model(Schema, raw, rel, problems)
        if meta is not None:
            out[sid] = meta.model_dump(mode="json")
    return out, problems


def load_samples(root: Path, problems: list[str]) -> list[Sample]:
    """Every sample whose metadata validates; problems are appended, not raised.

    Unchanged metadata comes from the on-disk cache, like the rest of the
    resources, so opening the app does not import pydantic to re-check it.
    """
    folder = root / SAMPLES_DIR
    files = sorted(p for p in folder.glob("*") if p.suffix in (".toml", CASE_SUFFIX) and p.is_file())
    checked: list[tuple[dict[str, Any], list[str]]] = []

    def validate() -> tuple[dict[str, Any], list[str]]:
        checked.append(_validate_samples(root))
        return checked[-1]

    try:
        data = cached_validated(f"samples-v{CACHE_SCHEMA}", fingerprint(root, files), validate)
    except ResourceError:
        data, found = checked[-1]  # broken: report every problem, keep the samples that pass
        problems.extend(found)
    except OSError as exc:
        problems.append(f"{SAMPLES_DIR}: (folder): cannot be read: {exc}")
        return []
    return [Sample(sid, folder / f"{sid}{CASE_SUFFIX}", SampleMeta.from_data(meta)) for sid, meta in data.items()]


def load_sample_case(sample: Sample, knowledge: Knowledge) -> Case:
    from lendready.domain.files.case_file import load_case

    return load_case(sample.path, knowledge.questionnaire)


def sample_as_of(sample: Sample) -> date:
    """The date a sample is assessed at (its own snapshot date), so a teaching case never ages."""
    return date.fromisoformat(sample.meta.as_of)


def check_sample(sample: Sample, knowledge: Knowledge) -> list[str]:
    """Compare a sample's assessment with the verdict its metadata promises."""
    from lendready.domain.engine.assessment import assess
    from lendready.domain.files.case_file import CaseFileError

    where = f"{SAMPLES_DIR}/{sample.id}"
    try:
        case = load_sample_case(sample, knowledge)
    except CaseFileError as exc:
        return [f"{where}{CASE_SUFFIX}: (file): refused: {exc}"]
    problems = [f"{where}{CASE_SUFFIX}: answers: {w}" for w in case.warnings]
    # The verdict alone (the advice built on it needs the teaching files, which lint checks on their own).
    result = assess(case, knowledge, audience="lender", as_of=sample_as_of(sample))
    exp = sample.meta.expected
    if result.band != exp.band:
        problems.append(f"{where}.toml: expected.band: expected {exp.band}, the rules give {result.band}")
    fired = set(result.finding_ids)
    for rid in exp.findings:
        if rid not in knowledge.rules_by_id:
            problems.append(f"{where}.toml: expected.findings: '{rid}' is not a rule id")
        elif rid not in fired:
            problems.append(f"{where}.toml: expected.findings: {rid} does not fire")
    for rid in exp.absent_findings:
        if rid in fired:
            problems.append(f"{where}.toml: expected.absent_findings: {rid} fires")
    for mid, want in exp.metrics.items():
        got = result.metrics.values.get(mid)
        if got != want:
            problems.append(f"{where}.toml: expected.metrics.{mid}: expected {want}, computed {got}")
    for mid in exp.absent_metrics:
        if mid in result.metrics.values:
            problems.append(f"{where}.toml: expected.absent_metrics: {mid} is present ({result.metrics.values[mid]})")
    return problems


def sample_for(case: Case, knowledge: Knowledge, samples: list[Sample] | None = None) -> Sample | None:
    """The shipped sample ``case`` is, or None for a case of the user's own.

    A case is a sample when the assessment sees exactly the sample's answers: the
    same validated values and the same answers set aside as invalid. Where the
    case came from (a file's path, its id, its dates) does not matter, and any
    change to an answer that counts makes it a case of one's own. ``samples``
    defaults to every sample under ``knowledge.root`` whose metadata validates; a
    sample whose case file is refused is skipped.
    """
    q = knowledge.questionnaire
    mine = q.validate(case.answers)
    key = (mine.values, [(i.question, i.value) for i in mine.invalid])
    if samples is None:
        samples = load_samples(knowledge.root, [])
    for sample in samples:
        if key == _answers_key(sample, knowledge):
            return sample
    return None


_KEYS: dict[tuple[Any, ...], Any] = {}


def _answers_key(sample: Sample, knowledge: Knowledge) -> Any:
    """What the assessment sees of a sample's answers (None when its file is refused).

    Remembered per file content and rules, so recognising a sample (every trainer's
    handout asks) parses and validates each shipped file once, not each time.
    """
    from lendready.domain.files.case_file import CaseFileError, parse_case, read_case_bytes

    try:
        raw = read_case_bytes(sample.path)
    except CaseFileError:
        return None
    memo = (str(sample.path), raw, knowledge.fingerprint)
    if memo not in _KEYS:
        try:
            theirs = knowledge.questionnaire.validate(parse_case(raw, knowledge.questionnaire).answers)
            found: Any = (theirs.values, [(i.question, i.value) for i in theirs.invalid])
        except CaseFileError:
            found = None
        if len(_KEYS) > 256:
            _KEYS.clear()
        _KEYS[memo] = found
    return _KEYS[memo]
