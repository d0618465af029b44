"""Each application carries its call's programme and year, so that the lists filtered by
them read the applications' own indexes. The copies are filled from the calls here."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


TABLES = ("programmes_application", "programmes_historicalapplication")


def copy_from_calls(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"UPDATE {table} SET "  # noqa: S608  (names from this file)
                "programme_id = (SELECT programme_id FROM programmes_call"
                f" WHERE programmes_call.id = {table}.call_id), "
                "year = (SELECT year FROM programmes_call"
                f" WHERE programmes_call.id = {table}.call_id)"
            )


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0003_import_permission'),
        ('programmes', '0014_notices_in_core'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='programme',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='programmes.programme', verbose_name='programme'),
        ),
        migrations.AddField(
            model_name='application',
            name='year',
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name='year'),
        ),
        migrations.AddField(
            model_name='historicalapplication',
            name='programme',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.programme', verbose_name='programme'),
        ),
        migrations.AddField(
            model_name='historicalapplication',
            name='year',
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name='year'),
        ),
        migrations.RunPython(copy_from_calls, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='application',
            name='programme',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='programmes.programme', verbose_name='programme'),
        ),
        migrations.AlterField(
            model_name='application',
            name='year',
            field=models.PositiveSmallIntegerField(editable=False, verbose_name='year'),
        ),
        migrations.AlterField(
            model_name='historicalapplication',
            name='year',
            field=models.PositiveSmallIntegerField(editable=False, verbose_name='year'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['programme', 'status', '-created_at', '-id'], name='application_programme_queue'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['programme', '-created_at', '-id'], name='application_programme_created'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['year', '-created_at', '-id'], name='application_year_created'),
        ),
    ]
