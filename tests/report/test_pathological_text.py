"""Text no layout should have to cope with, found by the fuzzer (tests/fuzz_cases.py, bench/fuzz.py).

Each case must give a PDF, quickly, for every audience: a word longer than a line wraps; a value set
aside as invalid is shown shortened with its real length (the case file holds it in full); no table
cell grows taller than a page; soft hyphens in an over-long word cannot make line breaking cubic;
fitting an enormous name to the page furniture costs a few measurements, not one per character.
Each build runs under a time limit, so a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path

import pytest
from fuzz_cases import time_limit
from pypdf import PdfReader
from reportlab.platypus import SimpleDocTemplate

from lendready.domain.files.case_file import dumps, parse_case
from lendready.report import AUDIENCES, build_briefing, charts
from lendready.report import flowables as fl
from lendready.report.context import BriefingContext, generation_time
from lendready.report.handout_case import HandoutCase
from lendready.report.styles import FONT, clean, shortened, styles

DATA = Path(__file__).with_name("data")


def within(seconds: float):
    """Fail (rather than hang) when the block takes longer than ``seconds`` (POSIX; elsewhere unguarded)."""
    return time_limit(seconds, lambda: TimeoutError(f"took longer than {seconds} s"))


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))


def case_with(knowledge, samples, sample: str = "riverside", **answers):
    doc = json.loads(dumps(samples[sample], knowledge.questionnaire))
    doc["answers"].update({k.replace("__", "."): v for k, v in answers.items()})
    return parse_case(json.dumps(doc).encode(), knowledge.questionnaire)


def pdfs(case, knowledge, seconds: float = 20.0) -> dict[str, bytes]:
    out = {}
    for audience in AUDIENCES:
        with within(seconds):
            out[audience] = build_briefing(case, knowledge, audience=audience)
        assert out[audience].startswith(b"%PDF")
    return out


def forecast(months: int, **first) -> list[dict]:
    rows = [{"month": f"{2027 + i // 12}-{i % 12 + 1:02d}", "receipts": 123_456.78 + i, "payments": 120_987.65}
            for i in range(months)]
    rows[0].update(first)
    return rows


def test_a_long_unbroken_word_in_a_valid_answer_wraps(knowledge, samples):
    case = case_with(knowledge, samples, org__activity="y" * 2000, sec__description="W" * 2000)
    for audience, pdf in pdfs(case, knowledge).items():
        text = text_of(pdf)
        assert "y" * 40 in text, audience  # the trainer's story, everyone's summary
        if audience != "trainer":  # the handout does not print the description of the security
            assert "W" * 20 in text, audience


def test_an_overlong_answer_set_aside_as_invalid_is_shown_shortened(knowledge, samples):
    # Over max_length 2000: kept, set aside as invalid, and listed under Provenance. Used to raise
    # reportlab's LayoutError: the cell holding it was taller than a page.
    case = case_with(knowledge, samples, loan__purpose_detail="y" * 2001)
    for audience, pdf in pdfs(case, knowledge).items():
        text = text_of(pdf)
        assert "(2,001 characters, shown shortened)" in text, audience


@pytest.mark.parametrize("answers", [
    {"fin.forecast": forecast(39)},  # more months than a forecast may have (bench/fuzz.py)
    {"fin.forecast": forecast(36, receipts=-1.5)},  # a negative row
    {"fin.forecast": forecast(33, payments=-7.25), "fin.cash": -12_345.67},  # with negative cash too
], ids=["39-months", "negative-row", "negative-row-and-cash"])
def test_invalid_forecast_and_cash_answers_found_by_the_bench(knowledge, samples, answers):
    case = case_with(knowledge, samples, **answers)
    for audience, pdf in pdfs(case, knowledge).items():
        assert "characters, shown shortened)" in text_of(pdf), audience


def test_soft_hyphens_in_an_overlong_name_do_not_stall_line_breaking(knowledge, samples):
    # The input the fuzzer found stalling the trainer's handout: 5,000 characters of 日, y and soft
    # hyphens as the organisation's name (about 9 s before the fix, and cubic in the length).
    name = json.loads((DATA / "soft_hyphen_name.json").read_text(encoding="utf-8"))["org.name"]
    case = case_with(knowledge, samples, org__name=name,
                     org__registration_number="😀😀 ." * 400, loan__purpose_detail="\xad".join(["y" * 7] * 600))
    start = time.perf_counter()
    pdfs(case, knowledge, seconds=20)
    assert time.perf_counter() - start < 20


def test_a_megabyte_name_is_shortened_everywhere(knowledge, samples):
    # Over max_length 200, so the assessment names no organisation; the value is listed shortened.
    case = case_with(knowledge, samples, org__name="Big\xadname " * 100_000)
    for audience, pdf in pdfs(case, knowledge).items():
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.metadata.title) < 500, audience
        assert "(900,000 characters, shown shortened)" in text_of(pdf), audience


def test_an_overlong_organisation_name_is_shortened_in_titles_and_furniture(knowledge, samples):
    case = case_with(knowledge, samples, org__name="Big\xadname " * 100_000)
    ctx = BriefingContext.make(case, knowledge, "trainer", generation_time())
    a = ctx.assessment._replace(organisation="Big name " * 100_000)  # as if it were valid
    ctx = ctx._replace(analysis=ctx.analysis._replace(assessment=a))
    assert ctx.org.endswith("(900,000 characters, shown shortened)") and len(ctx.org) < 400
    assert HandoutCase(ctx, None).title == ctx.org


def test_no_table_cell_is_taller_than_half_a_page(knowledge):
    st = styles(knowledge.root)
    huge, short = fl.text("ﷺW " * 4000, st.cell), fl.text("short", st.cell)
    rows = fl.cap_rows([["Label", huge], ["Next", short]], [40, 200], 8)
    assert rows[1][1] is short  # a cell that fits is left alone
    first, note = rows[0][1]
    assert first.wrap(192, fl.CELL_MAX)[1] + note.wrap(192, fl.CELL_MAX)[1] <= fl.CELL_MAX
    buffer = io.BytesIO()
    with within(20):
        SimpleDocTemplate(buffer).build([fl.grid([["Label", huge], ["Next", short]], [40, 200], header=False)])
    assert "shown shortened here; the case file holds it in full" in text_of(buffer.getvalue())


def test_fit_is_the_longest_start_that_fits_and_is_fast(knowledge):
    styles(knowledge.root)
    from reportlab.pdfbase.pdfmetrics import stringWidth

    with within(5):
        fitted = charts.fit("y" * 1_000_000, FONT, 7.5, 200)
    assert fitted.endswith("…") and stringWidth(fitted, FONT, 7.5) <= 200
    assert stringWidth(fitted[:-1] + "y…", FONT, 7.5) > 200
    assert charts.fit("Short name", FONT, 7.5, 200) == "Short name"


def test_soft_hyphens_are_shown_never_acted_on():
    # A soft hyphen is a format character: shown as its token, as the app shows it (issue 17), so
    # reportlab's line breaking never meets one, in a word of any length.
    assert clean("co\xadoperative") == "co[U+00AD]operative"
    assert clean("x" * 80 + "\xad" + "y" + " co\xadop") == "x" * 80 + "[U+00AD]y co[U+00AD]op"
    assert shortened("abc") == "abc"
    assert shortened("a" * 301) == "a" * 300 + "… (301 characters, shown shortened)"
