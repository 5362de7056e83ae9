"""A teaching exercise on one case: the room predicts, the app reveals, then scores.

Qt-free so the exercise view, the presentation window and the tests all drive
the same object the same way. It is a script of steps (the story, the facts and key
figures, the questions for the room, the prediction, then one reveal per area with its myth cards just
before it, the band, the experienced lender's verdict and the score) walked
forwards and back. Predictions are locked as soon as the first answer is
revealed, because a prediction changed after the reveal teaches nothing.

The answers come from :func:`lendready.domain.engine.assessment.assess`, worded for a
trainer, so an exercise can never disagree with the explainer or the PDF.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

from lendready.domain.engine import formatting
from lendready.domain.engine.assessment import Assessment, Finding, assess, metric_text
from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.files.case_file import Case

PREDICTABLE_RATINGS = ("green", "amber", "red")
# Bands the room can predict; "incomplete" is never a sensible prediction for a teaching case.
BAND_ORDER = ("ready", "nearly_ready", "not_ready")
# Exact: full marks; one shade away (green/amber, amber/red): half, because the room saw the right risk.
AREA_POINTS = 1.0
BAND_POINTS = 2.0
NEAR_SHARE = 0.5

# Step kinds, in the order they come.
STORY, FACTS, FIGURES_STEP, QUESTIONS, PREDICT, MYTH, AREA, BAND, VERDICT, SCORE = (
    "story", "facts", "figures", "questions", "predict", "myth", "area", "band", "verdict", "score",
)


# The figures put in front of the room with the story, unjudged: it is the room's job to judge them
# (the app's exercise and the printed exercise sheet both show these).
FIGURES = ("dscr", "interest_cover", "reserves_months", "ltv", "lowest_forecast_cash")
LOWEST_MONTH = "lowest_cash_month"
# Asked of every case and needed to judge it, though no area counts them as key.
LOAN_FACTS = ("loan.interest_rate", "loan.purpose")


# A correction that opens with its own "False." would say it twice under the card's answer.
_VERDICT_WORD = re.compile(r"^\s*(?:False|True)\.\s*")


class Fact(NamedTuple):
    label: str
    value: str


class Step(NamedTuple):
    kind: str
    key: str | None = None
    """The area id for ``area`` steps, the rule id for ``myth`` steps."""


class MythCard(NamedTuple):
    rule_id: str
    area: str
    statement: str
    true: bool
    """Every myth in the rulebook is a false belief; kept explicit for the card's answer."""
    correction: str


class Mark(NamedTuple):
    """One prediction against the engine's answer."""

    key: str
    predicted: str | None
    actual: str
    points: float
    out_of: float

    @property
    def verdict(self) -> str:
        if self.predicted is None:
            return "no prediction"
        if self.points == self.out_of:
            return "right"
        return "close" if self.points > 0 else "wrong"


class Score(NamedTuple):
    areas: tuple[Mark, ...]
    band: Mark
    myths_right: int
    myths_answered: int
    myths_total: int

    @property
    def points(self) -> float:
        return sum(m.points for m in self.areas) + self.band.points

    @property
    def out_of(self) -> float:
        return sum(m.out_of for m in self.areas) + self.band.out_of


class CaseStory(NamedTuple):
    """What a sample case adds to the exercise; a case of one's own has none of it."""

    story: str = ""
    questions: tuple[str, ...] = ()
    teaches: tuple[str, ...] = ()
    lender_verdict: str = ""
    lender_reasons: tuple[str, ...] = ()

    @classmethod
    def of_sample(cls, meta: Any) -> CaseStory:
        return cls(
            story=meta.story.strip(),
            questions=tuple(meta.questions),
            teaches=tuple(meta.teaches),
            lender_verdict=meta.lender_verdict.strip(),
            lender_reasons=tuple(meta.lender_reasons),
        )


def _shade_points(predicted: str | None, actual: str, out_of: float, order: Sequence[str]) -> float:
    if predicted is None or predicted not in order or actual not in order:
        return 0.0
    gap = abs(order.index(predicted) - order.index(actual))
    return out_of if gap == 0 else out_of * NEAR_SHARE if gap == 1 else 0.0


class Exercise:
    """The state of one exercise: where the room is, what it predicted, what is revealed."""

    def __init__(
        self,
        assessment: Assessment,
        knowledge: Knowledge,
        *,
        title: str,
        story: CaseStory | None = None,
        values: dict[str, Any] | None = None,
    ) -> None:
        self.assessment = assessment
        self.values = values or {}
        """The valid, relevant answers, for the fact sheet."""
        self.knowledge = knowledge
        self.title = title
        self.story = story or CaseStory()
        self.area_titles = {a.id: a.title for a in knowledge.areas}
        self.ratings = {r.id: r.rating for r in assessment.areas}
        # Only areas the engine could rate are predicted and scored; an "unknown" area is shown, not marked.
        self.scored_areas = tuple(a.id for a in knowledge.areas if self.ratings.get(a.id) in PREDICTABLE_RATINGS)
        self.myths = tuple(
            MythCard(f.id, f.area, f.myth, False, _VERDICT_WORD.sub("", f.why_it_matters))
            for f in assessment.findings if f.myth
        )
        self.steps = self._script()
        self._predict_at = self.steps.index(Step(PREDICT))
        self.position = 0
        self.area_predictions: dict[str, str] = {}
        self.band_prediction: str | None = None
        self.myth_answers: dict[str, bool] = {}
        self.shown_myths: set[str] = set()
        """Cards whose answer is showing: a card is a question first, its correction second."""
        self._furthest = 0

    @classmethod
    def from_case(cls, case: Case, knowledge: Knowledge, sample_meta: Any = None) -> Exercise:
        # A sample is a snapshot: it is assessed at its own date, so its dated rules never age (docs/rules.md).
        when = getattr(sample_meta, "as_of", None)
        as_of = date.fromisoformat(when) if isinstance(when, str) else None
        assessment = assess(case, knowledge, audience="trainer", as_of=as_of)
        title = sample_meta.title if sample_meta is not None else (assessment.organisation or "This case")
        story = CaseStory.of_sample(sample_meta) if sample_meta is not None else None
        values = dict(knowledge.questionnaire.validate(case.answers).values)
        return cls(assessment, knowledge, title=title, story=story, values=values)

    def _script(self) -> tuple[Step, ...]:
        steps = [Step(STORY), Step(FACTS)]
        if self.figures():
            steps.append(Step(FIGURES_STEP))
        if self.story.questions:
            steps.append(Step(QUESTIONS))
        steps.append(Step(PREDICT))
        for area in self.knowledge.areas:
            steps.extend(Step(MYTH, card.rule_id) for card in self.myths if card.area == area.id)
            steps.append(Step(AREA, area.id))
        steps.append(Step(BAND))
        if self.story.lender_verdict:
            steps.append(Step(VERDICT))
        steps.append(Step(SCORE))
        return tuple(steps)

    # -- the case as the room sees it ----------------------------------------------
    def facts(self) -> tuple[tuple[str, tuple[Fact, ...]], ...]:
        """(area title, its answered key questions) in area order, then the loan's own terms."""
        questions = self.knowledge.questionnaire.questions
        seen: set[str] = set()
        out: list[tuple[str, tuple[Fact, ...]]] = []
        groups = [(a.title, a.key_questions) for a in self.knowledge.areas] + [("The loan", LOAN_FACTS)]
        for title, qids in groups:
            rows = []
            for qid in qids:
                q = questions.get(qid)
                if q is None or qid in seen or qid not in self.values:
                    continue
                seen.add(qid)
                value = formatting.answer(q.type, self.values[qid], q.choice_label, q.unit)
                rows.append(Fact(q.label.for_role("lender"), value))
            if rows:
                out.append((title, tuple(rows)))
        return tuple(out)

    def figures(self) -> tuple[Fact, ...]:
        """The key metrics, without their thresholds or any verdict."""
        values, info = self.assessment.metrics.values, self.knowledge.metric_info
        out = []
        for m in FIGURES:
            if m in info and values.get(m) is not None:
                shown = metric_text(self.knowledge, values, m)
                if m == "lowest_forecast_cash" and values.get(LOWEST_MONTH) and LOWEST_MONTH in info:
                    shown += " in " + formatting.by_unit(values[LOWEST_MONTH], info[LOWEST_MONTH].unit)
                out.append(Fact(info[m].label, shown))
        return tuple(out)

    # -- moving through the steps ------------------------------------------------
    @property
    def step(self) -> Step:
        return self.steps[self.position]

    @property
    def at_end(self) -> bool:
        return self.position == len(self.steps) - 1

    def go(self, position: int) -> Step:
        self.position = max(0, min(position, len(self.steps) - 1))
        self._furthest = max(self._furthest, self.position)
        return self.step

    def next(self) -> Step:
        return self.go(self.position + 1)

    def back(self) -> Step:
        return self.go(self.position - 1)

    @property
    def revealing(self) -> bool:
        """True once the room has gone past the prediction: predictions are then locked."""
        return self._furthest > self._predict_at

    # -- predictions -------------------------------------------------------------
    def predict_area(self, area: str, rating: str | None) -> None:
        if area not in self.area_titles:
            raise ValueError(f"'{area}' is not an area; choose one of {', '.join(self.area_titles)}")
        if rating is not None and rating not in PREDICTABLE_RATINGS:
            raise ValueError(f"a rating is one of {', '.join(PREDICTABLE_RATINGS)}, not '{rating}'")
        if self.revealing:
            raise PermissionError("the answers are being revealed; predictions are locked")
        if rating is None:
            self.area_predictions.pop(area, None)
        else:
            self.area_predictions[area] = rating

    def predict_band(self, band: str | None) -> None:
        if band is not None and band not in BAND_ORDER:
            raise ValueError(f"a band is one of {', '.join(BAND_ORDER)}, not '{band}'")
        if self.revealing:
            raise PermissionError("the answers are being revealed; predictions are locked")
        self.band_prediction = band

    def answer_myth(self, rule_id: str, believed_true: bool) -> bool:
        """Record the room's answer to a card; returns whether it was right."""
        card = self.myth(rule_id)
        self.myth_answers[rule_id] = believed_true
        self.shown_myths.add(rule_id)
        return believed_true == card.true

    def reveal_myth(self, rule_id: str) -> MythCard:
        card = self.myth(rule_id)
        self.shown_myths.add(rule_id)
        return card

    @property
    def missing_predictions(self) -> tuple[str, ...]:
        """Titles of what the room has not predicted yet (shown before revealing)."""
        missing = [self.area_titles[a] for a in self.scored_areas if a not in self.area_predictions]
        if self.band_prediction is None:
            missing.append("the readiness band")
        return tuple(missing)

    # -- what is revealed ----------------------------------------------------------
    def myth(self, rule_id: str) -> MythCard:
        for card in self.myths:
            if card.rule_id == rule_id:
                return card
        raise KeyError(rule_id)

    def findings_in(self, area: str) -> tuple[Finding, ...]:
        """The area's findings, myths aside (their cards come just before)."""
        return tuple(f for f in self.assessment.findings if f.area == area and not f.myth)

    def evidence(self, finding: Finding) -> tuple[Fact, ...]:
        """What was seen: each answer behind a finding, labelled as the questionnaire asks it."""
        questions = self.knowledge.questionnaire.questions
        out = []
        for e in finding.evidence:
            q = questions.get(e.question)
            if q is None:
                out.append(Fact(e.question, str(e.value)))
            else:
                out.append(Fact(q.label.for_role("lender"), formatting.answer(q.type, e.value, q.choice_label, q.unit)))
        return tuple(out)

    def mark_area(self, area: str) -> Mark:
        actual = self.ratings.get(area, "unknown")
        predicted = self.area_predictions.get(area)
        if area not in self.scored_areas:
            return Mark(area, predicted, actual, 0.0, 0.0)
        return Mark(area, predicted, actual, _shade_points(predicted, actual, AREA_POINTS, PREDICTABLE_RATINGS),
                    AREA_POINTS)

    def mark_band(self) -> Mark:
        actual = self.assessment.band
        if actual not in BAND_ORDER:
            return Mark("band", self.band_prediction, actual, 0.0, 0.0)
        return Mark("band", self.band_prediction, actual,
                    _shade_points(self.band_prediction, actual, BAND_POINTS, BAND_ORDER), BAND_POINTS)

    def score(self) -> Score:
        marks = tuple(self.mark_area(a) for a in self.scored_areas)
        answered = {rid: ans for rid, ans in self.myth_answers.items() if any(c.rule_id == rid for c in self.myths)}
        right = sum(1 for rid, ans in answered.items() if self.myth(rid).true == ans)
        return Score(marks, self.mark_band(), right, len(answered), len(self.myths))
