"""Rule test cases kept as data: each rule must fire on one case and not on another.

Each case starts from a sample case, changes a few answers, and states whether
a rule fires (and at what severity). The suite runs every case by name, and
``lendready lint`` runs them too, so a credit team changing a threshold sees at
once which rule stopped behaving as documented.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lendready.domain.engine.knowledge import Knowledge, read_toml, validate_model
from lendready.domain.engine.questionnaire import type_problem
from lendready.domain.files.case_file import Case, CaseFileError

TESTS_DIR = "rules/tests"


@dataclass(frozen=True)
class RuleCase:
    file: str
    case: Any  # resource_schema.RuleTestCase

    @property
    def label(self) -> str:
        return f"{self.case.rule}: {self.case.name}"


def load_rule_cases(root: Path, problems: list[str]) -> list[RuleCase]:
    from lendready.domain.engine.resource_schema import RuleTestFile

    out: list[RuleCase] = []
    for path in sorted((root / TESTS_DIR).glob("*.toml")):
        rel = f"{TESTS_DIR}/{path.name}"
        raw = read_toml(path, root, problems)
        parsed = validate_model(RuleTestFile, raw, rel, problems)
        if parsed is not None:
            out += [RuleCase(rel, c) for c in parsed.cases]
    return out


def run_rule_case(rc: RuleCase, knowledge: Knowledge, bases: dict[str, Case]) -> str | None:
    """None when the case behaves as stated, else what went wrong, naming file, rule and case."""
    from lendready.domain.engine.assessment import assess

    c = rc.case
    where = f"{rc.file}:{c.rule} ({c.name})"
    if c.rule not in knowledge.rules_by_id:
        return f"{where}: rule: no such rule"
    base = bases.get(c.base)
    if base is None:
        return f"{where}: base: no sample case '{c.base}'"
    answers = dict(base.answers)
    for qid in c.unset:
        if qid not in knowledge.questionnaire:
            return f"{where}: unset: '{qid}' is not a question id"
        answers.pop(qid, None)
    for qid, value in c.set.items():
        question = knowledge.questionnaire.questions.get(qid)
        if question is None:
            return f"{where}: set: '{qid}' is not a question id"
        problem = type_problem(question, value)
        if problem:
            return f"{where}: set.{qid}: {problem}"
        answers[qid] = value
    result = assess(answers, knowledge, audience="lender", as_of=c.as_of)
    finding = next((f for f in result.findings if f.id == c.rule), None)
    if c.fires and finding is None:
        return f"{where}: expected the rule to fire; it did not"
    if not c.fires and finding is not None:
        return f"{where}: expected the rule not to fire; it fired ({finding.severity})"
    if c.fires and c.severity and finding is not None and finding.severity != c.severity:
        return f"{where}: expected severity {c.severity}, got {finding.severity}"
    return None


def sample_bases(root: Path, knowledge: Knowledge) -> dict[str, Case]:
    from lendready.domain.teaching.samples import load_sample_case, load_samples

    bases: dict[str, Case] = {}
    for sample in load_samples(root, []):
        try:
            bases[sample.id] = load_sample_case(sample, knowledge)
        except CaseFileError:
            continue
    return bases


def coverage_problems(cases: list[RuleCase], knowledge: Knowledge) -> list[str]:
    """Every rule needs a case where it fires and one where it does not."""
    fires = {rc.case.rule for rc in cases if rc.case.fires}
    quiet = {rc.case.rule for rc in cases if not rc.case.fires}
    problems = []
    for rule in knowledge.rules:
        if rule.id not in fires:
            problems.append(f"{TESTS_DIR}:{rule.id}: (coverage): no case where the rule fires")
        if rule.id not in quiet:
            problems.append(f"{TESTS_DIR}:{rule.id}: (coverage): no case where the rule does not fire")
    return problems
