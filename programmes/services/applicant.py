"""What an applicant does to an application besides filing it: edit, submit, withdraw.

Submission is checked here before the workflow is asked: the call must be open
(a first submission only — an application returned for revision may be
resubmitted after the closing date, since the return came from the bureau) and
the kind's essential fields and at least one document must be present.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from enterprises.models import Enterprise

from .. import access
from ..exceptions import TransitionRefused
from ..models import Application, Call, Kind, Notification
from ..workflow import Status
from .applications import DETAIL_MODELS, application_create, application_transition
from .attachments import attachment_add

# Fields that a draft may leave empty but a submission must fill, per kind.
REQUIRED_FOR_SUBMISSION = {
    Kind.PRODUCT: ("product_name", "tier", "technology_readiness_level", "key_indicators"),
    Kind.PROJECT: ("project_name", "category", "total_investment", "starts_on", "ends_on"),
    Kind.DESIGNATION: ("platform_name", "level_sought", "rd_staff", "rd_spending"),
}


def application_file(
    *,
    enterprise: Enterprise,
    call: Call,
    actor,
    title: str,
    detail: dict,
    requested_amount: Decimal | None = None,
    upload=None,
    document_type: str = "",
) -> Application:
    """A new draft filed through the portal, with its first document if one was given."""
    if not access.can_file_for(actor, enterprise):
        raise PermissionDenied
    if not call.is_open(timezone.localdate()):
        raise ValidationError(_("This call is not taking applications."))
    with transaction.atomic():
        application = application_create(
            enterprise=enterprise,
            call=call,
            actor=actor,
            title=title,
            detail=detail,
            requested_amount=requested_amount,
        )
        if upload is not None:
            attachment_add(
                application=application,
                actor=actor,
                upload=upload,
                document_type=document_type,
            )
    return application


def application_update(
    *,
    application: Application,
    actor,
    title: str,
    detail: dict,
    requested_amount: Decimal | None = None,
) -> Application:
    """Change a draft or a returned application: its title, amount and typed details."""
    if not access.acts_for_application(actor, application):
        raise PermissionDenied
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not access.can_edit_application(actor, locked):
            raise ValidationError(
                _("The application can no longer be changed: it is “%(status)s”."),
                params={"status": locked.get_status_display()},
            )
        locked.title = title
        locked.requested_amount = requested_amount
        # The status is the workflow's: protected, and not this service's to validate.
        locked.full_clean(exclude=["status"])
        locked.save()
        model = DETAIL_MODELS[locked.kind]
        record = model.objects.filter(application=locked).first() or model(application=locked)
        for field, value in detail.items():
            setattr(record, field, value)
        record.full_clean()
        record.save()
    application.refresh_from_db()
    return application


def submission_problems(*, application: Application) -> list[str]:
    """What is still missing before the application may be sent, as sentences."""
    problems = []
    detail = application.detail
    model = DETAIL_MODELS[application.kind]
    for field in REQUIRED_FOR_SUBMISSION[application.kind]:
        value = getattr(detail, field, None) if detail else None
        if value in (None, ""):
            problems.append(
                _("Fill in “%(field)s” before submitting.")
                % {"field": model._meta.get_field(field).verbose_name}
            )
    if application.kind == Kind.PROJECT and application.requested_amount is None:
        problems.append(
            _("Fill in “%(field)s” before submitting.")
            % {"field": Application._meta.get_field("requested_amount").verbose_name}
        )
    if not application.attachments.exists():
        problems.append(_("Attach at least one document before submitting."))
    region = application.enterprise.region
    if region is None or not region.county_level:
        # Recommendation is by county: without one, no officer would ever see the filing.
        problems.append(
            _(
                "Set your enterprise's county (district, county, county-level city or zone) "
                "in the enterprise profile before submitting, so that the right county "
                "can recommend it."
            )
        )
    return problems


def call_closed_reason(*, application: Application, on: date) -> str | None:
    """Why the application's call does not take submissions on ``on``, or None when it does."""
    call = application.call
    if call.is_open(on):
        return None
    if call.opens_on and on < call.opens_on:
        return _("The call “%(call)s” opens on %(date)s; it cannot be submitted before.") % {
            "call": call.title,
            "date": date_format(call.opens_on),
        }
    if call.closes_on:
        return _(
            "The call “%(call)s” closed on %(date)s; applications can no longer be submitted."
        ) % {"call": call.title, "date": date_format(call.closes_on)}
    return _("The call “%(call)s” has no application period; it takes no submissions.") % {
        "call": call.title
    }


def application_submit(
    *,
    application: Application,
    actor,
    comment: str = "",
    on: date | None = None,
    expected_status: str | None = None,
) -> Application:
    """Send a draft (``submit``) or a revised application (``resubmit``) to the county."""
    on = on or timezone.localdate()
    if application.status == Status.RETURNED:
        transition = "resubmit"
    else:
        transition = "submit"
        reason = call_closed_reason(application=application, on=on)
        if reason and application.status == Status.DRAFT:
            raise TransitionRefused(reason)
    if application.status in {Status.DRAFT, Status.RETURNED}:
        problems = submission_problems(application=application)
        if problems:
            raise ValidationError(problems)
    return application_transition(
        application=application,
        actor=actor,
        transition=transition,
        comment=comment,
        expected_status=expected_status,
    )


def application_withdraw(*, application: Application, actor, comment: str = "") -> Application:
    return application_transition(
        application=application, actor=actor, transition="withdraw", comment=comment
    )


def notification_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the user's notices read, or all of them when ``pk`` is None."""
    notices = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        notices = notices.filter(pk=pk)
    return notices.update(read_at=timezone.now())
