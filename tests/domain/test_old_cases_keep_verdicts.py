"""Old case files keep their verdicts (issue 16).

``data/verdicts_before_16.json`` was written once, before the questions and rules of
issue 16 were added, by assessing with the rules then committed: every sample case file
and every rule test case (a sample with a few answers changed), with its answers as
they were then and the band they got. The new questions are never key questions and,
unanswered, fire nothing, so each of these cases must get the same band today. The one
deliberate exception is ``security.thin_cover`` (other security counted at its lending
value by kind): a case it fires on may move, and only such a case.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from lendready.domain.engine.assessment import assess
from lendready.domain.engine.knowledge import load

DATA = json.loads((Path(__file__).parent / "data" / "verdicts_before_16.json").read_text(encoding="utf-8"))
ALLOWED_TO_MOVE = "security.thin_cover"
CASES = [(f"sample {k}", v) for k, v in DATA["samples"].items()] + [
    (f"rule case {k}", v) for k, v in DATA["rule_cases"].items()
]


@pytest.fixture(scope="module")
def knowledge():
    return load()


@pytest.mark.parametrize(("name", "before"), CASES, ids=[name for name, _ in CASES])
def test_band_unchanged_unless_thin_cover_fires(knowledge, name, before):
    as_of = date.fromisoformat(before["as_of"]) if before.get("as_of") else date(2026, 12, 1)
    for when in (None, as_of):
        now = assess(before["answers"], knowledge, audience="lender", as_of=when)
        if now.band != before["band"]:
            assert ALLOWED_TO_MOVE in now.finding_ids, (
                f"{name}: band moved from {before['band']} to {now.band} at {when} without {ALLOWED_TO_MOVE}; "
                f"findings now: {sorted(now.finding_ids)}"
            )


def test_the_record_covers_every_case_file_of_the_time():
    """Thirteen sample case files (no case file lived under tests/ then) and every rule test case."""
    assert len(DATA["samples"]) == 13 and all(k.startswith("resources/samples/") for k in DATA["samples"])
    assert len(DATA["rule_cases"]) == 183
    assert {v["band"] for v in DATA["samples"].values()} == {"ready", "nearly_ready", "not_ready"}


def test_thin_cover_moves_only_cases_with_weak_other_security(knowledge):
    """The cases that move are the ones whose other security, at its lending value, leaves the loan uncovered."""
    moved = []
    for name, before in CASES:
        now = assess(before["answers"], knowledge, audience="lender")
        if now.band != before["band"]:
            moved.append(name)
            answers = before["answers"]
            assert answers.get("sec.other_security", 0) > 0
            assert answers.get("sec.property_value", 0) + answers["sec.other_security"] < 2 * answers["loan.amount"]
    assert len(moved) < len(CASES) // 4
