"""Who may do what: plain functions, one per question.

Admin ``has_*_permission``, the API's permission classes, portal views and the
workflow all call these; none of them re-implements a check.
"""

from enterprises.models import Membership, Region
from enterprises.roles import is_applicant, is_bureau_staff, is_county_officer, is_expert

from .workflow import Actor, Move, Status


def member_enterprise_ids(user) -> set[int]:
    """Enterprises the user acts for through an approved membership (cached per user)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_programme_desk_enterprises", None)
    if cached is None:
        cached = set(
            Membership.objects.filter(user=user, status=Membership.Status.APPROVED).values_list(
                "enterprise_id", flat=True
            )
        )
        user._programme_desk_enterprises = cached
    return cached


def jurisdiction_region_ids(user) -> set[int]:
    """Regions a county officer covers, with everything below them (cached per user)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_programme_desk_regions", None)
    if cached is None:
        roots = list(user.jurisdictions.values_list("region_id", flat=True))
        cached = (
            set(Region.objects.filter(pk__in=roots).values_list("pk", flat=True))
            | set(Region.objects.filter(parent__in=roots).values_list("pk", flat=True))
            | set(Region.objects.filter(parent__parent__in=roots).values_list("pk", flat=True))
        )
        user._programme_desk_regions = cached
    return cached


def is_member_of(user, enterprise_id) -> bool:
    return is_applicant(user) and enterprise_id in member_enterprise_ids(user)


def covers_region(user, region_id) -> bool:
    return is_county_officer(user) and region_id in jurisdiction_region_ids(user)


def is_assigned_expert(user, application) -> bool:
    return is_expert(user) and application.assignments.filter(expert=user).exists()


def is_unfiled(application) -> bool:
    """A draft, or a draft withdrawn before it was submitted: the county never saw it."""
    return application.status == Status.DRAFT or (
        application.status == Status.WITHDRAWN and application.submitted_at is None
    )


def can_view_application(user, application) -> bool:
    if is_bureau_staff(user):
        return True
    if is_member_of(user, application.enterprise_id):
        return True
    if covers_region(user, application.region_id) and not is_unfiled(application):
        return True
    return is_assigned_expert(user, application)


def can_edit_application(user, application) -> bool:
    """Applicants edit their own drafts and returned applications; staff edit any."""
    if is_bureau_staff(user):
        return True
    return is_member_of(user, application.enterprise_id) and application.status in {
        Status.DRAFT,
        Status.RETURNED,
    }


def can_delete_application(user, application) -> bool:
    """Only an application nobody has acted on yet may go; decisions are never deleted."""
    if application.events.exists():
        return False
    return is_bureau_staff(user) or (
        is_member_of(user, application.enterprise_id) and application.status == Status.DRAFT
    )


def can_delete_enterprise(user, enterprise) -> bool:
    return is_bureau_staff(user) and not enterprise.applications.exists()


def can_download_attachment(user, attachment) -> bool:
    """As ``can_view_application``, except that an expert must first declare no conflict."""
    application = attachment.application
    if is_bureau_staff(user) or is_member_of(user, application.enterprise_id):
        return True
    if covers_region(user, application.region_id) and not is_unfiled(application):
        return True
    return (
        is_expert(user)
        and application.assignments.filter(
            expert=user, no_conflict_declared_at__isnull=False
        ).exists()
    )


def can_make_move(user, application, move: Move) -> bool:
    """The workflow's role check: is ``user`` one of the actors this move names?"""
    for actor in move.actors:
        if actor == Actor.STAFF and is_bureau_staff(user):
            return True
        if actor == Actor.APPLICANT and is_member_of(user, application.enterprise_id):
            return True
        if actor == Actor.COUNTY and covers_region(user, application.region_id):
            return True
    return False


def can_manage_programmes(user) -> bool:
    return is_bureau_staff(user)
