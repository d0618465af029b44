"""Programmes and calls as the bureau maintains them."""

from django.db import transaction

from ..models import Application, Call


def call_save(*, call: Call) -> Call:
    """Save a call; its applications' copies of its programme, year and kind follow it."""
    with transaction.atomic():
        call.full_clean()
        call.save()
        Application.objects.filter(call=call).exclude(
            programme_id=call.programme_id, year=call.year, kind=call.programme.kind
        ).update(programme_id=call.programme_id, year=call.year, kind=call.programme.kind)
    return call
