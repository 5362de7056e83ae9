"""The trainer's handout and the session pack, read back as a trainer would: text extracted with pypdf.

The exercise sheet must hold everything the room needs and nothing of the answer;
the answers must start on a page of their own and carry the band, every area's
rating and every finding; a session pack keeps the cases in the order asked and
every answer after every exercise sheet.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone

import pytest
from conftest import RESOURCES
from pypdf import PdfReader
from reportlab.lib.units import mm

from lendready.domain.engine.assessment import assess
from lendready.domain.engine.status import rating_word
from lendready.domain.files.case_file import Case
from lendready.domain.teaching.content import load_teaching, myths
from lendready.domain.teaching.samples import load_sample_case, load_samples
from lendready.report import handout
from lendready.report.briefing import BriefingError

WHEN = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
MARKUP = "A & B <Ltd> <b>bold</b>"
ANSWERS = "Answers — for the trainer"
BANDS = ("ready", "nearly_ready", "not_ready")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pages_of(pdf: bytes) -> list[str]:
    return [squash(p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]


def split_at_answers(pages: list[str]) -> tuple[str, str, int]:
    """(exercise text, answers text, index of the first answers page)."""
    first = next(i for i, page in enumerate(pages) if ANSWERS in page)
    return " ".join(pages[:first]), " ".join(pages[first:]), first


@pytest.fixture(scope="module")
def sample_list():
    problems: list[str] = []
    found = load_samples(RESOURCES, problems)
    assert not problems, problems
    return found


@pytest.fixture(scope="module")
def by_id(sample_list):
    return {s.id: s for s in sample_list}


@pytest.fixture(scope="module")
def riverside(knowledge, by_id):
    sample = by_id["riverside"]
    case = load_sample_case(sample, knowledge)
    return case, sample, handout.build_handout(case, knowledge, sample=sample, generated=WHEN)


def unnamed_case(case: Case) -> Case:
    """A case that is no sample, with a name and free text that look like markup."""
    answers = dict(case.answers, **{"org.name": MARKUP, "org.activity": "Clinics <br/> & cafés > 3"})
    return Case("not-a-sample", case.created, case.modified, "trainer", answers, {})


@pytest.fixture(scope="module")
def pack(knowledge, sample_list):
    """A session pack of every sample, built once."""
    return handout.build_session_pack(sample_list, knowledge, generated=WHEN)


# ---------------------------------------------------------------------------
# One case


def test_exercise_has_the_story_questions_and_blank_grid_but_not_the_answer(riverside, knowledge):
    case, sample, pdf = riverside
    exercise, _answers, first = split_at_answers(pages_of(pdf))
    assert first >= 1
    for paragraph in sample.meta.story.strip().split("\n\n"):
        assert squash(paragraph) in exercise
    for question in sample.meta.questions:
        assert squash(question) in exercise
    # The figures, unjudged.
    assert "£9,600,000" in exercise and "1.80" in exercise and "96%" in exercise
    # The blank grid: every area, the three ratings, the three bands, room for the reason.
    assert "Your prediction" in exercise and "Main reason" in exercise and "Overall band" in exercise
    for area in knowledge.areas:
        assert area.title in exercise
    for word in ("Satisfactory", "Needs work", "Serious concern"):
        assert exercise.count(word) == 1, word  # the grid's heading, nothing else
    result = assess(case, knowledge, audience="trainer")
    # Each band's word only as a heading of the grid: the answer is not given away.
    for band in BANDS:
        assert exercise.count(knowledge.bands[band].label) == 1, band
    assert "THE BAND LENDREADY GIVES" not in exercise
    for finding in result.findings:
        assert squash(finding.title) not in exercise, finding.id
    assert squash(sample.meta.lender_verdict) not in exercise
    for lesson in sample.meta.teaches:
        assert squash(lesson) not in exercise


def test_answers_carry_band_ratings_findings_and_the_verdict(riverside, knowledge):
    case, sample, pdf = riverside
    _exercise, answers, _first = split_at_answers(pages_of(pdf))
    result = assess(case, knowledge, audience="trainer")
    assert knowledge.bands[result.band].label in answers
    assert "THE BAND LENDREADY GIVES" in answers
    for area in result.areas:
        title = next(a.title for a in knowledge.areas if a.id == area.id)
        assert re.search(re.escape(title) + r"\s+" + re.escape(rating_word(area.rating)), answers), area.id
    for finding in result.findings:
        assert squash(finding.title) in answers, finding.id
        assert squash(finding.what_to_do) in answers, finding.id
        if finding.myth:
            assert "True or false? " + squash(finding.myth) in answers, finding.id
    for lesson in sample.meta.teaches:
        assert squash(lesson) in answers
    assert squash(sample.meta.lender_verdict) in answers
    for reason in sample.meta.lender_reasons:
        assert squash(reason) in answers


def test_answers_start_on_a_new_page(riverside):
    _case, sample, pdf = riverside
    pages = pages_of(pdf)
    _exercise, _answers, first = split_at_answers(pages)
    assert "Your prediction" not in pages[first] and "The story" not in pages[first]
    assert "Your prediction" in " ".join(pages[:first])
    reference = next(i for i, page in enumerate(pages) if handout.CASE_REFERENCE_PART in page)
    assert reference > first
    # Every page says which part it belongs to, and the case, and its number.
    for i, page in enumerate(pages, start=1):
        assert (ANSWERS in page) == (first < i <= reference), i
        assert (handout.CASE_REFERENCE_PART in page) == (i > reference), i
        assert f"Page {i} of {len(pages)}" in page
        assert sample.meta.title in page


def test_the_reference_part_and_the_provenance_come_last(riverside, knowledge):
    case, _sample, pdf = riverside
    pages = pages_of(pdf)
    reference = next(i for i, page in enumerate(pages) if handout.CASE_REFERENCE_PART in page)
    text = " ".join(pages[reference:])
    result = assess(case, knowledge, audience="trainer")
    for finding in result.findings:
        if finding.lender_condition:
            assert squash(finding.lender_condition) in text, finding.id
    teaching = load_teaching(knowledge=knowledge)
    for section in teaching.primer:
        assert squash(section.heading) in text
    for form in teaching.legal_forms.values():
        assert squash(form.name) in text
    for term in teaching.glossary:
        assert squash(term.term) + ":" in text
    provenance = next(i for i, page in enumerate(pages) if "Provenance" in page and "Case SHA-256" in page)
    assert provenance > reference
    assert "Written for trainer (Trainer's handout)" in " ".join(pages[provenance:])


def test_tick_boxes_are_big_enough_for_a_pen():
    assert handout.BOX >= 6 * mm
    assert handout.GRID_ROW >= handout.BOX + 4 * mm


def test_a_case_that_is_no_sample(knowledge, samples):
    case = unnamed_case(samples["riverside"])
    pdf = handout.build_handout(case, knowledge, generated=WHEN)
    exercise, answers, _first = split_at_answers(pages_of(pdf))
    # The story is a summary of the answers; the questions are the default set.
    assert "Legal form: Community interest company limited by guarantee (CIC)." in exercise
    assert "It asks for £1,000,000 over 120 months at 7.5%" in exercise
    for question in handout.DEFAULT_QUESTIONS:
        assert squash(question) in exercise
    # Outside text prints literally, in the title and the running footer.
    assert exercise.count(MARKUP) >= 2
    assert "Clinics <br/> & cafés > 3" in exercise
    assert PdfReader(io.BytesIO(pdf)).metadata.title == f"Trainer's handout: {MARKUP}"
    # No verdict was written for it, and the handout says so.
    assert "this case is not one of lendready's sample cases" in answers
    assert "What this case teaches" not in answers
    result = assess(case, knowledge, audience="trainer")
    for finding in result.findings:
        assert squash(finding.title) in answers


def test_source_date_epoch_gives_identical_bytes(knowledge, samples, by_id, monkeypatch):
    case = samples["vale"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795600000")
    first = handout.build_handout(case, knowledge, sample=by_id["vale"])
    assert handout.build_handout(case, knowledge, sample=by_id["vale"]) == first
    created = PdfReader(io.BytesIO(first)).metadata.creation_date
    assert created == datetime.fromtimestamp(1795600000, timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795600060")
    assert handout.build_handout(case, knowledge, sample=by_id["vale"]) != first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(BriefingError):
        handout.build_handout(case, knowledge)


def test_write_handout_is_atomic(knowledge, samples, tmp_path):
    target = tmp_path / "handout.pdf"
    handout.write_handout(target, samples["vale"], knowledge, generated=WHEN)
    assert target.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["handout.pdf"]


# ---------------------------------------------------------------------------
# The session pack


def test_pack_keeps_the_cases_in_order_and_the_answers_after_every_exercise(pack, sample_list, knowledge):
    pages = pages_of(pack)
    text = " ".join(pages)
    titles = [s.meta.title for s in sample_list]
    # The cover lists them in order, with their one-line summaries.
    cover = pages[0]
    assert "How to run the session" in text
    positions = [cover.index(squash(t)) for t in titles]
    assert positions == sorted(positions)
    for s in sample_list:
        assert squash(s.meta.summary) in text
    # Each exercise sheet starts a page, in order; all of them before the first answers page.
    starts = []
    for i, title in enumerate(titles, start=1):
        heading = f"Case {i} · exercise sheet"
        starts.append(next(n for n, page in enumerate(pages) if page.startswith(heading)))
        assert title in pages[starts[-1]]
    assert starts == sorted(starts)
    first_answers = next(n for n, page in enumerate(pages) if ANSWERS in page)
    last_exercise = max(n for n, page in enumerate(pages) if "Your prediction" in page)
    assert last_exercise < first_answers
    answer_starts = [next(n for n, page in enumerate(pages) if f"{ANSWERS}: {squash(t)}" in page)
                     for t in titles]
    assert answer_starts == sorted(answer_starts) and answer_starts[0] == first_answers
    assert all(page.startswith(f"Case {i} · answers") for i, page in
               enumerate((pages[n] for n in answer_starts), start=1))
    # Each case's answers: its band, its findings, its verdict.
    for s, start, end in zip(sample_list, answer_starts, answer_starts[1:] + [len(pages)]):
        part = " ".join(pages[start:end])
        result = assess(load_sample_case(s, knowledge), knowledge, audience="trainer")
        assert knowledge.bands[result.band].label in part, s.id
        for finding in result.findings:
            assert squash(finding.title) in part, (s.id, finding.id)
        assert squash(s.meta.lender_verdict) in part, s.id


def test_pack_ends_with_myths_glossary_and_primer(pack, knowledge):
    pages = pages_of(pack)
    reference = next(n for n, page in enumerate(pages) if handout.REFERENCE_PART in page)
    assert reference > max(n for n, page in enumerate(pages) if ANSWERS in page)
    text = " ".join(pages[reference:])
    for belief, correction in myths(knowledge, "trainer"):
        assert squash(belief) in text and squash(correction) in text
    teaching = load_teaching(knowledge=knowledge)
    for term in teaching.glossary:
        assert squash(term.term) + ":" in text
    for section in teaching.primer:
        assert squash(section.heading) in text


def test_pack_has_a_bookmark_per_case(pack, sample_list):
    reader = PdfReader(io.BytesIO(pack))
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert [t.title for t in top] == [
        "The session plan", "Part 1: Exercise sheets", f"Part 2: {ANSWERS}", "Part 3: Reference"]
    nested = [item for item in reader.outline if isinstance(item, list)]
    exercises = [b for b in nested[1] if not isinstance(b, list)]
    assert [b.title for b in exercises] == [s.meta.title for s in sample_list]
    pages = [reader.get_destination_page_number(b) for b in exercises]
    assert pages == sorted(pages) and len(set(pages)) == len(pages)


def test_pack_needs_a_case(knowledge):
    with pytest.raises(BriefingError):
        handout.build_session_pack([], knowledge, generated=WHEN)


def test_pack_is_reproducible(knowledge, by_id):
    chosen = [by_id["vale"], by_id["riverside"]]
    assert (handout.build_session_pack(chosen, knowledge, generated=WHEN)
            == handout.build_session_pack(chosen, knowledge, generated=WHEN))
