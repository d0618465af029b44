"""Review desks: county officers' queue, experts' score sheets, bureau staff's call desk.

Each desk checks the role first (403 for the wrong role) and then finds the object
through a scoped selector (404 when it is not the user's to see).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.confirm import confirmation, is_confirmed
from core.navigation import redirect_next, safe_next, with_next
from core.values import parse_money

from .. import access
from ..consequences import (
    CONFIRM_NOTICE,
    DECLARE_CONFLICT,
    DECLARE_NO_CONFLICT,
    SCORE_SHEET_SUBMIT,
    asks_first,
    move_consequence,
)
from ..forms_review import (
    BulkAssignForm,
    ConflictDeclarationForm,
    CountyDecisionForm,
    ScoreSheetForm,
    WorkflowMoveForm,
)
from ..models import ScoreCriterion
from ..selectors.inbox import desk_call_waiting
from ..selectors.public import applications_in_notice, notice_entry
from ..selectors.reviews import (
    assignable_applications,
    assignment_file_open,
    assignment_has_conflict,
    assignment_state,
    call_ranking,
    county_application_get,
    county_queue,
    desk_application_get,
    desk_call_get,
    desk_calls,
    expert_assignment_get,
    expert_assignments,
    quota_usage,
)
from ..services.public import public_notice_confirm
from ..services.reviews import (
    experts_assign_bulk,
    review_declare_conflict,
    review_declare_no_conflict,
    review_save_scores,
)
from ..services.workflow import application_move, available_moves, held_back_moves
from ..workflow import MOVES, Status, reward_rule

COUNTY_DECISIONS = {name for name, _label in CountyDecisionForm.ACTIONS}


def _require(user, desk: str):
    if not access.may(user, desk):
        raise PermissionDenied


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def detail_rows(application) -> list[tuple[str, object]]:
    """The typed detail record as (label, value) pairs, choices shown by their label."""
    detail = application.detail
    if detail is None:
        return []
    rows = []
    for model_field in detail._meta.concrete_fields:
        if model_field.primary_key or model_field.name == "application":
            continue
        value = getattr(detail, model_field.name)
        if model_field.choices:
            value = getattr(detail, f"get_{model_field.name}_display")()
        if value not in (None, ""):
            rows.append((model_field.verbose_name, value))
    return rows


def _file_context(application):
    return {
        "application": application,
        "detail_rows": detail_rows(application),
        "attachments": list(application.attachments.all()),
    }


def _move_confirmation(request, application, move, comment, *, cancel_url, details=()):
    return confirmation(
        request,
        heading=_("Confirm: %(action)s") % {"action": move.label},
        subject=_("%(title)s — %(enterprise)s")
        % {"title": application.title, "enterprise": application.enterprise.name},
        consequence=move_consequence(move),
        button=move.label,
        cancel_url=cancel_url,
        details=[(_("Comment"), comment), *details],
    )


# --- County officers ---------------------------------------------------------------


@login_required
def county_queue_view(request):
    _require(request.user, "use_county_desk")
    applications = list(county_queue(user=request.user))
    return render(
        request,
        "portal/review/county_queue.html",
        {
            "applications": applications,
            "quotas": quota_usage(applications=applications),
            "decision_form": CountyDecisionForm(),
        },
    )


@login_required
def county_application_view(request, pk, form=None):
    _require(request.user, "use_county_desk")
    application = county_application_get(user=request.user, pk=pk)
    if application is None:
        raise Http404
    context = _file_context(application)
    context.update(
        {
            "quota": quota_usage(applications=[application])[0],
            "decision_form": form or CountyDecisionForm(),
            "can_decide": any(
                move.name in COUNTY_DECISIONS
                for move in available_moves(application=application, user=request.user)
            ),
            "events": application.events.select_related("actor"),
        }
    )
    return render(request, "portal/review/county_application.html", context)


@login_required
@require_POST
def county_decide_view(request, pk):
    _require(request.user, "use_county_desk")
    application = county_application_get(user=request.user, pk=pk)
    if application is None:
        raise Http404
    form = CountyDecisionForm(request.POST)
    if not form.is_valid():
        response = county_application_view(request, pk, form=form)
        response.status_code = 400
        return response
    action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
    expected_status = form.cleaned_data["expected_status"]
    if asks_first(MOVES[action], comment=comment) and not is_confirmed(request):
        return _move_confirmation(
            request,
            application,
            MOVES[action],
            comment,
            cancel_url=reverse("review:county-application", args=[application.pk]),
        )
    try:
        application_move(
            application=application,
            actor=request.user,
            move=action,
            comment=comment,
            expected_status=expected_status,
        )
        if action == "recommend":
            messages.success(
                request, _("“%(title)s” is recommended.") % {"title": application.title}
            )
        else:
            messages.success(
                request,
                _("“%(title)s” is returned to the applicant for revision.")
                % {"title": application.title},
            )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect_next(request, reverse("review:county-queue"))


# --- Experts ---------------------------------------------------------------------------


@login_required
def expert_assignments_view(request):
    _require(request.user, "use_expert_desk")
    assignments = list(expert_assignments(user=request.user))
    for assignment in assignments:
        assignment.state = assignment_state(assignment)
    return render(request, "portal/review/expert_assignments.html", {"assignments": assignments})


def _own_assignment(request, pk):
    _require(request.user, "use_expert_desk")
    assignment = expert_assignment_get(user=request.user, pk=pk)
    if assignment is None:
        raise Http404
    return assignment


@login_required
def expert_assignment_view(request, pk, declaration_form=None):
    """The declaration first; once declared, the file and the score sheet.

    ``declaration_form``: a declaration refused by ``expert_declare_view``, shown again
    with its errors and what was chosen and typed.
    """
    assignment = _own_assignment(request, pk)
    posting = request.method == "POST" and declaration_form is None
    application = assignment.application
    criteria = ScoreCriterion.objects.filter(programme_id=application.call.programme_id)
    state = assignment_state(assignment)
    editable = state == "open" and application.status == Status.IN_REVIEW
    sheet = None
    if posting and state in {"open", "submitted"} and not editable:
        messages.error(request, _("This score sheet can no longer change."))
        return redirect("review:expert-assignment", pk=assignment.pk)
    if state in {"open", "submitted"}:
        initial = {"comment": assignment.comment}
        initial.update(
            {f"criterion_{score.criterion_id}": score.score for score in assignment.scores.all()}
        )
        if posting and editable:
            sheet = ScoreSheetForm(request.POST, criteria=criteria)
            if sheet.is_valid():
                submit = "submit" in request.POST
                # An incomplete sheet is refused by the service below, with no question asked.
                complete = all(score is not None for score in sheet.scores().values())
                if submit and complete and not is_confirmed(request):
                    return confirmation(
                        request,
                        heading=_("Confirm: submit your score sheet"),
                        subject=application.title,
                        consequence=str(SCORE_SHEET_SUBMIT),
                        button=_("Submit score sheet"),
                        cancel_url=reverse("review:expert-assignment", args=[assignment.pk]),
                        details=[
                            (field.label, sheet.cleaned_data[field.name])
                            for field in sheet.criterion_fields()
                        ]
                        + [(_("Comment"), sheet.cleaned_data["comment"])],
                    )
                try:
                    review_save_scores(
                        assignment=assignment,
                        actor=request.user,
                        scores=sheet.scores(),
                        comment=sheet.cleaned_data["comment"],
                        submit=submit,
                    )
                except ValidationError as error:
                    sheet.add_error(None, error)
                else:
                    messages.success(
                        request,
                        _("Your score sheet is submitted.")
                        if submit
                        else _("Your score sheet is saved as a draft."),
                    )
                    here = reverse("review:expert-assignment", args=[assignment.pk])
                    if submit:
                        return redirect_next(request, here)
                    return redirect(with_next(here, safe_next(request)))
        else:
            sheet = ScoreSheetForm(initial=initial, criteria=criteria)
    elif posting:
        raise PermissionDenied
    context = {
        "assignment": assignment,
        "state": state,
        "editable": editable,
        "sheet": sheet,
        "criteria": criteria,
        "declaration_form": (declaration_form or ConflictDeclarationForm())
        if state == "pending"
        else None,
    }
    if assignment_file_open(assignment):
        context.update(_file_context(application))
    else:
        context["application"] = application
    return render(
        request,
        "portal/review/expert_assignment.html",
        context,
        status=400 if (sheet is not None and sheet.errors) or declaration_form else 200,
    )


@login_required
@require_POST
def expert_declare_view(request, pk):
    assignment = _own_assignment(request, pk)
    # Declaring opens the file: the expert stays on the assignment to score it, and
    # keeps the way back (``next``) for when the sheet is in.
    here = with_next(reverse("review:expert-assignment", args=[assignment.pk]), safe_next(request))
    form = ConflictDeclarationForm(request.POST)
    if not form.is_valid():
        return expert_assignment_view(request, pk, declaration_form=form)
    no_conflict = form.cleaned_data["declaration"] == ConflictDeclarationForm.NO_CONFLICT
    if not is_confirmed(request):
        return confirmation(
            request,
            heading=_("Confirm your declaration of interest"),
            subject=assignment.application.title,
            consequence=str(DECLARE_NO_CONFLICT if no_conflict else DECLARE_CONFLICT),
            button=_("Send declaration"),
            cancel_url=reverse("review:expert-assignment", args=[assignment.pk]),
            details=[
                (
                    _("Declaration"),
                    dict(form.fields["declaration"].choices)[form.cleaned_data["declaration"]],
                ),
                (_("Conflict of interest"), form.cleaned_data["reason"]),
            ],
        )
    try:
        if no_conflict:
            review_declare_no_conflict(assignment=assignment, actor=request.user)
            messages.success(request, _("Thank you. The file is open for your review."))
        else:
            review_declare_conflict(
                assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request, _("Your conflict of interest is recorded; the bureau will reassign.")
            )
            return redirect_next(request, reverse("review:expert-assignments"))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(here)


# --- Bureau staff ---------------------------------------------------------------------


@login_required
def desk_view(request):
    _require(request.user, "use_bureau_desk")
    return render(request, "portal/review/desk.html", {"calls": desk_calls(user=request.user)})


def _desk_call(request, pk):
    _require(request.user, "use_bureau_desk")
    call = desk_call_get(user=request.user, pk=pk)
    if call is None:
        raise Http404
    return call


@login_required
def desk_call_view(request, pk, assign_form=None):
    call = _desk_call(request, pk)
    notices = [
        notice_entry(application)
        for application in applications_in_notice(call=call).prefetch_related("objections")
    ]
    ranking = call_ranking(user=request.user, call=call)
    return render(
        request,
        "portal/review/desk_call.html",
        {
            "call": call,
            "waiting": desk_call_waiting(user=request.user, call=call),
            "here": request.get_full_path(),
            "ranking": ranking,
            "assign_form": assign_form
            or BulkAssignForm(applications=assignable_applications(user=request.user, call=call)),
            "notices": notices,
            "conflicts": [
                assignment
                for row in ranking
                for assignment in row.application.assignments.all()
                if assignment_has_conflict(assignment)
            ],
        },
    )


@login_required
@require_POST
def desk_assign_view(request, pk):
    call = _desk_call(request, pk)
    form = BulkAssignForm(
        request.POST, applications=assignable_applications(user=request.user, call=call)
    )
    if not form.is_valid():
        response = desk_call_view(request, pk, assign_form=form)
        response.status_code = 400
        return response
    applications = list(form.cleaned_data["applications"])
    starting = [
        application
        for application in applications
        if form.cleaned_data["start_review"] and application.status in MOVES["start_review"].sources
    ]
    if starting and not is_confirmed(request):
        # Starting the review cannot be undone: the assignment waits for a confirmation.
        return confirmation(
            request,
            heading=_("Confirm: assign experts and start the review"),
            subject=call.title,
            consequence=move_consequence(MOVES["start_review"]),
            button=_("Assign"),
            cancel_url=reverse("review:desk-call", args=[call.pk]),
            details=[
                (
                    MOVES["start_review"].label,
                    "\n".join(application.title for application in starting),
                ),
                (
                    _("Experts"),
                    "\n".join(
                        expert.get_full_name() or expert.get_username()
                        for expert in form.cleaned_data["experts"]
                    ),
                ),
                (_("Review due on"), date_format(form.cleaned_data["due_on"])),
            ],
        )
    for application in starting:
        try:
            application_move(application=application, actor=request.user, move="start_review")
        except ValidationError as error:
            messages.error(request, _error_text(error))
    outcomes = experts_assign_bulk(
        applications=applications,
        experts=list(form.cleaned_data["experts"]),
        actor=request.user,
        due_on=form.cleaned_data["due_on"],
    )
    created = sum(1 for outcome in outcomes if outcome.created)
    failed = sum(1 for outcome in outcomes if outcome.error)
    messages.info(
        request,
        ngettext(
            "%(total)s pair: %(created)s newly assigned, %(failed)s refused.",
            "%(total)s pairs: %(created)s newly assigned, %(failed)s refused.",
            len(outcomes),
        )
        % {"created": created, "failed": failed, "total": len(outcomes)},
    )
    for outcome in outcomes:
        if outcome.error:
            messages.error(
                request,
                _("%(expert)s — %(title)s: %(reason)s")
                % {
                    "expert": outcome.expert.get_full_name() or outcome.expert.get_username(),
                    "title": outcome.application.title,
                    "reason": outcome.error,
                },
            )
    # Back to the call's page by GET, so that reloading it does not assign again.
    return redirect(with_next(reverse("review:desk-call", args=[call.pk]), safe_next(request)))


@login_required
@require_POST
def desk_confirm_notice_view(request, pk):
    call = _desk_call(request, pk)
    if not is_confirmed(request):
        ended = [
            entry.application.title
            for entry in map(notice_entry, applications_in_notice(call=call))
            if not entry.running
        ]
        return confirmation(
            request,
            heading=_("Confirm: grant after public notice"),
            subject=call.title,
            consequence=str(CONFIRM_NOTICE),
            button=_("Confirm notice"),
            cancel_url=reverse("review:desk-call", args=[call.pk]),
            details=[(_("Notice ended"), "\n".join(ended) or _("None yet"))],
        )
    result = public_notice_confirm(call=call, actor=request.user)
    if result.granted:
        messages.success(
            request,
            _("Granted after public notice: %(titles)s.")
            % {"titles": "; ".join(application.title for application in result.granted)},
        )
    for _application, reason in result.refused:
        messages.error(request, reason)
    if not result.granted and not result.refused:
        messages.info(request, _("No application of this call is in public notice."))
    return redirect_next(request, reverse("review:desk-call", args=[call.pk]))


@login_required
def desk_application_view(request, pk, move_form=None):
    _require(request.user, "use_bureau_desk")
    application = desk_application_get(user=request.user, pk=pk)
    if application is None:
        raise Http404
    moves = available_moves(application=application, user=request.user)
    assignments = list(
        application.assignments.select_related("expert").prefetch_related("scores__criterion")
    )
    for assignment in assignments:
        assignment.state = assignment_state(assignment)
    context = _file_context(application)
    context.update(
        {
            "moves": moves,
            "move_form": move_form or (WorkflowMoveForm(moves=moves) if moves else None),
            # None: no grant on offer; False: a grant with no reward rule to follow.
            "award_rule": (reward_rule(application) or False)
            if any(move.name == "grant" for move in moves)
            else None,
            "held_back": held_back_moves(application=application, user=request.user),
            "events": application.events.select_related("actor"),
            "assignments": assignments,
            "objections": application.objections.all(),
            "notice": notice_entry(application)
            if application.status == Status.IN_PUBLIC_NOTICE
            else None,
        }
    )
    return render(request, "portal/review/desk_application.html", context)


@login_required
@require_POST
def desk_move_view(request, pk):
    _require(request.user, "use_bureau_desk")
    application = desk_application_get(user=request.user, pk=pk)
    if application is None:
        raise Http404
    moves = available_moves(application=application, user=request.user)
    form = WorkflowMoveForm(request.POST, moves=moves)
    if not form.is_valid():
        response = desk_application_view(request, pk, move_form=form)
        response.status_code = 400
        return response
    move = MOVES[form.cleaned_data["move"]]
    here = reverse("review:desk-application", args=[application.pk])
    # A grant's own fields: an award in place of the reward rule's, and why (the service
    # refuses one without its reason).
    award, award_reason = None, ""
    if move.name == "grant":
        try:
            award = parse_money(request.POST.get("award", ""))
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect(with_next(here, safe_next(request)))
        award_reason = request.POST.get("award_reason", "").strip()
    asked = asks_first(
        move, comment=form.cleaned_data["comment"], award=award, award_reason=award_reason
    )
    if asked and not is_confirmed(request):
        award_detail = (_("Award: %(amount)s yuan") % {"amount": award}, award_reason)
        return _move_confirmation(
            request,
            application,
            move,
            form.cleaned_data["comment"],
            cancel_url=here,
            details=[award_detail] if award is not None else (),
        )
    try:
        application_move(
            application=application,
            actor=request.user,
            move=form.cleaned_data["move"],
            comment=form.cleaned_data["comment"],
            expected_status=form.cleaned_data["expected_status"],
            award=award,
            award_reason=award_reason,
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(with_next(here, safe_next(request)))
    messages.success(
        request,
        _("“%(title)s” is now: %(status)s.")
        % {"title": application.title, "status": application.get_status_display()},
    )
    return redirect_next(request, reverse("review:desk-application", args=[application.pk]))
