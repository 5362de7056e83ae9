"""Advice built on the verdict, every piece of it a re-assessment: ``analyse(case) -> Analysis``."""

from lendready.domain.advice.analysis import (
    Analysis,
    AsOfError,
    CashLine,
    FinanceFit,
    KeyFigure,
    Reason,
    Step,
    Threshold,
    analyse,
    default_as_of,
    parse_as_of,
    thresholds,
)
from lendready.domain.advice.proposals import Change, Proposal
from lendready.domain.advice.sizing import LoanSizing
from lendready.domain.advice.stress import StressResult

__all__ = [
    "Analysis", "AsOfError", "CashLine", "Change", "FinanceFit", "KeyFigure", "LoanSizing", "Proposal", "Reason",
    "Step", "StressResult", "Threshold", "analyse", "default_as_of", "parse_as_of", "thresholds",
]
