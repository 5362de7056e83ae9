"""Which sections open a page of their own (the others follow on when there is room)."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.platypus import Flowable

from lendready.report.context import BriefingContext
from lendready.report.sections.cashflow import cashflow
from lendready.report.sections.primer import primer
from lendready.report.sections.provenance import provenance
from lendready.report.sections.summary import summary

Section = Callable[[BriefingContext], list[Flowable]]

OPENS_PAGE: frozenset[Section] = frozenset({summary, cashflow, primer, provenance})


def opens_page(section: Section, ctx: BriefingContext) -> bool:
    """Whether ``section`` starts on a fresh page (the cashflow only when it has a chart)."""
    return section in OPENS_PAGE and not (section is cashflow and ctx.analysis.cash_line is None)


__all__ = ["OPENS_PAGE", "Section", "opens_page"]
