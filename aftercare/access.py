"""Who may see or act on aftercare's records: obligations, claw-backs and repayments,
insurance qualifications, quotas and claims. One home per rule.

Builds on ``enterprises.access``. Read it top to bottom:

1. ``CAPABILITIES``: what each role may do whatever the row;
2. per kind of row, the condition (a ``Q``, ``None`` for every row) selecting the rows a
   user may see: staff all; a county officer those of the projects filed in the regions it
   covers; an applicant those of the enterprises it acts for. Each list (``*_list``) and
   each per-row answer (``can_view_*``) derives from it;
3. the flows' actor check (``may_make_step``): whether a user is one of the actors a
   step of ``aftercare.flows`` names, for this record.
"""

from django.db.models import Q, QuerySet

from core.roles import APPLICANTS, BUREAU_STAFF
from enterprises import access as enterprise_access
from enterprises.access import (
    NOTHING,
    STAFF,
    covers_region,
    holds_any,
    is_applicant,
    is_bureau_staff,
    is_county_officer,
    is_member_of,
    jurisdiction_region_ids,
    member_enterprise_ids,
    row_allowed,
)

from .models import (
    ClawBack,
    InsuranceClaim,
    InsuranceQualification,
    InsuranceQuota,
    Obligation,
    Repayment,
)

# --- 1. Capabilities -----------------------------------------------------------------------

CAPABILITIES: dict[str, frozenset[str]] = {
    **enterprise_access.CAPABILITIES,
    # Schedule obligations, order claw-backs and record repayments.
    "manage_monitoring": STAFF,
    # Set each year's insurance quota and its shortfall rule.
    "manage_insurance_quotas": STAFF,
    # Ask for an insurance qualification and file claims: applicants for their own
    # enterprises' recognised products, staff for any (a claim received on paper).
    "file_insurance_claims": frozenset({BUREAU_STAFF, APPLICANTS}),
    # The insurance claims' figures on the dashboard.
    "view_insurance_statistics": STAFF,
}


def may(user, capability: str) -> bool:
    return holds_any(user, CAPABILITIES[capability])


# --- 2. Rows -------------------------------------------------------------------------------


def _project_scope(user, path: str) -> Q | None:
    """The rows of projects ``user`` has a part in; ``path`` leads to the application."""
    if is_bureau_staff(user):
        return None
    scope = NOTHING
    if is_applicant(user):
        scope |= Q(**{f"{path}__enterprise_id__in": member_enterprise_ids(user)})
    if is_county_officer(user):
        scope |= Q(**{f"{path}__region_id__in": jurisdiction_region_ids(user)})
    return scope


def _listed(model, scope: Q | None) -> QuerySet:
    return model.objects.all() if scope is None else model.objects.filter(scope)


def obligation_scope(user) -> Q | None:
    return _project_scope(user, "application")


def obligation_list(*, user) -> QuerySet[Obligation]:
    return _listed(Obligation, obligation_scope(user))


def can_view_obligation(user, obligation) -> bool:
    return row_allowed(Obligation.objects, obligation_scope(user), obligation)


def claw_back_scope(user) -> Q | None:
    return _project_scope(user, "application")


def claw_back_list(*, user) -> QuerySet[ClawBack]:
    return _listed(ClawBack, claw_back_scope(user))


def can_view_claw_back(user, claw_back) -> bool:
    return row_allowed(ClawBack.objects, claw_back_scope(user), claw_back)


def repayment_list(*, user) -> QuerySet[Repayment]:
    return _listed(Repayment, _project_scope(user, "claw_back__application"))


def qualification_scope(user) -> Q | None:
    return _project_scope(user, "application")


def qualification_list(*, user) -> QuerySet[InsuranceQualification]:
    return _listed(InsuranceQualification, qualification_scope(user))


def can_view_qualification(user, qualification) -> bool:
    return row_allowed(InsuranceQualification.objects, qualification_scope(user), qualification)


def can_request_qualification(user, application) -> bool:
    """Staff for any recognised product; applicants for their own enterprise's."""
    return is_bureau_staff(user) or is_member_of(user, application.enterprise_id)


def claim_scope(user) -> Q | None:
    return _project_scope(user, "qualification__application")


def claim_list(*, user) -> QuerySet[InsuranceClaim]:
    return _listed(InsuranceClaim, claim_scope(user))


def can_view_claim(user, claim) -> bool:
    return row_allowed(InsuranceClaim.objects, claim_scope(user), claim)


def can_edit_claim(user, claim) -> bool:
    """A claim is changed by its enterprise (or staff) while it is with them."""
    if claim.status not in (InsuranceClaim.Status.DRAFT, InsuranceClaim.Status.RETURNED):
        return False
    application = claim.subject_application
    return is_bureau_staff(user) or is_member_of(user, application.enterprise_id)


def can_report_on(user, obligation) -> bool:
    """The enterprise writes its reports while the obligation waits for it."""
    return obligation.status in (
        Obligation.Status.DUE,
        Obligation.Status.RETURNED,
    ) and is_member_of(user, obligation.application.enterprise_id)


def can_inspect(user, obligation) -> bool:
    """The bureau, or the officer covering the project's region, records an inspection."""
    return is_bureau_staff(user) or covers_region(user, obligation.application.region_id)


def quota_list(*, user) -> QuerySet[InsuranceQuota]:
    """The yearly quotas: the bureau's figures, read by its staff."""
    if may(user, "manage_insurance_quotas"):
        return InsuranceQuota.objects.all()
    return InsuranceQuota.objects.none()


# --- 3. The flows' actor check -------------------------------------------------------------


def may_make_step(user, record, step) -> bool:
    """Whether ``user`` is one of the actors ``step`` names, for this record."""
    application = record.subject_application
    for actor in step.actors:
        if actor == "staff" and is_bureau_staff(user):
            return True
        if actor == "applicant" and is_member_of(user, application.enterprise_id):
            return True
        if actor == "county" and covers_region(user, application.region_id):
            return True
    return False
