"""Who may use which part of the admin: plain functions, one per question.

Per-application questions (view, edit, delete, make a move) live in
``programmes.permissions``; these answer the admin's remaining ones — reference
data, enterprises, outcomes, reviews and audit records. Every ModelAdmin's
``has_*_permission`` calls one of them, so the admin and the model-level group
permissions cannot drift apart silently: the role decides, here.
"""

from enterprises.roles import is_bureau_staff, is_county_officer, is_expert

from .permissions import covers_region, is_member_of
from .workflow import Actor, Move


def can_use_desk(user) -> bool:
    """Bureau staff, county officers and experts work in admin; applicants use the portal."""
    return is_bureau_staff(user) or is_county_officer(user) or is_expert(user)


def can_view_reference_data(user) -> bool:
    """Regions, industries, programmes and calls are public facts every desk user needs."""
    return can_use_desk(user)


def can_manage_reference_data(user) -> bool:
    return is_bureau_staff(user)


def can_view_enterprise(user, enterprise) -> bool:
    """Staff see every enterprise; officers those in their regions; experts those they review."""
    if is_bureau_staff(user):
        return True
    if enterprise is None:
        return can_use_desk(user)
    if covers_region(user, enterprise.region_id) or is_member_of(user, enterprise.pk):
        return True
    return is_expert(user) and enterprise.applications.filter(assignments__expert=user).exists()


def can_edit_enterprise(user, enterprise=None) -> bool:
    return is_bureau_staff(user)


def can_manage_memberships(user) -> bool:
    """Approving who acts for an enterprise, and naming officers' regions, is the bureau's."""
    return is_bureau_staff(user)


def can_add_application(user) -> bool:
    """Staff enter applications received on paper; applicants file through the portal."""
    return is_bureau_staff(user)


def can_record_outcomes(user) -> bool:
    """Designations, evaluations and disbursements are recorded by bureau staff."""
    return is_bureau_staff(user)


def can_delete_designation(user, designation) -> bool:
    """A designation that has been evaluated is part of the record and stays."""
    return is_bureau_staff(user) and not designation.evaluations.exists()


def can_view_assignment(user, assignment) -> bool:
    """Staff see every assignment; an expert only their own."""
    if is_bureau_staff(user):
        return True
    if assignment is None:
        return is_expert(user)
    return is_expert(user) and assignment.expert_id == user.pk


def can_assign_experts(user) -> bool:
    return is_bureau_staff(user)


def can_unassign_expert(user, assignment) -> bool:
    """An assignment goes only before its score sheet is in."""
    return is_bureau_staff(user) and assignment.submitted_at is None


def can_handle_objections(user) -> bool:
    return is_bureau_staff(user)


def can_view_audit_records(user) -> bool:
    """Import records show who loaded which file; the bureau audits them."""
    return is_bureau_staff(user)


def can_view_notification(user, notification) -> bool:
    if is_bureau_staff(user):
        return True
    return notification is not None and notification.user_id == user.pk


def could_make_move(user, move: Move) -> bool:
    """Whether the user's role is among the move's actors, whatever the application.

    Decides which bulk actions the changelist offers; the service still checks
    each application (jurisdiction, state) before it moves.
    """
    return (Actor.STAFF in move.actors and is_bureau_staff(user)) or (
        Actor.COUNTY in move.actors and is_county_officer(user)
    )
