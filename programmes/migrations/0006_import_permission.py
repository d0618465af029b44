"""The import permissions of the spreadsheet imports, given to bureau staff."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

IMPORT_PERMISSIONS = [("enterprises", "import_enterprise"), ("programmes", "import_application")]


def grant_import(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff, _created = Group.objects.get_or_create(name="Bureau staff")
    for app_label, codename in IMPORT_PERMISSIONS:
        staff.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke_import(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        codename__in=[codename for _app, codename in IMPORT_PERMISSIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_import_permission"),
        ("programmes", "0005_scale_indexes"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="application",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("import_application", "Can import applications and results lists from sheets")
                ],
                "verbose_name": "application",
                "verbose_name_plural": "applications",
            },
        ),
        migrations.RunPython(grant_import, revoke_import),
    ]
