"""What the benchmarks share: a median timing and the one table they print (figure, value, goal, ratio)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence


def median_ms(call: Callable[[], object], repeat: int) -> float:
    """The median of ``repeat`` timed calls after one warm-up, in milliseconds."""
    call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def print_table(rows: Sequence[Sequence[str]]) -> None:
    """Rows as columns padded to their widest cell, the first row a header underlined."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths)))
        if i == 0:
            print("-+-".join("-" * w for w in widths))
