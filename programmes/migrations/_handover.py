"""For the migrations that move a model from programmes to core: the groups keep their
permissions on it, and the old model's content type (and its permissions) go, so that
no stale reference is left for a backup to carry."""

from django.contrib.auth.management import create_permissions


def hand_over(apps, *, models: tuple[str, ...], to: str = "core") -> None:
    app_config = apps.get_app_config(to)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in models:
        old = ContentType.objects.filter(app_label="programmes", model=model).first()
        if old is None:
            continue
        for permission in Permission.objects.filter(content_type=old):
            new = Permission.objects.filter(
                content_type__app_label=to, codename=permission.codename
            ).first()
            if new is not None:
                for group in permission.group_set.all():
                    group.permissions.add(new)
                for user in permission.user_set.all():
                    user.user_permissions.add(new)
        old.delete()
