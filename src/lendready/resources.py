"""Finds the reviewed data (``resources/``) wherever lendready is running from.

In a wheel the data sits inside the package as ``lendready/resources`` and is
reached through :mod:`importlib.resources`; in a PyInstaller bundle the spec
copies it to the same place under ``sys._MEIPASS``; in a source checkout
(editable install, running the tests) it is the top-level ``resources/`` folder.
"""

from __future__ import annotations

import os
import sys
from importlib.resources import files
from pathlib import Path


def resources_dir() -> Path:
    override = os.environ.get("LENDREADY_RESOURCES")
    if override:
        return Path(override)
    packaged = Path(str(files("lendready") / "resources"))
    if packaged.is_dir():
        return packaged
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidate = Path(frozen) / "lendready" / "resources"
        if candidate.is_dir():
            return candidate
    checkout = Path(__file__).resolve().parents[2] / "resources"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        "lendready cannot find its resources folder; the installation is incomplete. "
        "Reinstall lendready, or set LENDREADY_RESOURCES to the resources folder."
    )


def cache_dir() -> Path | None:
    """Where validated resources may be cached; None means do not cache."""
    override = os.environ.get("LENDREADY_CACHE_DIR")
    if override is not None:
        return Path(override) if override else None
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("lendready", appauthor=False))
