"""A problem's workflow, declared once (``core.flows``): what may happen to it, who may
do it, and what each step changes.

    open ─assign→ assigned ─start→ in progress ─resolve→ resolved ─confirm→ confirmed
                                                               └─reopen→ reopened ─assign→ …

Who holds each actor name is ``services.access.may_take_step``'s answer:

- ``desk``: bureau staff, and the county officers covering the enterprise's region;
- ``owner``: the person the problem is assigned to;
- ``enterprise``: the enterprise's approved members, who confirm or reopen a resolution.

Assigning names the owning department, the owner and the due date (``problem_assign``);
the flow refuses the step while no department is named.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.flows import Flow, Step

from .models import Problem

Status = Problem.Status


def department_named(problem, context) -> list[str]:
    if not problem.department.strip():
        return [_("Name the department that owns the problem before assigning it.")]
    return []


def resolution_recorded(problem, context) -> None:
    problem.resolution = context.comment
    problem.resolved_on = context.today
    problem.confirmed_on = None


def confirmation_recorded(problem, context) -> None:
    problem.confirmed_on = context.today


def reopened(problem, context) -> None:
    problem.resolved_on = None


PROBLEM_FLOW = Flow(
    name="problem",
    model=Problem,
    may="services.access.may_take_step",
    steps=[
        Step(
            name="assign",
            label=gettext_lazy("Assign"),
            sources=(Status.OPEN, Status.REOPENED, Status.ASSIGNED),
            target=Status.ASSIGNED,
            actors=("desk",),
            guards=(department_named,),
        ),
        Step(
            name="start",
            label=gettext_lazy("Start work"),
            sources=(Status.ASSIGNED,),
            target=Status.IN_PROGRESS,
            actors=("desk", "owner"),
        ),
        Step(
            name="resolve",
            label=gettext_lazy("Resolve"),
            sources=(Status.IN_PROGRESS,),
            target=Status.RESOLVED,
            actors=("desk", "owner"),
            comment_required=True,
            effects=(resolution_recorded,),
        ),
        Step(
            name="confirm",
            label=gettext_lazy("Confirm the resolution"),
            sources=(Status.RESOLVED,),
            target=Status.CONFIRMED,
            actors=("enterprise",),
            decision=True,
            effects=(confirmation_recorded,),
        ),
        Step(
            name="reopen",
            label=gettext_lazy("Reopen"),
            sources=(Status.RESOLVED,),
            target=Status.REOPENED,
            actors=("enterprise",),
            comment_required=True,
            effects=(reopened,),
        ),
    ],
)

#: The states in which a problem waits for the bureau's side.
OPEN_STATES = (Status.OPEN, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED)
