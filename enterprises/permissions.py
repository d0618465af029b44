"""Who may see and manage an enterprise's profile and members: plain functions."""

from programmes.permissions import is_member_of

from .roles import is_bureau_staff


def can_view_enterprise_profile(user, enterprise) -> bool:
    return is_bureau_staff(user) or is_member_of(user, enterprise.pk)


def can_edit_enterprise_profile(user, enterprise) -> bool:
    return is_bureau_staff(user) or is_member_of(user, enterprise.pk)


def can_decide_membership(user, membership) -> bool:
    """Approved members and bureau staff approve or decline a request to join."""
    if membership.user_id == getattr(user, "pk", None):
        return False
    return is_bureau_staff(user) or is_member_of(user, membership.enterprise_id)
