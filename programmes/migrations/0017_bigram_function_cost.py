"""``desk_bigrams`` costs what it costs: about as much as reading a few pages per call.

Declared with PostgreSQL's default cost for a function (100), it looks cheap to the
planner, which may then evaluate it on every row of a table (a sequential scan of the
enterprises, 100,000 calls, 2–3 s) rather than read its index of pairs (a few
milliseconds). A cost of 1,000 keeps the index the cheaper plan. Nothing is done on
SQLite.
"""

from django.db import migrations


def declare(cost):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER FUNCTION desk_bigrams(text) COST {cost}")

    return run


class Migration(migrations.Migration):
    dependencies = [("programmes", "0016_results_index")]

    operations = [migrations.RunPython(declare(1000), declare(100))]
