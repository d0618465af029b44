"""Who may see or act on the programmes' records: applications, their files and timelines,
reviews, outcomes, objections, notices and the audit trail. One home per rule.

Builds on ``enterprises.access`` (the roles, memberships and jurisdictions). Read it top
to bottom:

1. ``CAPABILITIES``: what each role may do whatever the row;
2. per kind of row, the condition (a ``Q``) that selects the rows a user may see or act
   on, ``None`` meaning every row, and the list it gives. Each per-row answer
   (``can_*``) is derived from the same condition (``row_allowed``), so the admin, the
   API, the portal, file downloads and exports cannot disagree;
3. the workflow's actor check: whether a user is one of the actors a move names.

Which moves exist, from which states, and their guards are the workflow's
(``programmes.workflow``); whether the acting user is the move's actor is decided here.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from core.models import AuditEntry, ImportRecord, Notification, OutgoingEmail
from core.roles import APPLICANTS, BUREAU_STAFF, COUNTY_OFFICERS, EXPERTS
from enterprises import access as enterprise_access
from enterprises.access import (
    NOTHING,
    STAFF,
    covers_region,
    extend_enterprise_scope,
    holders_of,
    holds_any,
    is_applicant,
    is_bureau_staff,
    is_county_officer,
    is_expert,
    is_member_of,
    jurisdiction_region_ids,
    member_enterprise_ids,
    row_allowed,
)
from enterprises.models import Enterprise

from .models import (
    Application,
    ApplicationEvent,
    Attachment,
    Call,
    Designation,
    Disbursement,
    Evaluation,
    Objection,
    Programme,
    ReminderLog,
    ReviewAssignment,
)
from .workflow import EDITABLE, PUBLIC, UNFILED, Actor, Move, Status

# --- 1. Capabilities: what a role may do, whatever the row -------------------------------

CAPABILITIES: dict[str, frozenset[str]] = {
    **enterprise_access.CAPABILITIES,
    # Applications received on paper are entered in admin by the bureau.
    "add_application": STAFF,
    # Filing through the API: applicants for their own enterprises, staff for any.
    "file_applications": frozenset({BUREAU_STAFF, APPLICANTS}),
    "assign_experts": STAFF,
    # Who may be asked to score an application.
    "review_applications": frozenset({EXPERTS}),
    # Staff see every assignment, an expert their own (``assignment_scope``).
    "view_assignments": frozenset({BUREAU_STAFF, EXPERTS}),
    # Designations, evaluations and disbursements.
    "record_outcomes": STAFF,
    # Objections name the people who lodged them: the bureau handles them alone.
    "handle_objections": STAFF,
    "confirm_public_notice": STAFF,
    # Audit entries, import records, the reminders sent and the mail queue.
    "view_audit_records": STAFF,
    # An email that failed for good is sent again only when the bureau says so.
    "queue_email_again": STAFF,
    # The statistics cover every enterprise.
    "view_dashboard": STAFF,
    # The portal's desks, one per role.
    "use_bureau_desk": STAFF,
    "use_county_desk": frozenset({COUNTY_OFFICERS}),
    "use_expert_desk": frozenset({EXPERTS}),
    "use_applicant_pages": frozenset({APPLICANTS}),
    # Lists of everything (notifications, import records) rather than one's own.
    "see_everyones_records": STAFF,
}


def may(user, capability: str) -> bool:
    """Whether ``user`` has ``capability`` (a key of ``CAPABILITIES``)."""
    return holds_any(user, CAPABILITIES[capability])


def could_make_move(user, move: Move) -> bool:
    """Whether the user's role is among the move's actors, whatever the application.

    Decides which bulk actions the changelist offers; each application is still
    checked (jurisdiction, state, guards) when it moves.
    """
    return (Actor.STAFF in move.actors and is_bureau_staff(user)) or (
        Actor.COUNTY in move.actors and is_county_officer(user)
    )


def experts() -> QuerySet:
    """The people who may be asked to score an application."""
    return holders_of(EXPERTS)


def bureau_staff() -> QuerySet:
    """The bureau's staff: who hears of the bureau's own reminders."""
    return holders_of(BUREAU_STAFF)


def acted_for_county(user) -> bool:
    """On a timeline, an officer who is not also bureau staff acted for the county."""
    return is_county_officer(user) and not is_bureau_staff(user)


# --- 2. Rows -------------------------------------------------------------------------------

# Applications. Each role sees the applications it has a part in: an applicant those of
# the enterprises it acts for, an officer those filed in the regions it covers (a draft
# never reached the county), an expert those assigned to it.


def member_applications(user) -> Q:
    if not is_applicant(user):
        return NOTHING
    return Q(enterprise_id__in=member_enterprise_ids(user))


def county_applications(user) -> Q:
    """The officer's part alone: filed applications of the regions they cover."""
    if not is_county_officer(user):
        return NOTHING
    return Q(region_id__in=jurisdiction_region_ids(user)) & ~UNFILED


def expert_applications(user, *, files: bool) -> Q:
    """Assigned applications; with ``files``, only once the expert has declared no
    conflict of interest: an expert opens no document before declaring."""
    if not is_expert(user):
        return NOTHING
    if files:
        return Q(assignments__expert=user, assignments__no_conflict_declared_at__isnull=False)
    return Q(assignments__expert=user)


def application_scope(user, *, files: bool = False) -> Q | None:
    """The applications ``user`` may see (with ``files``: open the documents of)."""
    if is_bureau_staff(user):
        return None
    return (
        member_applications(user)
        | county_applications(user)
        | expert_applications(user, files=files)
    )


def application_list(*, user) -> QuerySet[Application]:
    scope = application_scope(user)
    if scope is None:
        return Application.objects.all()
    # The expert's part joins assignments; filter on ids to keep rows unique.
    return Application.objects.filter(pk__in=Application.objects.filter(scope).values("pk"))


def can_view_application(user, application) -> bool:
    return row_allowed(Application.objects, application_scope(user), application)


def can_file_for(user, enterprise) -> bool:
    """Applicants file through the portal for the enterprises they act for."""
    return is_member_of(user, enterprise.pk)


def filing_enterprise_list(*, user) -> QuerySet[Enterprise]:
    """The enterprises ``user`` may file for through the API: staff any (on its behalf),
    applicants their own."""
    if is_bureau_staff(user):
        return Enterprise.objects.all()
    return Enterprise.objects.filter(pk__in=member_enterprise_ids(user))


def application_owner_scope(user) -> Q | None:
    """The people an application is theirs to change: staff, and its enterprise's members."""
    if is_bureau_staff(user):
        return None
    return member_applications(user)


def acts_for_application(user, application) -> bool:
    return row_allowed(Application.objects, application_owner_scope(user), application)


def application_edit_scope(user) -> Q | None:
    """Staff change any application; members their enterprise's while it is with them
    (a draft, or returned for revision)."""
    owners = application_owner_scope(user)
    if owners is None:
        return None
    return owners & Q(status__in=EDITABLE)


def can_edit_application(user, application) -> bool:
    return row_allowed(Application.objects, application_edit_scope(user), application)


#: An application nobody has acted on yet: its timeline is empty.
UNTOUCHED = ~Exists(ApplicationEvent.objects.filter(application=OuterRef("pk")))


def application_delete_scope(user) -> Q:
    """Only an application nobody has acted on may go, a decision never: staff any such,
    members their enterprise's such drafts."""
    if is_bureau_staff(user):
        return UNTOUCHED
    return member_applications(user) & Q(status=Status.DRAFT) & UNTOUCHED


def can_delete_application(user, application) -> bool:
    return row_allowed(Application.objects, application_delete_scope(user), application)


def _of_applications(queryset: QuerySet, *, user, path: str = "application", files=False):
    """``queryset`` narrowed to rows whose application ``user`` may see.

    No subquery for users who see every application: ``application__in`` the whole table
    would be a semi-join with a million rows for nothing.
    """
    scope = application_scope(user, files=files)
    if scope is None:
        return queryset
    return queryset.filter(**{f"{path}__in": Application.objects.filter(scope).values("pk")})


def attachment_list(*, user) -> QuerySet[Attachment]:
    return _of_applications(Attachment.objects.all(), user=user, files=True)


def event_list(*, user) -> QuerySet[ApplicationEvent]:
    return _of_applications(ApplicationEvent.objects.all(), user=user)


def designation_list(*, user) -> QuerySet[Designation]:
    return _of_applications(Designation.objects.all(), user=user)


def can_delete_designation(user, designation) -> bool:
    """A designation that has been evaluated is part of the record and stays."""
    if not may(user, "record_outcomes") or designation is None:
        return False
    return not designation.evaluations.exists()


def evaluation_list(*, user) -> QuerySet[Evaluation]:
    return _of_applications(Evaluation.objects.all(), user=user, path="designation__application")


def disbursement_list(*, user) -> QuerySet[Disbursement]:
    return _of_applications(Disbursement.objects.all(), user=user)


# Expert assignments: staff see them all, an expert their own; county officers none
# (experts stay anonymous to the counties).


def own_assignment_scope(user) -> Q:
    """The expert's own assignments: theirs to declare on and score."""
    return Q(expert_id=user.pk) if is_expert(user) else NOTHING


def assignment_scope(user) -> Q | None:
    if is_bureau_staff(user):
        return None
    return own_assignment_scope(user)


def assignment_list(*, user) -> QuerySet[ReviewAssignment]:
    scope = assignment_scope(user)
    return (
        ReviewAssignment.objects.all() if scope is None else ReviewAssignment.objects.filter(scope)
    )


def can_view_assignment(user, assignment) -> bool:
    return row_allowed(ReviewAssignment.objects, assignment_scope(user), assignment)


def can_score(user, assignment) -> bool:
    """Only the assigned expert declares on an assignment and fills its score sheet."""
    return row_allowed(ReviewAssignment.objects, own_assignment_scope(user), assignment)


def can_unassign_expert(user, assignment) -> bool:
    """An assignment goes only before its score sheet is in."""
    scope = Q(submitted_at__isnull=True) if may(user, "assign_experts") else NOTHING
    return row_allowed(ReviewAssignment.objects, scope, assignment)


def objection_list(*, user) -> QuerySet[Objection]:
    if may(user, "handle_objections"):
        return Objection.objects.all()
    return Objection.objects.none()


def _own_or_everyones(queryset: QuerySet, *, user, owner: str = "user") -> QuerySet:
    if may(user, "see_everyones_records"):
        return queryset
    return queryset.filter(**{f"{owner}_id": user.pk})


def notification_list(*, user) -> QuerySet[Notification]:
    return _own_or_everyones(Notification.objects.all(), user=user)


def can_view_notification(user, notification) -> bool:
    if notification is None:
        return may(user, "use_desk")
    return notification_list(user=user).filter(pk=notification.pk).exists()


def import_record_list(*, user) -> QuerySet[ImportRecord]:
    return _own_or_everyones(ImportRecord.objects.all(), user=user)


def audit_entry_list(*, user) -> QuerySet[AuditEntry]:
    if may(user, "view_audit_records"):
        return AuditEntry.objects.all()
    return AuditEntry.objects.none()


def reminder_log_list(*, user) -> QuerySet[ReminderLog]:
    """The reminders ``send_reminders`` sent: read by the bureau, like the audit trail."""
    if may(user, "view_audit_records"):
        return ReminderLog.objects.all()
    return ReminderLog.objects.none()


def outgoing_email_list(*, user) -> QuerySet[OutgoingEmail]:
    """The mail queue (sent, waiting, failed): read by the bureau, like the reminders."""
    if may(user, "view_audit_records"):
        return OutgoingEmail.objects.all()
    return OutgoingEmail.objects.none()


# Reference data (regions, industries, programmes, calls, announced figures): public
# facts, the same for every desk user. The portal and the API show everybody else the
# active programmes, and their calls: all of them when signed in, the open ones otherwise.


def programme_list(*, user) -> QuerySet[Programme]:
    if may(user, "manage_reference_data"):
        return Programme.objects.all()
    return Programme.objects.filter(is_active=True)


def call_list(*, user, today) -> QuerySet[Call]:
    if may(user, "manage_reference_data"):
        return Call.objects.all()
    active = Call.objects.filter(programme__is_active=True)
    if user.is_authenticated:
        return active
    return active.open_on(today)


# Published: what the bureau has made public, for anybody, signed in or not. Callers show
# only non-private fields (no amounts requested, contacts, comments, files or reviews).


def public_results() -> QuerySet[Application]:
    """Applications in public notice or after it (``workflow.PUBLIC``)."""
    return Application.objects.filter(status__in=PUBLIC)


def public_designations() -> QuerySet[Designation]:
    """Designations conferred by a published application (not revoked)."""
    return Designation.objects.filter(application__status__in=PUBLIC)


def reviewed_enterprises(user) -> Q:
    """An expert sees the enterprises whose applications they review."""
    return Q(applications__assignments__expert=user) if is_expert(user) else NOTHING


extend_enterprise_scope(reviewed_enterprises)


# --- 3. The workflow's actor check -----------------------------------------------------------


def can_make_move(user, application, move: Move) -> bool:
    """Whether ``user`` is one of the actors ``move`` names, for this application."""
    for actor in move.actors:
        if actor == Actor.STAFF and is_bureau_staff(user):
            return True
        if actor == Actor.APPLICANT and is_member_of(user, application.enterprise_id):
            return True
        if actor == Actor.COUNTY and covers_region(user, application.region_id):
            return True
    return False
