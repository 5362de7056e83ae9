"""The wheel carries the resources, and lendready runs from it, not only from a checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import SAMPLES


def test_wheel_ships_resources_and_assesses_from_them(tmp_path, wheel):
    names, site = wheel
    assert "lendready/resources/rules/rulebook.toml" in names
    assert "lendready/resources/samples/riverside.lendready" in names
    assert not any(n.startswith("lendready/resources/") and "__pycache__" in n for n in names)

    env = dict(os.environ, PYTHONPATH=str(site), LENDREADY_CACHE_DIR=str(tmp_path / "cache"))
    where = subprocess.run(
        [sys.executable, "-c", "from lendready.resources import resources_dir; print(resources_dir())"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert where.stdout.strip() == str(site / "lendready" / "resources")
    out = subprocess.run(
        [sys.executable, "-m", "lendready", "assess", str(SAMPLES / "crown_inn.lendready"), "--format", "json"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["band"] == "nearly_ready"
