"""Who may see or act on the services' records: service cases, problems, financing,
platforms, events and plans. One home per rule; the only module of this app that asks
for a role.

Builds on ``enterprises.access`` (roles, memberships, jurisdictions). Read it top to
bottom:

1. ``CAPABILITIES``: what each role may do whatever the row;
2. per kind of row, the condition (a ``Q``, ``None`` for every row) selecting the rows a
   user may see, and the list it gives: staff see everything; a county officer the cases,
   problems and financing of the enterprises in the regions they cover; an enterprise's
   approved members its problems and financing; a problem's owner that problem. Platforms,
   events and plans are public facts that staff, county officers and applicants read
   (experts, who only score, do not). The per-row answers
   (``can_*``) are derived from the same conditions (``row_allowed``);
3. the problem workflow's actors (``services.workflow``): who is ``desk``, ``owner`` or
   ``enterprise`` for a problem.
"""

from django.db.models import Q, QuerySet

from core.roles import APPLICANTS, BUREAU_STAFF, COUNTY_OFFICERS
from enterprises.access import (
    NOTHING,
    STAFF,
    covers_region,
    holders_of,
    holds_any,
    is_applicant,
    is_bureau_staff,
    is_county_officer,
    is_member_of,
    jurisdiction_region_ids,
    member_enterprise_ids,
    officers_covering,
    row_allowed,
)
from enterprises.models import Enterprise

from .models import (
    AnnouncedFigure,
    Event,
    Financing,
    Plan,
    PlanTarget,
    Platform,
    Problem,
    ProblemAction,
    ServiceCase,
)

# --- 1. Capabilities: what a role may do, whatever the row -------------------------------

CAPABILITIES: dict[str, frozenset[str]] = {
    # Cases, financing, platforms, events, plans and announced figures, kept in admin.
    "manage_services": STAFF,
    # Service cases and events brought in from a spreadsheet (admin and the command line).
    "import_services": STAFF,
    # The services' pages of the desk: staff and the county officers.
    "use_services_desk": frozenset({BUREAU_STAFF, COUNTY_OFFICERS}),
    # An enterprise raises a problem itself in the portal.
    "raise_problems": frozenset({APPLICANTS}),
    # Public facts: platforms, events, plans and their targets.
    "view_service_facts": frozenset({BUREAU_STAFF, COUNTY_OFFICERS, APPLICANTS}),
}


def may(user, capability: str) -> bool:
    return user.is_authenticated and holds_any(user, CAPABILITIES[capability])


def can_import(user, model) -> bool:
    """Whether ``user`` may import a sheet of ``model`` (service cases, events)."""
    return may(user, "import_services")


# --- 2. Rows -----------------------------------------------------------------------------


def _enterprise_rows(user, path: str = "enterprise") -> Q | None:
    """Rows about an enterprise: staff all, officers those in their regions."""
    if is_bureau_staff(user):
        return None
    condition = NOTHING
    if is_county_officer(user):
        condition |= Q(**{f"{path}__region_id__in": jurisdiction_region_ids(user)})
    return condition


def case_scope(user) -> Q | None:
    """Staff every case; a county officer the cases at enterprises of their regions."""
    return _enterprise_rows(user)


def case_list(*, user) -> QuerySet[ServiceCase]:
    scope = case_scope(user)
    cases = ServiceCase.objects.select_related("enterprise__region", "plan", "programme")
    return cases if scope is None else cases.filter(scope)


def can_view_case(user, case) -> bool:
    return row_allowed(ServiceCase.objects, case_scope(user), case)


def problem_scope(user) -> Q | None:
    """Staff every problem; an officer their regions'; members their enterprise's; an
    owner the problems assigned to them."""
    condition = _enterprise_rows(user)
    if condition is None:
        return None
    if is_applicant(user):
        condition |= Q(enterprise_id__in=member_enterprise_ids(user))
    if user.is_authenticated:
        condition |= Q(owner_id=user.pk)
    return condition


def problem_list(*, user) -> QuerySet[Problem]:
    scope = problem_scope(user)
    problems = Problem.objects.select_related("enterprise__region", "owner", "case")
    return problems if scope is None else problems.filter(scope)


def can_view_problem(user, problem) -> bool:
    return row_allowed(Problem.objects, problem_scope(user), problem)


def problem_action_list(*, user) -> QuerySet[ProblemAction]:
    return ProblemAction.objects.filter(problem__in=problem_list(user=user).values("pk"))


def can_record_action(user, problem) -> bool:
    """Write down a step taken: staff, the covering officer, or the owner, while the
    problem is being worked on."""
    from .workflow import OPEN_STATES

    return problem.status in OPEN_STATES and (
        _is_desk_for(user, problem) or _is_owner(user, problem)
    )


def financing_scope(user) -> Q | None:
    condition = _enterprise_rows(user)
    if condition is None:
        return None
    if is_applicant(user):
        condition |= Q(enterprise_id__in=member_enterprise_ids(user))
    return condition


def financing_list(*, user) -> QuerySet[Financing]:
    scope = financing_scope(user)
    rows = Financing.objects.select_related("enterprise", "case")
    return rows if scope is None else rows.filter(scope)


def _facts(queryset: QuerySet, user) -> QuerySet:
    return queryset if may(user, "view_service_facts") else queryset.none()


def platform_list(*, user) -> QuerySet[Platform]:
    return _facts(Platform.objects.select_related("region"), user)


def event_list(*, user) -> QuerySet[Event]:
    return _facts(Event.objects.select_related("region"), user)


def plan_list(*, user) -> QuerySet[Plan]:
    return _facts(Plan.objects.select_related("region"), user)


def plan_target_list(*, user) -> QuerySet[PlanTarget]:
    return _facts(PlanTarget.objects.select_related("plan"), user)


def announced_figure_list(*, user) -> QuerySet[AnnouncedFigure]:
    return _facts(AnnouncedFigure.objects.select_related("region"), user)


def raising_enterprise_list(*, user) -> QuerySet[Enterprise]:
    """The enterprises ``user`` may raise a problem for: those they act for."""
    if not may(user, "raise_problems"):
        return Enterprise.objects.none()
    return Enterprise.objects.filter(pk__in=member_enterprise_ids(user))


def owner_choices(problem) -> QuerySet:
    """Whom a problem may be assigned to: bureau staff, and the officers covering the
    enterprise's region."""
    staff = holders_of(BUREAU_STAFF)
    officers = officers_covering(problem.enterprise.region_id)
    return (
        staff.model.objects.filter(Q(pk__in=staff.values("pk")) | Q(pk__in=officers.values("pk")))
        .distinct()
        .order_by("username")
    )


def problem_watchers(problem) -> list:
    """Who hears that a problem was raised: the officers covering its region, or the
    bureau's staff where no officer covers it."""
    officers = list(officers_covering(problem.enterprise.region_id))
    return officers or list(holders_of(BUREAU_STAFF))


# --- 3. The problem workflow's actors ----------------------------------------------------


def _is_desk_for(user, problem) -> bool:
    if is_bureau_staff(user):
        return True
    return is_county_officer(user) and covers_region(user, problem.enterprise.region_id)


def _is_owner(user, problem) -> bool:
    return problem.owner_id is not None and problem.owner_id == user.pk


ACTORS = {
    "desk": _is_desk_for,
    "owner": _is_owner,
    "enterprise": lambda user, problem: is_member_of(user, problem.enterprise_id),
}


def may_take_step(user, problem, step) -> bool:
    """Whether ``user`` is one of the actors ``step`` names for ``problem``."""
    return any(ACTORS[actor](user, problem) for actor in step.actors)
