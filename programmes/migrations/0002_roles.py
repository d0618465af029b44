"""The four roles as groups, each with the model permissions its work needs.

Permissions are added, never taken away, so that running this again keeps what later
migrations grant (0006: the spreadsheet import permissions for bureau staff).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ENTERPRISE_MODELS = ["region", "industry", "enterprise", "membership", "jurisdiction"]
PROGRAMME_MODELS = [
    "programme",
    "rewardrule",
    "call",
    "announcedfigure",
    "scorecriterion",
    "application",
    "productdetail",
    "projectdetail",
    "designationdetail",
    "applicationevent",
    "attachment",
    "reviewassignment",
    "reviewscore",
    "designation",
    "evaluation",
    "disbursement",
    "notification",
]
# Timeline events are written by services only: nobody adds, changes or deletes one by hand.
READ_ONLY_FOR_EVERYONE = {"applicationevent"}

ROLE_PERMISSIONS = {
    "Bureau staff": {
        "enterprises": {model: ("view", "add", "change", "delete") for model in ENTERPRISE_MODELS},
        "programmes": {
            model: ("view",) if model in READ_ONLY_FOR_EVERYONE else ("view", "add", "change", "delete")
            for model in PROGRAMME_MODELS
        },
    },
    "County officers": {
        "enterprises": {"region": ("view",), "industry": ("view",), "enterprise": ("view",)},
        "programmes": {
            model: ("view",)
            for model in [
                "programme",
                "call",
                "application",
                "productdetail",
                "projectdetail",
                "designationdetail",
                "applicationevent",
                "attachment",
                "designation",
            ]
        },
    },
    "Experts": {
        "enterprises": {"region": ("view",), "industry": ("view",), "enterprise": ("view",)},
        "programmes": {
            "programme": ("view",),
            "call": ("view",),
            "scorecriterion": ("view",),
            "application": ("view",),
            "productdetail": ("view",),
            "projectdetail": ("view",),
            "designationdetail": ("view",),
            "attachment": ("view",),
            "reviewassignment": ("view", "change"),
            "reviewscore": ("view", "add", "change"),
        },
    },
    "Applicants": {
        "enterprises": {
            "region": ("view",),
            "industry": ("view",),
            "enterprise": ("view", "add", "change"),
            "membership": ("view", "add"),
        },
        "programmes": {
            "programme": ("view",),
            "call": ("view",),
            "application": ("view", "add", "change"),
            "productdetail": ("view", "add", "change"),
            "projectdetail": ("view", "add", "change"),
            "designationdetail": ("view", "add", "change"),
            "applicationevent": ("view",),
            "attachment": ("view", "add", "delete"),
            "designation": ("view",),
            "notification": ("view", "change"),
        },
    },
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, by_app in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        codenames = [
            (app_label, f"{action}_{model}")
            for app_label, models in by_app.items()
            for model, actions in models.items()
            for action in actions
        ]
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in codenames
        ]
        group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("enterprises", "0001_initial"),
        ("programmes", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
