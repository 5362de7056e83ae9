"""Any bytes a file may hold are either loaded and assessed, or refused with a reason: never a crash."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lendready.domain.engine.assessment import assess
from lendready.domain.files.case_file import CaseFileError, parse_case

json_scalars = st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=False) | st.text(
    max_size=30
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


def check(raw: bytes, knowledge) -> None:
    try:
        case = parse_case(raw, knowledge.questionnaire)
    except CaseFileError as exc:
        assert str(exc)
        return
    result = assess(case, knowledge)
    json.loads(result.to_json())
    assert result.band in ("ready", "nearly_ready", "not_ready", "incomplete")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_answers_of_any_type_load_or_are_refused(knowledge, data):
    ids = list(knowledge.questionnaire.questions) + ["unknown.question"]
    answers = data.draw(st.dictionaries(st.sampled_from(ids), json_values | st.sampled_from(
        ["yes", "no", "2027-13", "2027-01", "cic_shares", "statutory", 0, 100, 150, -5]), max_size=25))
    doc = {"format": "lendready-case", "format_version": 1, "answers": answers}
    doc.update(data.draw(st.dictionaries(st.sampled_from(["case_id", "prepared_by", "notes", "extra"]), json_values,
                                         max_size=3)))
    check(json.dumps(doc).encode(), knowledge)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_are_refused_cleanly(knowledge, raw):
    check(raw, knowledge)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_forecast_tables_of_any_shape(knowledge, samples, data):
    row = st.fixed_dictionaries({
        "month": st.sampled_from(["2027-01", "2027-02", "2027-13", "1999-12", "x"]) | st.text(max_size=8),
        "receipts": st.integers(-1000, 10**9) | st.floats(-1e6, 1e9, allow_nan=False),
        "payments": st.integers(-1000, 10**9) | st.floats(-1e6, 1e9, allow_nan=False),
    })
    answers = dict(samples["vale"].answers)
    answers["fin.forecast"] = data.draw(st.lists(row, max_size=40))
    doc = {"format": "lendready-case", "format_version": 1, "answers": answers}
    check(json.dumps(doc).encode(), knowledge)
