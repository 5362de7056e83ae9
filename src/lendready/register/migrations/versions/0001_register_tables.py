"""The register's tables, and the rules both backends enforce themselves.

Append-only (no UPDATE or DELETE on case_versions, assessments, decisions,
audit_log) and four eyes (a decision's approver is not the author of the
assessed version) are triggers, so that a client that bypasses lendready's own
checks is still refused. On PostgreSQL the identity columns (a version's
author, an assessment's creator, a decision's approver, the audit actor) are
also stamped from ``session_user`` by a trigger: the name a client sends cannot
be used to get round four eyes.

Every statement here is a fixed literal: nothing is built from input.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lendready.register.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_STATUS = (
    "status IN ('received', 'assessing', 'awaiting_approval', 'committee', 'approved', 'declined', 'withdrawn')"
)
_DECISION = "decision IN ('approve', 'decline', 'refer')"

SQLITE_TRIGGERS = (
    """CREATE TRIGGER case_versions_no_update BEFORE UPDATE ON case_versions
       BEGIN SELECT RAISE(ABORT, 'case_versions is append-only: a version is never changed'); END""",
    """CREATE TRIGGER case_versions_no_delete BEFORE DELETE ON case_versions
       BEGIN SELECT RAISE(ABORT, 'case_versions is append-only: a version is never deleted'); END""",
    """CREATE TRIGGER assessments_no_update BEFORE UPDATE ON assessments
       BEGIN SELECT RAISE(ABORT, 'assessments is append-only: an assessment is never changed'); END""",
    """CREATE TRIGGER assessments_no_delete BEFORE DELETE ON assessments
       BEGIN SELECT RAISE(ABORT, 'assessments is append-only: an assessment is never deleted'); END""",
    """CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
       BEGIN SELECT RAISE(ABORT, 'decisions is append-only: a decision is never changed'); END""",
    """CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
       BEGIN SELECT RAISE(ABORT, 'decisions is append-only: a decision is never deleted'); END""",
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: an entry is never changed'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: an entry is never deleted'); END""",
    """CREATE TRIGGER decisions_four_eyes BEFORE INSERT ON decisions
       WHEN NEW.approver = (
           SELECT v.author FROM assessments a JOIN case_versions v ON v.id = a.version_id
           WHERE a.id = NEW.assessment_id)
       BEGIN SELECT RAISE(ABORT, 'four eyes: the approver wrote the assessed version'); END""",
    """CREATE TRIGGER decisions_same_case BEFORE INSERT ON decisions
       WHEN NEW.case_id IS NOT (SELECT a.case_id FROM assessments a WHERE a.id = NEW.assessment_id)
       BEGIN SELECT RAISE(ABORT, 'the decision names an assessment of another case'); END""",
    """CREATE TRIGGER assessments_same_case BEFORE INSERT ON assessments
       WHEN NEW.case_id IS NOT (SELECT v.case_id FROM case_versions v WHERE v.id = NEW.version_id)
       BEGIN SELECT RAISE(ABORT, 'the assessment names a version of another case'); END""",
)

POSTGRES_FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION lendready_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only: rows are never changed or deleted',
            ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE OR REPLACE FUNCTION lendready_stamp_identity() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- Who did it is who logged in, whatever name the client sent.
        IF TG_TABLE_NAME = 'case_versions' THEN
            NEW.author := session_user;
        ELSIF TG_TABLE_NAME = 'assessments' THEN
            NEW.created_by := session_user;
        ELSIF TG_TABLE_NAME = 'decisions' THEN
            NEW.approver := session_user;
        ELSIF TG_TABLE_NAME = 'audit_log' THEN
            NEW.actor := session_user;
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE OR REPLACE FUNCTION lendready_four_eyes() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        version_author text;
        version_case text;
    BEGIN
        SELECT v.author, a.case_id INTO version_author, version_case
          FROM assessments a JOIN case_versions v ON v.id = a.version_id
         WHERE a.id = NEW.assessment_id;
        IF version_author IS NULL THEN
            RAISE EXCEPTION 'four eyes: the assessed version cannot be found'
                USING ERRCODE = 'check_violation';
        END IF;
        IF version_case IS DISTINCT FROM NEW.case_id THEN
            RAISE EXCEPTION 'the decision names an assessment of another case'
                USING ERRCODE = 'check_violation';
        END IF;
        IF version_author = NEW.approver THEN
            RAISE EXCEPTION 'four eyes: the approver wrote the assessed version'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE OR REPLACE FUNCTION lendready_assessment_case() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM case_versions v WHERE v.id = NEW.version_id AND v.case_id = NEW.case_id) THEN
            RAISE EXCEPTION 'the assessment names a version of another case' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
)

POSTGRES_TRIGGERS = (
    """CREATE TRIGGER case_versions_append_only BEFORE UPDATE OR DELETE ON case_versions
       FOR EACH ROW EXECUTE FUNCTION lendready_append_only()""",
    """CREATE TRIGGER assessments_append_only BEFORE UPDATE OR DELETE ON assessments
       FOR EACH ROW EXECUTE FUNCTION lendready_append_only()""",
    """CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions
       FOR EACH ROW EXECUTE FUNCTION lendready_append_only()""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION lendready_append_only()""",
    # TRUNCATE fires no row trigger: a statement trigger refuses it too.
    """CREATE TRIGGER case_versions_no_truncate BEFORE TRUNCATE ON case_versions
       FOR EACH STATEMENT EXECUTE FUNCTION lendready_append_only()""",
    """CREATE TRIGGER assessments_no_truncate BEFORE TRUNCATE ON assessments
       FOR EACH STATEMENT EXECUTE FUNCTION lendready_append_only()""",
    """CREATE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON decisions
       FOR EACH STATEMENT EXECUTE FUNCTION lendready_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION lendready_append_only()""",
    # Stamped first (triggers fire in name order: "a..." before "b..."), then checked.
    """CREATE TRIGGER a_case_versions_identity BEFORE INSERT ON case_versions
       FOR EACH ROW EXECUTE FUNCTION lendready_stamp_identity()""",
    """CREATE TRIGGER a_assessments_identity BEFORE INSERT ON assessments
       FOR EACH ROW EXECUTE FUNCTION lendready_stamp_identity()""",
    """CREATE TRIGGER a_decisions_identity BEFORE INSERT ON decisions
       FOR EACH ROW EXECUTE FUNCTION lendready_stamp_identity()""",
    """CREATE TRIGGER a_audit_log_identity BEFORE INSERT ON audit_log
       FOR EACH ROW EXECUTE FUNCTION lendready_stamp_identity()""",
    """CREATE TRIGGER b_decisions_four_eyes BEFORE INSERT ON decisions
       FOR EACH ROW EXECUTE FUNCTION lendready_four_eyes()""",
    """CREATE TRIGGER b_assessments_same_case BEFORE INSERT ON assessments
       FOR EACH ROW EXECUTE FUNCTION lendready_assessment_case()""",
)


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_teams"),
    )
    op.create_table(
        "team_members",
        sa.Column("role_name", sa.String(128), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["team"], ["teams.id"], name="fk_team_members_team_teams"),
        sa.PrimaryKeyConstraint("role_name", "team", name="pk_team_members"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("organisation", sa.Text(), server_default="", nullable=False),
        sa.Column("organisation_key", sa.Text(), server_default="", nullable=False),
        sa.Column("legal_form", sa.String(64), nullable=True),
        sa.Column("status", sa.String(32), server_default="received", nullable=False),
        sa.Column("assigned_officer", sa.String(128), nullable=True),
        sa.Column("band", sa.String(32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(_STATUS, name="ck_cases_status"),
        sa.CheckConstraint("current_version >= 1", name="ck_cases_current_version"),
        sa.ForeignKeyConstraint(["team"], ["teams.id"], name="fk_cases_team_teams"),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
    )
    op.create_index("ix_cases_updated", "cases", ["updated_at", "id"])
    op.create_index("ix_cases_status_updated", "cases", ["status", "updated_at", "id"])
    op.create_index("ix_cases_officer_updated", "cases", ["assigned_officer", "updated_at", "id"])
    op.create_index("ix_cases_band_updated", "cases", ["band", "updated_at", "id"])
    op.create_index("ix_cases_form_updated", "cases", ["legal_form", "updated_at", "id"])
    op.create_index("ix_cases_team_updated", "cases", ["team", "updated_at", "id"])
    op.create_index("ix_cases_organisation_key", "cases", ["organisation_key"])
    op.create_table(
        "case_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("author", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("parent_version", sa.Integer(), nullable=True),
        sa.CheckConstraint("version >= 1", name="ck_case_versions_version"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_case_versions_case_id_cases"),
        sa.PrimaryKeyConstraint("id", name="pk_case_versions"),
        sa.UniqueConstraint("case_id", "version", name="uq_case_versions_case_id_version"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("band", sa.String(32), nullable=False),
        sa.Column("areas", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_assessments_case_id_cases"),
        sa.ForeignKeyConstraint(["version_id"], ["case_versions.id"], name="fk_assessments_version_id_case_versions"),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
    )
    op.create_index("ix_assessments_version", "assessments", ["version_id"])
    op.create_index("ix_assessments_case", "assessments", ["case_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("conditions", sa.Text(), server_default="", nullable=False),
        sa.Column("approver", sa.String(128), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(_DECISION, name="ck_decisions_decision"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_decisions_case_id_cases"),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], name="fk_decisions_assessment_id_assessments"),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
    )
    op.create_index("ix_decisions_case", "decisions", ["case_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=True),
        sa.Column("detail", sa.Text(), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_case", "audit_log", ["case_id", "id"])

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(sa.text(statement))
    elif bind.dialect.name == "postgresql":
        for statement in (*POSTGRES_FUNCTIONS, *POSTGRES_TRIGGERS):
            op.execute(sa.text(statement))


def downgrade() -> None:
    raise NotImplementedError("the register is append-only: its migrations go forward only")
