"""``lendready lint``: everything a reviewer changed, checked in one pass.

Schema and name checks on the questionnaire, parameters and rules; every sample
case loaded and compared with its stated verdict; every rule test case run; and
every rule covered by a firing and a non-firing case. Problems are reported as
``file:id: field: problem``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lendready.domain.engine.knowledge import ResourceError, build, validate_resources


@dataclass
class LintReport:
    problems: list[str] = field(default_factory=list)
    rules: int = 0
    questions: int = 0
    parameters: int = 0
    samples: int = 0
    rule_cases: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def lint(root: Path) -> LintReport:
    from lendready.domain.engine.rule_tests import (
        coverage_problems,
        load_rule_cases,
        run_rule_case,
        sample_bases,
    )
    from lendready.domain.teaching.samples import check_sample, load_samples

    report = LintReport()
    data, problems = validate_resources(root)
    if problems:
        report.problems = problems
        return report
    try:
        knowledge = build(root, data, "lint")
    except ResourceError as exc:
        report.problems = exc.problems
        return report
    from lendready.domain.engine.wording import lint_wording

    report.problems += lint_wording(data, knowledge)
    report.rules = len(knowledge.rules)
    report.questions = len(knowledge.questionnaire.questions)
    report.parameters = len(knowledge.parameters)

    samples = load_samples(root, report.problems)
    report.samples = len(samples)
    for sample in samples:
        report.problems += check_sample(sample, knowledge)

    cases = load_rule_cases(root, report.problems)
    report.rule_cases = len(cases)
    bases = sample_bases(root, knowledge)
    for rc in cases:
        failure = run_rule_case(rc, knowledge, bases)
        if failure:
            report.problems.append(failure)
    report.problems += coverage_problems(cases, knowledge)
    from lendready.domain.advice.changes import lint as lint_improve

    report.problems += lint_improve(root, knowledge.questionnaire)

    from lendready.domain.teaching.content import check_teaching

    report.problems += check_teaching(root, knowledge)
    return report
