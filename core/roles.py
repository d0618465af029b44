"""The four roles are Django groups; their names are the contract between code and data."""

BUREAU_STAFF = "Bureau staff"
COUNTY_OFFICERS = "County officers"
EXPERTS = "Experts"
APPLICANTS = "Applicants"

ALL_ROLES = (BUREAU_STAFF, COUNTY_OFFICERS, EXPERTS, APPLICANTS)

#: Not a role but a mark beside one: the account another system signs in with, by token.
SERVICE_ACCOUNTS = "Service accounts"


def role_names(user) -> frozenset[str]:
    """The names of ``user``'s groups (none for an anonymous or inactive user); read once
    and cached on the user object, which lives for one request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_programme_desk_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._programme_desk_roles = cached
    return cached


def has_role(user, role: str) -> bool:
    """True when ``user`` is in the group ``role``."""
    return role in role_names(user)


def is_bureau_staff(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active) or has_role(
        user, BUREAU_STAFF
    )


def is_county_officer(user) -> bool:
    return has_role(user, COUNTY_OFFICERS)


def is_expert(user) -> bool:
    return has_role(user, EXPERTS)


def is_applicant(user) -> bool:
    return has_role(user, APPLICANTS)
