"""Generated case files, good and hostile, from the bytes on disk to the explainer and the PDF (issue 9).

Every input is either loaded or refused with a CaseFileError naming the reason; nothing else
escapes. A loaded case goes through ``assess`` for every audience, the text report and the
explainer's HTML (deterministic, user markup escaped), and is saved and reopened unchanged; a
share of them also through the JSON output and the PDF briefing. The generators and the oracle
are in ``tests/fuzz_cases.py``; ``bench/fuzz.py`` runs the same for longer.

Bounded for ``make test``: 2,000 cheap examples (hypothesis spends about 4 ms drawing each one, so
10,000 would take a minute; ``bench/fuzz.py`` runs 10,000 and more). ``LENDREADY_FUZZ_EXAMPLES``
sets the number of cheap examples and scales the rest with it. ``derandomize=True``: the same
examples on every run, in CI too.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import fuzz_cases as fz  # noqa: E402

from lendready.domain.files.case_file import CaseFileError, dumps, parse_case  # noqa: E402

CHEAP = fz.examples(2_000)
FUZZ = dict(derandomize=True, deadline=None, database=None, print_blob=False,
            suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def render_html(qapp, knowledge):
    pane, render = fz.explainer_renderer(knowledge)
    yield render
    pane.deleteLater()


@pytest.mark.slow
def test_generated_case_files_load_or_are_refused_by_name(knowledge, render_html):
    seen: Counter = Counter()
    loaded = 0

    @settings(max_examples=CHEAP, **FUZZ)
    @given(fz.case_files())
    def run(item: fz.FuzzInput) -> None:
        nonlocal loaded
        seen[item.category] += 1
        case = fz.check_loader(item, knowledge)
        if case is None:
            seen["refused"] += 1
            return
        loaded += 1
        seen["loaded"] += 1
        # The JSON output adds stress tests and what-ifs (about 3 ms a case): one loaded case in 25.
        fz.check_pipeline(case, knowledge, render_html, json_output=loaded % 25 == 1, counts=seen)

    run()
    total = sum(seen[c] for c in seen if c not in ("loaded", "refused", "json_output"))
    assert total >= CHEAP, seen
    assert seen["loaded"] >= CHEAP // 4 and seen["refused"] >= CHEAP // 4, seen
    assert seen["json_output"] >= CHEAP // 200, seen


def test_deep_nesting_and_five_megabyte_files(knowledge, render_html):
    seen: Counter = Counter()

    @settings(max_examples=max(20, CHEAP // 50), **FUZZ)
    @given(fz.rare_files())
    def run(item: fz.FuzzInput) -> None:
        seen[item.category] += 1
        case = fz.check_loader(item, knowledge)
        if case is not None:
            fz.check_pipeline(case, knowledge, render_html, json_output=False)

    run()
    assert seen["deep_nesting"] and seen["huge_file"] and seen["huge_file_under"], seen


@pytest.mark.slow
def test_pdf_briefing_of_generated_cases(knowledge):
    """Each audience in turn, the trainer's handout included (each build about 0.1 to 0.3 s)."""
    count = 0

    @settings(max_examples=max(9, CHEAP // 200), **FUZZ)
    @given(fz.pdf_cases())
    def run(item: fz.FuzzInput) -> None:
        nonlocal count
        case = fz.check_loader(item, knowledge)
        assert case is not None
        fz.check_pdf(case, knowledge, fz.PDF_AUDIENCES[count % len(fz.PDF_AUDIENCES)])
        count += 1

    run()
    assert count >= max(9, CHEAP // 200)


def test_the_explainer_widget_shows_markup_literally(qtbot, knowledge):
    """The real widget (setHtml, not only the HTML string): markup in a name reads as written."""
    from lendready.domain.engine.assessment import assess
    from lendready.ui.explainer_pane import ExplainerPane

    pane = ExplainerPane(knowledge)
    qtbot.addWidget(pane)
    doc = fz.sample_docs()[0]
    doc = json.loads(json.dumps(doc))
    name = "<b>Bold</b> & <para>Co</para> ]]>"
    doc["answers"]["org.name"] = name
    case = parse_case(json.dumps(doc).encode(), knowledge.questionnaire)
    pane.show_assessment(assess(case, knowledge), "lender")
    assert name in pane.browser.toPlainText()
    # A character that acts (a bidi override, a bell) is never passed to the widget to act on.
    doc["answers"]["org.name"] = name + " \u202eRTL\x07"
    case = parse_case(json.dumps(doc).encode(), knowledge.questionnaire)
    pane.show_assessment(assess(case, knowledge), "lender")
    shown = pane.browser.toPlainText()
    assert "\u202e" not in shown and "\x07" not in shown


def test_pdf_of_an_overlong_unbroken_answer(knowledge, samples):
    """Once reportlab's LayoutError (a cell taller than a page); more in tests/report/test_pathological_text.py."""
    doc = json.loads(dumps(samples["ashcombe"], knowledge.questionnaire))
    doc["answers"]["loan.purpose_detail"] = "y" * 2001  # over max_length 2000: kept, set aside as invalid
    case = parse_case(json.dumps(doc).encode(), knowledge.questionnaire)
    for audience in fz.PDF_AUDIENCES:
        fz.check_pdf(case, knowledge, audience)


# ---------------------------------------------------------------------------
# Regressions: the smallest inputs the fuzzer found that crashed, or were kept and could not be saved.


def _sample_with(knowledge, samples, **answers) -> bytes:
    doc = json.loads(dumps(samples["riverside"], knowledge.questionnaire))
    doc["answers"].update(answers)
    return json.dumps(doc).encode()


@pytest.mark.parametrize("answers", [
    # yearly costs of 1e-323 (turnover 1e-323, surplus 0): costs / 12 underflows to 0 → ZeroDivisionError
    {"fin.turnover": 1e-323, "fin.surplus": 0},
    # a rate of 1e-20 %: (1 + r) == 1.0, so 1 − (1 + r)^−n == 0 → ZeroDivisionError in the repayment
    {"loan.amount": 1e-10, "loan.interest_rate": 1e-20},
    # property worth 1e-300: LTV overflows to inf → decimal.InvalidOperation in round2
    {"sec.property_value": 1e-300},
    # property worth 8.4e-302: amount / value is finite, × 100 is inf → "Infinity" in the JSON output
    {"sec.property_value": 8.406788150662355e-302},
    # interest of 1e-32 a year: interest cover 1e47 → decimal.InvalidOperation (beyond 28 digits)
    {"loan.amount": 1e-10, "loan.interest_rate": 1e-20, "fin.existing_debt": 0},
])
def test_tiny_and_huge_figures_are_assessed_not_crashed(knowledge, samples, render_html, answers):
    case = parse_case(_sample_with(knowledge, samples, **answers), knowledge.questionnaire)
    fz.check_pipeline(case, knowledge, render_html, json_output=True)


def test_a_tiny_rate_repays_like_a_zero_rate():
    from lendready.domain.engine.metrics import monthly_repayment

    assert monthly_repayment(120_000, 120, 1e-20) == pytest.approx(1000.0)
    assert monthly_repayment(120_000, 120, 1e-13) == pytest.approx(1000.0)
    assert monthly_repayment(100_000, 12, 6.0) == pytest.approx(8606.64, abs=0.01)


@pytest.mark.parametrize("raw, where", [
    # kept unchanged, then written back as Infinity: a file lendready saved that it could not reopen
    (b'{"format":"lendready-case","format_version":1,"answers":{"zz.future":1e400}}', "zz.future"),
    (b'{"format":"lendready-case","format_version":1,"answers":{},"future":[NaN]}', "future"),
    (b'{"format":"lendready-case","format_version":1,"answers":{"fin.forecast":[{"month":"2027-01",'
     b'"receipts":1,"payments":1,"note":-Infinity}]}}', "fin.forecast"),
    # refused, but without naming the question
    (b'{"format":"lendready-case","format_version":1,"answers":{"loan.amount":NaN}}', "loan.amount"),
])
def test_non_finite_numbers_are_refused_naming_where(knowledge, raw, where):
    with pytest.raises(CaseFileError) as info:
        parse_case(raw, knowledge.questionnaire)
    assert where in str(info.value)


@pytest.mark.parametrize("raw", [
    # loaded, then saving raised UnicodeEncodeError (and the PDF and terminal could not show it)
    b'{"format":"lendready-case","format_version":1,"answers":{"org.name":"\\ud800"}}',
    b'{"format":"lendready-case","format_version":1,"answers":{"\\udfff":1}}',
    b'{"format":"lendready-case","format_version":1,"answers":{},"notes":{"org.name":"x\\udc00"}}',
])
def test_lone_surrogates_are_refused(knowledge, raw):
    with pytest.raises(CaseFileError, match="not valid Unicode"):
        parse_case(raw, knowledge.questionnaire)


def test_a_valid_surrogate_pair_still_loads(knowledge):
    raw = b'{"format":"lendready-case","format_version":1,"answers":{"org.name":"Caf\\u00e9 \\ud83d\\ude00"}}'
    assert parse_case(raw, knowledge.questionnaire).answers["org.name"] == "Café 😀"


@pytest.mark.parametrize("raw", [
    # a terminal escape (clear screen) and a lone surrogate in a key, echoed raw in the refusal
    b'{"format":"lendready-case","format_version":1,"answers":{"\\u001b[2J":1,"\\u001b[2J":2}}',
    b'{"format":"lendready-case","format_version":1,"answers":{},"notes":{"\\u001b]0;x\\u0007":1}}',
    b'{"format":"lendready-case","format_version":1,"answers":{},"\\ud800":1,"\\ud800":2}',
])
def test_refusals_do_not_echo_control_characters(knowledge, raw):
    with pytest.raises(CaseFileError) as info:
        parse_case(raw, knowledge.questionnaire)
    message = str(info.value)
    message.encode("utf-8")
    assert not any(ord(c) < 32 for c in message), message


def test_warnings_about_unknown_ids_do_not_echo_control_characters(knowledge):
    raw = b'{"format":"lendready-case","format_version":1,"answers":{"zz\\u001b[2J":1}}'
    case = parse_case(raw, knowledge.questionnaire)
    assert case.answers == {"zz\x1b[2J": 1}  # kept as written
    assert case.warnings and not any(ord(c) < 32 for w in case.warnings for c in w)
