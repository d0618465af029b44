"""Indexes of character pairs for two-character search terms on PostgreSQL.

Most Chinese words and brand names are two characters ("丰帆", "纳米"), and a term of
two characters has no trigram: the trigram indexes of migration 0008 cannot serve it.
``desk_bigrams(text)`` lists a text's pairs of characters (upper-cased); a GIN index on
it per searched column finds the rows holding every pair of the term, which LIKE then
checks (``programmes.selectors.search``). Needs no extension: a plain SQL function.
Nothing is done on SQLite.
"""

from django.db import migrations

# (app, model, column): the columns the application and enterprise searches read, as in 0008.
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

FUNCTION = """
CREATE OR REPLACE FUNCTION desk_bigrams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(upper($1), i, 2)), '{}')
    FROM generate_series(1, char_length($1) - 1) AS i
$$
"""


def index_name(table, column):
    return f"{table}_{column}_bigram"[:63]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    quote = schema_editor.quote_name
    for app_label, model_name, column in SEARCHED:
        table = apps.get_model(app_label, model_name)._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(index_name(table, column))} "
            f"ON {quote(table)} USING gin (desk_bigrams({quote(column)}))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for app_label, model_name, column in SEARCHED:
        table = apps.get_model(app_label, model_name)._meta.db_table
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(index_name(table, column))}")
    schema_editor.execute("DROP FUNCTION IF EXISTS desk_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("programmes", "0008_search_trigram_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
