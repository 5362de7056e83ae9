"""The sample-case library: teaching cases with their story and expected verdict.

Trainers open these in the app and the suite checks each one still gets the
verdict its metadata states, so a rule change that alters a teaching case's
outcome is noticed, not discovered in front of a class.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lendready.domain.case_file import Case, CaseFileError, load_case
from lendready.domain.knowledge import Knowledge, read_toml, validate_model

SAMPLES_DIR = "samples"
CASE_SUFFIX = ".lendready"


@dataclass(frozen=True)
class Sample:
    id: str
    path: Path
    meta: Any  # resource_schema.SampleMeta


def sample_paths(root: Path) -> list[Path]:
    return sorted((root / SAMPLES_DIR).glob(f"*{CASE_SUFFIX}"))


def load_samples(root: Path, problems: list[str]) -> list[Sample]:
    """Every sample whose metadata validates; problems are appended, not raised."""
    from lendready.domain.resource_schema import SampleMeta

    out: list[Sample] = []
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
        meta = validate_model(SampleMeta, raw, rel, problems)
        if meta is not None:
            out.append(Sample(sid, folder / f"{sid}{CASE_SUFFIX}", meta))
    return out


def load_sample_case(sample: Sample, knowledge: Knowledge) -> Case:
    return load_case(sample.path, knowledge.questionnaire)


def check_sample(sample: Sample, knowledge: Knowledge) -> list[str]:
    """Compare a sample's assessment with the verdict its metadata promises."""
    from lendready.domain.assessment import assess

    where = f"{SAMPLES_DIR}/{sample.id}"
    try:
        case = load_sample_case(sample, knowledge)
    except CaseFileError as exc:
        return [f"{where}{CASE_SUFFIX}: (file): refused: {exc}"]
    problems = [f"{where}{CASE_SUFFIX}: answers: {w}" for w in case.warnings]
    result = assess(case, knowledge, audience="lender")
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
        try:
            theirs = q.validate(load_sample_case(sample, knowledge).answers)
        except CaseFileError:
            continue
        if key == (theirs.values, [(i.question, i.value) for i in theirs.invalid]):
            return sample
    return None
