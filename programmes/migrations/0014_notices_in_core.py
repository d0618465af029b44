"""People's notices move to ``core`` (every app tells people through one function).

A notice about an application now carries the link to its page instead of a key.
"""

from django.core.management.color import no_style
from django.db import migrations
from django.urls import reverse

from ._handover import hand_over


def copy_to_core(apps, schema_editor):
    # The link of application 0, cut where the id goes: "/applications/" and "/".
    before, after = reverse("programmes:application-detail", args=[0]).rsplit("0", 1)
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_notification (id, user_id, message, link, created_at, read_at) "
            "SELECT id, user_id, message, "
            "CASE WHEN application_id IS NULL THEN '' "
            "ELSE %s || CAST(application_id AS VARCHAR(20)) || %s END, "
            "created_at, read_at FROM programmes_notification",
            [before, after],
        )
        model = apps.get_model("core", "Notification")
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)


def hand_over_permissions(apps, schema_editor):
    hand_over(apps, models=("notification",))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_notices"),
        ("programmes", "0013_event_move"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, migrations.RunPython.noop),
        migrations.RunPython(hand_over_permissions, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
