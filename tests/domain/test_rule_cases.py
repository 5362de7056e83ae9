"""Runs every rule test case kept as data in resources/rules/tests/*.toml."""

from __future__ import annotations

import pytest
from conftest import RESOURCES

from lendready.domain.engine.rule_tests import coverage_problems, load_rule_cases, run_rule_case, sample_bases

_PROBLEMS: list[str] = []
CASES = load_rule_cases(RESOURCES, _PROBLEMS)


def test_rule_case_files_are_valid():
    assert _PROBLEMS == []
    assert len(CASES) >= 2 * 35


@pytest.fixture(scope="module")
def bases(knowledge):
    return sample_bases(RESOURCES, knowledge)


@pytest.mark.parametrize("rule_case", CASES, ids=[rc.label for rc in CASES])
def test_rule_case(rule_case, knowledge, bases):
    failure = run_rule_case(rule_case, knowledge, bases)
    assert failure is None, failure


def test_every_rule_fires_somewhere_and_stays_quiet_somewhere(knowledge):
    assert coverage_problems(CASES, knowledge) == []
