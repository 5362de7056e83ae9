"""A case's status follows its decisions, and its current version only moves on to the next saved version.

Two rules the database enforces itself, on both backends, so that a client
that bypasses lendready (a plain UPDATE on ``cases``) cannot get round four eyes
or point a case at a version that was never saved:

* ``cases.status`` changes to ``approved`` only when the case has an ``approve``
  decision on an assessment of its current version; to ``declined`` only with a
  ``decline`` decision and to ``committee`` only with a ``refer`` decision, on
  the same terms. (A decision already needs a second person: 0001's four-eyes
  trigger.) Every other status moves freely, and a status left as it is is not
  checked again.
* ``cases.current_version`` stays as it is or goes up by exactly one, to a
  version that is in ``case_versions`` for that case (so the version is inserted
  before the case is moved on to it); a new case starts at version 1.

On PostgreSQL the refusals carry their own SQLSTATE (``LR001`` for a status
without its decision, ``LR002`` for a version out of order), which the
repository turns into its own errors; SQLite has no SQLSTATE, and the
repository reads its messages, which are the same words.

Registers in the field have applied 0001 and 0002, which are never edited:
this revision only adds. Every statement here is a fixed literal.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = (
    """CREATE TRIGGER cases_approved_by_decision BEFORE UPDATE OF status ON cases
       WHEN NEW.status = 'approved' AND NEW.status IS NOT OLD.status AND NOT EXISTS (
           SELECT 1 FROM decisions d
             JOIN assessments a ON a.id = d.assessment_id
             JOIN case_versions v ON v.id = a.version_id
            WHERE d.case_id = NEW.id AND a.case_id = NEW.id AND v.case_id = NEW.id
              AND d.decision = 'approve' AND v.version = NEW.current_version)
       BEGIN SELECT RAISE(ABORT,
           'a case is approved only by recording an approval decision on its current version (four eyes)'); END""",
    """CREATE TRIGGER cases_declined_by_decision BEFORE UPDATE OF status ON cases
       WHEN NEW.status = 'declined' AND NEW.status IS NOT OLD.status AND NOT EXISTS (
           SELECT 1 FROM decisions d
             JOIN assessments a ON a.id = d.assessment_id
             JOIN case_versions v ON v.id = a.version_id
            WHERE d.case_id = NEW.id AND a.case_id = NEW.id AND v.case_id = NEW.id
              AND d.decision = 'decline' AND v.version = NEW.current_version)
       BEGIN SELECT RAISE(ABORT,
           'a case is declined only by recording a decline decision on its current version (four eyes)'); END""",
    """CREATE TRIGGER cases_committee_by_decision BEFORE UPDATE OF status ON cases
       WHEN NEW.status = 'committee' AND NEW.status IS NOT OLD.status AND NOT EXISTS (
           SELECT 1 FROM decisions d
             JOIN assessments a ON a.id = d.assessment_id
             JOIN case_versions v ON v.id = a.version_id
            WHERE d.case_id = NEW.id AND a.case_id = NEW.id AND v.case_id = NEW.id
              AND d.decision = 'refer' AND v.version = NEW.current_version)
       BEGIN SELECT RAISE(ABORT,
           'a case goes to committee only by recording a referral decision on its current version (four eyes)'); END""",
    """CREATE TRIGGER cases_version_steps_by_one BEFORE UPDATE OF current_version ON cases
       WHEN NEW.current_version IS NOT OLD.current_version AND NEW.current_version IS NOT OLD.current_version + 1
       BEGIN SELECT RAISE(ABORT,
           'a case''s current version only stays or moves on by one, to the next version saved'); END""",
    """CREATE TRIGGER cases_version_is_saved BEFORE UPDATE OF current_version ON cases
       WHEN NEW.current_version IS OLD.current_version + 1 AND NOT EXISTS (
           SELECT 1 FROM case_versions v WHERE v.case_id = NEW.id AND v.version = NEW.current_version)
       BEGIN SELECT RAISE(ABORT,
           'a case''s current version must be a version saved for it (save the version first)'); END""",
    """CREATE TRIGGER cases_start_at_version_one BEFORE INSERT ON cases
       WHEN NEW.current_version IS NOT 1
       BEGIN SELECT RAISE(ABORT, 'a new case starts at version 1'); END""",
)

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION lendready_case_rules() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    needed text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.current_version IS DISTINCT FROM 1 THEN
            RAISE EXCEPTION 'a new case starts at version 1' USING ERRCODE = 'LR002';
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

    IF NEW.status IS DISTINCT FROM OLD.status THEN
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

POSTGRES_STATEMENTS = (
    POSTGRES_FUNCTION,
    # Owned like 0001's functions, so that the DBA's owner role can replace it in a later revision.
    "ALTER FUNCTION lendready_case_rules() OWNER TO lendready_owner",
    # Every UPDATE, not only one naming the columns: the function compares old and new itself.
    """CREATE TRIGGER cases_status_and_version BEFORE INSERT OR UPDATE ON cases
       FOR EACH ROW EXECUTE FUNCTION lendready_case_rules()""",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(sa.text(statement))
    elif bind.dialect.name == "postgresql":
        for statement in POSTGRES_STATEMENTS:
            op.execute(sa.text(statement))


def downgrade() -> None:
    raise NotImplementedError("the register is append-only: its migrations go forward only")
