"""A forecast being typed, read back month by month before the loan: for the forecast editor.

The editor shows net and month-end cash beside the figures as they are typed,
before the new loan's repayments (which the assessment adds). The arithmetic
is the engine's own (``metrics.running_cash`` with no repayment, and the
engine's half-up rounding to the penny), so the editor's running cash and the
assessment's cash line cannot drift apart; the editor only formats it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from lendready.domain.engine.metrics import round2, running_cash


class PreviewMonth(NamedTuple):
    net: float
    """Receipts less payments."""
    cash: float
    """Month-end cash before the new loan: the opening cash plus every net so far."""


def to_pence(value: float) -> float:
    """A figure rounded half-up to the penny, as the engine rounds (so "is it negative?" agrees with it)."""
    return round2(value)


def forecast_preview(opening_cash: float | None, rows: Sequence[Mapping[str, Any]]) -> list[PreviewMonth]:
    """Net and month-end cash for each row, in the rows' own order, from ``opening_cash`` (0 when unknown)."""
    listed = list(rows)
    closing = running_cash(opening_cash or 0.0, listed, 0.0, 0)
    return [PreviewMonth(row["receipts"] - row["payments"], cash) for row, cash in zip(listed, closing)]


__all__ = ["PreviewMonth", "forecast_preview", "to_pence"]
