"""Portal pages of the services: an enterprise raises a problem and follows it to its
confirmation; the bureau and county officers see their cases and problems and move them;
the services' statistics.

Every page reads through ``services.access``; a row outside the user's lists answers 404
as a missing one does. Every step goes through ``services.services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.flows import StepContext

from . import access, stats
from .forms import ActionForm, AssignForm, RaiseForm, StepForm
from .models import Problem
from .services import problem_assign, problem_move, problem_raise, problem_record_action
from .workflow import OPEN_STATES, PROBLEM_FLOW

PER_PAGE = 50


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


@login_required
def problems(request):
    rows = access.problem_list(user=request.user).order_by("-raised_on", "-pk")
    status = request.GET.get("status", "")
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATES)
    elif status in Problem.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "services/problems.html",
        {
            "page": page,
            "status": status,
            "statuses": Problem.Status.choices,
            "may_raise": access.raising_enterprise_list(user=request.user).exists(),
            "may_desk": access.may(request.user, "use_services_desk"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_new(request):
    enterprises = access.raising_enterprise_list(user=request.user)
    if not enterprises.exists():
        raise PermissionDenied
    form = RaiseForm(request.POST or None, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = problem_raise(
                actor=request.user,
                enterprise=data["enterprise"],
                category=data["category"],
                title=data["title"],
                description=data["description"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your problem is raised; the county has been told."))
            return redirect(problem)
    return render(request, "services/problem_form.html", {"form": form})


def _visible_problem(request, pk) -> Problem:
    return get_object_or_404(access.problem_list(user=request.user), pk=pk)


def _timeline(problem) -> list[tuple]:
    """Each step made, with the step and the statuses named in the reader's language."""
    labels = dict(Problem.Status.choices)
    return [
        (
            event,
            PROBLEM_FLOW.step_label(event.step),
            labels.get(event.from_status, event.from_status),
            labels.get(event.to_status, event.to_status),
        )
        for event in PROBLEM_FLOW.timeline(problem)
    ]


@login_required
def problem_detail(request, pk):
    problem = _visible_problem(request, pk)
    steps = [
        step for step in PROBLEM_FLOW.available(problem, request.user) if step.name != "assign"
    ]
    # The form names the department the step's guard asks for: offered whenever the
    # state and the person allow the step.
    may_assign = not PROBLEM_FLOW.declared_refusal(
        problem, PROBLEM_FLOW.step("assign"), StepContext(actor=request.user)
    )
    return render(
        request,
        "services/problem_detail.html",
        {
            "problem": problem,
            "steps": steps,
            "assign_form": AssignForm(
                owners=access.owner_choices(problem),
                initial={
                    "department": problem.department,
                    "owner": problem.owner_id,
                    "due_on": problem.due_on,
                },
            )
            if may_assign
            else None,
            "action_form": ActionForm()
            if access.can_record_action(request.user, problem)
            else None,
            "timeline": _timeline(problem),
            "actions": problem.actions.select_related("by"),
            "held_back": [
                (step, reasons)
                for step, reasons in PROBLEM_FLOW.held_back(problem, request.user)
                if step.name != "assign"
            ],
        },
    )


@login_required
@require_POST
def problem_step(request, pk):
    problem = _visible_problem(request, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        problem_move(
            problem=problem,
            actor=request.user,
            step=form.cleaned_data["step"],
            comment=form.cleaned_data["comment"],
            expected_status=form.cleaned_data["expected_status"],
        )
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Done: the problem is now “%(status)s”.") % {"status": problem.get_status_display()},
        )
    return redirect(problem)


@login_required
@require_POST
def problem_assign_view(request, pk):
    problem = _visible_problem(request, pk)
    form = AssignForm(request.POST, owners=access.owner_choices(problem))
    if not form.is_valid():
        for field, errors in form.errors.items():
            for message in errors:
                messages.error(
                    request,
                    f"{form.fields[field].label}: {message}" if field in form.fields else message,
                )
        return redirect(problem)
    data = form.cleaned_data
    try:
        problem_assign(
            problem=problem,
            actor=request.user,
            department=data["department"],
            owner=data["owner"],
            due_on=data["due_on"],
            comment=data["comment"],
        )
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, _("The problem is assigned."))
    return redirect(problem)


@login_required
@require_POST
def problem_action(request, pk):
    problem = _visible_problem(request, pk)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            problem_record_action(
                problem=problem,
                actor=request.user,
                text=form.cleaned_data["text"],
                taken_on=form.cleaned_data["taken_on"],
            )
        except PermissionDenied:
            messages.error(request, _("You may not record steps on this problem."))
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(request, _("The step taken is recorded."))
    else:
        messages.error(request, _("Write what was done."))
    return redirect(problem)


@login_required
def cases(request):
    if not access.may(request.user, "use_services_desk"):
        raise PermissionDenied
    rows = access.case_list(user=request.user).order_by("-held_on", "-pk")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "services/cases.html", {"page": page})


@login_required
def case_detail(request, pk):
    case = get_object_or_404(access.case_list(user=request.user), pk=pk)
    return render(
        request,
        "services/case_detail.html",
        {
            "case": case,
            "problems": access.problem_list(user=request.user).filter(case=case),
            "financings": access.financing_list(user=request.user).filter(case=case),
        },
    )


@login_required
def dashboard(request):
    """Platforms against their targets, events by year beside announced figures, plans'
    targets against actuals, problems by county, category and month, and service cases
    by county, kind and month."""
    if not access.may(request.user, "use_services_desk"):
        raise PermissionDenied
    user = request.user
    return render(
        request,
        "services/dashboard.html",
        {
            "platforms": [stats.platform_progress(p) for p in access.platform_list(user=user)],
            "events_by_year": stats.events_by_year(user=user),
            "figures": stats.figures_beside_records(user=user),
            "plans": [
                (plan, stats.plan_progress(plan))
                for plan in access.plan_list(user=user).prefetch_related("targets__actuals")
            ],
            "by_county": stats.problems_by(user=user, field="county"),
            "by_category": stats.problems_by(user=user, field="category"),
            "by_month": stats.problems_by(user=user, field="month"),
            "problem_totals": stats.problem_totals(user=user),
            "case_tables": [
                (_("County"), stats.cases_by(user=user, field="county")),
                (_("Kind"), stats.cases_by(user=user, field="kind")),
                (_("Month held"), stats.cases_by(user=user, field="month")),
            ],
        },
    )
