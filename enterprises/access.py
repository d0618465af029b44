"""Who may see or act on regions, industries, enterprises, memberships and jurisdictions.

The roles are asked here and in ``programmes.access`` (which builds on this module), and
nowhere else. Read it top to bottom:

1. the roles, and who holds them;
2. ``CAPABILITIES``: what each role may do whatever the row;
3. per kind of row, the condition (a ``Q``) selecting the rows a user may see or act on.
   ``None`` means every row. The per-row answers (``can_*``) are derived from the same
   condition by ``row_allowed``, so a list and a detail page cannot disagree.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_permission_codename, get_user_model
from django.db.models import Model, Q, QuerySet
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.text import get_text_list
from django.utils.translation import gettext

from core.roles import (
    APPLICANTS,
    BUREAU_STAFF,
    COUNTY_OFFICERS,
    EXPERTS,
    SERVICE_ACCOUNTS,
    role_names,
)

from .models import ApiToken, Enterprise, Jurisdiction, Membership, Region

#: Matches no row.
NOTHING = Q(pk__in=[])

# --- 1. Roles --------------------------------------------------------------------------


def has_role(user, role: str) -> bool:
    """Whether ``user`` (active, signed in) holds ``role``; a superuser is bureau staff."""
    if role == BUREAU_STAFF and user.is_superuser and user.is_active:
        return True
    return role in role_names(user)


def is_bureau_staff(user) -> bool:
    return has_role(user, BUREAU_STAFF)


def is_county_officer(user) -> bool:
    return has_role(user, COUNTY_OFFICERS)


def is_expert(user) -> bool:
    return has_role(user, EXPERTS)


def is_applicant(user) -> bool:
    return has_role(user, APPLICANTS)


def holders_of(role: str) -> QuerySet:
    """The active users in ``role``'s group: whom a form may name as expert or officer."""
    return get_user_model().objects.filter(groups__name=role, is_active=True).distinct()


def member_enterprise_ids(user) -> set[int]:
    """Enterprises ``user`` acts for: approved memberships, and the Applicants role.

    Read once per user object (one request)."""
    if not is_applicant(user):
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
    """Regions a county officer covers, with everything below them (read once per request)."""
    if not is_county_officer(user):
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
    return enterprise_id in member_enterprise_ids(user)


def covers_region(user, region_id) -> bool:
    return region_id in jurisdiction_region_ids(user)


def workplace_name(user) -> str:
    """The heading of a desk user's admin, naming whose work it holds: the bureau's, the
    county's (with the regions the officer covers) or the expert's; empty otherwise."""
    if is_bureau_staff(user):
        return gettext("Bureau workplace")
    if is_county_officer(user):
        regions = Region.objects.filter(jurisdictions__user=user).order_by("code")
        names = [str(region) for region in regions]
        return gettext("County workplace — %(regions)s") % {
            "regions": get_text_list(names, gettext("and"))
        }
    if is_expert(user):
        return gettext("Expert workplace")
    return ""


# --- 2. Capabilities: what a role may do, whatever the row ------------------------------

STAFF = frozenset({BUREAU_STAFF})
DESK = frozenset({BUREAU_STAFF, COUNTY_OFFICERS, EXPERTS})

CAPABILITIES: dict[str, frozenset[str]] = {
    # The admin is the desk of staff, county officers and experts; applicants use the portal.
    "use_desk": DESK,
    # Regions, industries, programmes and calls: public facts every desk user reads.
    "view_reference_data": DESK,
    "manage_reference_data": STAFF,
    # Who acts for which enterprise, and which officer covers which region.
    "manage_memberships": STAFF,
    # Enterprise records in admin; members edit their own profile in the portal.
    "edit_enterprises": STAFF,
    # Who holds an API token, and revoking one (issuing: ``may_issue_token``).
    "manage_api_tokens": STAFF,
}


def holds_any(user, roles) -> bool:
    return any(has_role(user, role) for role in roles)


def may(user, capability: str) -> bool:
    """Whether ``user`` has ``capability`` (a key of ``CAPABILITIES``)."""
    return holds_any(user, CAPABILITIES[capability])


def is_service_account(user) -> bool:
    """An account another system uses: marked "Service accounts", with no password anyone
    could sign in with, and no administrator."""
    return (
        SERVICE_ACCOUNTS in role_names(user)
        and not user.has_usable_password()
        and not user.is_superuser
    )


def may_issue_token(actor, holder) -> bool:
    """An API token is its holder's own credential: issued to oneself, or by an
    administrator (a superuser) to a service account. Nobody obtains one for a person."""
    if not actor.is_active or not holder.is_active:
        return False
    if actor.pk == holder.pk:
        return True
    return actor.is_superuser and is_service_account(holder)


def can_import(user, model) -> bool:
    """The import permission of django-import-export's settings, on ``model``.

    ``IMPORT_EXPORT_IMPORT_PERMISSION_CODE`` is ``"import"``: the user needs
    ``<app>.import_<model>``, a permission the data migrations give bureau staff
    (superusers have every permission; Django's backends grant an anonymous or inactive
    user none).
    """
    opts = model._meta
    code = get_permission_codename(settings.IMPORT_EXPORT_IMPORT_PERMISSION_CODE, opts)
    return user.has_perm(f"{opts.app_label}.{code}")


# --- 3. Rows -----------------------------------------------------------------------------


def row_allowed(queryset: QuerySet, scope: Q | None, obj: Model | None) -> bool:
    """The per-row answer of a scope: is ``obj`` among ``queryset.filter(scope)``?"""
    if obj is None or obj.pk is None:
        return False
    if scope is None:
        return True
    return queryset.filter(scope, pk=obj.pk).exists()


def reference_list(model, *, user) -> QuerySet:
    """Reference data (regions, industries, programmes, calls): every desk user reads it."""
    if may(user, "view_reference_data"):
        return model.objects.all()
    return model.objects.none()


# Conditions that apps above this one add to the enterprises a user sees: programmes
# lets an expert see the enterprises whose applications they review.
_ENTERPRISE_SCOPE_EXTENSIONS: list[Callable[[object], Q]] = []


def extend_enterprise_scope(condition: Callable[[object], Q]) -> None:
    """Add ``condition(user)`` to the enterprises a user may see; an app's access module
    calls it once as it loads."""
    if condition not in _ENTERPRISE_SCOPE_EXTENSIONS:
        _ENTERPRISE_SCOPE_EXTENSIONS.append(condition)


def enterprise_scope(user) -> Q | None:
    """Staff see every enterprise; applicants their own; officers those in their regions."""
    if is_bureau_staff(user):
        return None
    condition = NOTHING
    if is_applicant(user):
        condition |= Q(pk__in=member_enterprise_ids(user))
    if is_county_officer(user):
        condition |= Q(region_id__in=jurisdiction_region_ids(user))
    for extension in _ENTERPRISE_SCOPE_EXTENSIONS:
        condition |= extension(user)
    return condition


def enterprise_list(*, user) -> QuerySet[Enterprise]:
    scope = enterprise_scope(user)
    if scope is None:
        return Enterprise.objects.all()
    # A condition may join; the ids keep each enterprise once.
    return Enterprise.objects.filter(pk__in=Enterprise.objects.filter(scope).values("pk"))


def can_view_enterprise(user, enterprise) -> bool:
    return row_allowed(Enterprise.objects, enterprise_scope(user), enterprise)


def enterprise_profile_scope(user) -> Q | None:
    """The portal's profile page: staff, and the enterprise's own members."""
    if is_bureau_staff(user):
        return None
    return Q(pk__in=member_enterprise_ids(user))


def can_manage_enterprise_profile(user, enterprise) -> bool:
    """See and edit the profile and its members' requests in the portal."""
    return row_allowed(Enterprise.objects, enterprise_profile_scope(user), enterprise)


def can_delete_enterprise(user, enterprise) -> bool:
    """Staff delete an enterprise that no other record keeps (applications protect it)."""
    if not may(user, "edit_enterprises") or enterprise is None or enterprise.pk is None:
        return False
    try:
        Collector(using=enterprise._state.db).collect([enterprise])
    except (ProtectedError, RestrictedError):
        return False
    return True


def membership_decision_scope(user) -> Q:
    """Requests to join that ``user`` may approve or decline: never their own; staff any,
    approved members those of their enterprises."""
    own = Q(user_id=user.pk)
    if is_bureau_staff(user):
        return ~own
    return Q(enterprise_id__in=member_enterprise_ids(user)) & ~own


def can_decide_membership(user, membership) -> bool:
    return row_allowed(Membership.objects, membership_decision_scope(user), membership)


def membership_list(*, user) -> QuerySet[Membership]:
    """Staff see every membership; anybody else their own."""
    if may(user, "manage_memberships"):
        return Membership.objects.all()
    return Membership.objects.filter(user_id=user.pk)


def own_membership_list(*, user) -> list[Membership]:
    """The user's own memberships and requests, whatever their role (the account page)."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user)
        .select_related("enterprise__region")
        .order_by("status", "enterprise__name")
    )


def jurisdiction_list(*, user) -> QuerySet[Jurisdiction]:
    """Staff see every jurisdiction; an officer their own."""
    if may(user, "manage_memberships"):
        return Jurisdiction.objects.all()
    return Jurisdiction.objects.filter(user_id=user.pk)


def token_list(*, user) -> QuerySet[ApiToken]:
    """API tokens as staff list them (the admin and ``/api/v1/tokens/``): every one for
    those who may manage tokens, none for anybody else."""
    if may(user, "manage_api_tokens"):
        return ApiToken.objects.all()
    return ApiToken.objects.none()


def enterprise_members(enterprise_id) -> list:
    """The people who act for the enterprise: its approved members, told of its news."""
    return [
        membership.user
        for membership in Membership.objects.filter(
            enterprise_id=enterprise_id, status=Membership.Status.APPROVED
        ).select_related("user")
    ]


def county_officers() -> QuerySet:
    return holders_of(COUNTY_OFFICERS)


def officers_covering(region_id) -> QuerySet:
    """The active county officers who see the region's filings: those whose jurisdiction
    is the region or a region above it (as ``jurisdiction_region_ids`` reaches down)."""
    if region_id is None:
        return get_user_model().objects.none()
    above = Region.objects.filter(pk=region_id).values_list("parent_id", "parent__parent_id")
    regions = {region_id, *(pk for pk in (above.first() or ()) if pk is not None)}
    return county_officers().filter(jurisdictions__region_id__in=regions).distinct()
