"""A user's API tokens end when their password changes or their account is deactivated.

A signal, because passwords change by many roads (the portal's reset, the admin's two
password forms, ``set_password`` and ``save`` anywhere) and all of them save the user;
the revocation itself is ``tokens.token_revoke_all``. This mirrors what Django's session
auth hash does to sessions. A ``QuerySet.update`` sends no signal: knox's
authentication refuses an inactive account's token all the same.
"""

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .tokens import token_revoke_all

WATCHED = frozenset({"password", "is_active"})


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="tokens_note_credentials")
def note_credential_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a user is saved, remember whether the save changes their password or
    deactivates them (read from the database: the instance alone cannot tell)."""
    instance._tokens_end_because = None
    if raw or instance.pk is None:
        return
    watched = WATCHED if update_fields is None else WATCHED & set(update_fields)
    if not watched:
        return  # signing in saves last_login only
    before = (
        sender._base_manager.using(kwargs.get("using"))
        .filter(pk=instance.pk)
        .values("password", "is_active")
        .first()
    )
    if before is None:
        return
    reasons = []
    if "password" in watched and before["password"] != instance.password:
        reasons.append("password changed")
    if "is_active" in watched and before["is_active"] and not instance.is_active:
        reasons.append("account deactivated")
    instance._tokens_end_because = ", ".join(reasons) or None


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="tokens_end")
def end_tokens(sender, instance, raw=False, **kwargs):
    reason = getattr(instance, "_tokens_end_because", None)
    instance._tokens_end_because = None
    if reason and not raw:
        token_revoke_all(user=instance, reason=reason)
