"""The PDF briefing, read back as a reader would: text extracted with pypdf, pages rendered.

Each audience must carry the facts (band, organisation, every finding, the
checklist, the provenance); the trainer's version is the handout (the exercise
sheet first, the answers on later pages, then the reference and the provenance);
names print as written whatever they contain; the same inputs give the same
bytes; a refused case gives no file at all.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date, datetime, timezone

import pytest
from conftest import RESOURCES, SAMPLES
from pypdf import PdfReader

from lendready import __version__
from lendready.domain.advice import analyse, words
from lendready.domain.advice.stress import SCENARIOS
from lendready.domain.advice.words import STRESS_TIMING_ONLY
from lendready.domain.engine import assessment as assessment_module
from lendready.domain.engine import formatting
from lendready.domain.engine.assessment import assess
from lendready.domain.engine.formatting import NEGATIVE_EARNINGS
from lendready.domain.engine.wording import for_reader
from lendready.domain.files.case_file import Case, dumps
from lendready.domain.teaching.content import load_teaching, myths
from lendready.domain.teaching.samples import load_samples
from lendready.report import AUDIENCES, handout
from lendready.report import context as context_module
from lendready.report.briefing import (
    BriefingError,
    build_briefing,
    generation_time,
    suggested_filename,
    write_briefing,
)

WHEN = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
AS_OF = date(2026, 12, 1)
ANSWERS = "Answers — for the trainer"
WELSH = "Cwmni Cydweithredol Ŵyr Ŷnys Cyf"
MARKUP = "A & B <Ltd> <b>bold</b>"


def text_of(pdf: bytes) -> str:
    """All the text, whitespace collapsed (lines wrap wherever the layout puts them)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def pages_of(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def with_answers(case: Case, **changes) -> Case:
    answers = dict(case.answers)
    answers.update({k.replace("__", "."): v for k, v in changes.items()})
    return Case(case.case_id, case.created, case.modified, case.prepared_by, answers, dict(case.notes))


def long_case(vale: Case) -> Case:
    """Every question answered, a 36-month forecast, and answers that fire as many rules as they can."""
    forecast = []
    for i in range(36):
        year, month = 2027 + i // 12, i % 12 + 1
        forecast.append({"month": f"{year}-{month:02d}", "receipts": 400_000 + (i % 5) * 7_500,
                         "payments": 418_000 + (i % 3) * 4_000})
    answers = {
        "org.name": "Cymdeithas Gydweithredol Gwasanaethau Hamdden, Llesiant a Threftadaeth Cwm Tawe a'r "
                    "Cymoedd Cyfagos (Ŵyr Ŷnys) Cyf — € & <Co>",
        "org.registration_number": "RS00ŴŶ7",
        "org.legal_form": "cooperative_society",
        "org.origin": "public_service_spin_out",
        "org.years_trading": 2,
        "org.staff_count": 212,
        "org.member_count": 1450,
        "org.activity": "Leisure centres, libraries and heritage sites across two valleys, with a café "
                        "in each and a youth programme. " * 6,
        "gov.board_size": 2,
        "gov.independent_directors": 0,
        "gov.finance_expertise": "no",
        "gov.management_accounts": "annual",
        "gov.accounts_scrutiny": "none",
        "gov.key_person_dependency": "yes",
        "lock.asset_lock": "statutory",
        "lock.borrowing_powers": "no",
        "lock.withdrawable_share_capital": 500_000,
        "lock.can_suspend_withdrawals": "no",
        "lock.pending_withdrawals": 180_000,
        "org.filings_up_to_date": "no",
        "fin.accounts_year_end": "2026-03-31",
        "fin.turnover": 4_900_000,
        "fin.surplus": -120_000,
        "fin.surplus_prior": -80_000,
        "fin.depreciation": 60_000,
        "fin.unrestricted_reserves": 90_000,
        "fin.cash": 150_000,
        "fin.existing_debt": 700_000,
        "fin.existing_debt_service": 95_000,
        "fin.debtor_days": 75,
        "fin.forecast": forecast,
        "inc.largest_customer_share": 91,
        "inc.public_sector_share": 95,
        "inc.main_contract_months_left": 10,
        "inc.main_contract_break_clause": "yes",
        "inc.main_contract_notice_months": 3,
        "inc.main_contract_compensation": "no",
        "inc.main_contract_reserved": "yes",
        "inc.grant_share": 60,
        "sec.property_value": 0,
        "sec.other_security": 0,
        "sec.description": "Nothing is offered: the buildings are leased from the council on "
                           "full repairing leases with 9 years left.",
        "ppl.tupe_transfer": "yes",
        "ppl.lgps_admitted_body": "yes",
        "ppl.pension_guarantee": "no",
        "ppl.pension_deficit": 1_300_000,
        "ppl.exit_debt_estimate": 2_100_000,
        "ppl.pension_bond": 150_000,
        "ppl.nhs_pension_access": "no",
        "loan.amount": 850_000,
        "loan.term_months": 84,
        "loan.interest_rate": 9.5,
        "loan.purpose": "member_withdrawals",
        "loan.purpose_detail": "To repay members who have asked to withdraw their shares, and to refit the "
                               "changing rooms at three centres. " * 12,
    }
    return Case("long-case-0001", vale.created, vale.modified, "lender", answers, {})


@pytest.fixture(scope="module")
def teaching(knowledge):
    return load_teaching(knowledge=knowledge)


@pytest.fixture(scope="module")
def built(knowledge, samples):
    """Every audience's briefing for Riverside and Vale, built once."""
    out = {}
    for sid in ("riverside", "vale"):
        raw = (SAMPLES / f"{sid}.lendready").read_bytes()
        for audience in AUDIENCES:
            out[sid, audience] = build_briefing(samples[sid], knowledge, audience=audience, generated=WHEN,
                                                case_bytes=raw, as_of=AS_OF)
    return out


# ---------------------------------------------------------------------------
# What each audience contains


@pytest.mark.parametrize("sid", ["riverside", "vale"])
@pytest.mark.parametrize("audience", AUDIENCES)
def test_each_audience_carries_the_facts(built, knowledge, samples, teaching, sid, audience):
    case = samples[sid]
    pdf = built[sid, audience]
    text = text_of(pdf)
    analysis = analyse(case, knowledge, AS_OF, audience=audience)
    result = analysis.assessment
    values = analysis.values

    assert knowledge.bands[result.band].label in text
    assert case.answers["org.name"] in text
    for finding in result.findings:
        assert squash(finding.title) in text, finding.id
    # Written once for everyone: the founder's copy has its acronyms spelt out.
    for document in teaching.for_reader(audience, knowledge.vocabulary).documents_for(values, result.metrics.values):
        assert squash(document.text) in text, document.id
    for fit in analysis.finance_fits:
        assert squash(fit.name) in text and squash(fit.why) in text, fit.id
    for condition in analysis.conditions:
        assert squash(condition.lender_condition) in text, condition.id
    for figure in analysis.key_figures:
        assert squash(figure.label) in text, figure.id
        for limit in figure.thresholds:
            word = {"blocker": "Blocker", "red": "Serious concern", "amber": "Needs work"}[limit.rating]
            op = {"<": "below", "<=": "at or below", ">": "above", ">=": "at or above"}[limit.op]
            assert f"{word} {op} {formatting.by_unit(limit.value, limit.unit)}" in text, (figure.id, limit)
    # Provenance: versions, the file's hash, the generation time, every parameter's reference and review.
    digest = hashlib.sha256((SAMPLES / f"{sid}.lendready").read_bytes()).hexdigest()
    assert f"Rules version {knowledge.rules_version}" in text
    assert f"lendready version {__version__}" in text
    assert digest in text.replace(" ", "")
    assert "25/11/2026 10:00 UTC" in text and "2026-11-25T10:00:00Z" not in text
    assert ("dscr.red_below" in text) is (audience != "founder")  # a short id, never wrapped in its cell
    for parameter in knowledge.parameters.values():
        assert squash(for_reader(parameter.reference, audience, knowledge.vocabulary)) in text, parameter.id
        if audience == "founder":  # the id is for a credit team finding it in parameters.toml
            assert parameter.id not in text, parameter.id
        assert f"last reviewed {formatting.date_label(parameter.last_review)}" in text
    for qid in result.unanswered:  # a lender and a trainer can match the JSON's ids; a founder reads the question
        assert (qid in text) is (audience != "founder"), qid
    # The primer: what an asset lock does, the myths and their corrections.
    assert squash(teaching.primer_title) in text
    for belief, _correction in myths(knowledge):
        assert squash(belief) in text
    assert "Page 1 of" in text


def test_audience_changes_the_order_and_the_wording(built):
    def first_page_with(pdf, needle):
        return next(i for i, page in enumerate(pages_of(pdf)) if needle in page)

    lender, founder, trainer = (built["riverside", a] for a in AUDIENCES)
    assert "Credit-committee paper" in text_of(lender)
    assert "Founder's action plan" in text_of(founder) and "Your action plan" in text_of(founder)
    assert "Trainer's handout" in text_of(trainer)
    # The lender reads the findings before the action plan, the founder the plan first, the trainer
    # the exercise sheet, then the answers, then the reference with the primer, then the provenance.
    assert first_page_with(lender, "Findings") < first_page_with(lender, "What would change the answer")
    assert first_page_with(founder, "Your action plan") < first_page_with(founder, "What a lender will see")
    assert first_page_with(trainer, handout.EXERCISE_PART) == 0
    assert (0 < first_page_with(trainer, ANSWERS) < first_page_with(trainer, handout.CASE_REFERENCE_PART)
            < first_page_with(trainer, "Myths and their corrections") < first_page_with(trainer, "Case SHA-256"))
    assert "Conditions a lender might set" in text_of(lender)


@pytest.fixture(scope="module")
def sample_meta():
    return {s.id: s.meta for s in load_samples(RESOURCES, [])}


def test_trainer_version_is_the_handout_exercise_first(built, knowledge, samples, sample_meta):
    case, meta = samples["riverside"], sample_meta["riverside"]
    pages = pages_of(built["riverside", "trainer"])
    first = next(i for i, page in enumerate(pages) if ANSWERS in page)
    assert first >= 1
    exercise, rest = " ".join(pages[:first]), " ".join(pages[first:])
    # The exercise sheet: the sample's story and questions, a blank grid, and no word of the answer.
    assert "Your prediction" in exercise
    for paragraph in meta.story.strip().split("\n\n"):
        assert squash(paragraph) in exercise
    for question in meta.questions:
        assert squash(question) in exercise
    result = assess(case, knowledge, audience="trainer")
    for band in ("ready", "nearly_ready", "not_ready"):
        assert exercise.count(knowledge.bands[band].label) == 1, band  # the grid's heading only
    for finding in result.findings:
        assert squash(finding.title) not in exercise, finding.id
    assert "Provenance" not in exercise and squash(meta.lender_verdict) not in exercise
    # The answers on later pages: the band, the findings, the experienced lender's verdict.
    assert "THE BAND LENDREADY GIVES" in pages[first]
    assert squash(meta.lender_verdict) in rest
    for reason in meta.lender_reasons:
        assert squash(reason) in rest
    # The reference part and the provenance close it.
    reference = next(i for i, page in enumerate(pages) if handout.CASE_REFERENCE_PART in page)
    provenance = next(i for i, page in enumerate(pages) if "Case SHA-256" in page)
    assert first < reference < provenance
    assert "Written for trainer (Trainer's handout)" in " ".join(pages[provenance:])
    assert PdfReader(io.BytesIO(built["riverside", "trainer"])).metadata.title == (
        "Trainer's handout: Riverside Community Health CIC")


def test_trainer_version_of_a_case_of_ones_own(knowledge, samples, sample_meta):
    riverside, meta = samples["riverside"], sample_meta["riverside"]
    # Another file with the same answers is still the sample: the answers decide.
    copy = Case("another-id", "2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "lender",
                dict(riverside.answers), {})
    text = text_of(build_briefing(copy, knowledge, audience="trainer", generated=WHEN))
    assert squash(meta.lender_verdict) in text
    # One answer changed: a case of one's own, with the default questions and no verdict.
    changed = with_answers(riverside, fin__turnover=riverside.answers["fin.turnover"] + 1)
    text = text_of(build_briefing(changed, knowledge, audience="trainer", generated=WHEN))
    assert "this case is not one of lendready's sample cases" in text
    assert squash(meta.lender_verdict) not in text
    assert squash(meta.story.strip().split("\n\n")[0]) not in text
    for question in handout.DEFAULT_QUESTIONS:
        assert squash(question) in text
    assert ANSWERS in text and "Case SHA-256" in text


def test_lender_conditions_and_band_reasons(built, knowledge, samples):
    result = assess(samples["riverside"], knowledge, audience="lender")
    text = text_of(built["riverside", "lender"])
    for finding in result.findings:
        if finding.lender_condition:
            assert squash(finding.lender_condition) in text
    assert "Principal reasons for the band" in text
    assert "Decline as asked" in text


def test_cashflow_chart_marks_the_lowest_month(built, knowledge, samples):
    analysis = analyse(samples["vale"], knowledge, AS_OF)
    text = text_of(built["vale", "lender"])
    low = analysis.figure("lowest_forecast_cash")
    assert f"Lowest: £{round(low.value):,} in Apr 2027" in text and low.month == "2027-04"
    assert "Lowest: £1,420,335 in Apr 2027" in text  # whole pounds, the month as a reader writes it
    assert "zero cash" in text
    assert "Receipts 10% lower" in text


def test_every_stress_scenario_is_charted_and_tabled(built, knowledge, samples):
    analysis = analyse(samples["vale"], knowledge, AS_OF)
    runs = analysis.stress
    assert [s.id for s in runs] == list(SCENARIOS)
    assert any(not s.applies for s in runs) and any(s.timing_only for s in runs)
    assert any(s.negative_earnings for s in runs)
    for audience in AUDIENCES:
        text = text_of(built["vale", audience])
        for s in runs:
            if s.applies:
                # In the table, and in the chart's legend.
                assert text.count(squash(s.label)) >= 2, s.label
            else:
                # Listed with the reason it does not apply, never dropped.
                assert f"{squash(s.label)} Does not apply: {squash(s.reason)}" in text, s.label
        assert "£700,005" in text and "\u2212£20,995" in text  # whole pounds, the one minus sign
        assert "£700,004.74" not in text and "-£" not in text
        assert "Not ready" in text and "Ready" in text  # the bands the scenarios reach
        assert squash(STRESS_TIMING_ONLY) in text
        assert NEGATIVE_EARNINGS in text


def stress_rows(text: str) -> str:
    """The stress table's text: from its first column heading to the next section."""
    start = text.index("Scenario Lowest cash DSCR Interest cover Band")
    return text[start:text.index("Loan sizing", start)]


def test_negative_earnings_print_as_such_never_as_a_ratio(built, knowledge, samples):
    analysis = analyse(samples["vale"], knowledge, AS_OF)
    table = stress_rows(text_of(built["vale", "lender"]))
    for s in analysis.stress:
        if s.applies and s.negative_earnings:
            row = table[table.index(squash(s.label)):]
            row = row[:row.index("Ready") if "Ready" in row else len(row)]
            assert NEGATIVE_EARNINGS in row, s.label
            for ratio in (s.dscr, s.interest_cover):
                assert formatting.ratio(ratio) not in row, s.label
    # A case whose own earnings are negative: the key figures say so, and nothing "barely covers".
    case = long_case(samples["vale"])
    long = analyse(case, knowledge, AS_OF)
    assert long.figure("dscr").negative_earnings and long.figure("interest_cover").negative_earnings
    for audience in AUDIENCES:
        text = text_of(build_briefing(case, knowledge, audience=audience, generated=WHEN, as_of=AS_OF))
        assert text.count(NEGATIVE_EARNINGS) >= 2, audience
        assert "barely cover" not in text, audience
        assert formatting.ratio(long.figure("dscr").value) not in text, audience


def test_no_forecast_still_runs_every_scenario_and_says_why_there_is_no_chart(knowledge, samples):
    vale = samples["vale"]
    answers = {k: v for k, v in vale.answers.items() if k != "fin.forecast"}
    case = Case(vale.case_id, vale.created, vale.modified, vale.prepared_by, answers, {})
    analysis = analyse(case, knowledge, AS_OF, audience="lender")
    assert analysis.cash_line is None
    text = text_of(build_briefing(case, knowledge, audience="lender", generated=WHEN, as_of=AS_OF))
    reason = analysis.figure("lowest_forecast_cash").reason
    assert f"No chart can be drawn: {reason}." in text
    assert f"Lowest cash is n/a throughout: {reason}." in text
    for s in analysis.stress:
        assert squash(s.label) in text, s.id
        if not s.applies:
            assert f"Does not apply: {squash(s.reason)}" in text, s.id
    assert "Does not apply: needs a monthly forecast: a delay only moves cash between months" in text
    assert "The forecast month by month" not in text


def sentences_of(analysis, knowledge):
    return words.sizing_sentences(analysis.loan_sizing)


def test_loan_sizing_in_every_audience(built, knowledge, samples):
    analysis = analyse(samples["vale"], knowledge, AS_OF)
    size = analysis.loan_sizing
    assert size is not None and not size.amount_is_not_the_problem
    for audience in AUDIENCES:
        text = text_of(built["vale", audience])
        for sentence in sentences_of(analysis, knowledge):
            assert squash(sentence) in text, (audience, sentence)
        largest, comfortable = formatting.money(size.max_amount), formatting.money(size.comfortable_amount)
        assert f"Largest amount over 120 months that brings in no red finding: {largest}" in text
        assert f"Comfortable amount (no new red or amber finding): {comfortable}." in text
        for caveat in size.caveats:
            assert squash(words.caveat_text(caveat)).lower() in text.lower(), caveat


def test_a_case_not_ready_at_any_amount_is_never_offered_a_figure_to_borrow(built, knowledge, samples):
    analysis = analyse(samples["riverside"], knowledge, AS_OF)
    size = analysis.loan_sizing
    assert analysis.band == "not_ready" and size.amount_is_not_the_problem
    (sentence,) = sentences_of(analysis, knowledge)
    largest = formatting.money(size.max_amount)
    for audience in AUDIENCES:
        text = text_of(built["riverside", audience])
        assert "not what holds this case back" in text, audience
        assert squash(sentence) in text, audience
        assert "could borrow" not in text.lower() and "could be borrowed" not in text.lower(), audience
        assert "Largest amount" not in text and "Comfortable amount" not in text, audience
        assert "Shortest term for the amount asked" not in text, audience
        # The largest amount tried appears only inside the sentence saying it would not be ready.
        assert text.count(largest) == text.count(squash(sentence)) == 1, audience


def test_founder_plan_lists_the_changes_that_move_the_band(knowledge, samples):
    case = with_answers(samples["vale"], gov__finance_expertise="no")
    found = analyse(case, knowledge, AS_OF).proposals
    assert found, "the variant should have a proposal"
    pdf = build_briefing(case, knowledge, audience="founder", generated=WHEN, as_of=AS_OF)
    text = text_of(pdf)
    assert "Changes that would move the band" in text
    question = knowledge.questionnaire.questions["gov.finance_expertise"]
    assert squash(question.label.for_role("founder")) in text
    assert "No → Yes" in text
    # Before the ordered steps of the plan.
    assert text.index("Changes that would move the band") < text.index("Step 1:")
    lender = text_of(build_briefing(case, knowledge, audience="lender", generated=WHEN, as_of=AS_OF))
    assert squash(question.label.for_role("lender")) in lender and "No → Yes" in lender
    # None to list: a sentence says so.
    assert "None is needed: the case is already in the best band." in text_of(
        build_briefing(samples["vale"], knowledge, audience="founder", generated=WHEN, as_of=AS_OF))


def test_the_pdf_prints_the_date_the_case_was_assessed_at(built, knowledge, samples):
    for sid in ("riverside", "vale"):
        for audience in AUDIENCES:
            pages = pages_of(built[sid, audience])
            assert "Assessed as at 01/12/2026" in " ".join(pages), (sid, audience)
            provenance = next(i for i, page in enumerate(pages) if "Case SHA-256" in page)
            assert "Assessed as at 01/12/2026" in " ".join(pages[provenance:]), (sid, audience)
        # The lender's and founder's cover carries it.
        assert "Assessed as at 01/12/2026" in pages_of(built[sid, "lender"])[0]
    other = text_of(build_briefing(samples["vale"], knowledge, audience="lender", generated=WHEN,
                                   as_of=date(2027, 3, 9)))
    assert "Assessed as at 09/03/2027" in other and "Assessed as at 01/12/2026" not in other


def test_the_date_defaults_to_source_date_epoch_and_a_samples_own_date(knowledge, samples, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795600000")  # 25 November 2026
    lender = text_of(build_briefing(samples["vale"], knowledge, audience="lender"))
    assert "Assessed as at 25/11/2026" in lender
    # A sample's handout is read at the sample's own date, so a teaching case never ages.
    trainer = text_of(build_briefing(samples["vale"], knowledge, audience="trainer"))
    assert "Assessed as at 01/12/2026" in trainer


@pytest.fixture
def analyse_calls(monkeypatch):
    """How many times the report analysed a case."""
    calls: list[str] = []
    real = context_module.analyse

    def counted(*args, **kwargs):
        calls.append(kwargs.get("audience"))
        return real(*args, **kwargs)

    monkeypatch.setattr(context_module, "analyse", counted)
    monkeypatch.setattr(assessment_module, "assess",
                        lambda *a, **k: pytest.fail("a PDF assessed the case besides its Analysis"))
    return calls


@pytest.mark.parametrize("audience", AUDIENCES)
def test_a_pdf_is_built_from_exactly_one_analysis(knowledge, samples, analyse_calls, audience):
    build_briefing(samples["riverside"], knowledge, audience=audience, generated=WHEN, as_of=AS_OF)
    assert analyse_calls == [audience]
    # Given the caller's Analysis (worded for this audience), the PDF analyses nothing itself ...
    analysis = analyse(samples["riverside"], knowledge, AS_OF, audience=audience)
    analyse_calls.clear()
    given = build_briefing(samples["riverside"], knowledge, audience=audience, generated=WHEN,
                           analysis=analysis)
    assert analyse_calls == []
    # ... and gives the same document.
    assert given == build_briefing(samples["riverside"], knowledge, audience=audience, generated=WHEN,
                                   as_of=AS_OF)
    # An Analysis worded for another reader is not reused: the case is analysed once more, at its date.
    other = next(a for a in AUDIENCES if a != audience)
    analyse_calls.clear()
    text = text_of(build_briefing(samples["riverside"], knowledge, audience=audience, generated=WHEN,
                                  analysis=analyse(samples["riverside"], knowledge, date(2027, 2, 3),
                                                   audience=other)))
    assert analyse_calls == [audience] and "Assessed as at 03/02/2027" in text


def test_a_session_pack_analyses_each_case_once(knowledge, analyse_calls):
    chosen = [s for s in load_samples(RESOURCES, []) if s.id in ("riverside", "vale", "crown_inn")]
    pack = handout.build_session_pack(chosen, knowledge, generated=WHEN)
    assert analyse_calls == ["trainer"] * 3
    # Each case at its own snapshot date, unless the pack is given one.
    assert text_of(pack).count("Assessed as at 01/12/2026") >= 3
    analyse_calls.clear()
    pack = handout.build_session_pack(chosen, knowledge, generated=WHEN, as_of=date(2027, 2, 3))
    assert analyse_calls == ["trainer"] * 3
    assert text_of(pack).count("Assessed as at 03/02/2027") >= 3 and "01/12/2026" not in text_of(pack)


def test_metadata_title_author_subject(built, knowledge, samples):
    meta = PdfReader(io.BytesIO(built["vale", "founder"])).metadata
    assert meta.title == "Founder's action plan: Vale Leisure Trust Ltd"
    assert "lendready" in meta.author
    assert "Ready" in meta.subject and knowledge.rules_version in meta.subject
    assert meta.creation_date == WHEN


# ---------------------------------------------------------------------------
# Names print as written


def test_unicode_name_prints_and_is_embedded(knowledge, samples):
    case = with_answers(samples["vale"], org__name=WELSH)
    pdf = build_briefing(case, knowledge, audience="lender", generated=WHEN)
    text = text_of(pdf)
    assert WELSH in text
    assert text.count(WELSH) >= 3  # cover, running header, summary
    assert PdfReader(io.BytesIO(pdf)).metadata.title.endswith(WELSH)
    assert b"/FontFile2" in pdf  # the TrueType font is embedded


def test_markup_in_a_name_prints_literally(knowledge, samples):
    case = with_answers(samples["riverside"], org__name=MARKUP,
                        loan__purpose_detail="<font size=40>x</font> & <br/>")
    pdf = build_briefing(case, knowledge, audience="founder", generated=WHEN)
    text = text_of(pdf)
    assert MARKUP in text
    assert "<font size=40>x</font> & <br/>" in text
    assert PdfReader(io.BytesIO(pdf)).metadata.title.endswith(MARKUP)


def test_a_very_long_unbroken_name_wraps_instead_of_overflowing(knowledge, samples):
    name = "Ŵ" * 60 + "ŷ" * 60 + "€" * 60
    case = with_answers(samples["vale"], org__name=name)
    pdf = build_briefing(case, knowledge, audience="trainer", generated=WHEN)
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 3


# ---------------------------------------------------------------------------
# Deterministic


def test_same_inputs_same_bytes(knowledge, samples, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795600000")
    a = build_briefing(samples["vale"], knowledge, audience="lender")
    b = build_briefing(samples["vale"], knowledge, audience="lender")
    assert a == b
    assert PdfReader(io.BytesIO(a)).metadata.creation_date == datetime.fromtimestamp(1795600000, timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795600060")
    assert build_briefing(samples["vale"], knowledge, audience="lender") != a


def test_generation_time_sources(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert generation_time(datetime(2027, 1, 2, 3, 4)).tzinfo is timezone.utc
    assert abs((generation_time() - datetime.now(timezone.utc)).total_seconds()) < 5
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert generation_time() == datetime(1970, 1, 1, tzinfo=timezone.utc)
    for bad in ("yesterday", "-5", "99999999999999999999"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
        with pytest.raises(BriefingError):
            generation_time()


def test_hash_of_the_canonical_case_when_no_bytes(knowledge, samples):
    case = samples["crown_inn"]
    text = text_of(build_briefing(case, knowledge, audience="lender", generated=WHEN)).replace(" ", "")
    assert hashlib.sha256(dumps(case, knowledge.questionnaire).encode("utf-8")).hexdigest() in text


def test_unknown_audience_is_refused(knowledge, samples):
    with pytest.raises(BriefingError):
        build_briefing(samples["vale"], knowledge, audience="auditor")


def test_write_briefing_is_atomic_and_leaves_no_temporary_files(knowledge, samples, tmp_path):
    target = tmp_path / suggested_filename(samples["vale"], "lender")
    assert target.name == "Vale Leisure Trust Ltd - Credit-committee paper.pdf"
    write_briefing(target, samples["vale"], knowledge, audience="lender", generated=WHEN)
    assert target.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


# ---------------------------------------------------------------------------
# The command line


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "lendready", *args], capture_output=True, text=True, env=env,
                          check=False)


def test_cli_pdf_keeps_json_and_is_reproducible(tmp_path):
    case = str(SAMPLES / "riverside.lendready")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1795600000")
    plain = run("assess", case, "--format", "json", env=env)
    first = run("assess", case, "--format", "json", "--pdf", str(tmp_path / "a.pdf"), "--audience", "lender",
                env=env)
    second = run("assess", case, "--format", "json", "--pdf", str(tmp_path / "b.pdf"), "--audience", "lender",
                 env=env)
    assert second.returncode == 0, second.stderr
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == json.loads(plain.stdout)
    assert first.stdout == plain.stdout
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert "Credit-committee paper" in text_of((tmp_path / "a.pdf").read_bytes())


def test_cli_trainer_pdf_is_the_handout(tmp_path):
    out = run("assess", str(SAMPLES / "riverside.lendready"), "--pdf", str(tmp_path / "t.pdf"),
              "--audience", "trainer")
    assert out.returncode == 0, out.stderr
    pages = pages_of((tmp_path / "t.pdf").read_bytes())
    assert handout.EXERCISE_PART in pages[0] and ANSWERS not in pages[0]
    assert "The experienced lender's verdict" in " ".join(pages)


def test_cli_pdf_defaults_to_the_case_author_and_honours_audience(tmp_path):
    out = run("assess", str(SAMPLES / "vale.lendready"), "--pdf", str(tmp_path / "v.pdf"),
              "--audience", "founder")
    assert out.returncode == 0, out.stderr
    assert "Band: READY" in out.stdout
    assert "Your action plan" in text_of((tmp_path / "v.pdf").read_bytes())


def test_cli_refused_case_writes_no_pdf(tmp_path):
    bad = tmp_path / "bad.lendready"
    bad.write_text('{"format": "lendready-case", "format_version": 1, "answers": {"fin.turnover": "lots"}}')
    target = tmp_path / "out.pdf"
    out = run("assess", str(bad), "--format", "json", "--pdf", str(target))
    assert out.returncode == 2
    assert out.stdout == ""
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.lendready"]


def test_cli_refused_case_leaves_an_existing_pdf_alone(tmp_path):
    target = tmp_path / "out.pdf"
    target.write_bytes(b"previous")
    out = run("assess", str(tmp_path / "missing.lendready"), "--pdf", str(target))
    assert out.returncode == 2 and target.read_bytes() == b"previous"


def test_cli_unwritable_pdf_is_an_error_and_leaves_nothing(tmp_path):
    out = run("assess", str(SAMPLES / "vale.lendready"), "--format", "json",
              "--pdf", str(tmp_path / "no-such-folder" / "x.pdf"))
    assert out.returncode == 1
    assert "cannot write" in out.stderr and out.stdout == ""


# ---------------------------------------------------------------------------
# A long case lays out and renders


def test_long_case_builds_and_every_page_renders(knowledge, samples, tmp_path):
    case = long_case(samples["vale"])
    validated = knowledge.questionnaire.validate(case.answers)
    assert validated.invalid == [] and validated.unanswered == []
    assert len(case.answers["fin.forecast"]) == 36
    for audience in AUDIENCES:
        result = assess(case, knowledge, audience=audience)
        assert len(result.findings) >= 30
        pdf = build_briefing(case, knowledge, audience=audience, generated=WHEN)
        text = text_of(pdf)
        for finding in result.findings:
            assert squash(finding.title) in text, finding.id
        assert "Dec 2029" in text  # the last forecast month is in the table
        pages = PdfReader(io.BytesIO(pdf)).pages
        assert all(page.extract_text().strip() for page in pages)
        path = tmp_path / f"long-{audience}.pdf"
        path.write_bytes(pdf)
        if shutil.which("pdftoppm"):
            done = subprocess.run(["pdftoppm", "-png", "-r", "30", str(path), str(tmp_path / audience)],
                                  capture_output=True, text=True, check=False)
            assert done.returncode == 0 and not done.stderr, done.stderr
            assert len(list(tmp_path.glob(f"{audience}-*.png"))) == len(pages)


def test_report_package_imports_no_qt():
    code = ("import sys, lendready.report.briefing; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_heading_is_left_at_the_foot_of_a_page(knowledge, samples, monkeypatch):
    """Every section heading shares its page with what follows it."""
    from reportlab.platypus import CondPageBreak, Spacer

    from lendready.report.document import ReportDoc
    from lendready.report.flowables import Heading

    drawn: list[tuple[object, int]] = []
    monkeypatch.setattr(ReportDoc, "afterFlowable",
                        lambda self, f: drawn.append((f, self.canv.getPageNumber())))
    cases = [long_case(samples["vale"]), samples["riverside"], samples["vale"]]
    for case in cases:
        for audience in AUDIENCES:
            drawn.clear()
            build_briefing(case, knowledge, audience=audience, generated=WHEN)
            content = [(f, page) for f, page in drawn if not isinstance(f, (Spacer, CondPageBreak))]
            for (f, page), (_after, next_page) in itertools.pairwise(content):
                if isinstance(f, Heading):
                    assert page == next_page, f"{audience}: heading {f.outline_title!r} ends page {page}"


@pytest.mark.parametrize("sid", ["riverside", "vale"])
@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_bookmark_opens_the_page_its_heading_is_on(built, sid, audience):
    """Pages are held back until the end (for "page 3 of 9"); bookmarks must wait with them, or every
    one of them opens the first page."""
    reader = PdfReader(io.BytesIO(built[sid, audience]))
    texts = [" ".join(page.extract_text().split()).lower() for page in reader.pages]
    marks = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                marks.append(item)

    walk(reader.outline)
    assert len(marks) > 8
    for mark in marks:
        page = reader.get_destination_page_number(mark)
        assert " ".join(mark.title.split())[:20].lower() in texts[page], (mark.title, page + 1)
    assert len({reader.get_destination_page_number(m) for m in marks}) > 4
