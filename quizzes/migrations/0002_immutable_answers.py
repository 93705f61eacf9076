"""Database triggers that keep submitted answers, grades and question versions immutable.

The models refuse such changes in ``save()``; these triggers also stop ``QuerySet.update()``
and raw SQL. Allowed: filling in what was empty (a response, an essay's score), moving a
submitted attempt to graded, and SET NULL when a learner or question is deleted.
"""

from django.db import migrations

MESSAGE = "quizzes: submitted answers, grades and question versions are immutable"

SQLITE = [
    f"""
    CREATE TRIGGER quizzes_attemptquestion_final BEFORE UPDATE ON quizzes_attemptquestion
    WHEN (OLD.response IS NOT NULL AND NEW.response IS NOT OLD.response)
      OR (OLD.score IS NOT NULL AND NEW.score IS NOT OLD.score)
      OR NEW.version_id IS NOT OLD.version_id
      OR NEW.attempt_id IS NOT OLD.attempt_id
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER quizzes_attempt_final BEFORE UPDATE ON quizzes_attempt
    WHEN (OLD.status = 'graded' AND (NEW.status IS NOT OLD.status OR NEW.score IS NOT OLD.score
          OR NEW.passed IS NOT OLD.passed OR NEW.submitted_at IS NOT OLD.submitted_at))
      OR (OLD.status = 'submitted' AND NEW.status = 'open')
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER quizzes_questionversion_final BEFORE UPDATE ON quizzes_questionversion
    WHEN NEW.definition IS NOT OLD.definition OR NEW.type_name IS NOT OLD.type_name
      OR NEW.number IS NOT OLD.number OR NEW.general_feedback IS NOT OLD.general_feedback
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS quizzes_attemptquestion_final;",
    "DROP TRIGGER IF EXISTS quizzes_attempt_final;",
    "DROP TRIGGER IF EXISTS quizzes_questionversion_final;",
]

POSTGRES_CONDITIONS = {
    "quizzes_attemptquestion": """
        (OLD.response IS NOT NULL AND NEW.response IS DISTINCT FROM OLD.response)
        OR (OLD.score IS NOT NULL AND NEW.score IS DISTINCT FROM OLD.score)
        OR NEW.version_id IS DISTINCT FROM OLD.version_id
        OR NEW.attempt_id IS DISTINCT FROM OLD.attempt_id
    """,
    "quizzes_attempt": """
        (OLD.status = 'graded' AND (NEW.status IS DISTINCT FROM OLD.status
            OR NEW.score IS DISTINCT FROM OLD.score OR NEW.passed IS DISTINCT FROM OLD.passed
            OR NEW.submitted_at IS DISTINCT FROM OLD.submitted_at))
        OR (OLD.status = 'submitted' AND NEW.status = 'open')
    """,
    "quizzes_questionversion": """
        NEW.definition IS DISTINCT FROM OLD.definition
        OR NEW.type_name IS DISTINCT FROM OLD.type_name
        OR NEW.number IS DISTINCT FROM OLD.number
        OR NEW.general_feedback IS DISTINCT FROM OLD.general_feedback
    """,
}


def postgres_statements():
    for table, condition in POSTGRES_CONDITIONS.items():
        yield f"""
        CREATE OR REPLACE FUNCTION {table}_final() RETURNS trigger AS $$
        BEGIN
            IF {condition} THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END
        $$ LANGUAGE plpgsql;
        """
        yield (
            f"CREATE TRIGGER {table}_final BEFORE UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_final();"
        )


def postgres_reverse():
    for table in POSTGRES_CONDITIONS:
        yield f"DROP TRIGGER IF EXISTS {table}_final ON {table};"
        yield f"DROP FUNCTION IF EXISTS {table}_final();"


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        for statement in statements() if callable(statements) else statements or []:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": postgres_statements}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": postgres_reverse}),
        )
    ]
