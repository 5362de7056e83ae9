"""Loading and saving case files: the exchange contract, refusals and atomic saves."""

from __future__ import annotations

import json
import os

import pytest

from lendready.domain.engine.assessment import assess
from lendready.domain.files.case_file import (
    CaseFileError,
    dumps,
    load_case,
    new_case,
    parse_case,
    save_case,
)


def doc(answers=None, **top):
    d = {"format": "lendready-case", "format_version": 1, "case_id": "x", "created": "2026-11-25T10:00:00Z",
         "modified": "2026-11-25T10:00:00Z", "prepared_by": "founder", "answers": answers or {}}
    d.update(top)
    return json.dumps(d).encode()


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"format": "something-else", "format_version": 1}', "not a lendready case file"),
        (b'{"format": "lendready-case", "format_version": 1, "format_version": 1}', "appears twice"),
        (b'{"format": "lendready-case", "format_version": 2, "answers": {}}', "newer lendready"),
        (b'{"format": "lendready-case", "format_version": "1"}', "format_version"),
        (b'{"format": "lendready-case", "format_version": 0}', "not one lendready has ever written"),
        (b'{"format": "lendready-case", "format_version": 1, "answers": {"fin.cash": NaN}}', "NaN"),
        (b'{"format": "lendready-case", "format_version": 1, "answers": {"fin.cash": 1e400}}', "non-finite"),
        (b'{"format": "lendready-case", "format_version": 1, "answers": {"fin.cash": 1e300}}', "too large"),
        (b'{"format": "lendready-case", "format_version": 1, "answers": []}', "'answers' must be an object"),
        (b'{"format": "lendready-case", "format_version": 1, "prepared_by": "banker"}', "prepared_by"),
        (b'{"format": "lendready-case", "format_version": 1, "notes": {"org.name": 5}}', "note on org.name"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_refusals_name_the_problem(knowledge, raw, message):
    with pytest.raises(CaseFileError, match=message):
        parse_case(raw, knowledge.questionnaire)


@pytest.mark.parametrize(
    "qid, value, allowed",
    [
        ("fin.turnover", "lots", "an amount in pounds"),
        ("org.name", 42, "text"),
        ("gov.board_size", True, "a whole number"),
        ("gov.finance_expertise", None, '"yes" or "no"'),
        ("fin.forecast", {"month": "2027-01"}, "a list of rows"),
        ("fin.forecast", [{"month": "2027-01", "receipts": "5", "payments": 1}], "row 1: 'receipts'"),
    ],
)
def test_wrong_type_names_question_and_allowed_type(knowledge, qid, value, allowed):
    with pytest.raises(CaseFileError) as err:
        parse_case(doc({qid: value}), knowledge.questionnaire)
    assert qid in str(err.value) and allowed in str(err.value)
    assert err.value.question == qid


def test_oversize_file_refused_before_reading(tmp_path, knowledge):
    big = tmp_path / "big.lendready"
    with big.open("wb") as fh:
        fh.truncate(5 * 1024 * 1024 + 1)
    with pytest.raises(CaseFileError, match="larger than the 5 MB a case file may be"):
        load_case(big, knowledge.questionnaire)


def test_missing_folder_and_unreadable_paths_are_refused_cleanly(tmp_path, knowledge):
    with pytest.raises(CaseFileError, match="no file"):
        load_case(tmp_path / "nope.lendready", knowledge.questionnaire)
    with pytest.raises(CaseFileError, match="folder"):
        load_case(tmp_path, knowledge.questionnaire)


def test_bom_is_accepted(knowledge):
    case = parse_case(b"\xef\xbb\xbf" + doc({"org.name": "A"}), knowledge.questionnaire)
    assert case.answers["org.name"] == "A"


def test_unknown_ids_and_fields_are_kept_warned_and_written_back(tmp_path, knowledge):
    raw = doc({"org.name": "Cwmni Cydweithredol Ŵyr", "future.question": {"any": ["shape"]}},
              future_field={"x": 1}, notes={"org.name": "née"})
    case = parse_case(raw, knowledge.questionnaire)
    assert any("future.question" in w for w in case.warnings)
    path = tmp_path / "c.lendready"
    save_case(case, path, knowledge.questionnaire)
    again = json.loads(path.read_text(encoding="utf-8"))
    assert again["answers"]["future.question"] == {"any": ["shape"]}
    assert again["future_field"] == {"x": 1}
    assert again["answers"]["org.name"] == "Cwmni Cydweithredol Ŵyr"
    assert again["notes"] == {"org.name": "née"}


def test_round_trip_is_stable_and_in_questionnaire_order(tmp_path, knowledge, samples):
    case = samples["vale"]
    path = tmp_path / "vale.lendready"
    save_case(case, path, knowledge.questionnaire, touch=False)
    reloaded = load_case(path, knowledge.questionnaire)
    assert reloaded.answers == case.answers
    assert dumps(reloaded, knowledge.questionnaire) == path.read_text(encoding="utf-8")
    keys = list(json.loads(path.read_text(encoding="utf-8"))["answers"])
    assert keys == sorted(keys, key=knowledge.questionnaire.position)


def test_atomic_save_leaves_no_temporary_files_and_user_only_permissions(tmp_path, knowledge):
    case = new_case("founder")
    path = tmp_path / "new.lendready"
    save_case(case, path, knowledge.questionnaire)
    save_case(case, path, knowledge.questionnaire)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.lendready"]
    if os.name == "posix":
        assert (path.stat().st_mode & 0o077) == 0


def test_failed_save_keeps_the_old_file(tmp_path, knowledge, monkeypatch):
    case = new_case("lender")
    case.answers["org.name"] = "Old"
    path = tmp_path / "c.lendready"
    save_case(case, path, knowledge.questionnaire)
    case.answers["org.name"] = "New"

    def boom(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        save_case(case, path, knowledge.questionnaire)
    monkeypatch.undo()
    assert load_case(path, knowledge.questionnaire).answers["org.name"] == "Old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.lendready"]


def test_constraint_breaches_are_kept_listed_and_treated_as_unanswered(knowledge, answers_of):
    answers = answers_of("northtown")
    answers["inc.grant_share"] = 140
    answers["inc.largest_customer_share"] = 180
    case = parse_case(doc(answers), knowledge.questionnaire)
    result = assess(case, knowledge)
    invalid = {i.question: (i.value, i.message) for i in result.invalid}
    assert invalid["inc.grant_share"] == (140, "A percentage from 0 to 100")
    assert "inc.largest_customer_share" in invalid
    assert "inc.largest_customer_share" in result.unanswered
    assert "income.single_customer" not in result.finding_ids
    assert result.area("income").rating == "unknown"
    assert case.answers["inc.grant_share"] == 140  # kept for the user to correct


@pytest.mark.parametrize(
    "forecast, fragment",
    [
        ([{"month": "2027-01", "receipts": 1, "payments": 1}] * 2, "12 to 36 months"),
        ([{"month": f"2027-{m:02d}", "receipts": 1, "payments": 1} for m in range(1, 13)][:11]
         + [{"month": "2027-13", "receipts": 1, "payments": 1}], "'2027-13' is not a month"),
        ([{"month": f"2027-{m:02d}", "receipts": 1, "payments": 1} for m in range(1, 12)]
         + [{"month": "2027-03", "receipts": 1, "payments": 1}], "Mar 2027 appears twice"),
        ([{"month": f"2027-{m:02d}", "receipts": 1, "payments": 1} for m in range(1, 12)]
         + [{"month": "2028-02", "receipts": 1, "payments": 1}], "after Nov 2027 is missing"),
        ([{"month": f"2027-{m:02d}", "receipts": 1, "payments": -1 if m == 5 else 1} for m in range(1, 13)],
         "Row 5"),
    ],
)
def test_invalid_forecasts_are_kept_with_a_message_and_count_as_no_forecast(knowledge, answers_of, forecast, fragment):
    answers = answers_of("vale")
    answers["fin.forecast"] = forecast
    result = assess(answers, knowledge)
    messages = [i.message for i in result.invalid if i.question == "fin.forecast"]
    assert messages and fragment in messages[0]
    assert "cashflow.no_forecast" in result.finding_ids
    assert "lowest_forecast_cash" not in result.metrics.values
