"""Reads of aftercare, each from ``aftercare.access``'s scoped lists: obligations with
whether they are overdue, the overdue ones waiting for someone, the claims' figures."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Sum, Value, When

from . import access
from .flows import AWARDED, OPEN_OBLIGATIONS
from .models import InsuranceClaim, Obligation


def overdue_condition(today: date) -> Q:
    return Q(status__in=OPEN_OBLIGATIONS, due_on__lt=today)


def obligation_rows(*, user, today: date) -> QuerySet[Obligation]:
    """The obligations ``user`` may see, each marked ``overdue`` or not."""
    return (
        access.obligation_list(user=user)
        .select_related("application__enterprise")
        .annotate(
            overdue=Case(
                When(overdue_condition(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def overdue_obligations(*, user, today: date) -> QuerySet[Obligation]:
    """Overdue obligations in ``user``'s scope, the longest overdue first."""
    return (
        access.obligation_list(user=user)
        .filter(overdue_condition(today))
        .select_related("application__enterprise")
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class ClaimYear:
    """One year's claims: how many in each state, the amounts, and the quota used."""

    year: int
    quota: Decimal | None
    rule: str
    claims: int
    requested: Decimal
    awarded: Decimal
    paid: Decimal

    @property
    def left(self) -> Decimal | None:
        return None if self.quota is None else self.quota - self.awarded


def claim_years(*, user) -> list[ClaimYear]:
    """Per year, the claims in ``user``'s scope and the year's quota (staff)."""
    quotas = {quota.year: quota for quota in access.quota_list(user=user)}
    rows = (
        access.claim_list(user=user)
        .exclude(status=InsuranceClaim.Status.DRAFT)
        .values("year")
        .annotate(
            claims=Count("pk"),
            requested=Sum("requested_amount"),
            awarded=Sum("awarded_amount", filter=Q(status__in=AWARDED)),
            paid=Sum("paid_amount"),
        )
        .order_by("-year")
    )
    zero = Decimal("0.00")
    years = []
    for row in rows:
        quota = quotas.get(row["year"])
        years.append(
            ClaimYear(
                year=row["year"],
                quota=quota.amount if quota else None,
                rule=quota.get_shortfall_rule_display() if quota else "",
                claims=row["claims"],
                requested=row["requested"] or zero,
                awarded=row["awarded"] or zero,
                paid=row["paid"] or zero,
            )
        )
    return years
