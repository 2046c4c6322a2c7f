"""A recorded decision and its minutes are immutable: on PostgreSQL a trigger refuses an UPDATE that changes
what the committee decided (outcome, reasons, minutes text, comments, tier, rating, share, case manager,
meeting) once the decision left ``draft``, and one that changes the stored minutes file or its SHA-256 once
set. Release (state, released_at) and the first storing of the minutes stay possible."""

from django.db import migrations

TABLE = "review_reviewdecision"
FUNCTION = "review_reviewdecision_immutable"
CONTENT = (
    "meeting_id",
    "outcome",
    "reasons",
    "minutes",
    "applicant_comments",
    "value_creation_tier",
    "local_linkage_rating",
    "labour_share_percent",
    "case_manager_id",
    "recorded_at",
)
CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CONTENT)

CREATE = [
    f"""CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state <> 'draft' AND ({CHANGED}) THEN
        RAISE EXCEPTION USING MESSAGE = 'a recorded review decision cannot be changed',
            ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.minutes_sha256 <> '' AND (NEW.minutes_sha256 IS DISTINCT FROM OLD.minutes_sha256
            OR NEW.minutes_pdf IS DISTINCT FROM OLD.minutes_pdf) THEN
        RAISE EXCEPTION USING MESSAGE = 'the minutes of a review decision are immutable',
            ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$""",
    f'CREATE TRIGGER reviewdecision_immutable BEFORE UPDATE ON "{TABLE}" FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()',
]
DROP = [f'DROP TRIGGER IF EXISTS reviewdecision_immutable ON "{TABLE}"', f"DROP FUNCTION IF EXISTS {FUNCTION}()"]


def _run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("review", "0002_row_level_security")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
