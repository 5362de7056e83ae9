"""Where lendready keeps the user's own files: cache, settings, recovery, logs.

Each can be overridden by an environment variable (``LENDREADY_CACHE_DIR``,
``LENDREADY_CONFIG_DIR``, ``LENDREADY_DATA_DIR``, ``LENDREADY_LOG_DIR``), which
the tests use to stay out of the developer's profile and IT staff can use to
point a managed PC at a permitted folder. platformdirs gives each platform's
convention (``%LOCALAPPDATA%`` on Windows, ``~/.local/share`` on Linux, ...).
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "lendready"


def _dir(variable: str, kind: str) -> Path:
    override = os.environ.get(variable)
    if override:
        return Path(override)
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP, appauthor=False))


def cache_dir() -> Path | None:
    """Where validated resources may be cached; None (the variable set empty) means do not cache."""
    if os.environ.get("LENDREADY_CACHE_DIR") == "":
        return None
    return _dir("LENDREADY_CACHE_DIR", "cache")


def config_dir() -> Path:
    return _dir("LENDREADY_CONFIG_DIR", "config")


def data_dir() -> Path:
    return _dir("LENDREADY_DATA_DIR", "data")


def log_dir() -> Path:
    return _dir("LENDREADY_LOG_DIR", "log")


def private_dir(path: Path) -> Path:
    """Create a folder readable by its owner only: case data is confidential."""
    path.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path
