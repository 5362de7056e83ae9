"""Finds the reviewed data (``resources/``) wherever lendready is running from.

In a wheel the data sits inside the package as ``lendready/resources`` (found
beside this module, or through :mod:`importlib.resources` for other loaders); in a PyInstaller bundle the spec
copies it to the same place under ``sys._MEIPASS``; in a source checkout
(editable install, running the tests) it is the top-level ``resources/`` folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _is_resources(path: Path) -> bool:
    return (path / "rules" / "rulebook.toml").is_file()


def resources_dir() -> Path:
    override = os.environ.get("LENDREADY_RESOURCES")
    if override:
        return Path(override)
    # Plain paths first: they cover a wheel (data beside this module) and a
    # checkout, and spare the command line the cost of importing importlib.resources.
    here = Path(__file__).resolve()
    for candidate in (here.with_name("resources"), here.parents[2] / "resources"):
        if _is_resources(candidate):
            return candidate
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen and _is_resources(Path(frozen) / "lendready" / "resources"):
        return Path(frozen) / "lendready" / "resources"
    from importlib.resources import files

    packaged = Path(str(files("lendready") / "resources"))
    if _is_resources(packaged):
        return packaged
    raise FileNotFoundError(
        "lendready cannot find its resources folder; the installation is incomplete. "
        "Reinstall lendready, or set LENDREADY_RESOURCES to the resources folder."
    )
