"""The register's tables: one SQLAlchemy Core schema for SQLite (one PC) and PostgreSQL (a team).

This module is the description the repository queries against and the one the
migrations are checked against (a test compares it with a freshly migrated
database). The migrations in ``migrations/versions`` are the history and create
the tables; this module never creates them itself, so a register is always at a
known Alembic revision.

What the database enforces beyond these declarations (append-only triggers,
four eyes, grants and row-level security) lives in the migrations, because it
is backend-specific DDL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

STATUSES = ("received", "assessing", "awaiting_approval", "committee", "approved", "declined", "withdrawn")
DECISIONS = ("approve", "decline", "refer")

# Explicit constraint names, so that both backends and every migration agree on them.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that is always UTC and always aware when read back.

    PostgreSQL keeps the offset (``timestamptz``); SQLite has no time type and
    stores text, dropping it. Converting to UTC on the way in and marking UTC on
    the way out makes both backends return the same value, and makes SQLite's
    text order the time order that keyset pagination relies on.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("register timestamps must carry a time zone")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    # Built from this module's own constants, never from input.
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


NAME = 128
"""Longest user or role name kept (PostgreSQL role names are at most 63 bytes)."""

teams = Table(
    "teams",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
)

team_members = Table(
    "team_members",
    metadata,
    Column("role_name", String(NAME), primary_key=True),
    Column("team", String(64), ForeignKey("teams.id"), primary_key=True),
)
"""Which database role belongs to which team: row-level security reads it on PostgreSQL.

Maintained by the DBA (the application role cannot write it), so a client cannot
join a team by claiming to; unused on SQLite, where there is one user.
"""

cases = Table(
    "cases",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("team", String(64), ForeignKey("teams.id"), nullable=False),
    Column("organisation", Text, nullable=False, server_default=""),
    Column("organisation_key", Text, nullable=False, server_default=""),
    Column("legal_form", String(64), nullable=True),
    Column("status", String(32), nullable=False, server_default="received"),
    Column("assigned_officer", String(NAME), nullable=True),
    Column("band", String(32), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("current_version", Integer, nullable=False),
    CheckConstraint(_one_of("status", STATUSES), name="status"),
    CheckConstraint("current_version >= 1", name="current_version"),
)
"""One row per case: what the Cases view lists and filters. Everything here can be rebuilt from
the versions and assessments; ``current_version`` is the optimistic lock a save must match.

The database keeps two rules on it (migration 0003): ``status`` becomes approved, declined or
committee only with that decision (approve, decline, refer) on an assessment of the current
version, and ``current_version`` only moves on by one, to a version already in ``case_versions``."""

Index("ix_cases_updated", cases.c.updated_at, cases.c.id)
Index("ix_cases_status_updated", cases.c.status, cases.c.updated_at, cases.c.id)
Index("ix_cases_officer_updated", cases.c.assigned_officer, cases.c.updated_at, cases.c.id)
Index("ix_cases_band_updated", cases.c.band, cases.c.updated_at, cases.c.id)
Index("ix_cases_form_updated", cases.c.legal_form, cases.c.updated_at, cases.c.id)
Index("ix_cases_team_updated", cases.c.team, cases.c.updated_at, cases.c.id)
Index("ix_cases_organisation_key", cases.c.organisation_key)

case_versions = Table(
    "case_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), ForeignKey("cases.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("author", String(NAME), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("parent_version", Integer, nullable=True),
    UniqueConstraint("case_id", "version"),
    CheckConstraint("version >= 1", name="version"),
)
"""Append-only: each row the whole case file as exported, so any version can be exported as it was."""

assessments = Table(
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), ForeignKey("cases.id"), nullable=False),
    Column("version_id", Integer, ForeignKey("case_versions.id"), nullable=False),
    Column("rules_version", String(64), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("band", String(32), nullable=False),
    Column("areas", Text, nullable=False),
    Column("findings", Text, nullable=False),
    Column("created_by", String(NAME), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
"""Append-only: what a version was judged to be, under which rules, as at which date."""

Index("ix_assessments_version", assessments.c.version_id)
Index("ix_assessments_case", assessments.c.case_id)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), ForeignKey("cases.id"), nullable=False),
    Column("assessment_id", Integer, ForeignKey("assessments.id"), nullable=False),
    Column("decision", String(16), nullable=False),
    Column("conditions", Text, nullable=False, server_default=""),
    Column("approver", String(NAME), nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    CheckConstraint(_one_of("decision", DECISIONS), name="decision"),
)
"""Append-only; the database refuses a decision by the author of the assessed version (four eyes)."""

Index("ix_decisions_case", decisions.c.case_id)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("actor", String(NAME), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("action", String(64), nullable=False),
    Column("case_id", String(64), nullable=True),
    Column("detail", Text, nullable=False, server_default="{}"),
)
"""Append-only; ``case_id`` has no foreign key so that the log can name a case that was refused."""

Index("ix_audit_log_case", audit_log.c.case_id, audit_log.c.id)

APPEND_ONLY = ("case_versions", "assessments", "decisions", "audit_log")
"""Tables no one may UPDATE or DELETE: the trail a regulator asks for."""
