"""The assessment as plain text for a terminal: the risk explainer without a window.

A renderer only: it formats what the Assessment holds and computes nothing.
"""

from __future__ import annotations

import textwrap
from typing import Any

from lendready import __version__
from lendready.domain import formatting
from lendready.domain.assessment import Assessment
from lendready.domain.knowledge import Knowledge

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


def metric_text(k: Knowledge, a: Assessment, mid: str) -> str:
    value = a.metrics.values.get(mid)
    if value is None:
        return "n/a (" + a.metrics.reasons.get(mid, "not available") + ")"
    info = k.metric_info[mid]
    return formatting.by_unit(value, info.unit) if info.unit != "month" else str(value)


def render(a: Assessment, k: Knowledge) -> str:
    role = a.audience
    band = k.bands[a.band]
    lines: list[str] = []
    title = a.organisation or "(organisation not named)"
    lines.append(f"lendready assessment: {title}")
    lines.append("=" * min(WIDTH, len(lines[0])))
    lines.append(f"Band: {band.label.upper()}")
    lines += _wrap(band.founder if role == "founder" else band.lender, "  ")
    lines.append(f"Rules {a.rules_version}, lendready {__version__}, written for the {role}")
    lines.append("")
    lines.append("Areas")
    for area, result in zip(k.areas, a.areas):
        line = f"  {area.title:<30} {result.rating}"
        if result.rating == "unknown" and result.missing:
            line += "  (unanswered: " + ", ".join(result.missing) + ")"
        lines.append(line)
    lines.append("")
    lines.append("Metrics")
    for mid in ("dscr", "interest_cover", "reserves_months", "ltv", "annual_loan_repayment",
                "lowest_forecast_cash", "lowest_cash_month"):
        lines.append(f"  {k.metric_info[mid].label:<42} {metric_text(k, a, mid)}")
    lines.append("")
    lines.append(f"Findings ({len(a.findings)})")
    for f in a.findings:
        tag = f.severity.upper() + (f", {f.rating}" if f.rating else "")
        lines.append("")
        lines += _wrap(f"{f.title}", "      ", f"  [{tag}] ")
        lines.append(f"      rule {f.id}")
        if f.evidence:
            seen = "; ".join(evidence_text(k, e.question, e.value, role) for e in f.evidence)
            lines += _wrap("Seen: " + seen, "      ")
        lines += _wrap("Why it matters: " + f.why_it_matters, "      ")
        lines += _wrap("What to do: " + f.what_to_do, "      ")
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
