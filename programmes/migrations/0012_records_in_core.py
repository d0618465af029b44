"""The audit trail and the import records move to ``core``, below every app.

Their rows are copied into core's tables (a status change's action is now called
"move"), then programmes' tables go.
"""

from django.core.management.color import no_style
from django.db import migrations

from ._handover import hand_over

COPIES = {
    "importrecord": (
        "id, user_id, resource, file_name, dry_run, created_rows, updated_rows, "
        "rejected_rows, committed, at, via"
    ),
    "auditentry": (
        "id, at, actor_id, action, object_type, object_id, object_repr, detail, ip_address"
    ),
}


def copy_to_core(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for model, columns in COPIES.items():
            cursor.execute(
                f"INSERT INTO core_{model} ({columns}) SELECT {columns} FROM programmes_{model}"  # noqa: S608  (names from this file)
            )
        cursor.execute("UPDATE core_auditentry SET action = 'move' WHERE action = 'transition'")
        core_models = [apps.get_model("core", name) for name in ("ImportRecord", "AuditEntry")]
        for statement in connection.ops.sequence_reset_sql(no_style(), core_models):
            cursor.execute(statement)


def hand_over_permissions(apps, schema_editor):
    hand_over(apps, models=("auditentry", "importrecord"))


def copy_back(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'transition' WHERE action = 'move'")
        for model, columns in COPIES.items():
            cursor.execute(
                f"INSERT INTO programmes_{model} ({columns}) SELECT {columns} FROM core_{model}"  # noqa: S608  (names from this file)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("programmes", "0011_application_tally"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.RunPython(hand_over_permissions, migrations.RunPython.noop),
        migrations.RemoveField(model_name="importrecord", name="user"),
        migrations.DeleteModel(name="AuditEntry"),
        migrations.DeleteModel(name="ImportRecord"),
    ]
