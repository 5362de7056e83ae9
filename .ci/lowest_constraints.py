"""Print pip constraints that pin every dependency to the lowest version pyproject.toml allows.

CI installs with these and runs the suite again, so a declared range (``reportlab>=4.2``) is a
promise the project keeps: the oldest release it lets a user install must work too.
Usage: python .ci/lowest_constraints.py [extra ...] > constraints.txt
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path


def requirements(extras: list[str]) -> list[str]:
    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text("utf-8"))["project"]
    found = list(project["dependencies"])
    for extra in extras:
        found += project["optional-dependencies"][extra]
    return found


def main() -> None:
    for requirement in requirements(sys.argv[1:]):
        spec = requirement.split(";", 1)[0]
        lowest = None
        for part in spec.split(","):
            m = re.search(r">=\s*([0-9][^,\s]*)", part)
            if m:
                lowest = m.group(1)
        if lowest is None:
            continue
        name = re.match(r"\s*([A-Za-z0-9_.\-]+)", spec)
        if name:
            print(f"{name.group(1)}=={lowest}")


if __name__ == "__main__":
    main()
