"""Trigram indexes for text search on PostgreSQL (``programmes.selectors.search``).

Each column the application and enterprise searches read (the large tables; the
others are searched whole) gets a GIN ``gin_trgm_ops`` index, which
serves ``column ILIKE '%term%'`` for any term with three letters or digits in a row.
They are not in the models' ``Meta.indexes``: SQLite has neither GIN nor pg_trgm, and
there the search reads the tables, as it always did.

pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
A database user who may not gets a warning, and search works without the indexes.
"""

import sys

from django.db import DatabaseError, migrations, transaction

# (app, model, column): the columns the application and enterprise searches read.
SEARCHED = [
    ("programmes", "Application", "title"),
    ("enterprises", "Enterprise", "name"),
    ("enterprises", "Enterprise", "unified_social_credit_code"),
    ("enterprises", "Enterprise", "name_en"),
    ("enterprises", "Enterprise", "legal_representative"),
    ("programmes", "ProductDetail", "product_name"),
    ("programmes", "ProjectDetail", "project_name"),
    ("programmes", "DesignationDetail", "platform_name"),
]


def index_name(table, column):
    return f"{table}_{column}_trgm"[:63]


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        sys.stderr.write(
            f"\nWARNING: pg_trgm could not be created ({error}); application search works "
            "without trigram indexes, reading the tables. Ask the database's owner to run "
            "CREATE EXTENSION pg_trgm, then run 'migrate programmes 0007' and 'migrate' "
            "(docs/deploy.md).\n"
        )
        return
    quote = schema_editor.quote_name
    for app_label, model_name, column in SEARCHED:
        table = apps.get_model(app_label, model_name)._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(index_name(table, column))} "
            f"ON {quote(table)} USING gin ({quote(column)} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for app_label, model_name, column in SEARCHED:
        table = apps.get_model(app_label, model_name)._meta.db_table
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(index_name(table, column))}")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_import_permission"),
        ("programmes", "0007_status_kind_call_index"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
