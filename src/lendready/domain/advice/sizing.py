"""Loan sizing: how much, and over how short a term, before the loan itself adds a red.

"A new red" at amount A is a red-rated finding or a blocker present when the
case is re-assessed at A but absent at £1,000 (same term, rate and other
answers): a red that the size of the loan brings in. Every rule takes part
(DSCR, interest cover, LTV, cash, unsecured size, contract end...), because
sizing simply re-assesses; nothing here knows a threshold.

* ``max_amount``: the largest A, in £1,000 steps up to ten times the amount
  asked, with no new red; ``limited_by`` the findings that one more step brings
  in (empty when the bound is reached).
* ``comfortable_amount``: the largest A with no new red and no new amber.
* ``shortest_term_months``: the shortest term from 12 to 360 months at the asked
  amount with no new red against £1,000 at the asked term.
* ``band_at_max``: the band at ``max_amount``. When it is ``not_ready`` the amount
  is not what holds the case back, and every reader is told so instead of being
  shown a figure to borrow.

Both amounts are found by bisection between a step known to pass and one known
to fail, so the figure reported always passes and the step above it always fails
(a property test re-assesses both). Each re-assessment costs a case's whole
re-judgement, so the searches start where the answer usually is: the largest
amount from the amount asked, doubling (or halving) until the outcome turns,
and the comfortable amount from the closest pass and fail the first search
already judged. Within a bracket, the next amount tried is read from the
findings that turn the outcome: each compares a figure (or the amount itself)
with a limit, so a straight line through the figure at the two latest amounts
says where it meets the limit. That is only where to look (plain halving takes
over when it does not help); every figure reported is still re-assessed, and
the same as a plain bisection gives. Terms are tried a year apart from 12 months, then the first year
that passes is narrowed to the month.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import reduce
from typing import Any, NamedTuple

from lendready.domain.advice.reassess import Reassessor
from lendready.domain.engine.assessment import Judgement, finding_titles
from lendready.domain.engine.metrics import unrounded_limit

UNIT = 1000
MIN_TERM, MAX_TERM = 12, 360
BOUND_TIMES = 10


class LoanSizing(NamedTuple):
    term_months: int
    max_amount: int
    comfortable_amount: int
    band_at_max: str
    limited_by: tuple[str, ...]
    shortest_term_months: int | None
    caveats: tuple[str, ...]
    held_back_by: tuple[str, ...]
    """When ``band_at_max`` is not ready: the red findings (or blockers) that stand at any amount."""
    bound_reached: bool
    titles: dict[str, str]
    """The title of each finding in ``limited_by`` and ``held_back_by``, as it reads at that amount."""
    reds_at_floor: frozenset[str]
    """The red findings and blockers at £1,000 over the asked term: the ones the loan's size does not bring."""

    @property
    def amount_is_not_the_problem(self) -> bool:
        return self.band_at_max == "not_ready"

    def to_dict(self) -> dict[str, Any]:
        return {
            "term_months": self.term_months,
            "max_amount": self.max_amount,
            "comfortable_amount": self.comfortable_amount,
            "band_at_max": self.band_at_max,
            "limited_by": list(self.limited_by),
            "shortest_term_months": self.shortest_term_months,
            "caveats": list(self.caveats),
        }


Guess = Callable[[int, int, int, int], "float | None"]
"""``guess(lo, hi, a, b)``: given a passing lo and a failing hi, where the outcome should turn, read
from the figures at the two latest steps tried, ``a`` and ``b``; None when the figures do not say."""


def _bisect(passes: Callable[[int], bool], lo: int, hi: int, guess: Guess | None = None) -> int:
    """The k in [lo, hi) with passes(k) and not passes(k + 1), given passes(lo) and not passes(hi).

    With a ``guess``, each step tries the amount just below the guessed turn (a secant through the
    two latest steps) instead of the middle; the middle is taken whenever the guess falls outside
    the range or two guesses in a row have not halved it, so a poor guess costs little.
    """
    a, b = lo, hi
    slow = 0
    while hi - lo > 1:
        width = hi - lo
        probe = (lo + hi) // 2
        guided = False
        if guess is not None and slow < 2:
            turn = guess(lo, hi, a, b)
            if turn is not None:  # the step just below the turn, but always a step not yet tried
                probe, guided = min(max(math.floor(turn), lo + 1), hi - 1), True
        if passes(probe):
            lo = probe
        else:
            hi = probe
        a, b = b, probe
        slow = slow + 1 if guided and (hi - lo) * 2 > width else 0
    return lo


def _largest_from(passes: Callable[[int], bool], start: int, bound: int, guess: Guess | None = None) -> int:
    """The largest k in [1, bound] with passes(k), given passes(1), searched from ``start``.

    A loan the case can carry is rarely far from the one asked for: doubling from it (or halving
    when it fails) brackets the answer in a few steps, where bisecting all of [1, bound] would
    first spend three or four narrowing a range ten times the ask.
    """
    start = min(max(start, 1), bound)
    if passes(start):
        lo = start
        while True:
            if lo == bound:
                return bound
            probe = min(2 * lo, bound)
            if not passes(probe):
                return _bisect(passes, lo, probe, guess)
            lo = probe
    hi = start
    while hi > 1:
        probe = max(hi // 2, 1)
        if passes(probe):
            return _bisect(passes, probe, hi, guess)
        hi = probe
    return 1


def _largest_within(passes: Callable[[int], bool], known: dict[int, bool], top: int,
                    guess: Guess | None = None) -> int:
    """The largest k in [1, top] with passes(k), given passes(1), starting from ``known`` outcomes.

    The bisection starts between the highest known pass and the lowest known fail above it (or
    ``top`` when that passes), so points the first search judged are not judged again.
    """
    if known[top] if top in known else passes(top):
        return top
    fails = [k for k, ok in known.items() if not ok and k <= top]
    hi = min(fails, default=top)
    lo = max((k for k, ok in known.items() if ok and k < hi), default=1)
    return _bisect(passes, lo, hi, guess)


def _turn(r: Reassessor, judged: Callable[[int], Judgement],
          culprits: Callable[[int, int], list[tuple[str, Judgement]]], answer: str, per_step: float,
          pick: Callable[[float, float], float]) -> Guess:
    """Where the outcome should turn, read from the findings that turn it between lo and hi.

    Each culprit (a rule id, and the judgement where it fired) compares a figure with a limit (its
    condition's comparisons), and the figure is known at the two latest steps tried, so the step
    where it meets the limit follows by a straight line through them; a limit on the searched
    ``answer`` itself gives the step exactly (``per_step`` of the answer to a step). ``pick``
    chooses among several: ``min`` where the first new finding appears, ``max`` where the last goes.

    Only a guess, to choose which step to re-assess next: the search still re-assesses it, so a
    finding that depends on more than one figure, or on one that is not a straight line in the
    step, only makes the guess less good, never the answer wrong.
    """

    def guess(lo: int, hi: int, a: int, b: int) -> float | None:
        if a == b:
            return None
        first, second = judged(a), judged(b)
        found: list[float] = []
        for rid, where in culprits(lo, hi):
            level = where.fired.get(rid)
            if level is None:
                continue
            condition = r.k.rules_by_id[rid].levels[level].condition
            steps = [c.value / per_step for c in condition.answer_limits if c.metric == answer]
            for c in condition.comparisons:
                fa, fb = first.metrics.raw.get(c.metric), second.metrics.raw.get(c.metric)
                if isinstance(fa, (int, float)) and isinstance(fb, (int, float)) and fa != fb:
                    steps.append(a + (unrounded_limit(c.metric, c.op, c.value) - fa) / (fb - fa) * (b - a))
            # A step just beyond the range is a figure rounded across its limit: still a good pointer.
            found += [step for step in steps if lo - 1 <= step <= hi + 1]
        return reduce(pick, found) if found else None

    return guess


def caveats(r: Reassessor) -> tuple[str, ...]:
    """What the sizing cannot see, as ids the readers word (docs/rules.md lists them)."""
    v = r.values
    out: list[str] = []
    if "fin.forecast" not in v or "fin.cash" not in v:
        out.append("no_forecast")
    if "loan.interest_rate" not in v:
        out.append("default_rate_used")
    months, term = v.get("inc.main_contract_months_left"), v.get("loan.term_months")
    if months is not None and term is not None and 0 < months < term:
        out.append("contract_ends_within_term")
    if (v.get("ppl.pension_deficit") or 0) > 0:
        out.append("pension_deficit")
    if (v.get("ppl.exit_debt_estimate") or 0) > 0:
        out.append("pension_exit_debt")
    if (v.get("sec.property_value") or 0) > 0 and _valuation_unverified(r):
        out.append("valuation_unverified")
    return tuple(out)


def _valuation_unverified(r: Reassessor) -> bool:
    """A property value nobody has checked: an estimate, no basis given, or a valuation too old or undated.

    The age is the engine's ``valuation_age_months`` and the limit the rule's parameter, so the caveat
    and ``security.valuation_unverified`` agree (the caveat is also raised when the basis is not given).
    """
    v = r.values
    if v.get("sec.valuation_basis") in (None, "estimate"):
        return True
    age = r.base.metrics.values.get("valuation_age_months")
    if age is not None:
        return bool(age > r.k.param_values["security.valuation_max_age_months"])
    return v.get("sec.valuation_date") is None


def loan_sizing(r: Reassessor, role: str = "lender") -> LoanSizing | None:
    """The sizing of the case's loan; None when the amount or term is unanswered or invalid."""
    v = r.values
    amount, term = v.get("loan.amount"), v.get("loan.term_months")
    if amount is None or term is None:
        return None
    seen: dict[int, Judgement] = {}

    def at(k: int) -> Judgement:
        """The case with k thousand pounds over the term asked."""
        if k not in seen:
            seen[k] = r.verdict({"loan.amount": k * UNIT, "loan.term_months": term})
        return seen[k]

    if amount % UNIT == 0:  # the amount asked, over the term asked, is the case as it stands
        seen[int(amount) // UNIT] = r.base
    floor = at(1)
    reds0, ambers0 = floor.red_ids(), floor.amber_ids()

    def new_reds(k: int) -> frozenset[str]:
        return at(k).red_ids() - reds0

    def new_concerns(k: int) -> frozenset[str]:
        j = at(k)
        return (j.red_ids() - reds0) | (j.amber_ids() - ambers0)

    def no_new_red(k: int) -> bool:
        return not new_reds(k)

    def no_new_amber(k: int) -> bool:
        return not new_concerns(k)

    def bringing(flagged: Callable[[int], frozenset[str]]) -> Callable[[int, int], list[tuple[str, Judgement]]]:
        """The findings new at hi (a failing amount) that lo (a passing one) does not have."""
        return lambda lo, hi: [(rid, at(hi)) for rid in flagged(hi) - flagged(lo)]

    bound = max(1, int(BOUND_TIMES * amount) // UNIT)
    best = _largest_from(no_new_red, int(amount) // UNIT, bound,
                         _turn(r, at, bringing(new_reds), "loan.amount", UNIT, min))
    known = {k: no_new_amber(k) for k in seen if k <= best}
    comfortable = _largest_within(no_new_amber, known, best,
                                  _turn(r, at, bringing(new_concerns), "loan.amount", UNIT, min))
    bound_reached = best == bound
    limited_by: tuple[str, ...] = ()
    titles: dict[str, str] = {}
    if not bound_reached:
        above = at(best + 1)
        limited_by = tuple(sorted(above.red_ids() - reds0))
        titles.update((rid, t) for rid, t in finding_titles(r.k, above, role).items() if rid in limited_by)
    at_max = at(best)

    terms: dict[int, Judgement] = {term: r.base}

    def over(n: int) -> Judgement:
        """The case at the amount asked (which need not be whole thousands) over n months."""
        if n not in terms:
            terms[n] = r.verdict({"loan.term_months": n})
        return terms[n]

    def reds_over(n: int) -> frozenset[str]:
        return over(n).red_ids() - reds0

    def too_short(n: int) -> bool:
        return bool(reds_over(n))

    def clearing(lo: int, hi: int) -> list[tuple[str, Judgement]]:
        """The new reds at lo (a term too short) that hi (one long enough) no longer has."""
        return [(rid, over(lo)) for rid in reds_over(lo) - reds_over(hi)]

    shortest: int | None = None
    previous = MIN_TERM - 1
    for n in list(range(MIN_TERM, MAX_TERM + 1, 12)) + [MAX_TERM]:
        if n <= previous:
            continue
        if not too_short(n):
            # The first year long enough, narrowed to the month (the year before was too short, or
            # is below the shortest term: then there is nothing between).
            shortest = 1 + _bisect(too_short, previous, n,
                                   _turn(r, over, clearing, "loan.term_months", 1, max)
                                   if previous >= MIN_TERM else None)
            break
        previous = n

    held_back: tuple[str, ...] = ()
    if at_max.band == "not_ready":
        held_back = tuple(rule.id for rule, lv in at_max.kept if lv.rating == "red" or lv.severity == "blocker")
        titles.update((rid, t) for rid, t in finding_titles(r.k, at_max, role).items() if rid in held_back)
    return LoanSizing(
        term_months=term, max_amount=best * UNIT, comfortable_amount=comfortable * UNIT,
        band_at_max=at_max.band, limited_by=limited_by, shortest_term_months=shortest,
        caveats=caveats(r), held_back_by=held_back, bound_reached=bound_reached, titles=titles, reds_at_floor=reds0,
    )
