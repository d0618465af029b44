"""Imports of published results lists: each row through the services that record a
result (``sheet_import``, in ``core.sheets.imports``, runs the sheet)."""

from decimal import Decimal

from django.db import transaction

from enterprises.models import Enterprise

from ..models import Application, Call, Designation, Kind, Source
from .applications import DETAIL_MODELS, application_record_result
from .outcomes import designation_record

# --- Applications from a published results list -------------------------------------


def application_result_import(
    *,
    enterprise: Enterprise,
    call: Call,
    actor,
    title: str,
    source_note: str,
    detail: dict,
    awarded_amount: Decimal | None,
    designation: dict | None = None,
) -> Application:
    """A granted application taken from a published list, with its designation if any."""
    application = application_record_result(
        enterprise=enterprise,
        call=call,
        actor=actor,
        title=title,
        source=Source.IMPORT,
        source_note=source_note,
        detail=detail,
        awarded_amount=awarded_amount,
    )
    if designation and application.kind == Kind.DESIGNATION:
        designation_record(application=application, actor=actor, **designation)
    return application


def application_result_update(
    *,
    application: Application,
    actor,
    source_note: str,
    detail: dict,
    awarded_amount: Decimal | None,
    designation: dict | None = None,
    reason: str = "",
) -> bool:
    """Bring a granted application in line with a list imported again; True if it changed.

    Only what the list states is changed (an empty cell leaves a value alone);
    status is untouched, so no workflow move happens here.
    """
    changed = False
    with transaction.atomic():
        if awarded_amount is not None and application.awarded_amount != awarded_amount:
            application.awarded_amount = awarded_amount
            changed = True
        detail_model = DETAIL_MODELS[application.kind]
        record = detail_model.objects.filter(application=application).first() or detail_model(
            application=application
        )
        detail_changed = record.pk is None
        for name, value in detail.items():
            if value not in (None, "") and getattr(record, name) != value:
                setattr(record, name, value)
                detail_changed = True
        if detail_changed:
            record._change_reason = reason
            record.full_clean()
            record.save()
        if designation and application.kind == Kind.DESIGNATION:
            changed |= _designation_sync(application, actor, designation, reason)
        if changed or detail_changed:
            application.source_note = source_note[:255]
            application._change_reason = reason
            # ``status`` is a protected FSM field that full_clean would try to assign.
            application.full_clean(exclude=["status"])
            application.save()
    return changed or detail_changed


def _designation_sync(application, actor, values: dict, reason: str) -> bool:
    existing = Designation.objects.filter(application=application).first()
    if existing is None:
        designation_record(application=application, actor=actor, **values)
        return True
    changed = False
    for name, value in values.items():
        if value not in (None, "") and getattr(existing, name) != value:
            setattr(existing, name, value)
            changed = True
    if changed:
        existing._change_reason = reason
        existing.full_clean()
        existing.save()
    return changed
