"""A saved version moves its case on, a decision holds only for the version decided, and no case starts decided.

Three gaps in 0003's rules, closed in the database on both backends:

* **A version is numbered in turn, and inserting it moves the case on.** A new
  version must be numbered one after the case's current version (the first
  version of a case is 1), and inserting it sets the case's ``current_version``
  in the same statement. Before, a client could insert a version ahead of the
  case without moving the case on to it, and that stray row would then block
  every later save of the case. Now there is no way to have one without the other.
* **A decision holds only for the version it was made on.** ``approved``,
  ``declined`` and ``committee`` need their decision on the current version
  when the status is set (0003) *and* when the case moves on to a new version.
  A case changed after approval is not approved as it now is: the register sets
  it back to ``assessing`` as it saves the new version, and a client that
  bypasses lendready is refused the save until it does the same.
* **No case starts decided.** A new row in ``cases`` cannot be approved,
  declined or at committee: there can be no decision on a case before it exists.

On PostgreSQL the refusals carry 0003's SQLSTATEs (``LR001`` for a decided
status without its decision, ``LR002`` for a version out of turn); SQLite
says the same in words. Registers in the field have applied 0001 to 0003,
which are never edited: this revision replaces 0003's status triggers (SQLite)
and its function (PostgreSQL) with the broader rule, and adds the rest. Every
statement here is a fixed literal.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SQLITE_STATEMENTS = (
    # 0003's status triggers checked only a change of status; these also check a move to a new version.
    "DROP TRIGGER cases_approved_by_decision",
    "DROP TRIGGER cases_declined_by_decision",
    "DROP TRIGGER cases_committee_by_decision",
    """CREATE TRIGGER cases_approved_by_decision BEFORE UPDATE OF status, current_version ON cases
       WHEN NEW.status = 'approved'
        AND (NEW.status IS NOT OLD.status OR NEW.current_version IS NOT OLD.current_version)
        AND NOT EXISTS (
           SELECT 1 FROM decisions d
             JOIN assessments a ON a.id = d.assessment_id
             JOIN case_versions v ON v.id = a.version_id
            WHERE d.case_id = NEW.id AND a.case_id = NEW.id AND v.case_id = NEW.id
              AND d.decision = 'approve' AND v.version = NEW.current_version)
       BEGIN SELECT RAISE(ABORT,
           'a case is approved only by recording an approval decision on its current version (four eyes)'); END""",
    """CREATE TRIGGER cases_declined_by_decision BEFORE UPDATE OF status, current_version ON cases
       WHEN NEW.status = 'declined'
        AND (NEW.status IS NOT OLD.status OR NEW.current_version IS NOT OLD.current_version)
        AND NOT EXISTS (
           SELECT 1 FROM decisions d
             JOIN assessments a ON a.id = d.assessment_id
             JOIN case_versions v ON v.id = a.version_id
            WHERE d.case_id = NEW.id AND a.case_id = NEW.id AND v.case_id = NEW.id
              AND d.decision = 'decline' AND v.version = NEW.current_version)
       BEGIN SELECT RAISE(ABORT,
           'a case is declined only by recording a decline decision on its current version (four eyes)'); END""",
    """CREATE TRIGGER cases_committee_by_decision BEFORE UPDATE OF status, current_version ON cases
       WHEN NEW.status = 'committee'
        AND (NEW.status IS NOT OLD.status OR NEW.current_version IS NOT OLD.current_version)
        AND NOT EXISTS (
           SELECT 1 FROM decisions d
             JOIN assessments a ON a.id = d.assessment_id
             JOIN case_versions v ON v.id = a.version_id
            WHERE d.case_id = NEW.id AND a.case_id = NEW.id AND v.case_id = NEW.id
              AND d.decision = 'refer' AND v.version = NEW.current_version)
       BEGIN SELECT RAISE(ABORT,
           'a case goes to committee only by recording a referral decision on its current version (four eyes)'); END""",
    """CREATE TRIGGER cases_start_undecided BEFORE INSERT ON cases
       WHEN NEW.status IN ('approved', 'declined', 'committee')
       BEGIN SELECT RAISE(ABORT,
           'a new case cannot start approved, declined or at committee: a case gets those only by recording a decision on a version of it'); END""",
    """CREATE TRIGGER case_versions_numbered_in_turn BEFORE INSERT ON case_versions
       WHEN NEW.version IS NOT (
           CASE WHEN EXISTS (SELECT 1 FROM case_versions v WHERE v.case_id = NEW.case_id)
                THEN (SELECT c.current_version + 1 FROM cases c WHERE c.id = NEW.case_id)
                ELSE 1 END)
       BEGIN SELECT RAISE(ABORT,
           'a new version of a case is numbered one after its current version (the first is 1)'); END""",
    """CREATE TRIGGER case_versions_move_the_case_on AFTER INSERT ON case_versions
       WHEN NEW.version > 1
       BEGIN UPDATE cases SET current_version = NEW.version WHERE id = NEW.case_id; END""",
)

POSTGRES_CASE_RULES = """
CREATE OR REPLACE FUNCTION lendready_case_rules() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    needed text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.current_version IS DISTINCT FROM 1 THEN
            RAISE EXCEPTION 'a new case starts at version 1' USING ERRCODE = 'LR002';
        END IF;
        IF NEW.status IN ('approved', 'declined', 'committee') THEN
            RAISE EXCEPTION 'a new case cannot start approved, declined or at committee: a case gets those only by recording a decision on a version of it'
                USING ERRCODE = 'LR001';
        END IF;
        RETURN NEW;
    END IF;

    IF NEW.current_version IS DISTINCT FROM OLD.current_version THEN
        IF NEW.current_version IS DISTINCT FROM OLD.current_version + 1 THEN
            RAISE EXCEPTION 'a case''s current version only stays or moves on by one, to the next version saved'
                USING ERRCODE = 'LR002';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM case_versions v WHERE v.case_id = NEW.id AND v.version = NEW.current_version)
        THEN
            RAISE EXCEPTION 'a case''s current version must be a version saved for it (save the version first)'
                USING ERRCODE = 'LR002';
        END IF;
    END IF;

    -- A decided status holds for the version decided: checked when it is set and when the case moves on.
    IF NEW.status IS DISTINCT FROM OLD.status OR NEW.current_version IS DISTINCT FROM OLD.current_version THEN
        needed := CASE NEW.status
            WHEN 'approved' THEN 'approve'
            WHEN 'declined' THEN 'decline'
            WHEN 'committee' THEN 'refer'
        END;
        IF needed IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM decisions d
              JOIN assessments a ON a.id = d.assessment_id
              JOIN case_versions v ON v.id = a.version_id
             WHERE d.case_id = NEW.id AND a.case_id = NEW.id AND v.case_id = NEW.id
               AND d.decision = needed AND v.version = NEW.current_version)
        THEN
            IF needed = 'approve' THEN
                RAISE EXCEPTION
                    'a case is approved only by recording an approval decision on its current version (four eyes)'
                    USING ERRCODE = 'LR001';
            ELSIF needed = 'decline' THEN
                RAISE EXCEPTION
                    'a case is declined only by recording a decline decision on its current version (four eyes)'
                    USING ERRCODE = 'LR001';
            ELSE
                RAISE EXCEPTION
                    'a case goes to committee only by recording a referral decision on its current version (four eyes)'
                    USING ERRCODE = 'LR001';
            END IF;
        END IF;
    END IF;
    RETURN NEW;
END $$
"""

POSTGRES_VERSION_RULES = """
CREATE FUNCTION lendready_version_rules() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    expected integer;
BEGIN
    IF EXISTS (SELECT 1 FROM case_versions v WHERE v.case_id = NEW.case_id) THEN
        SELECT c.current_version + 1 INTO expected FROM cases c WHERE c.id = NEW.case_id;
    ELSE
        expected := 1;
    END IF;
    IF NEW.version IS DISTINCT FROM expected THEN
        RAISE EXCEPTION 'a new version of a case is numbered one after its current version (the first is 1)'
            USING ERRCODE = 'LR002';
    END IF;
    RETURN NEW;
END $$
"""

POSTGRES_VERSION_MOVES_CASE = """
CREATE FUNCTION lendready_version_moves_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version > 1 THEN
        UPDATE cases SET current_version = NEW.version WHERE id = NEW.case_id;
    END IF;
    RETURN NULL;
END $$
"""

POSTGRES_STATEMENTS = (
    POSTGRES_CASE_RULES,
    POSTGRES_VERSION_RULES,
    POSTGRES_VERSION_MOVES_CASE,
    "ALTER FUNCTION lendready_version_rules() OWNER TO lendready_owner",
    "ALTER FUNCTION lendready_version_moves_case() OWNER TO lendready_owner",
    """CREATE TRIGGER case_versions_numbered_in_turn BEFORE INSERT ON case_versions
       FOR EACH ROW EXECUTE FUNCTION lendready_version_rules()""",
    """CREATE TRIGGER case_versions_move_the_case_on AFTER INSERT ON case_versions
       FOR EACH ROW EXECUTE FUNCTION lendready_version_moves_case()""",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_STATEMENTS:
            op.execute(sa.text(statement))
    elif bind.dialect.name == "postgresql":
        for statement in POSTGRES_STATEMENTS:
            op.execute(sa.text(statement))


def downgrade() -> None:
    raise NotImplementedError("the register is append-only: its migrations go forward only")
