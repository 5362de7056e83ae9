"""PostgreSQL only: the roles, their grants and row-level security (nothing to do on SQLite).

Three group roles (NOLOGIN), created if they do not exist yet, so that
upgrading a second database on the same server is harmless:

* ``lendready_owner`` owns the tables; the DBA runs migrations as a member of it.
* ``lendready_app`` is what an officer's LOGIN role is granted: it may read and
  add versions, assessments, decisions and audit entries but never change or
  remove one, and may add and update cases and teams but not delete them.
* ``lendready_auditor`` reads everything and writes nothing.

Row-level security keeps each team's cases (and their versions, assessments and
decisions) to the roles listed for that team in ``team_members``: membership is
decided by ``current_user`` (the role that logged in, or a group role it
belongs to), which a client cannot forge, unlike a session setting. An auditor
sees every row.

The statements are fixed literals; only the schema's name, which comes from
the database itself, is quoted in by the dialect's identifier preparer.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OWNER = "lendready_owner"
APP = "lendready_app"
AUDITOR = "lendready_auditor"
ROLES = (OWNER, APP, AUDITOR)

CREATE_ROLES = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lendready_owner') THEN
        CREATE ROLE lendready_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lendready_app') THEN
        CREATE ROLE lendready_app NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lendready_auditor') THEN
        CREATE ROLE lendready_auditor NOLOGIN;
    END IF;
END $$
"""

TABLES = ("teams", "team_members", "cases", "case_versions", "assessments", "decisions", "audit_log")

OWNERSHIP = (
    # The migrating role must belong to the owner role to hand its tables over and, later, to alter them.
    "GRANT lendready_owner TO CURRENT_USER",
    "ALTER TABLE teams OWNER TO lendready_owner",
    "ALTER TABLE team_members OWNER TO lendready_owner",
    "ALTER TABLE cases OWNER TO lendready_owner",
    "ALTER TABLE case_versions OWNER TO lendready_owner",
    "ALTER TABLE assessments OWNER TO lendready_owner",
    "ALTER TABLE decisions OWNER TO lendready_owner",
    "ALTER TABLE audit_log OWNER TO lendready_owner",
    "ALTER FUNCTION lendready_append_only() OWNER TO lendready_owner",
    "ALTER FUNCTION lendready_stamp_identity() OWNER TO lendready_owner",
    "ALTER FUNCTION lendready_four_eyes() OWNER TO lendready_owner",
    "ALTER FUNCTION lendready_assessment_case() OWNER TO lendready_owner",
)

GRANTS = (
    "REVOKE ALL ON teams, team_members, cases, case_versions, assessments, decisions, audit_log FROM PUBLIC",
    "GRANT SELECT, INSERT, UPDATE ON cases, teams TO lendready_app",
    "GRANT SELECT, INSERT ON case_versions, assessments, decisions, audit_log TO lendready_app",
    "GRANT SELECT ON team_members, alembic_version TO lendready_app",
    "GRANT SELECT ON teams, team_members, cases, case_versions, assessments, decisions, audit_log, alembic_version"
    " TO lendready_auditor",
)

MY_TEAMS = """
CREATE OR REPLACE FUNCTION lendready_my_teams() RETURNS SETOF varchar
LANGUAGE sql STABLE AS $$
    SELECT m.team FROM team_members m
     WHERE m.role_name IN (SELECT r.rolname FROM pg_roles r WHERE pg_has_role(current_user, r.oid, 'MEMBER'))
$$
"""

ROW_SECURITY = (
    MY_TEAMS,
    "ALTER FUNCTION lendready_my_teams() OWNER TO lendready_owner",
    "ALTER TABLE cases ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE case_versions ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE assessments ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE decisions ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY",
    """CREATE POLICY team_cases ON cases FOR ALL TO lendready_app
       USING (team IN (SELECT lendready_my_teams()))
       WITH CHECK (team IN (SELECT lendready_my_teams()))""",
    # A version, assessment or decision is visible (and may be added) when its case is: the
    # subquery on cases is itself filtered by the policy above.
    """CREATE POLICY team_case_versions ON case_versions FOR ALL TO lendready_app
       USING (EXISTS (SELECT 1 FROM cases c WHERE c.id = case_versions.case_id))
       WITH CHECK (EXISTS (SELECT 1 FROM cases c WHERE c.id = case_versions.case_id))""",
    """CREATE POLICY team_assessments ON assessments FOR ALL TO lendready_app
       USING (EXISTS (SELECT 1 FROM cases c WHERE c.id = assessments.case_id))
       WITH CHECK (EXISTS (SELECT 1 FROM cases c WHERE c.id = assessments.case_id))""",
    """CREATE POLICY team_decisions ON decisions FOR ALL TO lendready_app
       USING (EXISTS (SELECT 1 FROM cases c WHERE c.id = decisions.case_id))
       WITH CHECK (EXISTS (SELECT 1 FROM cases c WHERE c.id = decisions.case_id))""",
    # The audit log: anyone in the app may add to it; each sees the entries of its own cases and its own.
    """CREATE POLICY team_audit_read ON audit_log FOR SELECT TO lendready_app
       USING (actor = session_user OR EXISTS (SELECT 1 FROM cases c WHERE c.id = audit_log.case_id))""",
    """CREATE POLICY team_audit_add ON audit_log FOR INSERT TO lendready_app WITH CHECK (true)""",
    "CREATE POLICY auditor_reads ON cases FOR SELECT TO lendready_auditor USING (true)",
    "CREATE POLICY auditor_reads ON case_versions FOR SELECT TO lendready_auditor USING (true)",
    "CREATE POLICY auditor_reads ON assessments FOR SELECT TO lendready_auditor USING (true)",
    "CREATE POLICY auditor_reads ON decisions FOR SELECT TO lendready_auditor USING (true)",
    "CREATE POLICY auditor_reads ON audit_log FOR SELECT TO lendready_auditor USING (true)",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(sa.text(CREATE_ROLES))
    for statement in OWNERSHIP:
        op.execute(sa.text(statement))
    schema = bind.execute(sa.select(sa.func.current_schema())).scalar_one()
    quoted = bind.dialect.identifier_preparer.quote(schema)
    # The schema's name is the database's own, quoted as an identifier: the only non-literal part.
    op.execute(sa.text("GRANT USAGE ON SCHEMA " + quoted + " TO lendready_app, lendready_auditor"))
    op.execute(sa.text("GRANT USAGE ON ALL SEQUENCES IN SCHEMA " + quoted + " TO lendready_app"))
    for statement in (*GRANTS, *ROW_SECURITY):
        op.execute(sa.text(statement))


def downgrade() -> None:
    raise NotImplementedError("the register is append-only: its migrations go forward only")
