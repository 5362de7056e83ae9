"""Benchmark of the stress tests, the proposals and the loan sizing.

Prints, as `figure | value | goal | ratio`, the time `extended_output` (stress tests,
proposals to improve and loan sizing) takes per sample case, in process, after a
warm-up (goal <= 150 ms per case), and the slowest sample.

Run: .venv/bin/python bench/stress.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "resources" / "samples").glob("*.lendready"))
GOAL_MS = 150.0


def per_case(repeat: int) -> dict[str, float]:
    """Median milliseconds of extended_output per sample."""
    from lendready.domain.assessment import assess
    from lendready.domain.case_file import load_case
    from lendready.domain.improve import extended_output
    from lendready.domain.knowledge import load

    knowledge = load()
    out: dict[str, float] = {}
    for path in SAMPLES:
        case = load_case(path, knowledge.questionnaire)
        assessment = assess(case, knowledge)
        extended_output(case, knowledge, assessment)  # warm up
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            extended_output(case, knowledge, assessment)
            times.append(time.perf_counter() - start)
        out[path.stem] = statistics.median(times) * 1000
    return out


def rows(repeat: int = 20) -> list[tuple[str, str, str, str]]:
    times = per_case(repeat)
    mean = statistics.mean(times.values())
    slowest = max(times, key=times.__getitem__)
    return [
        ("stress + proposals + sizing per case (mean of samples)", f"{mean:.1f} ms", f"<= {GOAL_MS:.0f} ms",
         f"{mean / GOAL_MS:.2f}x goal"),
        (f"slowest sample ({slowest})", f"{times[slowest]:.1f} ms", f"<= {GOAL_MS:.0f} ms",
         f"{times[slowest] / GOAL_MS:.2f}x goal"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    for row in rows(args.repeat):
        print(" | ".join(row))


if __name__ == "__main__":
    main()
