"""Benchmark of analyse(): the assessment and every piece of advice built on it, per sample case.

Prints, as `figure | value | goal | ratio`, the median time one `analyse()` takes per sample case
(assessment, nine stress scenarios, loan sizing, proposals, finance that fits), in process, after a
warm-up, against a goal of 50 ms per case so the app can redraw the what-if panel live; and the
slowest sample. The ratio to a bare `assess()` of the same case shows what the advice costs.

Run: .venv/bin/python bench/analyse.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
from datetime import date
from pathlib import Path

from table import median_ms

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "resources" / "samples").glob("*.lendready"))
GOAL_MS = 50.0
AS_OF = date(2026, 12, 1)


def per_case(repeat: int) -> dict[str, tuple[float, float]]:
    """(analyse ms, assess ms) per sample, medians."""
    from lendready.domain.advice import analyse
    from lendready.domain.engine.assessment import assess
    from lendready.domain.engine.knowledge import load
    from lendready.domain.files.case_file import load_case

    knowledge = load()
    out: dict[str, tuple[float, float]] = {}
    for path in SAMPLES:
        case = load_case(path, knowledge.questionnaire)
        out[path.stem] = (median_ms(lambda c=case: analyse(c, knowledge, AS_OF), repeat),
                          median_ms(lambda c=case: assess(c, knowledge), repeat))
    return out


def rows(repeat: int = 20) -> list[tuple[str, str, str, str]]:
    times = per_case(repeat)
    mean = statistics.mean(t for t, _ in times.values())
    bare = statistics.mean(b for _, b in times.values())
    slowest = max(times, key=lambda k: times[k][0])
    return [
        ("analyse() per case (mean of samples)", f"{mean:.1f} ms", f"<= {GOAL_MS:.0f} ms",
         f"{mean / GOAL_MS:.2f}x goal; {mean / bare:.0f}x a bare assess() ({bare:.2f} ms)"),
        (f"slowest sample ({slowest})", f"{times[slowest][0]:.1f} ms", f"<= {GOAL_MS:.0f} ms",
         f"{times[slowest][0] / GOAL_MS:.2f}x goal"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    for row in rows(args.repeat):
        print(" | ".join(row))


if __name__ == "__main__":
    main()
