"""How long the PDF briefing takes, against a bare reportlab document of the same length (goal: <= 4x).

Measures, in one process after a warm-up: assessing a sample case and building
its briefing (``build_briefing`` analyses the case, lays out the story with
ordinary platypus, draws both charts and embeds the font subset); and, interleaved with it so both see the
same machine load, a bare reportlab document of plain Helvetica paragraphs
with exactly as many pages. Reports medians.

Run: .venv/bin/python bench/briefing.py [--case vale] [--audience lender] [--runs 11]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WHEN = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
GOAL = 4.0

WORDS = (
    "The society's forecast shows cash at the end of every month after the new loan's repayments, and "
    "the board reviews management accounts against it each quarter with the finance committee. "
)


def bare_document(pages: int) -> tuple[bytes, int]:
    """A plain reportlab document of ``pages`` pages: a heading and eight paragraphs on each."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    sheet = getSampleStyleSheet()
    story = []
    for page in range(pages):
        story.append(Paragraph(f"Section {page + 1}", sheet["Heading1"]))
        story += [Paragraph(WORDS * 2, sheet["BodyText"]) for _ in range(8)]
        if page < pages - 1:
            story.append(PageBreak())
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title="baseline")
    doc.build(story)
    return buffer.getvalue(), doc.page


def measure(case_id: str, audience: str, runs: int) -> tuple[float, float, int]:
    from lendready.domain.engine.assessment import assess
    from lendready.domain.engine.knowledge import load
    from lendready.domain.files.case_file import load_case
    from lendready.report.briefing import build_briefing

    knowledge = load()
    path = REPO / "resources" / "samples" / f"{case_id}.lendready"
    case = load_case(path, knowledge.questionnaire)
    raw = path.read_bytes()

    def briefing() -> bytes:
        assess(case, knowledge, audience=audience)  # what the CLI does before it writes the PDF
        return build_briefing(case, knowledge, audience=audience, generated=WHEN, case_bytes=raw)

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(briefing())).pages)  # warm-up: fonts, teaching content, caches
    _, bare_pages = bare_document(pages)
    assert bare_pages == pages, (bare_pages, pages)
    ours, base = [], []
    for _ in range(runs):
        start = time.perf_counter()
        briefing()
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare_document(pages)
        base.append(time.perf_counter() - start)
    return statistics.median(ours), statistics.median(base), pages


def rows(case_id: str = "vale", audience: str = "lender", runs: int = 11) -> list[tuple[str, str, str, str]]:
    ours, base, pages = measure(case_id, audience, runs)
    return [
        (f"assessment + {pages}-page PDF briefing ({case_id}, {audience})", f"{ours * 1000:.1f} ms",
         f"<= {GOAL:g}x baseline", f"{ours / base:.2f}x"),
        (f"baseline: bare reportlab {pages}-page document", f"{base * 1000:.1f} ms", "", "1.00x"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", default="vale")
    parser.add_argument("--audience", default="lender", choices=("lender", "founder", "trainer"))
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    for row in rows(args.case, args.audience, args.runs):
        print(" | ".join(row))


if __name__ == "__main__":
    main()
