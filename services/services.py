"""Every write of the services' records that the portal, the API and the sheets make:
raising a problem, assigning it, moving it through its workflow, writing down the steps
taken, and the service cases and events a sheet brings in.

Staff keep cases, financing, platforms, events and plans in admin, which saves through
``full_clean`` like these services."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.flows import StepRefused
from core.models import AuditEntry

from . import access
from .models import Event, EventPresentation, Problem, ProblemAction, ServiceCase
from .notices import tell_problem_raised
from .workflow import PROBLEM_FLOW


def problem_raise(*, actor, enterprise, category: str, title: str, description: str = ""):
    """An enterprise's member raises a problem for their enterprise; the county hears."""
    if not access.raising_enterprise_list(user=actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("You may raise problems only for an enterprise you act for."))
    problem = Problem(
        enterprise=enterprise,
        category=category,
        title=title.strip(),
        description=description.strip(),
        raised_by=actor,
        raised_on=timezone.localdate(),
    )
    with transaction.atomic():
        problem.full_clean()
        problem.save()
        audit_record(action=AuditEntry.Action.RECORD, actor=actor, obj=problem, detail="raised")
        tell_problem_raised(problem, actor)
    return problem


def problem_assign(*, problem, actor, department: str, owner, due_on, comment: str = ""):
    """Name the owning department, the owner and the due date, and make the ``assign``
    step; a refused step writes nothing."""
    department = (department or "").strip()
    if owner is not None and not access.owner_choices(problem).filter(pk=owner.pk).exists():
        raise ValidationError(
            {"owner": _("The owner must be bureau staff or an officer covering the county.")}
        )
    with transaction.atomic():
        locked = Problem.objects.select_for_update().get(pk=problem.pk)
        refusal = PROBLEM_FLOW.declared_refusal(
            locked, PROBLEM_FLOW.step("assign"), _context(actor, comment)
        )
        if refusal:
            raise StepRefused(refusal)
        locked.department, locked.owner, locked.due_on = department, owner, due_on
        locked.full_clean()
        locked.save(update_fields=["department", "owner", "due_on"])
        return PROBLEM_FLOW.move(
            locked, "assign", actor=actor, comment=comment, expected_status=locked.status
        )


def problem_move(*, problem, actor, step: str, comment: str = "", expected_status=None):
    """Make one step of the problem's workflow (``services.workflow``)."""
    if step == "assign":
        raise StepRefused(_("Assign a problem with its department, owner and due date."))
    return PROBLEM_FLOW.move(
        problem, step, actor=actor, comment=comment, expected_status=expected_status
    )


def problem_record_action(*, problem, actor, text: str, taken_on=None) -> ProblemAction:
    """Write down a step taken on an open problem."""
    if not access.can_record_action(actor, problem):
        raise PermissionDenied(_("You may not record steps on this problem."))
    action = ProblemAction(
        problem=problem,
        text=(text or "").strip(),
        taken_on=taken_on or timezone.localdate(),
        by=actor,
    )
    with transaction.atomic():
        action.full_clean()
        action.save()
        audit_record(action=AuditEntry.Action.RECORD, actor=actor, obj=problem, detail="step")
    return action


def service_cases_write(
    *, new: list[ServiceCase], updated: list[ServiceCase], fields: set[str]
) -> None:
    """The cases of an imported sheet, each checked by ``full_clean`` as the sheet was
    read (``services.resources``): the new ones created and the changed ones updated in
    bulk, inside the import's transaction."""
    if new:
        ServiceCase.objects.bulk_create(new)
    if updated and fields:
        ServiceCase.objects.bulk_update(updated, sorted(fields))


def events_write(*, events: list[tuple[Event, set[str]]], presentations: list[tuple]) -> None:
    """The events of an imported sheet and the enterprises presented at them: each event
    new or with the fields the sheet changed, then each ``(event, enterprise id,
    products)`` added or its products updated (an empty cell never erases them)."""
    for event, changed in events:
        if event.pk is None:
            event.save()
        elif changed:
            event.save(update_fields=sorted(changed))
    for event, enterprise_id, products in presentations:
        presentation, created = EventPresentation.objects.get_or_create(
            event=event, enterprise_id=enterprise_id, defaults={"products": products}
        )
        if not created and products and presentation.products != products:
            presentation.products = products
            presentation.save(update_fields=["products"])


def _context(actor, comment):
    from core.flows import StepContext

    return StepContext(actor=actor, comment=(comment or "").strip(), now=timezone.now())
