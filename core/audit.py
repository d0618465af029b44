"""The audit trail: one append-only ``AuditEntry`` per decision, status change, import,
export, record written, refused access and login lock-out; ``audit_record`` writes
every one of them.

Services call these functions explicitly, inside their own transaction, so an
entry exists exactly when the change it records was committed. Refused access
is recorded by ``config.middleware.RefusedAccessAuditMiddleware`` and by the
admin's "no such object" redirect; lock-outs by ``config.lockout``.
"""

import ipaddress
import logging

from django.conf import settings
from django.db import DatabaseError, transaction

from .models import AuditEntry, ImportRecord

logger = logging.getLogger(__name__)

Action = AuditEntry.Action


def _field(value, length: int) -> str:
    return str(value if value is not None else "")[:length]


def client_ip(request) -> str | None:
    """The address the request came from.

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies (production: 1), the address is
    the one the outermost trusted proxy appended to ``X-Forwarded-For``; entries
    further left are whatever the client claimed and are ignored. Also the client
    address django-axes locks out (``AXES_CLIENT_IP_CALLABLE``).
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR") or ""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    address = address.strip()
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def audit_record(
    *,
    action: str,
    actor=None,
    obj=None,
    object_type: str = "",
    object_id="",
    object_repr: str = "",
    detail: str = "",
    request=None,
) -> AuditEntry:
    """Write one entry. ``obj`` fills the object columns unless they are given."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    if not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        object_type=_field(object_type, 100),
        object_id=_field(object_id, 64),
        object_repr=_field(object_repr, 255),
        detail=detail or "",
        ip_address=client_ip(request),
    )


def audit_import(*, record: ImportRecord) -> AuditEntry:
    """A spreadsheet import (dry run or not), pointing at its ``ImportRecord``."""
    outcome = "committed" if record.committed else ("dry run" if record.dry_run else "refused")
    return audit_record(
        action=Action.IMPORT,
        actor=record.user,
        obj=record,
        detail=(
            f"{record.resource} via {record.via}, {outcome}: {record.created_rows} created, "
            f"{record.updated_rows} updated, {record.rejected_rows} rejected"
        ),
    )


def audit_export(*, actor, what: str, rows: int | None = None, via: str, request=None):
    """Data leaving the system: a spreadsheet from admin, the command line or the dashboard."""
    counted = "" if rows is None else f", {rows} rows"
    return audit_record(
        action=Action.EXPORT,
        actor=actor,
        object_type=what,
        object_repr=what,
        detail=f"{what} via {via}{counted}",
        request=request,
    )


def audit_access_refused(
    *, request, object_type: str = "", object_id="", detail: str = ""
) -> AuditEntry | None:
    """A refused request (403, or 404 on a private object). Never fails the request itself.

    Written in its own savepoint: a database problem here is logged, and the user
    still gets the refusal they were due rather than a 500.
    """
    user = getattr(request, "user", None)
    detail = detail or f"{request.method} {request.get_full_path()[:500]}"
    try:
        with transaction.atomic():
            return audit_record(
                action=Action.ACCESS_REFUSED,
                actor=user,
                object_type=object_type,
                object_id=object_id,
                object_repr=request.path[:255],
                detail=detail,
                request=request,
            )
    except DatabaseError:
        logger.exception("Could not record a refused access to %s", request.path)
        return None


def audit_login_locked(*, request, username: str) -> AuditEntry | None:
    """A login lock-out (django-axes): the name tried and the address it came from."""
    try:
        with transaction.atomic():
            return audit_record(
                action=Action.LOGIN_LOCKED,
                object_type="auth.User",
                object_repr=_field(username, 255),
                detail=f"{request.method} {request.path}" if request is not None else "",
                request=request,
            )
    except DatabaseError:
        logger.exception("Could not record a login lock-out for %s", username)
        return None
