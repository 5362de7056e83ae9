"""Issue 18, as the founder reads it: no acronym unexplained, no jargon bare, in whole documents.

The text report and the PDF are read as a founder gets them; each acronym listed under
``[[acronyms]]`` in the rulebook must be spelt out at its first use (the rule
:func:`~lendready.domain.engine.wording.explain` keeps for each text), and each ``[[jargon]]``
phrase must come with its plain wording. The organisation's own name is the founder's, not ours.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from conftest import SAMPLE_IDS
from pypdf import PdfReader

from lendready.domain.advice import analyse
from lendready.domain.engine.wording import jargon_used, unspelt
from lendready.report.briefing import build_briefing
from lendready.text_report import render

AS_OF = date(2026, 12, 3)


def problems(text: str, organisation: str | None, knowledge) -> list[str]:
    if organisation:
        text = text.replace(organisation, "")
    words = knowledge.vocabulary
    return ([f"acronym not spelt out: {t}" for t in unspelt(text, words.acronyms)]
            + [f"jargon without its plain wording: {p}" for p in jargon_used(text, words.jargon)])


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_founder_text_report_explains_every_acronym(sample, samples, knowledge):
    analysis = analyse(samples[sample], knowledge, AS_OF, audience="founder")
    text = render(analysis, knowledge)
    assert problems(text, analysis.assessment.organisation, knowledge) == []


def test_lender_text_report_keeps_its_terms(samples, knowledge):
    text = render(analyse(samples["riverside"], knowledge, AS_OF, audience="lender"), knowledge)
    assert "DSCR negative; interest cover negative" in text
    assert "Termination for convenience" in text


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_founder_pdf_explains_every_acronym(sample, samples, knowledge):
    analysis = analyse(samples[sample], knowledge, AS_OF, audience="founder")
    pdf = build_briefing(samples[sample], knowledge, audience="founder", as_of=AS_OF, analysis=analysis)
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    assert problems(re.sub(r"\s+", " ", text), analysis.assessment.organisation, knowledge) == []


def test_founder_pdf_stress_table_names_figures_in_words(samples, knowledge):
    analysis = analyse(samples["riverside"], knowledge, AS_OF, audience="founder")
    pdf = build_briefing(samples["riverside"], knowledge, audience="founder", as_of=AS_OF, analysis=analysis)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))
    # pypdf may split a word ("Repaym ents"): compare without spaces.
    assert "ScenarioLowestcashRepaymentscoveredInterestcoveredBand" in text.replace(" ", "")
