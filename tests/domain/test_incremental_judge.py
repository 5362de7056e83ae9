"""Re-judging changed answers from a base judgement gives exactly what judging them afresh gives:
the same metrics, the same rules fired, the same band.

Advice re-judges each case dozens of times (sizing alone about thirty) and reuses, for every rule
whose questions and metrics did not change, the level it fired at in the base, and for every metric
whose answers did not change, its value there. That is only sound if the recorded inputs are complete; this test holds every sample to it, over the kinds
of change advice makes (the loan's size and term, earnings, the largest customer, the forecast).
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import SAMPLE_IDS

from lendready.domain.advice.reassess import Reassessor
from lendready.domain.engine.assessment import answers_and_role, judge

AS_OF = date(2026, 12, 3)


def changes_for(values):
    amount = values.get("loan.amount") or 100_000
    out = [{"loan.amount": a} for a in (1000, amount // 2, amount * 3, amount * 10)]
    out += [{"loan.term_months": t} for t in (12, 60, 360)]
    out += [{"loan.amount": amount * 2, "loan.term_months": 24}]
    if "fin.surplus" in values:
        out.append({"fin.surplus": -abs(values["fin.surplus"]) - 1})
    if "inc.largest_customer_share" in values:
        out.append({"inc.largest_customer_share": 95})
    if values.get("fin.forecast"):
        rows = [dict(r) for r in values["fin.forecast"]]
        for r in rows:
            r["receipts"] = round(r.get("receipts", 0) * 0.6)
        out.append({"fin.forecast": rows})
    out.append({"gov.finance_expertise": None})
    return out


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_reusing_unchanged_rules_changes_nothing(sample, samples, knowledge):
    answers, _ = answers_and_role(samples[sample], None)
    r = Reassessor(knowledge, answers, AS_OF)
    for change in changes_for(r.values):
        for stressed in (False, True):
            quick = r.verdict(change, stressed=stressed)
            skip = r._stress_rules if stressed else frozenset()
            full = judge(knowledge, quick.validated, skip=skip, as_of=AS_OF)
            assert quick.metrics.values == full.metrics.values, change
            assert quick.metrics.reasons == full.metrics.reasons, change
            assert quick.band == full.band, change
            assert quick.areas == full.areas, change
            assert [(rule.id, lv) for rule, lv in quick.kept] == [(rule.id, lv) for rule, lv in full.kept], change
            assert dict(quick.fired) == dict(full.fired), change
