"""What changed between two assessments of one case: the band, area ratings, findings new and gone,
and the key figures.

The explainer shows it as a short line at its top after each refresh ("Band: Not
ready → Nearly ready; Cashflow: Amber → Green; new: …; gone: …") and marks the
changed areas and the new findings, so a reader sees what their edit did without
comparing two screens in their head. Qt-free, worked out from two
:class:`~lendready.domain.engine.assessment.Assessment` objects.
"""

from __future__ import annotations

from typing import NamedTuple

from lendready.domain.engine.assessment import Assessment, metric_text
from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.engine.metrics import KEY_FIGURES
from lendready.domain.engine.status import rating_word


class AreaChange(NamedTuple):
    area: str
    title: str
    before: str
    """Rating code before (green, amber, red, unknown)."""
    after: str
    before_word: str
    after_word: str


class FindingRef(NamedTuple):
    id: str
    title: str


class FigureChange(NamedTuple):
    id: str
    label: str
    before: str
    """The figure as shown before (formatted, so a change too small to show is no change)."""
    after: str


class AssessmentChanges(NamedTuple):
    band_before: str | None
    """The band's label before, when the band changed (else None)."""
    band_after: str | None
    areas: tuple[AreaChange, ...]
    new: tuple[FindingRef, ...]
    gone: tuple[FindingRef, ...]
    figures: tuple[FigureChange, ...] = ()
    """Key figures whose shown value changed, in the key figures' order: an edit that moves the
    cover or the lowest cash without changing a rating still shows what it did."""

    @property
    def empty(self) -> bool:
        return (self.band_before is None and not self.areas and not self.new and not self.gone
                and not self.figures)

    def changed_areas(self) -> frozenset[str]:
        return frozenset(a.area for a in self.areas)

    def new_findings(self) -> frozenset[str]:
        return frozenset(f.id for f in self.new)

    def text(self) -> str:
        """One line: "Band: Not ready → Nearly ready; Cashflow: Amber → Green; new: …; gone: …"."""
        if self.empty:
            return "No change to the band, the area ratings, the findings or the key figures."
        parts: list[str] = []
        if self.band_before is not None:
            parts.append(f"Band: {self.band_before} → {self.band_after}")
        parts += [f"{a.title}: {a.before_word} → {a.after_word}" for a in self.areas]
        if self.new:
            parts.append("new: " + ", ".join(f.title for f in self.new))
        if self.gone:
            parts.append("gone: " + ", ".join(f.title for f in self.gone))
        parts += [f"{f.label}: {f.before} → {f.after}" for f in self.figures]
        return "; ".join(parts)


def compare_assessments(
    before: Assessment, after: Assessment, knowledge: Knowledge, role: str = "lender"
) -> AssessmentChanges:
    """What differs from ``before`` to ``after``: areas in the rulebook's order, findings in ``after``'s."""
    band_before = band_after = None
    if before.band != after.band:
        band_before, band_after = _band_label(knowledge, before.band), _band_label(knowledge, after.band)
    old_ratings = {a.id: a.rating for a in before.areas}
    areas: list[AreaChange] = []
    titles = {a.id: a for a in knowledge.areas}
    for result in after.areas:
        old = old_ratings.get(result.id)
        if old is None or old == result.rating:
            continue
        area = titles.get(result.id)
        title = _area_title(area, role) if area is not None else result.id
        areas.append(AreaChange(result.id, title, old, result.rating,
                                rating_word(old, knowledge), rating_word(result.rating, knowledge)))
    old_ids = {f.id for f in before.findings}
    new_ids = {f.id for f in after.findings}
    new = tuple(FindingRef(f.id, f.title) for f in after.findings if f.id not in old_ids)
    gone = tuple(FindingRef(f.id, f.title) for f in before.findings if f.id not in new_ids)
    return AssessmentChanges(band_before, band_after, tuple(areas), new, gone,
                             _figures(before, after, knowledge, role))


def _figures(before: Assessment, after: Assessment, knowledge: Knowledge, role: str) -> tuple[FigureChange, ...]:
    out: list[FigureChange] = []
    for mid in KEY_FIGURES:
        info = knowledge.metric_info.get(mid)
        if info is None:
            continue
        was = metric_text(knowledge, before.metrics.values, mid)
        now = metric_text(knowledge, after.metrics.values, mid)
        if was != now:
            out.append(FigureChange(mid, info.short_for(role), was, now))
    return tuple(out)


def _band_label(knowledge: Knowledge, band: str) -> str:
    b = knowledge.bands.get(band)
    return b.label if b is not None else band


def _area_title(area: object, role: str) -> str:
    title_for = getattr(area, "title_for", None)
    return str(title_for(role)) if callable(title_for) else str(getattr(area, "title", ""))


__all__ = ["AreaChange", "AssessmentChanges", "FigureChange", "FindingRef", "compare_assessments"]
