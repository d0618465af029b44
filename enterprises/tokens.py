"""Writes for API tokens (django-rest-knox, model ``ApiToken``): issue, revoke one, revoke
all of a holder's.

A token is its holder's own credential: issued to oneself, or by an administrator to a
service account (``access.may_issue_token``); anybody else is refused. The key is
returned once, by ``token_issue``; only its digest is stored. Issuing a token under a
name the holder already uses replaces that token, so "rotate" and "issue" are the same
act. Every issue and revocation is an audit entry, which never holds the key.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from knox.models import get_digest_token
from knox.settings import CONSTANTS, knox_settings

from core.audit import audit_record
from core.models import AuditEntry

from . import access
from .models import ApiToken

#: The name of a token issued without one.
DEFAULT_NAME = "default"

#: Why a token is not issued: the API's 403 and the admin form's error.
TOKEN_REFUSED = gettext_lazy(
    "A token is issued to its holder only, or by an administrator to a service account."
)
TOKEN_LIMIT_REACHED = gettext_lazy(
    "%(holder)s already holds %(limit)s unexpired API tokens: revoke one, or issue "
    "the new one under the name of one to replace."
)


def token_issue_check(*, user, actor, name: str = DEFAULT_NAME) -> None:
    """Raise why ``actor`` may not issue ``user`` a token named ``name`` now, if they may not.

    ``PermissionDenied`` unless ``access.may_issue_token(actor, user)``;
    ``ValidationError`` when ``user`` already holds ``TOKEN_LIMIT_PER_USER`` unexpired
    tokens under other names.
    """
    if not access.may_issue_token(actor, user):
        raise PermissionDenied(TOKEN_REFUSED)
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is None:
        return
    others = ApiToken.objects.filter(user=user, expiry__gt=timezone.now()).exclude(name=name)
    if others.count() >= limit:
        raise ValidationError(TOKEN_LIMIT_REACHED % {"holder": user.get_username(), "limit": limit})


def token_issue(*, user, actor, name: str = DEFAULT_NAME, request=None) -> tuple[ApiToken, str]:
    """A new token named ``name`` for ``user``, issued by ``actor``: the row and the key.

    Refused as ``token_issue_check`` says. ``user``'s earlier token of that name, and
    any expired token of theirs, are deleted.
    """
    name = (name or "").strip() or DEFAULT_NAME
    with transaction.atomic():
        # One issue at a time per holder: the limit and the one-per-name rule hold.
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
        token_issue_check(user=user, actor=actor, name=name)
        now = timezone.now()
        held = ApiToken.objects.filter(user=user)
        held.filter(expiry__lte=now).delete()
        replaced = held.filter(name=name).delete()[0]
        digest, key = get_digest_token()
        token = ApiToken(
            user=user,
            name=name,
            digest=digest,
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
            expiry=now + knox_settings.TOKEN_TTL,
        )
        token.full_clean()
        token.save()
        audit_record(
            action=AuditEntry.Action.TOKEN,
            actor=actor,
            obj=user,
            detail=(
                f"API token “{name}” issued to {user.get_username()} by "
                f"{actor.get_username()}, expires "
                f"{timezone.localtime(token.expiry):%Y-%m-%d %H:%M}"
                + ("; it replaces the earlier one of that name" if replaced else "")
            ),
            request=request,
        )
    return token, key


def token_revoke(*, token: ApiToken, actor, request=None) -> None:
    """Revoke one token."""
    with transaction.atomic():
        deleted, _by_model = ApiToken.objects.filter(pk=token.pk).delete()
        if deleted:
            audit_record(
                action=AuditEntry.Action.TOKEN,
                actor=actor,
                obj=token.user,
                detail=(
                    f"API token “{token.name}” of {token.user.get_username()} revoked by "
                    f"{actor.get_username()}"
                ),
                request=request,
            )


def token_revoke_all(*, user, reason: str, actor=None, request=None) -> int:
    """Revoke every token ``user`` holds, saying why; returns how many there were.

    Called when their password changes or their account is deactivated
    (``enterprises.signals``), with no actor then: the change itself is recorded where
    it was made.
    """
    with transaction.atomic():
        deleted, _by_model = ApiToken.objects.filter(user=user).delete()
        if deleted:
            by = f" by {actor.get_username()}" if actor is not None else ""
            audit_record(
                action=AuditEntry.Action.TOKEN,
                actor=actor,
                obj=user,
                detail=f"API tokens of {user.get_username()} revoked{by} ({deleted}): {reason}",
                request=request,
            )
    return deleted
