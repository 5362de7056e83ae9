"""The linter and the type checker run with the suite, so `make test` fails on what they find."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing():
    out = _run("ruff", "check", "--no-cache", "src", "tests", "bench", "packaging")
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_finds_nothing_in_the_typed_rooms():
    out = _run("mypy", "--no-incremental", "--cache-dir", "/dev/null")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Success" in out.stdout
