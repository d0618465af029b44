"""The portal's aftercare pages: after the grant, per person's scope (``aftercare.access``).

- ``home``: the obligations, claw-backs, qualifications and claims the person may see,
  overdue obligations first; for staff each year's claims against the quota;
- ``obligation``: one obligation, where the enterprise writes and submits its report and
  the county or the bureau records an inspection or returns a report;
- ``claim_new`` / ``claim``: an enterprise files a claim on its qualified product and
  submits it; the county officer recommends or returns it.

The bureau's decisions (accept, approve, disburse, claw back) are in the admin. Every
step goes through the services, and a refused one says why and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import access
from .flows import CLAIM_FLOW, OBLIGATION_FLOW
from .forms import ClaimForm, InspectionForm, ReportForm, StepCommentForm
from .models import InsuranceClaim, InsuranceQualification, Obligation
from .selectors import claim_years, obligation_rows, overdue_obligations
from .services import (
    claim_file,
    claim_move,
    obligation_decide,
    obligation_record_inspection,
    obligation_report,
)


def _in_scope(queryset, pk):
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def _timeline(flow, record) -> list[tuple]:
    return [(event, flow.step_label(event.step)) for event in flow.timeline(record)]


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def home(request):
    user, today = request.user, timezone.localdate()
    return render(
        request,
        "aftercare/home.html",
        {
            "overdue": overdue_obligations(user=user, today=today)[:50],
            "obligations": obligation_rows(user=user, today=today).order_by("due_on", "pk")[:200],
            "claw_backs": access.claw_back_list(user=user).select_related("application")[:100],
            "qualifications": access.qualification_list(user=user).select_related("application")[
                :100
            ],
            "claims": access.claim_list(user=user).select_related("qualification__application")[
                :200
            ],
            "years": claim_years(user=user)
            if access.may(user, "view_insurance_statistics")
            else [],
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def obligation(request, pk):
    user = request.user
    record = _in_scope(access.obligation_list(user=user).select_related("application"), pk)
    may_report = access.can_report_on(user, record) and record.kind != Obligation.Kind.INSPECTION
    may_inspect = (
        record.kind == Obligation.Kind.INSPECTION
        and record.status == Obligation.Status.DUE
        and access.can_inspect(user, record)
    )
    report_form = ReportForm(
        initial={
            "report": record.report,
            "self_assessment": record.self_assessment,
            "self_score": record.self_score,
        }
    )
    inspection_form = InspectionForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "report" and may_report:
                report_form = ReportForm(request.POST)
                if report_form.is_valid():
                    data = report_form.cleaned_data
                    obligation_report(
                        obligation=record,
                        actor=user,
                        report=data["report"],
                        self_assessment=data["self_assessment"],
                        self_score=data["self_score"],
                    )
                    messages.success(request, _("Your report was submitted."))
                    return redirect("aftercare:obligation", pk=record.pk)
            elif action == "inspect" and may_inspect:
                inspection_form = InspectionForm(request.POST)
                if inspection_form.is_valid():
                    obligation_record_inspection(
                        obligation=record, actor=user, **inspection_form.cleaned_data
                    )
                    messages.success(request, _("The inspection was recorded."))
                    return redirect("aftercare:obligation", pk=record.pk)
            else:
                form = StepCommentForm(request.POST)
                if form.is_valid():
                    obligation_decide(
                        obligation=record,
                        actor=user,
                        step=form.cleaned_data["step"],
                        comment=form.cleaned_data["comment"],
                        expected_status=form.cleaned_data["expected_status"] or None,
                    )
                    messages.success(request, _("Done."))
                    return redirect("aftercare:obligation", pk=record.pk)
        except ValidationError as error:
            _refused(request, error)
            record.refresh_from_db()
    steps = [
        step
        for step in OBLIGATION_FLOW.available(record, user)
        if step.name not in ("submit", "record_inspection")
    ]
    return render(
        request,
        "aftercare/obligation.html",
        {
            "obligation": record,
            "may_report": may_report,
            "may_inspect": may_inspect,
            "report_form": report_form,
            "inspection_form": inspection_form,
            "steps": steps,
            "timeline": _timeline(OBLIGATION_FLOW, record),
            "overdue": record.status in ("due", "returned")
            and record.due_on < timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request, qualification_pk):
    user = request.user
    qualification = _in_scope(
        access.qualification_list(user=user).select_related("application"), qualification_pk
    )
    if not (
        access.may(user, "file_insurance_claims")
        and access.can_request_qualification(user, qualification.application)
        and qualification.status == InsuranceQualification.Status.QUALIFIED
    ):
        raise Http404
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = claim_file(
                qualification=qualification,
                actor=user,
                year=data["year"],
                premium_paid=data["premium_paid"],
                requested_amount=data["requested_amount"],
                policy=data["policy_file"],
                payment_proof=data["payment_proof"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Your claim was saved as a draft: submit it when ready."))
            return redirect("aftercare:claim", pk=claim.pk)
    return render(
        request, "aftercare/claim_new.html", {"qualification": qualification, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim(request, pk):
    user = request.user
    record = _in_scope(
        access.claim_list(user=user).select_related("qualification__application"), pk
    )
    if request.method == "POST":
        form = StepCommentForm(request.POST)
        if form.is_valid():
            try:
                claim_move(
                    claim=record,
                    actor=user,
                    step=form.cleaned_data["step"],
                    comment=form.cleaned_data["comment"],
                    expected_status=form.cleaned_data["expected_status"] or None,
                )
            except ValidationError as error:
                _refused(request, error)
            else:
                messages.success(
                    request,
                    _("Done: the claim is now “%(status)s”.")
                    % {"status": record.get_status_display()},
                )
                return redirect("aftercare:claim", pk=record.pk)
    # The bureau approves and pays in the admin, where the payment is recorded.
    steps = [step for step in CLAIM_FLOW.available(record, user) if step.name not in ("disburse",)]
    return render(
        request,
        "aftercare/claim.html",
        {
            "claim": record,
            "steps": steps,
            "held_back": [
                (step, reasons)
                for step, reasons in CLAIM_FLOW.held_back(record, user)
                if step.name != "disburse"
            ],
            "timeline": _timeline(CLAIM_FLOW, record),
            "statuses": dict(InsuranceClaim.Status.choices),
        },
    )
