"""What the database itself refuses, proven by trying each forbidden statement.

A desktop client can be bypassed, so these tests skip lendready's Register and
talk SQL straight to the database as each role would: an officer (a LOGIN
member of ``lendready_app``), an auditor (``lendready_auditor``), an officer of
another team and one in no team. Every grant that is missing, every trigger
and every row-level security policy is shown by a statement that fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pg_cluster
import pytest
import sqlalchemy as sa
from conftest import SAMPLES
from sqlalchemy.exc import DBAPIError

from lendready.register import schema as t
from lendready.register.repository import FourEyesError, Register, make_engine, sqlite_url

AS_OF = dt.date(2026, 12, 1)
INSUFFICIENT_PRIVILEGE = "42501"


@pytest.fixture(scope="module")
def pg(request, knowledge) -> Iterator[dict]:
    """One database for the module: team A's case with a version, an assessment and a decision."""
    cluster = pg_cluster.cluster(request.config)
    database = pg_cluster.prepare_database(cluster)
    engines: dict[str, sa.Engine] = {}

    def engine(user: str) -> sa.Engine:
        if user not in engines:
            engines[user] = sa.create_engine(cluster.url(user=user, database=database))
        return engines[user]

    alice = Register.open(cluster.url(user="alice", database=database), knowledge=knowledge)
    bob = Register.open(cluster.url(user="bob", database=database), knowledge=knowledge)
    carol = Register.open(cluster.url(user="carol", database=database), knowledge=knowledge)
    case_a = alice.import_file(SAMPLES / "riverside.lendready").id
    assessment = alice.assess(case_a, as_of=AS_OF)
    bob.record_decision(assessment.id, "refer", "to committee")
    case_b = carol.import_file(SAMPLES / "vale.lendready").id
    yield {"engine": engine, "case_a": case_a, "case_b": case_b, "assessment": assessment.id}
    for register in (alice, bob, carol):
        register.close()
    for e in engines.values():
        e.dispose()


def _refused(engine: sa.Engine, statement, sqlstate: str | None = None) -> str:
    """Run ``statement`` in a transaction that must fail; the database's message."""
    with pytest.raises(DBAPIError) as refused:
        with engine.begin() as conn:
            conn.execute(statement)
    if sqlstate is not None:
        assert refused.value.orig.sqlstate == sqlstate, refused.value
    return str(refused.value.orig)


def _rows(engine: sa.Engine, statement) -> list:
    with engine.begin() as conn:
        return list(conn.execute(statement))


APPEND_ONLY = [t.case_versions, t.assessments, t.decisions, t.audit_log]


# -- grants ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", APPEND_ONLY, ids=lambda table: table.name)
def test_register_app_role_cannot_update_or_delete_the_trail(pg, table):
    alice = pg["engine"]("alice")
    assert _rows(alice, sa.select(sa.func.count()).select_from(table))[0][0] >= 1  # it can read them
    column = next(c for c in table.c if c.name in ("reason", "band", "conditions", "detail"))
    message = _refused(alice, table.update().values({column.name: "rewritten"}), INSUFFICIENT_PRIVILEGE)
    assert "permission denied" in message
    _refused(alice, table.delete(), INSUFFICIENT_PRIVILEGE)
    _refused(alice, sa.text("TRUNCATE " + table.name), INSUFFICIENT_PRIVILEGE)  # a name from the schema


def test_register_app_role_cannot_delete_cases_nor_join_a_team(pg):
    alice = pg["engine"]("alice")
    _refused(alice, t.cases.delete().where(t.cases.c.id == pg["case_a"]), INSUFFICIENT_PRIVILEGE)
    _refused(alice, t.team_members.insert().values(role_name="alice", team="team_b"), INSUFFICIENT_PRIVILEGE)
    _refused(alice, t.team_members.delete(), INSUFFICIENT_PRIVILEGE)
    _refused(alice, sa.text("CREATE TABLE sneaky (x int)"), INSUFFICIENT_PRIVILEGE)


@pytest.mark.parametrize("table", [t.teams, t.team_members, t.cases, *APPEND_ONLY], ids=lambda table: table.name)
def test_register_auditor_reads_everything_and_writes_nothing(pg, table):
    audrey = pg["engine"]("audrey")
    assert _rows(audrey, sa.select(sa.func.count()).select_from(table))[0][0] >= 1
    column = next(c for c in table.c if not c.primary_key) if table is not t.team_members else t.team_members.c.team
    _refused(audrey, table.update().values({column.name: column.name}), INSUFFICIENT_PRIVILEGE)
    _refused(audrey, table.delete(), INSUFFICIENT_PRIVILEGE)


def test_register_auditor_cannot_insert(pg):
    audrey = pg["engine"]("audrey")
    _refused(audrey, t.audit_log.insert().values(actor="audrey", at=dt.datetime.now(dt.timezone.utc),
                                                 action="x", detail="{}"), INSUFFICIENT_PRIVILEGE)
    _refused(audrey, t.teams.insert().values(id="team_c", name="C"), INSUFFICIENT_PRIVILEGE)


def test_register_auditor_sees_every_team(pg):
    audrey = pg["engine"]("audrey")
    teams = {r.team for r in _rows(audrey, sa.select(t.cases.c.team))}
    assert teams == {"team_a", "team_b"}


# -- append-only for everyone, even the owner -----------------------------------------------------


@pytest.mark.parametrize("table", APPEND_ONLY, ids=lambda table: table.name)
def test_register_not_even_the_superuser_rewrites_the_trail(pg, table):
    postgres = pg["engine"]("postgres")
    column = next(c for c in table.c if c.name in ("reason", "band", "conditions", "detail"))
    assert "append-only" in _refused(postgres, table.update().values({column.name: "rewritten"}))
    assert "append-only" in _refused(postgres, table.delete())
    assert "append-only" in _refused(postgres, sa.text("TRUNCATE " + table.name + " CASCADE"))


# -- four eyes ------------------------------------------------------------------------------------


def _decision(assessment: int, case_id: str, approver: str):
    return t.decisions.insert().values(
        case_id=case_id, assessment_id=assessment, decision="approve", conditions="",
        approver=approver, decided_at=dt.datetime.now(dt.timezone.utc),
    )


def test_register_four_eyes_is_enforced_by_the_database(pg):
    alice = pg["engine"]("alice")
    message = _refused(alice, _decision(pg["assessment"], pg["case_a"], "alice"))
    assert "four eyes" in message
    # Claiming to be someone else does not help: the database records who logged in.
    assert "four eyes" in _refused(alice, _decision(pg["assessment"], pg["case_a"], "bob"))


def test_register_the_author_is_who_logged_in(pg):
    bob = pg["engine"]("bob")
    with bob.begin() as conn:
        conn.execute(t.audit_log.insert().values(actor="someone-else", at=dt.datetime.now(dt.timezone.utc),
                                                 action="probe", detail="{}"))
        actor = conn.execute(sa.select(t.audit_log.c.actor).where(t.audit_log.c.action == "probe")).scalar_one()
    assert actor == "bob"


def test_register_a_decision_must_name_its_own_case(pg):
    bob = pg["engine"]("bob")
    # Case B is not bob's team's, so it is not even visible; on a visible case the trigger refuses.
    _refused(bob, _decision(pg["assessment"], pg["case_b"], "bob"))


# -- row-level security ----------------------------------------------------------------------------


def test_register_a_team_sees_none_of_another_teams_cases(pg):
    carol = pg["engine"]("carol")
    assert {r.id for r in _rows(carol, sa.select(t.cases.c.id))} == {pg["case_b"]}
    for table in APPEND_ONLY[:3]:
        visible = {r.case_id for r in _rows(carol, sa.select(table.c.case_id))}
        assert pg["case_a"] not in visible, table.name
    details = [r.case_id for r in _rows(carol, sa.select(t.audit_log.c.case_id))]
    assert pg["case_a"] not in details


def test_register_a_team_cannot_write_into_another_teams_cases(pg):
    carol = pg["engine"]("carol")
    with carol.begin() as conn:
        done = conn.execute(t.cases.update().where(t.cases.c.id == pg["case_a"]).values(status="withdrawn"))
        assert done.rowcount == 0
    # Version 1: the one a case carol cannot see would take (0004's numbering sees none of its versions),
    # so it is row-level security, not the numbering, that refuses it.
    _refused(carol, t.case_versions.insert().values(
        case_id=pg["case_a"], version=1, document="{}", sha256="0" * 64, author="carol",
        created_at=dt.datetime.now(dt.timezone.utc), reason="", parent_version=None,
    ), INSUFFICIENT_PRIVILEGE)
    now = dt.datetime.now(dt.timezone.utc)
    message = _refused(carol, t.cases.insert().values(
        id="planted", team="team_a", organisation="x", organisation_key="x", status="received",
        created_at=now, updated_at=now, current_version=1,
    ), INSUFFICIENT_PRIVILEGE)
    assert "row-level security" in message
    alice = pg["engine"]("alice")
    assert _rows(alice, sa.select(t.cases.c.status).where(t.cases.c.id == pg["case_a"]))[0].status != "withdrawn"


def test_register_a_role_in_no_team_sees_nothing(pg):
    tom = pg["engine"]("tom")
    assert _rows(tom, sa.select(t.cases.c.id)) == []
    assert _rows(tom, sa.select(t.case_versions.c.id)) == []


def test_register_the_repository_says_which_team_is_missing(pg, knowledge):
    from lendready.register.repository import RegisterError

    url = pg["engine"]("tom").url
    with Register.open(url, knowledge=knowledge) as tom, pytest.raises(RegisterError, match="no team"):
        tom.import_file(SAMPLES / "vale.lendready")


def test_register_an_auditor_through_the_register_reads_all_and_changes_nothing(pg, knowledge, tmp_path):
    from lendready.register.repository import PermissionRefused

    url = pg["engine"]("audrey").url
    with Register.open(url, knowledge=knowledge, team="team_a") as audrey:
        assert {c.team for c in audrey.list_cases().cases} == {"team_a", "team_b"}
        assert len(audrey.history(pg["case_a"])) == 1 and audrey.decisions(pg["case_a"])
        with pytest.raises(PermissionRefused):
            audrey.set_status(pg["case_a"], "withdrawn")
        with pytest.raises(PermissionRefused):
            audrey.import_file(SAMPLES / "hilltop.lendready")
        out = audrey.export_file(pg["case_a"], tmp_path / "audited.lendready")
        assert out.read_bytes() == (SAMPLES / "riverside.lendready").read_bytes()


def test_register_an_unreachable_server_is_a_register_error(tmp_path, knowledge):
    from lendready.register.repository import RegisterError, postgresql_url

    url = postgresql_url(host=str(tmp_path), database="none", user="nobody_here")  # no server in this folder
    with Register.open(url, knowledge=knowledge) as register, pytest.raises(RegisterError):
        register.list_cases()


def test_register_refuses_a_database_not_yet_upgraded(tmp_path, knowledge):
    from lendready.register.repository import NotUpgraded

    with Register.open(sqlite_url(tmp_path / "old.sqlite3"), knowledge=knowledge) as register:
        with pytest.raises(NotUpgraded, match="lendready register upgrade"):
            register.list_cases()


# -- SQLite: the same triggers ---------------------------------------------------------------------


@pytest.fixture
def sqlite_register(tmp_path, knowledge) -> Iterator[tuple[Register, dict]]:
    url = sqlite_url(tmp_path / "register.sqlite3")
    alice = Register.open(url, user="alice", team="team_a", knowledge=knowledge, upgrade=True)
    bob = Register(make_engine(url), user="bob", team="team_a", knowledge=knowledge)
    case_id = alice.import_file(SAMPLES / "riverside.lendready").id
    assessment = alice.assess(case_id, as_of=AS_OF)
    bob.record_decision(assessment.id, "refer")
    yield alice, {"case": case_id, "assessment": assessment.id}
    alice.close()
    bob.close()


@pytest.mark.parametrize("table", APPEND_ONLY, ids=lambda table: table.name)
def test_register_sqlite_trail_is_append_only(sqlite_register, table):
    register, _ = sqlite_register
    column = next(c for c in table.c if c.name in ("reason", "band", "conditions", "detail"))
    assert "append-only" in _refused(register.engine, table.update().values({column.name: "rewritten"}))
    assert "append-only" in _refused(register.engine, table.delete())


def test_register_sqlite_four_eyes_by_trigger(sqlite_register):
    register, ids = sqlite_register
    assert "four eyes" in _refused(register.engine, _decision(ids["assessment"], ids["case"], "alice"))
    with pytest.raises(FourEyesError):
        register.record_decision(ids["assessment"], "approve")


# -- the schema module and the migrations agree ------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_register_migrations_build_the_declared_schema(request, tmp_path, backend):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from lendready.register.migrate import upgrade

    if backend == "sqlite":
        engine = make_engine(sqlite_url(tmp_path / "r.sqlite3"))
    else:
        cluster = pg_cluster.cluster(request.config)
        engine = sa.create_engine(cluster.url(database=cluster.new_database()))
    try:
        upgrade(engine)
        upgrade(engine)  # a second upgrade is a no-op
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), t.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_register_the_migrations_shipped_are_the_ones_lendready_knows():
    from alembic.script import ScriptDirectory

    from lendready.register.migrate import HEAD, KNOWN, MIGRATIONS

    scripts = ScriptDirectory(str(MIGRATIONS))
    assert [s.revision for s in reversed(list(scripts.walk_revisions()))] == list(KNOWN)
    assert scripts.get_current_head() == HEAD


def test_register_a_newer_schema_says_to_update_lendready(tmp_path, knowledge):
    from lendready.register.repository import NotUpgraded

    url = sqlite_url(tmp_path / "newer.sqlite3")
    with Register.open(url, knowledge=knowledge, upgrade=True) as register:
        with register.engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        fresh = Register(register.engine, knowledge=knowledge)
        with pytest.raises(NotUpgraded, match="update lendready"):
            fresh.list_cases()
