"""Writes for the portal's accounts side: sign-up, enterprise registration, memberships.

Each service checks who may act, validates with ``full_clean`` and runs in a
transaction; views only collect input and show the outcome.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import roles
from core.audit import audit_record
from core.models import AuditEntry
from core.notifications import Notice, notify

from .access import can_decide_membership, can_manage_enterprise_profile, enterprise_members
from .auth import normalise_mobile
from .models import Enterprise, Membership

logger = logging.getLogger(__name__)

# Fields an approved member may change; the legal name and credit code identify the
# enterprise and are corrected by bureau staff in admin.
PROFILE_FIELDS = (
    "name_en",
    "region",
    "industry",
    "address",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "contact_email",
    "above_designated_size",
)
REGISTRATION_FIELDS = ("name", "unified_social_credit_code", *PROFILE_FIELDS)


def portal_url(path: str) -> str:
    """An absolute link for emails, which have no request to build one from."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return f"{base}{path}"


def _join_applicants(user) -> None:
    group, _created = Group.objects.get_or_create(name=roles.APPLICANTS)
    user.groups.add(group)
    # The role cache on the user object is stale now.
    for attribute in ("_programme_desk_roles", "_programme_desk_enterprises"):
        if hasattr(user, attribute):
            delattr(user, attribute)


Action = AuditEntry.Action


def _tell(*, template: str, context: dict, users, link: str) -> None:
    """A notice from ``templates/emails/<template>_subject.txt`` and ``<template>.txt``,
    in-app and by email (``core.notifications.notify``), in each recipient's language.
    """

    def notice() -> Notice:
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        body = render_to_string(f"emails/{template}.txt", context)
        return Notice(subject=subject, body=body, message=subject, link=link)

    notify(users=users, notice=notice)


def _field_values(data: dict, fields) -> dict:
    """Form data as model values: blank text is "", a missing flag is False."""
    values = {}
    for field in fields:
        value = data.get(field)
        if field == "above_designated_size":
            value = bool(value)
        elif value is None and field not in {"region", "industry"}:
            value = ""
        values[field] = value
    return values


def user_sign_up(*, password: str, email: str = "", mobile: str = ""):
    """A new portal user in the Applicants group, who signs in with email or mobile.

    The mobile number, when given, is the user name (``auth.User`` has no phone
    field); otherwise the email address is. Passwords are checked by the form
    against ``AUTH_PASSWORD_VALIDATORS`` before this is called.
    """
    User = get_user_model()
    email = (email or "").strip().lower()
    mobile = normalise_mobile(mobile) if mobile else ""
    if not email and not mobile:
        raise ValidationError(_("Give an email address or a mobile number."))
    username = mobile or email
    errors = {}
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = _("An account with this email address already exists.")
    if User.objects.filter(username__iexact=username).exists():
        field = "mobile" if mobile else "email"
        errors.setdefault(field, _("An account with this login already exists."))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            user = User(username=username, email=email)
            user.set_password(password)
            user.full_clean(exclude=["password"])
            user.save()
            _join_applicants(user)
            audit_record(action=Action.RECORD, actor=user, obj=user, detail="signed up")
    except IntegrityError as error:
        raise ValidationError(_("An account with this login already exists.")) from error
    return user


def enterprise_register(*, user, data: dict) -> Enterprise:
    """Register a new enterprise; ``user`` becomes its approved owner."""
    enterprise = Enterprise(**_field_values(data, REGISTRATION_FIELDS))
    enterprise.source = _("Registered through the portal")
    if not enterprise.unified_social_credit_code:
        raise ValidationError(
            {"unified_social_credit_code": _("Give the enterprise's unified social credit code.")}
        )
    try:
        with transaction.atomic():
            enterprise.full_clean()
            enterprise.save()
            Membership.objects.create(
                user=user,
                enterprise=enterprise,
                role=Membership.Role.OWNER,
                status=Membership.Status.APPROVED,
            )
            _join_applicants(user)
            audit_record(action=Action.RECORD, actor=user, obj=enterprise, detail="registered")
    except IntegrityError as error:
        # Somebody registered the same code or name a moment earlier.
        raise ValidationError(
            _("An enterprise with this credit code or name is already registered.")
        ) from error
    return enterprise


def enterprise_update(*, enterprise: Enterprise, actor, data: dict) -> Enterprise:
    """Change the profile fields an approved member may change."""
    if not can_manage_enterprise_profile(actor, enterprise):
        raise PermissionDenied
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        for field, value in _field_values(data, [f for f in PROFILE_FIELDS if f in data]).items():
            setattr(locked, field, value)
        locked.full_clean()
        locked.save()
        audit_record(action=Action.RECORD, actor=actor, obj=locked, detail="profile changed")
    return locked


def membership_request(*, user, enterprise: Enterprise) -> Membership:
    """Ask to act for an existing enterprise; its approved members are told by email."""
    membership, created = Membership.objects.get_or_create(
        user=user,
        enterprise=enterprise,
        defaults={"role": Membership.Role.MEMBER, "status": Membership.Status.PENDING},
    )
    _join_applicants(user)
    if created:
        audit_record(action=Action.RECORD, actor=user, obj=membership, detail="requested")
        approvers = enterprise_members(enterprise.pk)
        link = reverse("enterprises:profile", args=[enterprise.pk])
        context = {"enterprise": enterprise, "requester": user.username, "link": portal_url(link)}
        transaction.on_commit(
            lambda: _tell(
                template="membership_requested", context=context, users=approvers, link=link
            )
        )
    return membership


def membership_approve(*, membership: Membership, actor) -> Membership:
    if not can_decide_membership(actor, membership):
        raise PermissionDenied
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.status != Membership.Status.APPROVED:
            locked.status = Membership.Status.APPROVED
            locked.save(update_fields=["status"])
            audit_record(action=Action.DECISION, actor=actor, obj=locked, detail="approved")
            link = reverse("enterprises:dashboard")
            context = {"enterprise": locked.enterprise, "approved": True, "link": portal_url(link)}
            member = locked.user
            transaction.on_commit(
                lambda: _tell(
                    template="membership_decided", context=context, users=[member], link=link
                )
            )
    return locked


def membership_decline(*, membership: Membership, actor) -> None:
    """Turn a pending request down; the request is deleted and the user told."""
    if not can_decide_membership(actor, membership):
        raise PermissionDenied
    if membership.status != Membership.Status.PENDING:
        raise ValidationError(_("Only a request that is still pending can be declined."))
    link = reverse("enterprises:dashboard")
    context = {"enterprise": membership.enterprise, "approved": False, "link": portal_url(link)}
    requester = membership.user
    with transaction.atomic():
        audit_record(action=Action.DECISION, actor=actor, obj=membership, detail="declined")
        membership.delete()
        transaction.on_commit(
            lambda: _tell(
                template="membership_decided", context=context, users=[requester], link=link
            )
        )


# --- Bulk writes of checked sheet rows ------------------------------------------


def enterprise_bulk_create(
    *, enterprises: list[Enterprise], actor, reason: str
) -> list[Enterprise]:
    """Insert checked enterprises in bulk, each with its ``+`` history row.

    The rows were checked by the resource (credit-code checksum, lengths,
    lookups); ``Enterprise.save`` is bypassed, so codes must arrive normalised.
    """
    return bulk_create_with_history(
        enterprises,
        Enterprise,
        batch_size=None,  # let Django size the INSERTs for the backend
        default_user=actor,
        default_change_reason=reason,
    )


def enterprise_bulk_update(
    *, enterprises: list[Enterprise], fields: Iterable[str], actor, reason: str
) -> None:
    """Update checked enterprises in bulk, each with its ``~`` history row."""
    now = timezone.now()
    for enterprise in enterprises:
        enterprise.updated_at = now
    bulk_update_with_history(
        enterprises,
        Enterprise,
        sorted({*fields, "updated_at"}),
        batch_size=None,  # let Django size the INSERTs for the backend
        default_user=actor,
        default_change_reason=reason,
    )
