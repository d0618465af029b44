"""Reads for the admin's remaining lists, each scoped to the acting user.

Applications, enterprises, designations, attachments and timeline events come
from ``programmes.selectors``; the lists here derive from those scopes (through
``application_scope``) or from the user's role, never from a bare ``.all()``.
"""

from django.db.models import QuerySet

from enterprises.models import Industry, Jurisdiction, Membership, Region
from enterprises.roles import is_bureau_staff, is_expert

from ..models import (
    AnnouncedFigure,
    Call,
    Disbursement,
    Evaluation,
    ImportRecord,
    Notification,
    Objection,
    Programme,
    ReviewAssignment,
)
from . import application_list, application_scope, designation_list


def _within_applications(queryset: QuerySet, *, user, path: str = "application") -> QuerySet:
    """Rows whose application ``user`` may see (no subquery when they see them all)."""
    if application_scope(user) is None:
        return queryset
    return queryset.filter(**{f"{path}__in": application_list(user=user).values("pk")})


# --- Reference data: public facts, the same for every desk user ---------------
def region_list(*, user) -> QuerySet[Region]:
    return Region.objects.all()


def industry_list(*, user) -> QuerySet[Industry]:
    return Industry.objects.all()


def programme_list(*, user) -> QuerySet[Programme]:
    return Programme.objects.all()


def call_list(*, user) -> QuerySet[Call]:
    return Call.objects.all()


def announced_figure_list(*, user) -> QuerySet[AnnouncedFigure]:
    return AnnouncedFigure.objects.all()


# --- People ---------------------------------------------------------------------
def membership_list(*, user) -> QuerySet[Membership]:
    if is_bureau_staff(user):
        return Membership.objects.all()
    return Membership.objects.filter(user=user)


def jurisdiction_list(*, user) -> QuerySet[Jurisdiction]:
    if is_bureau_staff(user):
        return Jurisdiction.objects.all()
    return Jurisdiction.objects.filter(user=user)


# --- Reviews, outcomes and records ------------------------------------------------
def assignment_list(*, user) -> QuerySet[ReviewAssignment]:
    """Staff see every assignment, an expert their own; county officers none (experts stay
    anonymous to the counties)."""
    if is_bureau_staff(user):
        return ReviewAssignment.objects.all()
    if is_expert(user):
        return ReviewAssignment.objects.filter(expert=user)
    return ReviewAssignment.objects.none()


def evaluation_list(*, user) -> QuerySet[Evaluation]:
    if is_bureau_staff(user):
        return Evaluation.objects.all()
    return Evaluation.objects.filter(designation__in=designation_list(user=user).values("pk"))


def disbursement_list(*, user) -> QuerySet[Disbursement]:
    return _within_applications(Disbursement.objects.all(), user=user)


def objection_list(*, user) -> QuerySet[Objection]:
    """Objections name the people who lodged them: the bureau handles them alone."""
    if is_bureau_staff(user):
        return Objection.objects.all()
    return Objection.objects.none()


def import_record_list(*, user) -> QuerySet[ImportRecord]:
    if is_bureau_staff(user):
        return ImportRecord.objects.all()
    return ImportRecord.objects.filter(user=user)


def notification_list(*, user) -> QuerySet[Notification]:
    if is_bureau_staff(user):
        return Notification.objects.all()
    return Notification.objects.filter(user=user)
