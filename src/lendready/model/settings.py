"""Per-user settings (recent files, window layout, last role), each field checked on load and on change.

Stored as JSON in the user's config folder. A damaged or foreign settings file
must never stop the app from starting, so anything that does not validate is
replaced by its default, field by field.

A dataclass with a checker per field rather than a pydantic model: the settings
are read before the first window appears, and pydantic loads only when it is
needed (bench/gui_start.py). The checks are the same ones a model would make:
the type of each field, the role among the three allowed, at most
``MAX_RECENT`` recent files; unknown keys are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from lendready.paths import config_dir

MAX_RECENT = 10
FILE_NAME = "settings.json"
ROLES = ("lender", "founder", "trainer")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be text, not {type(value).__name__}")
    return value


def _role(value: Any) -> str:
    if value not in ROLES:
        raise ValueError(f"must be one of {', '.join(ROLES)}, not {value!r}")
    return str(value)


def _paths(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ValueError("must be a list of file paths")
    return list(value)[:MAX_RECENT]


REGISTER_BACKENDS = ("sqlite", "postgresql")
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
"""libpq's sslmode values; a team's server should use verify-full (the server's certificate and name checked)."""


def _backend(value: Any) -> str:
    if value not in REGISTER_BACKENDS:
        raise ValueError(f"must be one of {', '.join(REGISTER_BACKENDS)}, not {value!r}")
    return str(value)


def _sslmode(value: Any) -> str:
    if value not in SSLMODES:
        raise ValueError(f"must be one of {', '.join(SSLMODES)}, not {value!r}")
    return str(value)


def _port(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
        raise ValueError("must be a port number (0: libpq's default)")
    return value


def _name(value: Any) -> str:
    """A host, database, user or team name: one line of plain text (it goes into a connection URL)."""
    text = _text(value)
    if len(text) > 255 or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ValueError("must be one line of at most 255 characters")
    return text


CHECKS: dict[str, Callable[[Any], Any]] = {
    "recent_files": _paths,
    "last_role": _role,
    "window_geometry": _text,
    "window_state": _text,
    "splitter_state": _text,
    "register_backend": _backend,
    "register_sqlite_path": _name,
    "register_host": _name,
    "register_port": _port,
    "register_database": _name,
    "register_user": _name,
    "register_sslmode": _sslmode,
    "register_team": _name,
}


@dataclass
class Settings:
    """The user's settings; every assignment is checked (``CHECKS``), so a bad value never sticks."""

    recent_files: list[str] = field(default_factory=list)
    last_role: str = "lender"
    window_geometry: str = ""
    """Base64 of QWidget.saveGeometry(): opaque bytes owned by Qt."""
    window_state: str = ""
    splitter_state: str = ""
    # The case register (lendready.register). Never a password: libpq finds the credentials itself
    # (~/.pgpass or PGPASSFILE, GSSAPI/Kerberos), so none is ever written to this file or a log.
    register_backend: str = "sqlite"
    """``sqlite``: a register file on this PC; ``postgresql``: a team's server."""
    register_sqlite_path: str = ""
    """The SQLite register file; empty: ``register.sqlite3`` in the user data folder."""
    register_host: str = ""
    """The PostgreSQL server's host name, or a Unix socket folder (starting with ``/``); empty: libpq's default."""
    register_port: int = 0
    """0: libpq's default (5432)."""
    register_database: str = "lendready"
    register_user: str = ""
    """The database role to log in as; empty: libpq's default (the operating-system user, or PGUSER)."""
    register_sslmode: str = "verify-full"
    register_team: str = ""
    """The team new cases are registered to; empty: the only team the role belongs to (or ``local``)."""

    def __setattr__(self, name: str, value: Any) -> None:
        check = CHECKS.get(name)
        if check is None:
            raise AttributeError(f"Settings has no field {name!r}")
        super().__setattr__(name, check(value))

    def to_dict(self) -> dict[str, Any]:
        # The register's fields are written only once set: a settings file that does not use one stays as it was.
        return {k: v for k, v in asdict(self).items() if not (k.startswith("register_") and v == REGISTER_DEFAULTS[k])}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Every known field that checks out; the rest keep their defaults."""
        settings = cls()
        for known in fields(cls):
            if known.name in data:
                try:
                    setattr(settings, known.name, data[known.name])
                except ValueError:
                    pass
        return settings

    def add_recent(self, path: str | Path) -> None:
        entry = str(Path(path).resolve())
        self.recent_files = [entry] + [p for p in self.recent_files if p != entry][: MAX_RECENT - 1]

    def existing_recent(self) -> list[str]:
        return [p for p in self.recent_files if Path(p).is_file()]


REGISTER_DEFAULTS = {f.name: f.default for f in fields(Settings) if f.name.startswith("register_")}


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def load_settings(path: Path | None = None) -> Settings:
    from lendready.domain.files.safe_read import UnreadableFile, read_regular

    path = path or settings_path()
    try:  # a settings "file" that is a FIFO or a huge file must not stop the app starting
        data = json.loads(read_regular(path, 1024 * 1024, "settings file").decode("utf-8"))
    except (UnreadableFile, ValueError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    return Settings.from_dict(data)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    from lendready.domain.files.case_file import atomic_write

    path = path or settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(settings.to_dict(), indent=2).encode("utf-8"))
    except OSError:
        pass  # settings are a convenience; failing to save them must not lose the user's work
