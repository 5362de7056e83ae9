"""Runs every benchmark of the project and prints one table: figure, value, goal, ratio.

Each benchmark measures its own bare baseline in the same run, so the ratios
hold on any machine. Run: .venv/bin/python bench/run.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import analyse  # noqa: E402
import assess  # noqa: E402
import briefing  # noqa: E402
import bundle  # noqa: E402
import explainer  # noqa: E402
import fuzz  # noqa: E402
import gui_start  # noqa: E402
import register_list  # noqa: E402
from table import print_table  # noqa: E402


def main() -> None:
    table = [("figure", "value", "goal", "ratio")]
    table += gui_start.rows()
    table += assess.rows(seconds=3.0, runs=21)
    table += explainer.rows()
    table += analyse.rows()
    table += briefing.rows()
    table += bundle.rows()
    table += fuzz.rows()
    table += register_list.rows()
    print_table(table)


if __name__ == "__main__":
    main()
