"""Benchmarks of the assessment engine and the command line.

Prints, as `figure | value | goal | ratio`:
- in-process assessments per second over the sample cases (goal >= 5,000/s);
- wall time of `lendready assess CASE --format json` against `python -c "import pydantic"`,
  both measured in this run on this machine (goal: ratio <= 1.5).

Run: .venv/bin/python bench/assess.py [--seconds 3] [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "resources" / "samples").glob("*.lendready"))


def throughput(seconds: float) -> float:
    from lendready.domain.engine.assessment import assess
    from lendready.domain.engine.knowledge import load
    from lendready.domain.files.case_file import load_case

    knowledge = load()
    cases = [load_case(p, knowledge.questionnaire) for p in SAMPLES]
    for case in cases:  # warm up
        assess(case, knowledge)
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for case in cases:
            assess(case, knowledge)
        done += len(cases)
    return done / (time.perf_counter() - start)


def wall(cmd: list[str], runs: int) -> float:
    times = []
    env = dict(os.environ)
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compile_package() -> None:
    """Byte-compile lendready as installing a wheel does (pip compiles every module).

    An editable install leaves the sources uncompiled, and with PYTHONDONTWRITEBYTECODE
    set (as on this workplace's machines) every run would re-compile them, which is not
    what an installed app does and is not what the baseline pays: pydantic's own modules
    were compiled when pip installed it.
    """
    import compileall

    import lendready

    compileall.compile_dir(str(Path(lendready.__file__).parent), quiet=1)


def cli_ratio(runs: int) -> tuple[float, float]:
    compile_package()
    script = Path(sys.executable).with_name("lendready")
    case = str(REPO / "resources" / "samples" / "riverside.lendready")
    assess_cmd = [str(script), "assess", case, "--format", "json"] if script.exists() else [
        sys.executable, "-m", "lendready", "assess", case, "--format", "json"]
    subprocess.run(assess_cmd, check=True, stdout=subprocess.DEVNULL)  # fill the resource cache
    baseline_cmd = [sys.executable, "-c", "import pydantic"]
    # Interleave so both see the same machine load.
    cli, base = [], []
    for _ in range(runs):
        cli.append(wall(assess_cmd, 1))
        base.append(wall(baseline_cmd, 1))
    return statistics.median(cli), statistics.median(base)


def rows(seconds: float, runs: int) -> list[tuple[str, str, str, str]]:
    per_second = throughput(seconds)
    cli, base = cli_ratio(runs)
    return [
        ("assessments per second (in process)", f"{per_second:,.0f}/s", ">= 5,000/s", f"{per_second / 5000:.2f}x goal"),
        ("`lendready assess --format json` wall time", f"{cli * 1000:.1f} ms", "<= 1.5x baseline",
         f"{cli / base:.2f}x"),
        ('baseline `python -c "import pydantic"`', f"{base * 1000:.1f} ms", "", "1.00x"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    for row in rows(args.seconds, args.runs):
        print(" | ".join(row))


if __name__ == "__main__":
    main()
