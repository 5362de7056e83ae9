"""The analysis as plain text for a terminal: the risk explainer and its advice without a window.

A renderer only: it formats what the Analysis holds and computes nothing.
"""

from __future__ import annotations

import textwrap
from typing import Any

from lendready import __version__
from lendready.domain.advice import Analysis, KeyFigure
from lendready.domain.advice.words import STRESS_TIMING_ONLY, caveat_text, sizing_sentences
from lendready.domain.engine import formatting
from lendready.domain.engine.knowledge import Knowledge

WIDTH = 88


def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text, width=WIDTH, initial_indent=first if first is not None else indent, subsequent_indent=indent
    ) or [indent.rstrip()]


def evidence_text(k: Knowledge, qid: str, value: Any, role: str) -> str:
    q = k.questionnaire.questions.get(qid)
    if q is None:
        return f"{qid}: {value}"
    return f"{q.label.for_role(role)}: {formatting.answer(q.type, value, q.choice_label, q.unit)}"


def figure_text(f: KeyFigure) -> str:
    if f.value is None:
        return f"n/a ({f.reason})"
    if f.negative_earnings:
        return formatting.NEGATIVE_EARNINGS
    shown = formatting.by_unit(f.value, f.unit)
    return f"{shown} in {formatting.month_label(f.month)}" if f.month else shown


def _ratio(value: float | None, negative: bool) -> str:
    if value is None:
        return "n/a"
    return "negative" if negative else formatting.ratio(value)


def _inline(name: str) -> str:
    """A figure's short name inside a line: "interest cover", but an acronym (DSCR) as it is."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def render(analysis: Analysis, k: Knowledge) -> str:
    a = analysis.assessment
    role = a.audience
    band = k.bands[a.band]
    lines: list[str] = []
    title = a.organisation or "(organisation not named)"
    lines.append(f"lendready assessment: {title}")
    lines.append("=" * min(WIDTH, len(lines[0])))
    lines.append(f"Band: {band.label.upper()}")
    lines += _wrap(band.founder if role == "founder" else band.lender, "  ")
    lines.append(f"Assessed as at {analysis.as_of:%d/%m/%Y}; rules {a.rules_version}, lendready {__version__}, "
                 f"written for the {role}")
    lines.append("")
    words = k.vocabulary
    lines.append("Areas")
    width = max([30, *(len(area.title_for(role)) + 1 for area in k.areas)])
    for area, result in zip(k.areas, a.areas):
        line = f"  {area.title_for(role):<{width}} {words.rating(result.rating)}"
        if result.rating == "unknown" and result.missing:
            line += "  (unanswered: " + ", ".join(result.missing) + ")"
        lines.append(line)
    lines.append("")
    lines.append("Key figures")
    width = max([42, *(len(figure.label) for figure in analysis.key_figures)])
    for figure in analysis.key_figures:
        lines += _wrap(figure_text(figure), " " * (width + 4), f"  {figure.label:<{width}}  ")
    lines.append("")
    lines.append(f"Findings ({len(a.findings)})")
    for f in a.findings:
        tag = words.severity(f.severity)
        lines.append("")
        lines += _wrap(f"{f.title}", "      ", f"  [{tag}] ")
        lines.append(f"      rule {f.id}")
        if f.evidence:
            seen = "; ".join(evidence_text(k, e.question, e.value, role) for e in f.evidence)
            lines += _wrap("Seen: " + seen, "      ")
        lines += _wrap("Why it matters: " + f.why_it_matters, "      ")
        lines += _wrap("What to do: " + f.what_to_do, "      ")
    lines.append("")
    lines += legend_lines(k)

    lines.append("")
    lines.append("Stress scenarios")
    for s in analysis.stress:
        if not s.applies:
            lines += _wrap(f"{s.label}: does not apply ({s.reason})", "      ", "  - ")
            continue
        cash = ("lowest cash " + formatting.money(s.lowest_forecast_cash)
                + f" in {formatting.month_label(s.lowest_cash_month)}"
                if s.lowest_forecast_cash is not None else "no cash figure (no usable forecast)")
        parts = [k.bands[s.band].label if s.band in k.bands else str(s.band), cash,
                 f"{_inline(k.metric_info['dscr'].short_for(role))} {_ratio(s.dscr, s.negative_earnings)}",
                 f"{_inline(k.metric_info['interest_cover'].short_for(role))} "
                 f"{_ratio(s.interest_cover, s.negative_earnings)}"]
        if s.timing_only:
            parts.append(STRESS_TIMING_ONLY)
        lines += _wrap(f"{s.label}: " + "; ".join(parts), "      ", "  - ")

    lines.append("")
    lines.append("Loan sizing")
    sizing = analysis.loan_sizing
    if sizing is None:
        lines.append("  Needs the loan amount and term.")
    else:
        for sentence in sizing_sentences(sizing):
            lines += _wrap(sentence, "    ", "  - ")
        for c in sizing.caveats:
            lines += _wrap("Caveat: " + caveat_text(c), "    ", "  - ")

    if analysis.proposals:
        lines.append("")
        lines.append("What would change the band")
        for p in analysis.proposals:
            change = "; ".join(
                f"{_label(k, c.question, role)}: {_answer(k, c.question, c.before)} to {_answer(k, c.question, c.after)}"
                for c in p.changes)
            lines += _wrap(f"{change} gives {k.bands[p.band].label}", "    ", "  - ")

    lines.append("")
    lines.append("Finance that fits")
    if not analysis.finance_fits:
        lines.append("  None of the kinds of finance lendready knows fits this case as it stands.")
    for fit in analysis.finance_fits:
        lines += _wrap(f"{fit.name}: {fit.why}", "    ", "  - ")

    if a.invalid:
        lines.append("")
        lines.append(f"Answers set aside as invalid ({len(a.invalid)})")
        for inv in a.invalid:
            q = k.questionnaire.questions[inv.question]
            lines += _wrap(f"{inv.question} ({q.label.for_role(role)}): {inv.message}", "      ", "  - ")
    if a.unanswered:
        lines.append("")
        lines.append(f"Unanswered questions ({len(a.unanswered)})")
        lines += _wrap(", ".join(a.unanswered), "  ")
    return "\n".join(lines) + "\n"


def legend_lines(k: Knowledge) -> list[str]:
    """What each area rating and each finding's weight means (the one scale every renderer uses)."""
    words = k.vocabulary
    out = ["What the words mean", "  An area's rating:"]
    for w in words.ratings.values():
        out += _wrap(w.meaning, " " * 22, f"    {w.word:<17} ")
    out.append("  A finding's weight:")
    for w in words.severities.values():
        out += _wrap(w.meaning, " " * 22, f"    {w.word:<17} ")
    return out


def _label(k: Knowledge, qid: str, role: str) -> str:
    q = k.questionnaire.questions.get(qid)
    return q.label.for_role(role) if q else qid


def _answer(k: Knowledge, qid: str, value: Any) -> str:
    q = k.questionnaire.questions.get(qid)
    if q is None:
        return str(value)
    return formatting.answer(q.type, value, q.choice_label, q.unit)
