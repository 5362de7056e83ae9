"""Issue 17's goal for spreadsheets: ANY file under the 5 MB limit imports or is refused within 2 s and
300 MB peak memory.

Builds the corpus of tests/spreadsheet_fuzz.py (ordinary forecasts in each format, the attacks of the
issue, the same at full size and the largest legitimate files near each limit, and mutated copies),
imports each in a fresh subprocess (so one file's memory is not another's)
and prints per file: kind, size, outcome and the first words of the reason, wall time, peak RSS (from
os.wait4) and the ratio of each to its goal. Exits 1 if any file breaks the goal.

Run: .venv/bin/python bench/spreadsheets.py [--mutated 40]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from table import print_table

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

GOAL_SECONDS = 2.0
GOAL_MB = 300.0
_CHILD = (
    "import sys\n"
    "from lendready.domain.files.forecast_import import read_forecast_file\n"
    "r = read_forecast_file(sys.argv[1])\n"
    "print(('imported %d months' % len(r.rows)) if r.rows else 'refused: ' + r.problems[0])\n"
    "import re; status = open('/proc/self/status').read() if sys.platform == 'linux' else ''\n"
    "print(re.search(r'VmHWM:\\s*(\\d+)', status).group(1) if 'VmHWM' in status else '')\n"
)


def measure(path: Path) -> tuple[str, float, float]:
    """(outcome, seconds, peak MB) of importing ``path`` in a fresh interpreter, its start-up excluded
    only in that the goal is generous enough to include it."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(path)], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    out = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    lines = out.strip().splitlines() or [""]
    outcome = lines[0] if os.waitstatus_to_exitcode(status) == 0 else f"CRASHED (status {status})"
    # The child's own high-water mark: ru_maxrss keeps the forked parent's (the corpus, 250 MB) across exec.
    peak_kb = int(lines[-1]) if len(lines) > 1 and lines[-1].isdigit() else usage.ru_maxrss
    return outcome, seconds, peak_kb / 1024


def main() -> int:
    import spreadsheet_fuzz as sf

    parser = argparse.ArgumentParser()
    parser.add_argument("--mutated", type=int, default=40)
    args = parser.parse_args()
    built = time.perf_counter()
    corpus = {**sf.ordinary(), **sf.attacks(big=True), **sf.at_the_limits(), **sf.mutated(args.mutated)}
    print(f"corpus built in {time.perf_counter() - built:.1f} s\n")
    folder = Path(tempfile.mkdtemp(prefix="lendready-bench-sheets-"))
    rows = [("file", "kind", "size", "outcome", "time", "peak", "time/goal", "mem/goal")]
    broken = 0
    for name, (kind, data) in corpus.items():
        path = folder / name
        path.write_bytes(data)
        outcome, seconds, mb = measure(path)
        ok = seconds <= GOAL_SECONDS and mb <= GOAL_MB and not outcome.startswith("CRASHED")
        broken += not ok
        rows.append((name[:36], kind, f"{len(data) / 1024:,.1f} KB", outcome[:60], f"{seconds:.2f} s",
                     f"{mb:.0f} MB", f"{seconds / GOAL_SECONDS:.2f}", f"{mb / GOAL_MB:.2f}" + ("" if ok else " !")))
    print_table(rows)
    print(f"\n{len(corpus)} files; goal {GOAL_SECONDS} s and {GOAL_MB:.0f} MB each; "
          f"{'all within the goal' if not broken else f'{broken} OVER THE GOAL'}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
