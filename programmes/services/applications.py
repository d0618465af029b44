"""Creating applications: drafts, and published results that enter as granted."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditEntry
from enterprises.models import Enterprise

from ..models import (
    Application,
    ApplicationEvent,
    Call,
    DesignationDetail,
    Kind,
    ProductDetail,
    ProjectDetail,
    Source,
)
from ..workflow import Status

# Fields that ``full_clean`` must not assign: the FSM refuses direct status writes.
PROTECTED_FIELDS = ["status"]

DETAIL_MODELS = {
    Kind.PRODUCT: ProductDetail,
    Kind.PROJECT: ProjectDetail,
    Kind.DESIGNATION: DesignationDetail,
}


def application_create(
    *,
    enterprise: Enterprise,
    call: Call,
    actor,
    title: str,
    detail: dict | None = None,
    requested_amount: Decimal | None = None,
    source: str = Source.PORTAL,
    source_note: str = "",
) -> Application:
    """A new draft with the typed detail record of its call's kind."""
    with transaction.atomic():
        application = Application(
            enterprise=enterprise,
            call=call,
            kind=call.programme.kind,
            title=title,
            region_id=enterprise.region_id,
            requested_amount=requested_amount,
            source=source,
            source_note=source_note,
            created_by=actor,
        )
        # ``status`` is a protected FSM field: full_clean would assign it and raise.
        application.full_clean(exclude=PROTECTED_FIELDS)
        application.save()
        detail_record = DETAIL_MODELS[application.kind](application=application, **(detail or {}))
        detail_record.full_clean()
        detail_record.save()
        audit_record(
            action=AuditEntry.Action.RECORD, actor=actor, obj=application, detail="created"
        )
    return application


def application_record_result(
    *,
    enterprise: Enterprise,
    call: Call,
    actor,
    title: str,
    source: str,
    source_note: str,
    detail: dict | None = None,
    awarded_amount: Decimal | None = None,
) -> Application:
    """An application taken from a published results list: it enters as granted.

    Used by the results-list import; the timeline says where the record came from.
    """
    if source not in {Source.IMPORT, Source.ARTICLE, Source.ADMIN}:
        raise ValidationError(_("Only published results enter directly as granted."))
    now = timezone.now()
    with transaction.atomic():
        application = Application(
            enterprise=enterprise,
            call=call,
            kind=call.programme.kind,
            title=title,
            status=Status.GRANTED,
            region_id=enterprise.region_id,
            awarded_amount=awarded_amount,
            decided_at=now,
            source=source,
            source_note=source_note,
            created_by=actor,
        )
        application.full_clean(exclude=PROTECTED_FIELDS)
        application.save()
        detail_record = DETAIL_MODELS[application.kind](application=application, **(detail or {}))
        detail_record.full_clean()
        detail_record.save()
        ApplicationEvent.objects.create(
            application=application,
            actor=actor,
            at=now,
            move="record_result",
            from_status=Status.DRAFT,
            to_status=Status.GRANTED,
            comment=source_note,
        )
    return application
