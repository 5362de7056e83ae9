"""The case register: cases, their versions, assessments, decisions and an audit trail, in one database.

One interface over two backends: SQLite in the user data folder (one PC, no
set-up) and PostgreSQL (a team). The interface is plain methods on
:class:`Register`; the UI, the command line and the tests use nothing else.

What the client does here (refusing a stale save, refusing an officer's
approval of their own work) the database also does by itself (triggers,
grants and row-level security from the migrations), because a desktop client
can be bypassed; the client checks first only to give a clearer message.

The case file stays the exchange format: every version holds the full
``.lendready`` document, exactly the bytes an export writes, so importing a
file and exporting it again gives the same bytes, and any version can be
handed to someone without the register.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from lendready.register import schema as t
from lendready.register.merge import ABSENT, AnswerChange, Side, merge, three_way
from lendready.register.schema import DECISIONS, STATUSES

if TYPE_CHECKING:
    from lendready.domain.advice import Analysis
    from lendready.domain.engine.knowledge import Knowledge
    from lendready.domain.engine.questionnaire import Questionnaire
    from lendready.domain.files.case_file import Case
    from lendready.model.settings import Settings

DEFAULT_TEAM = "local"
"""The one team of a register on a single PC."""
PAGE_SIZE = 50
MAX_PAGE = 500
SQLITE_FILE = "register.sqlite3"
DECISION_STATUS = {"approve": "approved", "decline": "declined", "refer": "committee"}
"""The status each decision gives a case; the database allows these statuses only with that decision."""
REOPENED_STATUS = "assessing"
"""Where a decided case goes when a new version is saved: its decision was on the version before."""
STATUS_NEEDS_DECISION = "LR001"
"""PostgreSQL's SQLSTATE for a decided status set without its decision (migration 0003)."""
VERSION_OUT_OF_ORDER = "LR002"
"""PostgreSQL's SQLSTATE for a current version moved other than to the next saved one (migration 0003)."""


# ---------------------------------------------------------------------------
# Errors


class RegisterError(Exception):
    """Something the register refused; the message is for the user."""


class NotUpgraded(RegisterError):
    """The database is not at this lendready's schema: someone must run ``lendready register upgrade``."""


class CaseNotFound(RegisterError):
    """No such case (or version) that this user may see."""


class CaseExists(RegisterError):
    """A case with this id is already registered: importing it again would fork its history."""


class FourEyesError(RegisterError):
    """The approver wrote the assessed version: a decision needs a second person."""


class PermissionRefused(RegisterError):
    """The database refused the statement for this role (a grant or row-level security)."""


class DecisionRequired(PermissionRefused):
    """A case is approved, declined or sent to committee only by recording that decision on its current version.

    The database refuses any other way (a status set by hand, a plain UPDATE), so that
    four eyes cannot be skipped; record the decision with :meth:`Register.record_decision`.
    """


class VersionOrderError(RegisterError):
    """A case's current version only moves on by one, to a version saved for it; the database refused another move."""


class VersionConflict(RegisterError):
    """The case moved on since this copy was read: the save was refused and nothing was written.

    It carries all three sides, answer by answer, so that the user can see what
    the other officer changed and merge (:meth:`merged_case`) instead of
    overwriting it.
    """

    def __init__(
        self,
        case_id: str,
        expected: int,
        current: int,
        base: Case,
        theirs: Case,
        mine: Case,
        order: Sequence[str] | None = None,
        author: str | None = None,
    ) -> None:
        self.case_id = case_id
        self.expected = expected
        """The version the save was based on."""
        self.current = current
        """The version now in the register; a merged save passes this as ``expected_version``."""
        self.base, self.theirs, self.mine = base, theirs, mine
        self.changes: tuple[AnswerChange, ...] = three_way(base.answers, theirs.answers, mine.answers, order)
        self.note_changes: tuple[AnswerChange, ...] = three_way(base.notes, theirs.notes, mine.notes, order)
        self.author = author
        """Who saved the version this save collided with."""
        super().__init__(
            f"the case was saved by {author or 'someone else'} (version {current}) after version "
            f"{expected}, which this copy was based on; {len(self.conflicts)} answer(s) were changed by both"
        )

    @property
    def conflicts(self) -> tuple[AnswerChange, ...]:
        return tuple(c for c in self.changes if c.conflicting)

    def merged_answers(self, choices: Mapping[str, Side] | None = None) -> dict[str, Any]:
        return merge(self.theirs.answers, self.changes, choices)

    def merged_case(
        self, choices: Mapping[str, Side] | None = None, note_choices: Mapping[str, Side] | None = None
    ) -> Case:
        """My case with the merged answers and notes, ready to save with ``expected_version=self.current``.

        A note both changed differently, with no choice made, keeps both texts: a note is
        free text, and joining them loses neither.
        """
        from dataclasses import replace

        notes_choices = dict(note_choices or {})
        for change in self.note_changes:
            if change.conflicting and change.answer not in notes_choices:
                notes_choices[change.answer] = "mine"
        notes = merge(self.theirs.notes, self.note_changes, notes_choices)
        for change in self.note_changes:
            if change.conflicting and change.answer not in (note_choices or {}):
                parts = [v for v in (change.theirs, change.mine) if isinstance(v, str) and v]
                notes[change.answer] = "\n\n".join(parts)
        return replace(self.mine, answers=self.merged_answers(choices), notes=notes, on_disk=None)


# ---------------------------------------------------------------------------
# What the register returns


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """A row of the Cases view."""

    id: str
    team: str
    organisation: str
    legal_form: str | None
    status: str
    assigned_officer: str | None
    band: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    current_version: int


@dataclass(frozen=True, slots=True)
class CasePage:
    cases: tuple[CaseSummary, ...]
    next_cursor: str | None
    """Pass to :meth:`Register.list_cases` for the next page; None on the last page."""


@dataclass(frozen=True, slots=True)
class VersionInfo:
    case_id: str
    version: int
    author: str
    created_at: dt.datetime
    reason: str
    sha256: str
    parent_version: int | None


@dataclass(frozen=True, slots=True)
class AssessmentRecord:
    id: int
    case_id: str
    version: int
    rules_version: str
    as_of: dt.date
    band: str
    areas: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    created_by: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    id: int
    case_id: str
    assessment_id: int
    decision: str
    conditions: str
    approver: str
    decided_at: dt.datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    actor: str
    at: dt.datetime
    action: str
    case_id: str | None
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AnswerDiff:
    """One answer that differs between two versions, with the question's label for a reader."""

    question: str
    label: str
    before: Any
    after: Any


# ---------------------------------------------------------------------------
# Connecting


def default_sqlite_path() -> Path:
    from lendready.paths import data_dir

    return data_dir() / SQLITE_FILE


def sqlite_url(path: str | os.PathLike[str]) -> URL:
    return URL.create("sqlite", database=str(path))


def postgresql_url(
    *, host: str = "", port: int | None = None, database: str = "lendready", user: str = "", sslmode: str = ""
) -> URL:
    """A psycopg URL with no password: libpq finds the credentials (``~/.pgpass``, ``PGPASSFILE``, Kerberos).

    A host that is a folder (starts with ``/``) is a Unix socket directory, passed to libpq as ``host=``.
    """
    query: dict[str, str] = {}
    if sslmode:
        query["sslmode"] = sslmode
    url_host: str | None = host or None
    if host.startswith("/"):
        query["host"] = host
        url_host = None
    return URL.create(
        "postgresql+psycopg", username=user or None, host=url_host, port=port or None, database=database or None,
        query=query,
    )


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Transactions are begun by the "begin" hook below, not by the driver's guesswork.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    # IMMEDIATE: a writer takes the write lock at once, so two writers queue instead of deadlocking.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str | URL) -> Engine:
    """An engine for the register: SQLite gets foreign keys, WAL and explicit transactions.

    A new SQLite file is created owner-only before SQLite writes a byte (its ``-wal`` and
    ``-shm`` files take the same mode), in a new owner-only folder if its folder does not exist;
    an existing file or folder keeps its permissions, as a saved case file does.
    """
    url = sa.engine.make_url(url)
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).parent
        if not folder.exists():
            from lendready.paths import private_dir

            private_dir(folder)
        try:
            os.close(os.open(database, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError:
            pass  # SQLite will say why it cannot open the file
    engine = sa.create_engine(url, connect_args={"timeout": 30}, poolclass=sa.pool.NullPool)
    sa.event.listen(engine, "connect", _on_sqlite_connect)
    sa.event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        return "unknown"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _case_filters(
    *,
    status: str | Sequence[str] | None = None,
    officer: str | None = None,
    band: str | None = None,
    legal_form: str | None = None,
    team: str | None = None,
    search: str | None = None,
) -> list[Any]:
    """The WHERE clauses for the Cases view's filters; ``search`` finds the text anywhere in the name,
    ignoring case."""
    c = t.cases.c
    where: list[Any] = []
    if status:
        where.append(c.status.in_([status] if isinstance(status, str) else list(status)))
    if officer is not None:
        where.append(c.assigned_officer == officer)
    if band is not None:
        where.append(c.band == band)
    if legal_form is not None:
        where.append(c.legal_form == legal_form)
    if team is not None:
        where.append(c.team == team)
    if search:
        where.append(c.organisation_key.like("%" + _escape_like(search.strip().casefold()) + "%", escape="\\"))
    return where


def _encode_cursor(updated_at: dt.datetime, case_id: str) -> str:
    raw = json.dumps([updated_at.isoformat(), case_id]).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _decode_cursor(cursor: str) -> tuple[dt.datetime, str]:
    try:
        stamp, case_id = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        when = dt.datetime.fromisoformat(stamp)
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise RegisterError("the page cursor is not one the register gave") from None
    if not isinstance(case_id, str) or when.tzinfo is None:
        raise RegisterError("the page cursor is not one the register gave")
    return when, case_id


def _organisation(answers: Mapping[str, Any]) -> str:
    name = answers.get("org.name")
    return name.strip() if isinstance(name, str) else ""


def _legal_form(answers: Mapping[str, Any]) -> str | None:
    form = answers.get("org.legal_form")
    return form if isinstance(form, str) and form else None


def _sha256(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------
# The register


class Register:
    """A case register on one database; open with :meth:`open` or :meth:`from_settings`.

    ``user`` is who the register records as author, approver and actor. On
    PostgreSQL it is always the role that logged in (``session_user``): the
    database stamps that itself, so a name passed here is ignored there. On
    SQLite (one PC) it is the name given, else the operating-system user.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        user: str | None = None,
        team: str | None = None,
        knowledge: Knowledge | None = None,
    ) -> None:
        self.engine = engine
        self.backend = engine.dialect.name
        # On PostgreSQL the database stamps who logged in; a name given here would only mislead.
        self._user = None if self.backend == "postgresql" else user
        self._team = team
        self._knowledge = knowledge
        self._checked = False

    # -- opening --------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        url: str | URL,
        *,
        user: str | None = None,
        team: str | None = None,
        knowledge: Knowledge | None = None,
        upgrade: bool = False,
    ) -> Register:
        """A register at ``url``; ``upgrade`` applies any migrations first (the SQLite default does)."""
        register = cls(make_engine(url), user=user, team=team, knowledge=knowledge)
        if upgrade:
            register.upgrade()
        return register

    @classmethod
    def from_settings(cls, settings: Settings, *, knowledge: Knowledge | None = None) -> Register:
        """The register the settings name: PostgreSQL when a server is set, else the SQLite file here.

        The SQLite register is created and upgraded on first use (zero set-up); a team's
        PostgreSQL register is upgraded by its DBA (``lendready register upgrade``).
        """
        return cls.open(
            settings_url(settings), team=settings.register_team or None, knowledge=knowledge,
            upgrade=settings.register_backend != "postgresql",
        )

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def upgrade(self) -> None:
        """Apply the migrations this lendready carries (needs the owner's rights on PostgreSQL)."""
        from lendready.register.migrate import upgrade

        upgrade(self.engine)
        self._checked = False

    def revision(self) -> str | None:
        from lendready.register.migrate import current_revision

        with self._connect() as conn:
            return current_revision(conn)

    # -- context --------------------------------------------------------------------------------

    @property
    def knowledge(self) -> Knowledge:
        if self._knowledge is None:
            from lendready.domain.engine.knowledge import load

            self._knowledge = load()
        return self._knowledge

    @property
    def questionnaire(self) -> Questionnaire:
        return self.knowledge.questionnaire

    @property
    def user(self) -> str:
        """Who this register records as the actor."""
        if self._user is None:
            if self.backend == "postgresql":
                with self._connect() as conn:
                    self._user = str(conn.execute(sa.select(sa.func.session_user())).scalar_one())
            else:
                self._user = _os_user()
        return self._user

    @property
    def team(self) -> str:
        """The team new cases go to: the one given, the only team this role belongs to, or ``local``."""
        if self._team is None:
            if self.backend == "postgresql":
                with self._connect() as conn:
                    mine: list[str] = [str(team) for team in conn.execute(
                        sa.select(sa.func.lendready_my_teams())).scalars()]
                if len(mine) != 1:
                    raise RegisterError(
                        "say which team new cases belong to (settings: register team); this role belongs to "
                        + (", ".join(sorted(mine)) if mine else "no team: ask the DBA to add it to team_members")
                    )
                self._team = mine[0]
            else:
                self._team = DEFAULT_TEAM
        return self._team

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        """A connection (rolled back at the end), with database errors turned into the register's own."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except DBAPIError as exc:
            raise _translate(exc) from exc

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        """One transaction, with database refusals turned into the register's own errors."""
        if not self._checked:
            self._check_revision()
        try:
            with self.engine.begin() as conn:
                yield conn
        except DBAPIError as exc:
            raise _translate(exc) from exc

    def _check_revision(self) -> None:
        from lendready.register.migrate import HEAD, KNOWN, current_revision

        with self._connect() as conn:
            found = current_revision(conn)
        if found is not None and found not in KNOWN:
            raise NotUpgraded(
                f"the register is at schema {found}, newer than this lendready knows ({HEAD}): update lendready"
            )
        if found != HEAD:
            raise NotUpgraded(
                f"the register is at schema {found or 'none'}, this lendready needs {HEAD}: "
                "run `lendready register upgrade` (on a team's server, as its DBA)"
            )
        self._checked = True

    def _audit(self, conn: Connection, action: str, case_id: str | None, **detail: Any) -> None:
        conn.execute(t.audit_log.insert().values(
            actor=self.user, at=_now(), action=action, case_id=case_id,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
        ))

    # -- cases and versions ---------------------------------------------------------------------

    def _ensure_team(self, conn: Connection, team: str) -> None:
        found = conn.execute(sa.select(t.teams.c.id).where(t.teams.c.id == team)).first()
        if found is None:
            conn.execute(t.teams.insert().values(id=team, name=team))

    def _insert_case(
        self, case: Case, document: str, *, team: str | None, reason: str, action: str,
        assigned_officer: str | None, status: str,
    ) -> CaseSummary:
        if status not in STATUSES:
            raise RegisterError(f"status must be one of {', '.join(STATUSES)}")
        if status in DECISION_STATUS.values():
            raise DecisionRequired(f"a new case cannot start as {status}: that status follows a recorded decision")
        team = team or self.team
        now = _now()
        organisation = _organisation(case.answers)
        with self._tx() as conn:
            exists = conn.execute(sa.select(t.cases.c.id).where(t.cases.c.id == case.case_id)).first()
            if exists is not None:
                raise CaseExists(f"case {case.case_id} is already in the register; open it there instead")
            self._ensure_team(conn, team)
            conn.execute(t.cases.insert().values(
                id=case.case_id, team=team, organisation=organisation, organisation_key=organisation.casefold(),
                legal_form=_legal_form(case.answers), status=status, assigned_officer=assigned_officer,
                created_at=now, updated_at=now, current_version=1,
            ))
            conn.execute(t.case_versions.insert().values(
                case_id=case.case_id, version=1, document=document, sha256=_sha256(document), author=self.user,
                created_at=now, reason=reason, parent_version=None,
            ))
            self._audit(conn, action, case.case_id, version=1, sha256=_sha256(document), team=team)
        return self.summary(case.case_id)

    def add_case(
        self, case: Case, *, team: str | None = None, reason: str = "created",
        assigned_officer: str | None = None, status: str = "received",
    ) -> CaseSummary:
        """Register a case as version 1, its document exactly as ``File → Save`` would write it."""
        from lendready.domain.files.case_file import encoded

        document = encoded(case, self.questionnaire).decode("utf-8")
        return self._insert_case(
            case, document, team=team, reason=reason, action="case.create",
            assigned_officer=assigned_officer, status=status,
        )

    def import_file(
        self, path: str | os.PathLike[str], *, team: str | None = None, reason: str = "",
        assigned_officer: str | None = None,
    ) -> CaseSummary:
        """Register a ``.lendready`` file as version 1, keeping its exact bytes (so export gives them back).

        The file is checked as the app checks any case file it opens (CaseFileError if refused).
        """
        from lendready.domain.files.case_file import parse_case, read_case_bytes

        raw = read_case_bytes(path)
        case = parse_case(raw, self.questionnaire)
        document = raw.decode("utf-8")  # not -sig: a byte-order mark is kept, to give the same bytes back
        return self._insert_case(
            case, document, team=team, reason=reason or f"imported from {Path(path).name}", action="case.import",
            assigned_officer=assigned_officer, status="received",
        )

    def save_version(self, case: Case, expected_version: int, *, reason: str = "") -> int:
        """Save ``case`` as the next version if the register is still at ``expected_version``.

        Otherwise nothing is written and :class:`VersionConflict` says what the other
        save changed, answer by answer; merge and save again with its ``current``.
        The case's ``modified`` stamp is set, as saving a file does. A case that was approved,
        declined or at committee goes back to ``assessing``: the decision was on the version
        before, and the audit log says so. Returns the new version.
        """
        from lendready.domain.files.case_file import encoded, now_utc

        previous_modified = case.modified
        case.modified = now_utc()
        try:
            document = encoded(case, self.questionnaire).decode("utf-8")
        except BaseException:
            case.modified = previous_modified
            raise
        organisation = _organisation(case.answers)
        new_version = expected_version + 1
        now = _now()
        c = t.cases.c
        try:
            with self._tx() as conn:
                # First the optimistic lock: the case must still be at the version this copy was based
                # on. The row is held (PostgreSQL: FOR UPDATE; SQLite: BEGIN IMMEDIATE holds the whole
                # database) until commit, so a second save waits and then finds it moved.
                held = conn.execute(
                    sa.select(c.current_version, c.status).where(c.id == case.case_id).with_for_update()
                ).first()
                if held is None or held.current_version != expected_version:
                    raise self._conflict(conn, case, expected_version)
                # A decision was on the version it saw: a changed case goes back to being assessed
                # (the database refuses to move a decided case on to an undecided version, 0004).
                reopened = held.status in DECISION_STATUS.values()
                conn.execute(
                    t.cases.update()
                    .where(c.id == case.case_id, c.current_version == expected_version)
                    .values(
                        updated_at=now, organisation=organisation, organisation_key=organisation.casefold(),
                        legal_form=_legal_form(case.answers), **({"status": REOPENED_STATUS} if reopened else {}),
                    )
                )
                # Inserting the version moves the case on to it, in the database itself (migration 0004).
                conn.execute(t.case_versions.insert().values(
                    case_id=case.case_id, version=new_version, document=document, sha256=_sha256(document),
                    author=self.user, created_at=now, reason=reason, parent_version=expected_version,
                ))
                self._audit(conn, "case.save", case.case_id, version=new_version, parent=expected_version,
                            sha256=_sha256(document))
                if reopened:
                    self._audit(conn, "case.status", case.case_id, status=REOPENED_STATUS, was=held.status,
                                version=new_version,
                                why=f"version {new_version} saved after the decision on version {expected_version}")
        except BaseException:
            case.modified = previous_modified
            raise
        return new_version

    def _conflict(self, conn: Connection, mine: Case, expected: int) -> RegisterError:
        current = conn.execute(
            sa.select(t.cases.c.current_version).where(t.cases.c.id == mine.case_id)
        ).scalar_one_or_none()
        if current is None:
            return CaseNotFound(f"no case {mine.case_id} in the register")
        if expected > current or expected < 1:
            return RegisterError(f"case {mine.case_id} has no version {expected} (it is at {current})")
        base = self._parse(self._document(conn, mine.case_id, expected))
        theirs_row = self._version_row(conn, mine.case_id, current)
        theirs = self._parse(theirs_row.document)
        return VersionConflict(
            mine.case_id, expected, current, base, theirs, mine, order=self._order(base, theirs, mine),
            author=theirs_row.author,
        )

    def _order(self, *cases: Case) -> list[str]:
        keys = {k for c in cases for k in (*c.answers, *c.notes)}
        return sorted(keys, key=self.questionnaire.position)

    def _parse(self, document: str) -> Case:
        from lendready.domain.files.case_file import parse_case

        return parse_case(document.encode("utf-8"), self.questionnaire)

    def _version_row(self, conn: Connection, case_id: str, version: int | None) -> Any:
        query = sa.select(t.case_versions).where(t.case_versions.c.case_id == case_id)
        if version is None:
            query = query.where(t.case_versions.c.version == sa.select(t.cases.c.current_version).where(
                t.cases.c.id == case_id).scalar_subquery())
        else:
            query = query.where(t.case_versions.c.version == version)
        row = conn.execute(query).first()
        if row is None:
            which = "its current version" if version is None else f"version {version}"
            raise CaseNotFound(f"no case {case_id} with {which} in the register")
        return row

    def _document(self, conn: Connection, case_id: str, version: int | None) -> str:
        return str(self._version_row(conn, case_id, version).document)

    def document(self, case_id: str, version: int | None = None) -> bytes:
        """A version's case file bytes (default: the current version), exactly as registered."""
        with self._tx() as conn:
            return self._document(conn, case_id, version).encode("utf-8")

    def get_case(self, case_id: str, version: int | None = None) -> tuple[Case, int]:
        """A version of a case (default: the current one) and its number, to edit and save back."""
        with self._tx() as conn:
            row = self._version_row(conn, case_id, version)
        return self._parse(row.document), int(row.version)

    def current_documents(self, *, batch: int = 500) -> Iterator[tuple[str, bytes]]:
        """Every case this role may see, as (label, the current version's file bytes), for screening.

        Read a batch of rows at a time in id order, so a register of many thousands of cases is never
        held in memory at once; the label names the case and version ("register:ID v3").
        """
        v, c = t.case_versions.c, t.cases.c
        last = ""
        while True:
            query = (sa.select(c.id, v.version, v.document)
                     .join(t.case_versions, sa.and_(v.case_id == c.id, v.version == c.current_version))
                     .where(c.id > last).order_by(c.id).limit(batch))
            with self._tx() as conn:
                rows = conn.execute(query).all()
            for row in rows:
                yield f"register:{row.id} v{row.version}", str(row.document).encode("utf-8")
            if len(rows) < batch:
                return
            last = rows[-1].id

    def export_file(self, case_id: str, path: str | os.PathLike[str], version: int | None = None) -> Path:
        """Write a version as a ``.lendready`` file (atomically), byte for byte as registered."""
        from lendready.domain.files.case_file import atomic_write

        content = self.document(case_id, version)
        atomic_write(path, content)
        try:
            with self._tx() as conn:
                self._audit(conn, "case.export", case_id, version=version, sha256=hashlib.sha256(content).hexdigest())
        except PermissionRefused:
            pass  # an auditor reads and writes nothing, not even the log; the server's own log can record reads
        return Path(path)

    def history(self, case_id: str) -> list[VersionInfo]:
        """Every version of a case, oldest first."""
        with self._tx() as conn:
            rows = conn.execute(
                sa.select(t.case_versions).where(t.case_versions.c.case_id == case_id)
                .order_by(t.case_versions.c.version)
            ).all()
        if not rows:
            raise CaseNotFound(f"no case {case_id} in the register")
        return [
            VersionInfo(r.case_id, r.version, r.author, r.created_at, r.reason, r.sha256, r.parent_version)
            for r in rows
        ]

    def diff_versions(self, case_id: str, before: int, after: int) -> list[AnswerDiff]:
        """The answers (and notes, as ``note:<question>``) that differ between two versions, in questionnaire order."""
        a, _ = self.get_case(case_id, before)
        b, _ = self.get_case(case_id, after)
        out: list[AnswerDiff] = []
        order = self._order(a, b)
        for kind, old, new in (("", a.answers, b.answers), ("note:", a.notes, b.notes)):
            for change in three_way(old, new, new, order):
                label = self._label(change.answer, b.prepared_by)
                out.append(AnswerDiff(kind + change.answer, ("Note on " if kind else "") + label, change.base,
                                      change.theirs))
        return out

    def _label(self, qid: str, role: str) -> str:
        question = self.questionnaire.questions.get(qid)
        return question.label.for_role(role) if question is not None else qid

    # -- status, assignment, listing -----------------------------------------------------------

    def summary(self, case_id: str) -> CaseSummary:
        with self._tx() as conn:
            row = conn.execute(sa.select(t.cases).where(t.cases.c.id == case_id)).first()
        if row is None:
            raise CaseNotFound(f"no case {case_id} in the register")
        return _summary(row)

    def set_status(self, case_id: str, status: str) -> None:
        """Move a case along the pipeline.

        ``approved``, ``declined`` and ``committee`` follow a decision: the database refuses
        them (:class:`DecisionRequired`) unless the case's current version has that decision,
        which :meth:`record_decision` records and sets the status from.
        """
        if status not in STATUSES:
            raise RegisterError(f"status must be one of {', '.join(STATUSES)}")
        self._update_case(case_id, "case.status", status=status)

    def assign(self, case_id: str, officer: str | None) -> None:
        """Assign the case to an officer (None: unassigned)."""
        self._update_case(case_id, "case.assign", assigned_officer=officer or None)

    def _update_case(self, case_id: str, action: str, **values: Any) -> None:
        with self._tx() as conn:
            done = conn.execute(
                t.cases.update().where(t.cases.c.id == case_id).values(updated_at=_now(), **values)
            )
            if done.rowcount != 1:
                raise CaseNotFound(f"no case {case_id} in the register")
            self._audit(conn, action, case_id, **values)

    def list_cases(
        self,
        *,
        status: str | Sequence[str] | None = None,
        officer: str | None = None,
        band: str | None = None,
        legal_form: str | None = None,
        team: str | None = None,
        search: str | None = None,
        limit: int = PAGE_SIZE,
        cursor: str | None = None,
    ) -> CasePage:
        """A page of cases, most recently changed first, with a cursor for the next page.

        Keyset pagination (``updated_at, id`` below the last row seen) costs the same on the
        thousandth page as on the first, where OFFSET would read every row before it.
        ``search`` finds the text anywhere in the organisation's name, ignoring case.
        """
        limit = max(1, min(int(limit), MAX_PAGE))
        c = t.cases.c
        query = sa.select(t.cases).where(*_case_filters(status=status, officer=officer, band=band,
                                                         legal_form=legal_form, team=team, search=search))
        if cursor:
            when, last_id = _decode_cursor(cursor)
            # A row comparison, which both backends answer from the (updated_at, id) index directly.
            query = query.where(sa.tuple_(c.updated_at, c.id) < sa.tuple_(
                sa.literal(when, t.UTCDateTime()), sa.literal(last_id, c.id.type)))
        query = query.order_by(c.updated_at.desc(), c.id.desc()).limit(limit + 1)
        with self._tx() as conn:
            rows = conn.execute(query).all()
        page = tuple(_summary(r) for r in rows[:limit])
        more = len(rows) > limit
        return CasePage(page, _encode_cursor(page[-1].updated_at, page[-1].id) if more and page else None)

    def status_counts(
        self,
        *,
        officer: str | None = None,
        band: str | None = None,
        legal_form: str | None = None,
        team: str | None = None,
        search: str | None = None,
    ) -> dict[str, int]:
        """How many cases each status holds under the same filters as :meth:`list_cases` (one GROUP BY;
        counting by paging would read every row)."""
        c = t.cases.c
        query = (sa.select(c.status, sa.func.count())
                 .where(*_case_filters(officer=officer, band=band, legal_form=legal_form, team=team, search=search))
                 .group_by(c.status))
        with self._tx() as conn:
            return {str(status): int(n) for status, n in conn.execute(query)}

    def officers(self, limit: int = 500) -> tuple[str, ...]:
        """The officers cases are assigned to, by name."""
        c = t.cases.c
        query = (sa.select(c.assigned_officer).where(c.assigned_officer.is_not(None))
                 .group_by(c.assigned_officer).order_by(c.assigned_officer).limit(limit))
        with self._tx() as conn:
            return tuple(str(name) for (name,) in conn.execute(query))

    # -- assessments and decisions --------------------------------------------------------------

    def record_assessment(self, case_id: str, version: int, analysis: Analysis) -> int:
        """Keep what a version was judged to be (band, areas, findings) under which rules, as at which date."""
        a = analysis.assessment
        areas = [{"id": area.id, "rating": area.rating} for area in a.areas]
        findings = [f.to_dict() for f in a.findings]
        now = _now()
        with self._tx() as conn:
            row = self._version_row(conn, case_id, version)
            assessment_id = _new_id(conn.execute(t.assessments.insert().values(
                case_id=case_id, version_id=row.id, rules_version=a.rules_version, as_of=analysis.as_of,
                band=a.band, areas=json.dumps(areas, ensure_ascii=False),
                findings=json.dumps(findings, ensure_ascii=False), created_by=self.user, created_at=now,
            )))
            current = conn.execute(
                sa.select(t.cases.c.current_version).where(t.cases.c.id == case_id)
            ).scalar_one()
            if current == version:  # the list shows the band of the case as it now is
                conn.execute(t.cases.update().where(t.cases.c.id == case_id).values(band=a.band, updated_at=now))
            self._audit(conn, "assessment.record", case_id, version=version, assessment=assessment_id,
                        band=a.band, rules_version=a.rules_version, as_of=analysis.as_of.isoformat())
        return int(assessment_id)

    def assess(self, case_id: str, version: int | None = None, as_of: dt.date | None = None) -> AssessmentRecord:
        """Assess a registered version with the installed rules and record the result."""
        from lendready.domain.advice import analyse

        case, number = self.get_case(case_id, version)
        analysis = analyse(case, self.knowledge, as_of)
        return self.assessment(self.record_assessment(case_id, number, analysis))

    def assessment(self, assessment_id: int) -> AssessmentRecord:
        with self._tx() as conn:
            rows = self._assessment_rows(conn, t.assessments.c.id == assessment_id)
        if not rows:
            raise CaseNotFound(f"no assessment {assessment_id} in the register")
        return rows[0]

    def assessments(self, case_id: str) -> list[AssessmentRecord]:
        """Every recorded assessment of a case, oldest first."""
        with self._tx() as conn:
            return self._assessment_rows(conn, t.assessments.c.case_id == case_id)

    def _assessment_rows(self, conn: Connection, where: Any) -> list[AssessmentRecord]:
        a, v = t.assessments, t.case_versions
        rows = conn.execute(
            sa.select(a, v.c.version).join(v, v.c.id == a.c.version_id).where(where).order_by(a.c.id)
        ).all()
        return [
            AssessmentRecord(
                r.id, r.case_id, r.version, r.rules_version, r.as_of, r.band, json.loads(r.areas),
                json.loads(r.findings), r.created_by, r.created_at,
            )
            for r in rows
        ]

    def record_decision(self, assessment_id: int, decision: str, conditions: str = "") -> int:
        """Record approve, decline or refer on an assessment; the case's status follows, in the same transaction.

        approve makes the case ``approved``, decline ``declined``, refer ``committee``.
        Four eyes: refused (:class:`FourEyesError`) when this user wrote the assessed
        version. The assessment must be of the case's current version
        (:class:`DecisionRequired` otherwise): a decision on what the case was is not a
        decision on what it is. The database refuses both too, whatever client asks.
        """
        if decision not in DECISIONS:
            raise RegisterError(f"decision must be one of {', '.join(DECISIONS)}")
        now = _now()
        with self._tx() as conn:
            a, v, c = t.assessments, t.case_versions, t.cases
            found = conn.execute(
                sa.select(a.c.case_id, v.c.author, v.c.version, c.c.current_version)
                .join(v, v.c.id == a.c.version_id).join(c, c.c.id == a.c.case_id)
                .where(a.c.id == assessment_id)
            ).first()
            if found is None:
                raise CaseNotFound(f"no assessment {assessment_id} in the register")
            if found.author == self.user:
                raise FourEyesError(
                    f"{self.user} wrote version {found.version} of this case, so someone else must decide on it"
                )
            if found.version != found.current_version:
                raise DecisionRequired(
                    f"this assessment is of version {found.version}, but the case is now at version "
                    f"{found.current_version}: assess the current version, then decide on that"
                )
            decision_id = _new_id(conn.execute(t.decisions.insert().values(
                case_id=found.case_id, assessment_id=assessment_id, decision=decision, conditions=conditions,
                approver=self.user, decided_at=now,
            )))
            conn.execute(t.cases.update().where(t.cases.c.id == found.case_id).values(
                status=DECISION_STATUS[decision], updated_at=now))
            self._audit(conn, "decision.record", found.case_id, decision=decision, assessment=assessment_id,
                        version=found.version)
        return int(decision_id)

    def decisions(self, case_id: str) -> list[DecisionRecord]:
        with self._tx() as conn:
            rows = conn.execute(
                sa.select(t.decisions).where(t.decisions.c.case_id == case_id).order_by(t.decisions.c.id)
            ).all()
        return [
            DecisionRecord(r.id, r.case_id, r.assessment_id, r.decision, r.conditions, r.approver, r.decided_at)
            for r in rows
        ]

    def audit_entries(self, case_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        """The newest audit entries (of one case, or all this user may see), newest first."""
        query = sa.select(t.audit_log).order_by(t.audit_log.c.id.desc()).limit(max(1, min(limit, 10_000)))
        if case_id is not None:
            query = query.where(t.audit_log.c.case_id == case_id)
        with self._tx() as conn:
            rows = conn.execute(query).all()
        return [AuditEntry(r.id, r.actor, r.at, r.action, r.case_id, json.loads(r.detail)) for r in rows]


def _new_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every register table has a generated key
        raise RegisterError("the database did not return the new row's id")
    return int(key[0])


def _summary(row: Any) -> CaseSummary:
    return CaseSummary(
        row.id, row.team, row.organisation, row.legal_form, row.status, row.assigned_officer, row.band,
        row.created_at, row.updated_at, row.current_version,
    )


def first_line(exc: BaseException) -> str:
    """An error's first line, for a message: the driver's own words under SQLAlchemy's wrapper, else its
    type's name when it says nothing."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _translate(exc: DBAPIError) -> Exception:
    """A database refusal as the register's own error, with the database's reason."""
    orig = exc.orig
    message = first_line(exc)
    sqlstate = getattr(orig, "sqlstate", None)
    # Migration 0003's rules: PostgreSQL says so by SQLSTATE, SQLite only in words.
    if sqlstate == STATUS_NEEDS_DECISION or "only by recording" in message:
        return DecisionRequired(message)
    if (sqlstate == VERSION_OUT_OF_ORDER or "a case's current version" in message
            or "a new case starts at version 1" in message or "numbered one after" in message):
        return VersionOrderError(message)
    if "four eyes" in message:
        return FourEyesError(message)
    if sqlstate == "42501" or "row-level security" in message or "permission denied" in message:
        return PermissionRefused(message)
    if isinstance(exc, IntegrityError) and "case_versions" in message and "version" in message:
        return RegisterError(f"another save of this case happened at the same moment; reopen it ({message})")
    if "append-only" in message:
        return PermissionRefused(message)
    return RegisterError(message)


def settings_url(settings: Settings) -> URL:
    """The register URL the settings name (never with a password: libpq finds it)."""
    if settings.register_backend == "postgresql":
        return postgresql_url(
            host=settings.register_host, port=settings.register_port or None,
            database=settings.register_database, user=settings.register_user, sslmode=settings.register_sslmode,
        )
    path = Path(settings.register_sqlite_path) if settings.register_sqlite_path else default_sqlite_path()
    return sqlite_url(path)


__all__ = [
    "ABSENT", "AnswerChange", "AnswerDiff", "AssessmentRecord", "AuditEntry", "CaseExists", "CaseNotFound",
    "CasePage", "CaseSummary", "DecisionRecord", "DecisionRequired", "FourEyesError", "NotUpgraded",
    "PermissionRefused", "Register", "RegisterError", "VersionConflict", "VersionInfo", "VersionOrderError",
    "make_engine", "merge", "postgresql_url", "settings_url", "sqlite_url",
]
