"""Applying the register's Alembic migrations from inside lendready: no alembic.ini, no command line.

The migration scripts ship inside the package (``migrations/``), so an installed
lendready, or the one-folder bundle, can upgrade a register by itself.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
KNOWN = ("0001", "0002", "0003", "0004")
"""Every revision this lendready carries, oldest first (migrations/versions)."""
HEAD = KNOWN[-1]
"""The newest revision this lendready knows; a register at another is refused until upgraded."""


def _config(connection: Connection) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` in one transaction (PostgreSQL rolls back all of it on failure)."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)  # type: ignore[arg-type]


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, or None for a database the register has never touched."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()
