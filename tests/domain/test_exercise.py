"""The exercise model driven as the exercise view drives it: predict, reveal, score."""

from __future__ import annotations

import pytest
from conftest import RESOURCES, SAMPLE_IDS

from lendready.domain.engine.assessment import assess
from lendready.domain.files.case_file import new_case
from lendready.domain.teaching.exercise import (
    AREA,
    BAND,
    BAND_ORDER,
    MYTH,
    PREDICT,
    PREDICTABLE_RATINGS,
    QUESTIONS,
    SCORE,
    STORY,
    VERDICT,
    Exercise,
)
from lendready.domain.teaching.samples import load_samples


@pytest.fixture(scope="module")
def metas():
    return {s.id: s.meta for s in load_samples(RESOURCES, [])}


def exercise_of(sample_id, samples, knowledge, metas, with_story=True):
    return Exercise.from_case(samples[sample_id], knowledge, metas[sample_id] if with_story else None)


def walk_to(ex: Exercise, kind: str, key: str | None = None):
    for i, step in enumerate(ex.steps):
        if step.kind == kind and (key is None or step.key == key):
            return ex.go(i)
    raise AssertionError(f"no {kind} step {key or ''}")


def predict_engine_answers(ex: Exercise) -> None:
    for area in ex.scored_areas:
        ex.predict_area(area, ex.ratings[area])
    ex.predict_band(ex.assessment.band)


@pytest.mark.parametrize("sample_id", SAMPLE_IDS)
def test_the_script_reveals_every_area_in_order_with_each_myth_card_just_before_its_area(
    sample_id, samples, knowledge, metas
):
    ex = exercise_of(sample_id, samples, knowledge, metas)
    kinds = [s.kind for s in ex.steps]
    assert kinds[0] == STORY and kinds[-1] == SCORE
    assert kinds.index(PREDICT) < kinds.index(AREA), "the room predicts before anything is revealed"
    assert [s.key for s in ex.steps if s.kind == AREA] == [a.id for a in knowledge.areas]
    assert kinds.index(BAND) > max(i for i, k in enumerate(kinds) if k == AREA)
    assert QUESTIONS in kinds and VERDICT in kinds, "a sample brings its questions and its lender's verdict"
    myth_findings = {f.id: f.area for f in ex.assessment.findings if f.myth}
    assert {s.key for s in ex.steps if s.kind == MYTH} == set(myth_findings)
    for i, step in enumerate(ex.steps):
        if step.kind == MYTH:
            following = next(s for s in ex.steps[i + 1:] if s.kind == AREA)
            assert following.key == myth_findings[step.key]


@pytest.mark.parametrize("sample_id", SAMPLE_IDS)
def test_predicting_what_the_engine_says_scores_full_marks(sample_id, samples, knowledge, metas):
    ex = exercise_of(sample_id, samples, knowledge, metas)
    predict_engine_answers(ex)
    score = ex.score()
    assert score.points == score.out_of == len(ex.scored_areas) + 2
    assert all(m.verdict == "right" for m in (*score.areas, score.band))
    # Every finding is shown once: in its area's reveal, or (a myth) on its card.
    shown = [f.id for a in knowledge.areas for f in ex.findings_in(a.id)] + [c.rule_id for c in ex.myths]
    assert sorted(shown) == sorted(assess(samples[sample_id], knowledge).finding_ids)


def test_one_shade_off_scores_half_and_two_shades_none(samples, knowledge, metas):
    ex = exercise_of("riverside", samples, knowledge, metas)
    assert ex.ratings["cashflow"] == "red" and ex.ratings["governance"] == "green"
    ex.predict_area("cashflow", "amber")  # one shade off
    ex.predict_area("governance", "red")  # two shades off
    ex.predict_area("income", "red")  # right
    ex.predict_band("nearly_ready")  # riverside is not_ready: one band off
    score = ex.score()
    marks = {m.key: m for m in score.areas}
    assert (marks["cashflow"].points, marks["cashflow"].verdict) == (0.5, "close")
    assert (marks["governance"].points, marks["governance"].verdict) == (0.0, "wrong")
    assert (marks["income"].points, marks["income"].verdict) == (1.0, "right")
    assert marks["security"].verdict == "no prediction"
    assert (score.band.points, score.band.out_of) == (1.0, 2.0)
    assert score.points == 2.5


def test_predictions_lock_once_the_first_answer_is_revealed_and_stay_locked_going_back(
    samples, knowledge, metas
):
    ex = exercise_of("vale", samples, knowledge, metas)
    walk_to(ex, PREDICT)
    ex.predict_area("income", "amber")
    ex.next()
    with pytest.raises(PermissionError):
        ex.predict_area("income", "green")
    ex.back()
    assert ex.step.kind == PREDICT
    with pytest.raises(PermissionError):
        ex.predict_band("ready")
    assert ex.area_predictions == {"income": "amber"}


def test_a_prediction_outside_the_choices_is_refused_naming_what_is_allowed(samples, knowledge, metas):
    ex = exercise_of("vale", samples, knowledge, metas)
    with pytest.raises(ValueError, match="green, amber, red"):
        ex.predict_area("income", "purple")
    with pytest.raises(ValueError, match="not an area"):
        ex.predict_area("weather", "green")
    with pytest.raises(ValueError, match=", ".join(BAND_ORDER)):
        ex.predict_band("incomplete")
    assert ex.missing_predictions[-1] == "the readiness band"
    assert len(ex.missing_predictions) == len(ex.scored_areas) + 1


def test_myth_cards_are_questions_first_and_every_myth_is_false(samples, knowledge, metas):
    ex = exercise_of("riverside", samples, knowledge, metas)
    assert ex.myths, "riverside corrects several myths"
    first, second = ex.myths[0], ex.myths[1]
    assert first.rule_id not in ex.shown_myths
    assert ex.answer_myth(first.rule_id, True) is False  # taken in
    assert ex.answer_myth(second.rule_id, False) is True
    ex.reveal_myth(ex.myths[2].rule_id)  # shown without an answer from the room
    score = ex.score()
    assert (score.myths_right, score.myths_answered, score.myths_total) == (1, 2, len(ex.myths))
    assert {first.rule_id, second.rule_id, ex.myths[2].rule_id} <= ex.shown_myths


def test_a_case_of_ones_own_has_no_questions_or_verdict_steps_and_its_story_is_the_organisation(
    samples, knowledge
):
    ex = Exercise.from_case(samples["crown_inn"], knowledge)
    kinds = [s.kind for s in ex.steps]
    assert QUESTIONS not in kinds and VERDICT not in kinds
    assert ex.title == samples["crown_inn"].answers["org.name"]


def test_an_empty_case_scores_nothing_it_cannot_rate(knowledge):
    ex = Exercise.from_case(new_case("trainer"), knowledge)
    assert ex.assessment.band == "incomplete"
    assert ex.scored_areas == ()
    assert ex.facts() == () and ex.figures() == ()
    score = ex.score()
    assert (score.points, score.out_of) == (0.0, 0.0)
    assert all(r == "unknown" for r in ex.ratings.values())


def test_facts_show_answered_key_questions_as_worded_with_units_and_figures_without_verdicts(
    samples, knowledge, metas
):
    ex = exercise_of("vale", samples, knowledge, metas)
    facts = {label: value for _title, rows in ex.facts() for label, value in rows}
    q = knowledge.questionnaire.questions
    assert facts[q["fin.turnover"].label.lender] == "£7,200,000"
    assert facts[q["inc.main_contract_months_left"].label.lender] == "126 months"
    assert facts[q["loan.interest_rate"].label.lender] == "7%"
    figures = dict(ex.figures())
    assert figures[knowledge.metric_info["dscr"].label] == "2.01"
    assert figures[knowledge.metric_info["lowest_forecast_cash"].label].endswith("in Apr 2027")
    assert not any(word in " ".join(figures.values()).lower() for word in ("red", "amber", "green"))


def test_a_loss_maker_s_ratios_are_shown_as_negative_not_as_figures(samples, knowledge):
    from copy import copy

    loss = copy(samples["crown_inn"])
    loss.answers = {**loss.answers, "fin.surplus": -40_000}
    figures = dict(Exercise.from_case(loss, knowledge, None).figures())
    assert figures[knowledge.metric_info["dscr"].label] == "negative: earnings do not cover costs"
    assert figures[knowledge.metric_info["interest_cover"].label] == "negative: earnings do not cover costs"


def test_walking_off_either_end_stays_on_the_first_or_last_step(samples, knowledge, metas):
    ex = exercise_of("bean_there", samples, knowledge, metas)
    assert ex.back().kind == STORY
    for _ in range(len(ex.steps) + 3):
        ex.next()
    assert ex.at_end and ex.step.kind == SCORE
    assert set(PREDICTABLE_RATINGS) >= {ex.ratings[a] for a in ex.scored_areas}
