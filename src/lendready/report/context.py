"""What a report is built from: one case's Analysis, the knowledge, the teaching content and the reader.

:class:`BriefingContext` carries every fact the sections show, decided by the
domain (``lendready.domain.advice.analyse``); the sections only format it. Its
helpers name things as the reader sees them (a question's label, an answer, a
metric, an area's title, the band) and look the reader's wording up by key in
``resources/teaching/report.toml`` (:meth:`BriefingContext.words`).
"""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime, timezone
from typing import Any, NamedTuple

from lendready.domain.advice import Analysis, AsOfError, KeyFigure, Threshold, analyse
from lendready.domain.engine import formatting
from lendready.domain.engine.assessment import Assessment
from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.engine.status import rating_word, severity_word
from lendready.domain.engine.wording import for_reader
from lendready.domain.files.case_file import Case, dumps
from lendready.domain.teaching.content import Teaching
from lendready.report.styles import RATING_COLOURS, Styles, shortened, styles

ROLE_NAMES = {"lender": "a bank officer", "founder": "a founder", "trainer": "a trainer"}
MAX_REASONS = 4


class BriefingError(ValueError):
    """The briefing cannot be made as asked (an unknown audience, a bad SOURCE_DATE_EPOCH)."""


def epoch_seconds(value: str) -> int:
    """``SOURCE_DATE_EPOCH`` as seconds; :class:`BriefingError` when it is not a usable number."""
    try:
        seconds = int(value)
    except ValueError:
        seconds = -1
    if not 0 <= seconds < 253402300800:  # up to the last second of the year 9999
        raise BriefingError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {value!r}")
    return seconds


def generation_time(generated: datetime | None = None) -> datetime:
    """``generated`` in UTC; else ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention); else now."""
    if generated is not None:
        if generated.tzinfo is None:
            return generated.replace(tzinfo=timezone.utc)
        return generated.astimezone(timezone.utc)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return datetime.fromtimestamp(epoch_seconds(epoch), timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


def checked_generation_time(generated: datetime | None) -> datetime:
    """:func:`generation_time`, having checked ``SOURCE_DATE_EPOCH`` even when ``generated`` is given
    (reportlab's own clock reads it too, and fails on a bad one)."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        epoch_seconds(os.environ["SOURCE_DATE_EPOCH"].strip())
    return generation_time(generated)


def case_digest(case: Case, knowledge: Knowledge, case_bytes: bytes | None = None) -> tuple[str, str]:
    """(SHA-256 hex, what was hashed): the file's bytes when given, else the case's canonical JSON."""
    if case_bytes is not None:
        return hashlib.sha256(case_bytes).hexdigest(), "the case file as read"
    canonical = dumps(case, knowledge.questionnaire).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest(), "the case as lendready saves it (canonical JSON)"


def analysis_for(case: Case, knowledge: Knowledge, audience: str, analysis: Analysis | None = None,
                 as_of: date | None = None) -> Analysis:
    """The one Analysis a document is built from: the caller's when it is worded for ``audience``,
    else the case analysed once (at ``as_of``, or at the caller's Analysis's date)."""
    if analysis is not None and analysis.assessment.audience == audience:
        return analysis
    when = as_of if as_of is not None else (analysis.as_of if analysis is not None else None)
    try:
        return analyse(case, knowledge, when, audience=audience)
    except AsOfError as exc:
        raise BriefingError(str(exc)) from None


class BriefingContext(NamedTuple):
    """One case, analysed for one reader: everything a section needs."""

    case: Case
    knowledge: Knowledge
    analysis: Analysis
    """Every fact the sections show: the assessment and the advice built on it, decided by the domain."""
    teaching: Teaching
    audience: str
    generated: datetime
    digest: str
    digest_of: str
    styles: Styles

    @classmethod
    def make(cls, case: Case, knowledge: Knowledge, audience: str, generated: datetime,
             case_bytes: bytes | None = None, *, analysis: Analysis | None = None,
             as_of: date | None = None) -> BriefingContext:
        from lendready.domain.teaching.content import load_teaching

        chosen = analysis_for(case, knowledge, audience, analysis, as_of)
        digest, digest_of = case_digest(case, knowledge, case_bytes)
        return cls(case, knowledge, chosen, load_teaching(knowledge=knowledge).for_reader(audience, knowledge.vocabulary), audience, generated, digest,
                   digest_of, styles(knowledge.root))

    @property
    def assessment(self) -> Assessment:
        return self.analysis.assessment

    @property
    def values(self) -> dict[str, Any]:
        """The case's valid, relevant answers."""
        return self.analysis.values

    def words(self, key: str, **slots: str) -> str:
        """The reader's wording ``key`` (resources/teaching/report.toml), its slots filled."""
        return self.teaching.wording(key, self.audience, **slots)

    @property
    def org(self) -> str:
        """The organisation's name; one too long to be valid (the file may hold megabytes) shortened."""
        return shortened(self.assessment.organisation or "Organisation not named")

    def plain(self, text: str) -> str:
        """A text written once for every reader (a parameter's label or reference), as this reader gets it."""
        return for_reader(text, self.audience, self.knowledge.vocabulary)

    def label(self, qid: str) -> str:
        q = self.knowledge.questionnaire.questions.get(qid)
        return q.label.for_role(self.audience) if q else qid

    def answer(self, qid: str, value: Any = None) -> str:
        q = self.knowledge.questionnaire.questions.get(qid)
        if value is None:
            value = self.values.get(qid)
        if q is None:
            return str(value)
        return formatting.answer(q.type, value, q.choice_label, q.unit)

    def metric(self, mid: str) -> str | None:
        value = self.assessment.metrics.values.get(mid)
        if value is None:
            return None
        info = self.knowledge.metric_info.get(mid)
        return formatting.by_unit(value, info.unit if info else "")

    def metric_label(self, mid: str) -> str:
        info = self.knowledge.metric_info.get(mid)
        return info.label_for(self.audience) if info else mid

    def area_title(self, area_id: str) -> str:
        return next((a.title_for(self.audience) for a in self.knowledge.areas if a.id == area_id), area_id)

    @property
    def band(self) -> Any:
        return self.knowledge.bands.get(self.assessment.band)

    @property
    def band_label(self) -> str:
        return self.band.label if self.band else self.assessment.band

    @property
    def band_colour(self) -> str:
        return self.band.colour if self.band else RATING_COLOURS["unknown"]

    @property
    def band_meaning(self) -> str:
        """What the band means, as the founder or (for any other reader) the lender reads it."""
        if not self.band:
            return ""
        return self.band.founder if self.audience == "founder" else self.band.lender

    def stamp(self) -> str:
        return self.generated.strftime("%d %B %Y, %H:%M UTC").lstrip("0")


# ---------------------------------------------------------------------------
# Facts the sections share, formatted from the Analysis (never recomputed)

_OP_WORDS = {"<": "below", "<=": "at or below", ">": "above", ">=": "at or above", "==": "at", "!=": "not at"}


def as_of_text(ctx: BriefingContext) -> str:
    """The date the case is assessed at, as a British reader writes it."""
    return ctx.analysis.as_of.strftime("%d/%m/%Y")


def threshold_text(t: Threshold) -> str:
    """``Serious concern below 1.00``: a limit as the rules state it, in the readers' words, by its unit."""
    word = severity_word("blocker") if t.rating == "blocker" else rating_word(t.rating)
    return f"{word} {_OP_WORDS.get(t.op, t.op)} {formatting.by_unit(t.value, t.unit)}"


def figure_text(kf: KeyFigure) -> str | None:
    """A key figure as the reader sees it; None when there is no figure (``kf.reason`` says why)."""
    if kf.value is None:
        return None
    if kf.negative_earnings:
        return formatting.NEGATIVE_EARNINGS
    return formatting.by_unit(kf.value, kf.unit)


def key_figure(ctx: BriefingContext, mid: str) -> KeyFigure | None:
    return next((f for f in ctx.analysis.key_figures if f.id == mid), None)


def reason_lines(ctx: BriefingContext) -> tuple[list[str], int]:
    """The Analysis's reasons for the band, most decisive first (plain text), up to four, and how many
    were left out."""
    lines: list[str] = []
    for r in ctx.analysis.reasons:
        f = r.finding
        if r.kind == "blocker" and f is not None:
            lines.append(f"Blocker: {f.title} ({ctx.area_title(f.area)})")
        elif r.kind == "unanswered" and r.area is not None:
            missing = [ctx.label(q) for q in r.missing]
            n = len(missing)
            lines.append(f"{ctx.area_title(r.area)} cannot be rated: {n} key question{'s' if n != 1 else ''} "
                         f"unanswered ({'; '.join(missing)})")
        elif r.kind in ("red", "amber") and f is not None:
            words = ctx.knowledge.vocabulary
            lines.append(f"{f.title} ({ctx.area_title(f.area)}: {words.rating(r.kind)})")
        elif r.kind == "all_green":
            words = ctx.knowledge.vocabulary
            lines.append(f"Every one of the seven risk areas is rated {words.rating('green')}: no finding makes "
                         f"an area {words.rating('amber')} or {words.rating('red')}.")
    return lines[:MAX_REASONS], max(0, len(lines) - MAX_REASONS)


def change_value(ctx: BriefingContext, qid: str, value: Any) -> str:
    """An answer before or after a proposed change, as the questionnaire would show it."""
    q = ctx.knowledge.questionnaire.questions.get(qid)
    if value is None:
        return "not answered"
    if q is None:
        return str(value)
    if q.type == "yesno" and isinstance(value, str):
        return value.capitalize()
    return formatting.answer(q.type, value, q.choice_label, q.unit)


def sentence(value: str) -> str:
    """``value`` with a capital first letter and one full stop."""
    return (value[:1].upper() + value[1:]).rstrip(".") + "."


__all__ = [
    "ROLE_NAMES",
    "BriefingContext",
    "BriefingError",
    "analysis_for",
    "as_of_text",
    "case_digest",
    "change_value",
    "checked_generation_time",
    "epoch_seconds",
    "figure_text",
    "generation_time",
    "key_figure",
    "reason_lines",
    "sentence",
    "threshold_text",
]
