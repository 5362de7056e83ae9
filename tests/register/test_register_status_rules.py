"""A case's status follows its decisions and its current version only moves on by one: the database says so.

Migration 0003's rules, proven on both backends by trying each forbidden
statement as the application would be bypassed: plain SQL on ``cases``, as an
officer (on PostgreSQL a LOGIN member of ``lendready_app`` in the throwaway
cluster; on SQLite the one file), and then the legitimate path through
:class:`Register` to show it still works.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pg_cluster
import pytest
import sqlalchemy as sa
from conftest import SAMPLES
from sqlalchemy.exc import DBAPIError

from lendready.register import schema as t
from lendready.register.repository import (
    DecisionRequired,
    PermissionRefused,
    Register,
    VersionOrderError,
    make_engine,
    sqlite_url,
)

AS_OF = dt.date(2026, 12, 1)
STATUS_NEEDS_DECISION = "LR001"
VERSION_OUT_OF_ORDER = "LR002"
DECIDED = {"approved": "approve", "declined": "decline", "committee": "refer"}
FREE = ("received", "assessing", "awaiting_approval", "withdrawn")


@dataclass
class Backend:
    name: str
    open_as: Callable[[str], Register]
    engine: Callable[[str], sa.Engine]
    """Plain SQL as this user: on PostgreSQL the user's own login; on SQLite, the one file."""
    disposables: list[sa.Engine] = field(default_factory=list)

    def refused(self, user: str, *statements: sa.Executable, sqlstate: str) -> str:
        """Run ``statements`` in one transaction that must fail; the database's message."""
        with pytest.raises(DBAPIError) as refused:
            with self.engine(user).begin() as conn:
                for statement in statements:
                    conn.execute(statement)
        if self.name == "postgresql":
            assert refused.value.orig.sqlstate == sqlstate, refused.value
        return str(refused.value.orig)

    def run(self, user: str, *statements: sa.Executable) -> None:
        with self.engine(user).begin() as conn:
            for statement in statements:
                conn.execute(statement)

    def case(self, case_id: str) -> sa.Row:
        with self.engine("alice").begin() as conn:
            return conn.execute(sa.select(t.cases).where(t.cases.c.id == case_id)).one()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path, knowledge) -> Iterator[Backend]:
    opened: list[Register] = []
    engines: dict[str, sa.Engine] = {}
    if request.param == "sqlite":
        url = sqlite_url(tmp_path / "register.sqlite3")
        Register.open(url, knowledge=knowledge, upgrade=True).close()

        def open_as(user: str) -> Register:
            register = Register(make_engine(url), user=user, team="team_a", knowledge=knowledge)
            opened.append(register)
            return register

        def engine(user: str) -> sa.Engine:
            if user not in engines:
                engines[user] = make_engine(url)
            return engines[user]
    else:
        cluster = pg_cluster.cluster(request.config)
        database = pg_cluster.prepare_database(cluster)

        def open_as(user: str) -> Register:
            register = Register.open(cluster.url(user=user, database=database), knowledge=knowledge)
            opened.append(register)
            return register

        def engine(user: str) -> sa.Engine:
            if user not in engines:
                engines[user] = sa.create_engine(cluster.url(user=user, database=database))
            return engines[user]

    yield Backend(request.param, open_as, engine)
    for register in opened:
        register.close()
    for e in engines.values():
        e.dispose()


def _assessed_case(backend: Backend) -> tuple[Register, Register, str, int]:
    """Alice's case at version 1, assessed by her; bob may decide on it (four eyes)."""
    alice, bob = backend.open_as("alice"), backend.open_as("bob")
    case_id = alice.import_file(SAMPLES / "riverside.lendready").id
    return alice, bob, case_id, alice.assess(case_id, as_of=AS_OF).id


def _set_status(case_id: str, status: str) -> sa.Executable:
    return t.cases.update().where(t.cases.c.id == case_id).values(status=status)


def _set_version(case_id: str, version: int | sa.ColumnElement[int]) -> sa.Executable:
    return t.cases.update().where(t.cases.c.id == case_id).values(current_version=version)


def _decision(case_id: str, assessment_id: int, decision: str, approver: str) -> sa.Executable:
    return t.decisions.insert().values(
        case_id=case_id, assessment_id=assessment_id, decision=decision, conditions="", approver=approver,
        decided_at=dt.datetime.now(dt.timezone.utc),
    )


# -- status: approved, declined and committee only with their decision ----------------------------


@pytest.mark.parametrize("status", sorted(DECIDED))
def test_register_a_decided_status_by_plain_update_is_refused(backend, status):
    alice, _bob, case_id, _assessment = _assessed_case(backend)
    # Neither the author nor a second officer gets round the decision, nor (PostgreSQL) the superuser.
    for user in ("alice", "bob", *(("postgres",) if backend.name == "postgresql" else ())):
        message = backend.refused(user, _set_status(case_id, status), sqlstate=STATUS_NEEDS_DECISION)
        assert "only by recording" in message and "four eyes" in message
    with pytest.raises(DecisionRequired, match="only by recording"):
        alice.set_status(case_id, status)
    assert isinstance(DecisionRequired("x"), PermissionRefused)  # shown as the refusal it is
    assert backend.case(case_id).status == "received"


@pytest.mark.parametrize("status", FREE)
def test_register_other_statuses_move_freely(backend, status):
    alice, _bob, case_id, _assessment = _assessed_case(backend)
    backend.run("alice", _set_status(case_id, "assessing"), _set_status(case_id, status))
    assert backend.case(case_id).status == status
    alice.set_status(case_id, "awaiting_approval")
    assert alice.summary(case_id).status == "awaiting_approval"


def test_register_one_decision_does_not_stand_for_another(backend):
    alice, bob, case_id, assessment = _assessed_case(backend)
    bob.record_decision(assessment, "refer", "to committee")
    assert alice.summary(case_id).status == "committee"
    for status in ("approved", "declined"):
        backend.refused("bob", _set_status(case_id, status), sqlstate=STATUS_NEEDS_DECISION)
    # Back out of committee and in again: the referral on the current version is there.
    alice.set_status(case_id, "assessing")
    alice.set_status(case_id, "committee")
    assert alice.summary(case_id).status == "committee"


def test_register_a_decision_on_an_earlier_version_does_not_approve_the_case_as_it_now_is(backend):
    alice, bob, case_id, first = _assessed_case(backend)
    bob.record_decision(first, "approve")
    assert alice.summary(case_id).status == "approved"
    case, version = alice.get_case(case_id)
    case.answers["gov.board_size"] = 12
    alice.save_version(case, version, reason="changed after approval")
    # The approval was of version 1: saving version 2 sets the case back to being assessed, and says why.
    assert alice.summary(case_id).status == "assessing"
    reopened = alice.audit_entries(case_id, limit=1)[0]
    assert reopened.action == "case.status" and reopened.detail["was"] == "approved"
    assert "version 2 saved after the decision on version 1" in reopened.detail["why"]

    # The approval was of version 1; the case is at version 2.
    backend.refused("bob", _set_status(case_id, "approved"), sqlstate=STATUS_NEEDS_DECISION)
    with pytest.raises(DecisionRequired, match="version 1, but the case is now at version 2"):
        bob.record_decision(first, "approve")
    # A client adding the old-version decision itself is refused the status all the same.
    backend.refused("bob", _decision(case_id, first, "approve", "bob"), _set_status(case_id, "approved"),
                    sqlstate=STATUS_NEEDS_DECISION)
    assert [d.decision for d in alice.decisions(case_id)] == ["approve"]
    assert alice.summary(case_id).status == "assessing"

    # Assess the current version, decide on it: approved again.
    second = alice.assess(case_id, as_of=AS_OF)
    assert second.version == 2
    bob.record_decision(second.id, "approve")
    assert alice.summary(case_id).status == "approved"


@pytest.mark.parametrize("decision", sorted(DECIDED.values()))
def test_register_record_decision_sets_the_status_in_one_transaction(backend, decision):
    alice, bob, case_id, assessment = _assessed_case(backend)
    decision_id = bob.record_decision(assessment, decision, "conditions")
    status = {v: k for k, v in DECIDED.items()}[decision]
    assert alice.summary(case_id).status == status
    [recorded] = alice.decisions(case_id)
    assert recorded.id == decision_id and recorded.decision == decision and recorded.approver == "bob"
    assert alice.audit_entries(case_id, limit=1)[0].action == "decision.record"


def test_register_a_refused_decision_leaves_no_status_and_no_decision(backend):
    from lendready.register.repository import FourEyesError

    alice, _bob, case_id, assessment = _assessed_case(backend)
    with pytest.raises(FourEyesError):
        alice.record_decision(assessment, "approve")
    assert alice.summary(case_id).status == "received" and alice.decisions(case_id) == []


def test_register_a_client_that_records_the_decision_itself_may_set_the_status(backend):
    """The rule is the database's, not lendready's: any client that records the decision first is let through."""
    alice, _bob, case_id, assessment = _assessed_case(backend)
    backend.run("bob", _decision(case_id, assessment, "decline", "bob"), _set_status(case_id, "declined"))
    assert alice.summary(case_id).status == "declined"


# -- current_version: stays, or moves on by one to a saved version -------------------------------


def test_register_current_version_cannot_skip_go_down_or_point_at_nothing(backend):
    alice, _bob, case_id, _assessment = _assessed_case(backend)
    case, version = alice.get_case(case_id)
    case.answers["gov.board_size"] = 12
    assert alice.save_version(case, version) == 2

    message = backend.refused("alice", _set_version(case_id, 1), sqlstate=VERSION_OUT_OF_ORDER)
    assert "moves on by one" in message  # down
    backend.refused("alice", _set_version(case_id, 4), sqlstate=VERSION_OUT_OF_ORDER)  # skips
    message = backend.refused("alice", _set_version(case_id, 3), sqlstate=VERSION_OUT_OF_ORDER)
    assert "saved for it" in message  # the next, but never saved
    assert backend.case(case_id).current_version == 2
    # Staying where it is is allowed.
    backend.run("alice", _set_version(case_id, t.cases.c.current_version))


def _version(case_id: str, n: int, document: str = "{}") -> sa.Executable:
    return t.case_versions.insert().values(
        case_id=case_id, version=n, document=document, sha256="0" * 64, author="alice",
        created_at=dt.datetime.now(dt.timezone.utc), reason="", parent_version=n - 1)


def test_register_a_version_is_numbered_in_turn_and_moves_its_case_on(backend):
    """0004: no stray version ahead of its case (it would block every later save), none out of turn."""
    alice, _bob, case_id, _assessment = _assessed_case(backend)
    for n in (1, 3, 7):  # again, skipping one, far ahead
        message = backend.refused("alice", _version(case_id, n), sqlstate=VERSION_OUT_OF_ORDER)
        assert "numbered one after its current version" in message
    assert backend.case(case_id).current_version == 1
    # In turn, by plain SQL: the case moves on in the same statement, twice in one transaction.
    first = alice.document(case_id, 1).decode("utf-8")
    backend.run("alice", _version(case_id, 2, first), _version(case_id, 3, first))
    assert backend.case(case_id).current_version == 3
    # ...so a save through lendready still finds the case where the versions end.
    case, version = alice.get_case(case_id)
    assert version == 3
    case.answers["gov.board_size"] = 12
    assert alice.save_version(case, version) == 4
    assert [v.version for v in alice.history(case_id)] == [1, 2, 3, 4]
    with pytest.raises(VersionOrderError, match="numbered one after"):
        with alice._tx() as conn:
            conn.execute(_version(case_id, 6))


def test_register_a_decided_case_cannot_move_on_to_a_version_nobody_decided(backend):
    """A client that bypasses lendready is refused the save of an approved case, until it reopens the case."""
    alice, bob, case_id, assessment = _assessed_case(backend)
    bob.record_decision(assessment, "approve")
    message = backend.refused("alice", _version(case_id, 2), sqlstate=STATUS_NEEDS_DECISION)
    assert "only by recording an approval decision on its current version" in message
    assert backend.case(case_id).current_version == 1 and backend.case(case_id).status == "approved"
    backend.run("alice", _set_status(case_id, "assessing"), _version(case_id, 2))
    assert (backend.case(case_id).current_version, backend.case(case_id).status) == (2, "assessing")
    assert [d.decision for d in alice.decisions(case_id)] == ["approve"]  # the decision on version 1 stands


@pytest.mark.parametrize("status", sorted(DECIDED))
def test_register_no_case_starts_decided(backend, status):
    now = dt.datetime.now(dt.timezone.utc)
    if backend.name == "sqlite":
        backend.run("alice", t.teams.insert().values(id="team_a", name="Team A"))
    message = backend.refused("alice", t.cases.insert().values(
        id="planted", team="team_a", organisation="x", organisation_key="x", status=status,
        created_at=now, updated_at=now, current_version=1,
    ), sqlstate=STATUS_NEEDS_DECISION)
    assert "cannot start approved, declined or at committee" in message


def test_register_the_repository_names_a_version_out_of_order(backend):
    alice, _bob, case_id, _assessment = _assessed_case(backend)
    with pytest.raises(VersionOrderError, match="moves on by one"):
        with alice._tx() as conn:
            conn.execute(_set_version(case_id, 5))


def test_register_a_new_case_starts_at_version_one(backend):
    now = dt.datetime.now(dt.timezone.utc)
    if backend.name == "sqlite":
        backend.run("alice", t.teams.insert().values(id="team_a", name="Team A"))
    message = backend.refused("alice", t.cases.insert().values(
        id="planted", team="team_a", organisation="x", organisation_key="x", status="received",
        created_at=now, updated_at=now, current_version=3,
    ), sqlstate=VERSION_OUT_OF_ORDER)
    assert "starts at version 1" in message


def test_register_saves_still_move_the_version_on_and_refuse_a_stale_copy(backend):
    from lendready.register.repository import VersionConflict

    alice, bob, case_id, _assessment = _assessed_case(backend)
    mine, version = alice.get_case(case_id)
    theirs, _ = bob.get_case(case_id)
    theirs.answers["gov.board_size"] = 9
    assert bob.save_version(theirs, version) == 2
    mine.answers["gov.board_size"] = 12
    with pytest.raises(VersionConflict):
        alice.save_version(mine, version)
    assert alice.summary(case_id).current_version == 2 and [v.version for v in alice.history(case_id)] == [1, 2]
    assert alice.save_version(mine, 2) == 3


def test_register_add_case_cannot_start_decided(backend):
    from lendready.domain.files.case_file import load_case

    alice = backend.open_as("alice")
    case = load_case(SAMPLES / "vale.lendready", alice.questionnaire)
    with pytest.raises(DecisionRequired):
        alice.add_case(case, status="approved")
    assert alice.list_cases().cases == ()


# -- upgrading a register in the field ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_register_upgrade_from_0002_keeps_cases_as_they_are(request, tmp_path, kind):
    """0003 only adds rules: a register with a status set by hand before it still upgrades and lists."""
    from lendready.register.migrate import HEAD, current_revision, upgrade

    if kind == "sqlite":
        engine = make_engine(sqlite_url(tmp_path / "old.sqlite3"))
    else:
        cluster = pg_cluster.cluster(request.config)
        engine = sa.create_engine(cluster.url(database=cluster.new_database()))
    try:
        upgrade(engine, "0002")
        now = dt.datetime.now(dt.timezone.utc)
        with engine.begin() as conn:
            conn.execute(t.teams.insert().values(id="team_a", name="Team A"))
            conn.execute(t.cases.insert().values(
                id="old", team="team_a", organisation="Old", organisation_key="old", status="received",
                created_at=now, updated_at=now, current_version=1))
            conn.execute(t.case_versions.insert().values(
                case_id="old", version=1, document="{}", sha256="0" * 64, author="alice", created_at=now,
                reason="", parent_version=None))
            conn.execute(_set_status("old", "approved"))  # allowed before 0003
        upgrade(engine)
        with engine.begin() as conn:
            assert current_revision(conn) == HEAD == "0004"
            assert conn.execute(sa.select(t.cases.c.status)).scalar_one() == "approved"
            conn.execute(_set_status("old", "withdrawn"))
        with pytest.raises(DBAPIError, match="only by recording"):
            with engine.begin() as conn:
                conn.execute(_set_status("old", "approved"))
    finally:
        engine.dispose()
