"""aftercare's sections on programmes' pages (``programmes.hooks.register_panel``): the
inbox lists the overdue obligations and the claims waiting for the person; the dashboard
counts the obligations and sets each year's insurance claims against the quota."""

from django.db.models import Count, Q

from . import access
from .flows import CLAIM_FLOW, OPEN_OBLIGATIONS
from .models import InsuranceClaim
from .selectors import claim_years, overdue_obligations

ENTRIES = 20


def inbox_panel(user, today) -> dict | None:
    """Overdue obligations in the person's scope and the claims waiting for their step."""
    overdue = overdue_obligations(user=user, today=today)
    claims = access.claim_list(user=user).select_related("qualification__application")
    waiting = [
        claim
        for claim in claims.filter(
            status__in=(InsuranceClaim.Status.SUBMITTED, InsuranceClaim.Status.RECOMMENDED)
        ).order_by("created_at")[:ENTRIES]
        if any(step.name in ("recommend", "approve") for step in _steps(claim, user))
    ]
    count = overdue.count()
    if not count and not waiting and not access.may(user, "manage_monitoring"):
        return None
    return {"overdue": list(overdue[:ENTRIES]), "overdue_count": count, "claims": waiting}


def _steps(claim, user):
    return [
        step
        for step in CLAIM_FLOW.steps.values()
        if claim.status in step.sources and CLAIM_FLOW.may(user, claim, step)
    ]


def dashboard_panel(user, today) -> dict | None:
    if not access.may(user, "view_insurance_statistics"):
        return None
    counts = access.obligation_list(user=user).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_OBLIGATIONS)),
        overdue=Count("pk", filter=Q(status__in=OPEN_OBLIGATIONS, due_on__lt=today)),
        total=Count("pk"),
    )
    return {"obligations": counts, "years": claim_years(user=user)}
