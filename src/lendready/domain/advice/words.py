"""The sentences about advice that every reader sees the same way.

Renderers (terminal, explainer, what-if panel, PDF) format an Analysis; where
they state a piece of advice in words, the words come from here, so the
credit-committee paper and the app cannot phrase one fact two ways.
"""

from __future__ import annotations

from lendready.domain.advice.sizing import LoanSizing
from lendready.domain.engine import formatting

CAVEATS = {
    "no_forecast": "the cash position is untested: there is no usable monthly forecast",
    "default_rate_used": "no interest rate was given, so the default rate is assumed",
    "contract_ends_within_term": "the main contract ends before the loan would be repaid",
    "pension_deficit": "a pension deficit stands beside the loan",
    "pension_exit_debt": "a pension exit (cessation) debt could fall due",
    "valuation_unverified": "the property value has not been confirmed by a recent professional valuation",
}

STRESS_TIMING_ONLY = "timing only: the year's figures, and so the ratios, are as given"


def caveat_text(caveat: str) -> str:
    return CAVEATS.get(caveat, caveat.replace("_", " "))


def sizing_sentences(s: LoanSizing) -> list[str]:
    """What the sizing says, in the order a reader needs it.

    Findings are named by their titles as they read at the amount concerned (``s.titles`` holds
    one for every finding in ``limited_by`` and ``held_back_by``). When even the largest amount
    leaves the case not ready, the amount is not the problem, and no figure is offered as
    something that could be borrowed.
    """
    def title(rid: str) -> str:
        return s.titles[rid]

    term = formatting.counted(s.term_months, "months")
    if s.amount_is_not_the_problem:
        why = "; ".join(title(rid) for rid in s.held_back_by) or "other findings"
        return [
            f"The amount is not what holds this case back: even at {formatting.money(s.max_amount)} over {term} "
            f"it would not be ready, because of: {why}.",
        ]
    out = [
        f"Largest amount over {term} that brings in no red finding: {formatting.money(s.max_amount)}"
        + (" (ten times the amount asked, the most tried)." if s.bound_reached else
           f"; one step more brings in: {'; '.join(title(rid) for rid in s.limited_by)}."),
        f"Comfortable amount (no new red or amber finding): {formatting.money(s.comfortable_amount)}.",
    ]
    if s.shortest_term_months is not None:
        out.append(f"Shortest term for the amount asked: {formatting.counted(s.shortest_term_months, 'months')}.")
    else:
        out.append("No term from 12 months to 30 years carries the amount asked without a new red finding.")
    return out
