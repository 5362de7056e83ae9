"""What changed between two assessments: the band, area ratings, findings new and gone (Qt-free)."""

from __future__ import annotations

import copy

from lendready.domain.engine.assessment import assess
from lendready.domain.engine.status import rating_word
from lendready.model.assessment_changes import compare_assessments


def test_a_larger_customer_share_names_the_band_the_area_and_the_new_finding(knowledge, samples):
    case = copy.deepcopy(samples["vale"])
    before = assess(case, knowledge)
    case.answers["inc.largest_customer_share"] = 78
    after = assess(case, knowledge)
    changes = compare_assessments(before, after, knowledge, "lender")
    bands = knowledge.bands
    assert (changes.band_before, changes.band_after) == (bands["ready"].label, bands["nearly_ready"].label)
    (area,) = changes.areas
    assert area.area == "income" and (area.before, area.after) == ("green", "amber")
    assert area.before_word == rating_word("green", knowledge)
    assert [f.title for f in changes.new] == [f.title for f in after.findings if f.id not in
                                              {g.id for g in before.findings}]
    assert changes.gone == ()
    text = changes.text()
    assert text.startswith(f"Band: {bands['ready'].label} → {bands['nearly_ready'].label}; ")
    assert f"{area.title}: {area.before_word} → {area.after_word}" in text and "new: " in text
    back = compare_assessments(after, before, knowledge)
    assert back.new == () and [f.id for f in back.gone] == [f.id for f in changes.new]
    assert "gone: " in back.text()


def test_no_change_says_so(knowledge, samples):
    a = assess(samples["vale"], knowledge)
    changes = compare_assessments(a, a, knowledge)
    assert changes.empty and changes.text() == (
        "No change to the band, the area ratings, the findings or the key figures.")


def test_a_change_that_moves_only_key_figures_still_shows(knowledge, samples):
    """A slightly larger loan moves the repayments and the cover without changing a rating."""
    case = copy.deepcopy(samples["vale"])
    before = assess(case, knowledge)
    case.answers["loan.amount"] = case.answers["loan.amount"] + 5000
    after = assess(case, knowledge)
    changes = compare_assessments(before, after, knowledge, "founder")
    assert changes.band_before is None and changes.areas == () and changes.new == changes.gone == ()
    assert not changes.empty
    moved = {f.id: f for f in changes.figures}
    assert "annual_loan_repayment" in moved and "dscr" in moved
    repayment = moved["annual_loan_repayment"]
    assert repayment.label == knowledge.metric_info["annual_loan_repayment"].short_for("founder")
    assert repayment.before.startswith("£") and repayment.before != repayment.after
    assert f"{repayment.label}: {repayment.before} → {repayment.after}" in changes.text()
