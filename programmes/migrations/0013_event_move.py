"""A timeline event names the workflow move it records: one word for the concept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("programmes", "0012_records_in_core")]

    operations = [
        migrations.RenameField(model_name="applicationevent", old_name="transition", new_name="move"),
    ]
