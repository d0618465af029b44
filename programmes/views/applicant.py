"""Applicant pages: open calls, applying, my applications, documents and notices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.confirm import confirmation, is_confirmed
from core.navigation import redirect_next, safe_next, with_next

from .. import access
from ..consequences import ATTACHMENT_REMOVE, move_consequence, needs_confirmation
from ..eligibility import declaration_years
from ..forms import DETAIL_FORMS, ApplicationForm, AttachmentForm
from ..models import Call
from ..selectors.applicant import (
    applicant_application_get,
    applicant_application_list,
    applicant_enterprise_list,
    applicant_status_name,
    applicant_timeline,
    notification_list,
    open_call_list,
    return_comment,
)
from ..services.applicant import application_file, application_update, notification_mark_read
from ..services.attachments import attachment_add, attachment_delete
from ..services.workflow import application_move, available_moves, move_refusal
from ..translation import language_columns
from ..workflow import (
    MOVES,
    Actor,
    MoveContext,
    Status,
    call_closed_reason,
    filing_move,
    filing_problems,
)

# The moves an applicant makes from the portal; the workflow says when each is open.
APPLICANT_MOVES = {name for name, move in MOVES.items() if Actor.APPLICANT in move.actors}
APPLICATIONS_PER_PAGE = 50


def _show_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _add_form_errors(forms, error: ValidationError) -> None:
    """Put a service's errors beside the field that caused them, in whichever form has it."""
    if not hasattr(error, "error_dict"):
        forms[0].add_error(None, error.messages)
        return
    for field, field_errors in error.message_dict.items():
        form = next((f for f in forms if field in f.fields), None)
        if form is None:
            forms[0].add_error(None, field_errors)
        else:
            form.add_error(field, field_errors)


def calls(request):
    """Calls taking applications today, with eligibility, documents and deadline."""
    open_calls = list(open_call_list())
    applied = set()
    if request.user.is_authenticated:
        applied = set(
            applicant_application_list(user=request.user)
            .filter(call__in=open_calls)
            .values_list("call_id", flat=True)
        )
    for call in open_calls:
        call.already_applied = call.pk in applied
    return render(request, "portal/applicant/calls.html", {"calls": open_calls})


def _to_filing_confirmation(request, application):
    """After saving, the page that names what sending means and sends it on a click."""
    move = filing_move(application.status) or MOVES["submit"]
    messages.info(request, _("Your changes are saved; the application is not sent yet."))
    url = reverse("programmes:application-action", args=[application.pk])
    return redirect(f"{url}?action={move.name}")


@login_required
def apply(request, call_pk):
    call = Call.objects.select_related("programme").filter(pk=call_pk).first()
    if call is None:
        raise Http404
    if not open_call_list().filter(pk=call.pk).exists():
        messages.error(
            request,
            _("“%(call)s” is not taking applications today.") % {"call": call.title},
        )
        return redirect("programmes:calls")
    enterprises = applicant_enterprise_list(user=request.user)
    if not enterprises:
        messages.info(
            request,
            _("Link your account to an approved enterprise before applying."),
        )
        return redirect("enterprises:link")
    kind = call.programme.kind
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ApplicationForm(
        data,
        kind=kind,
        enterprises=enterprises,
        declaration_years=declaration_years(call.programme),
    )
    detail_form = DETAIL_FORMS[kind](data)
    attachment_form = AttachmentForm(data, files, required=False)
    if request.method == "POST" and all(
        [form.is_valid(), detail_form.is_valid(), attachment_form.is_valid()]
    ):
        try:
            application = application_file(
                enterprise=form.cleaned_data.get("enterprise") or enterprises[0],
                call=call,
                actor=request.user,
                title=form.cleaned_data["title"],
                requested_amount=form.cleaned_data.get("requested_amount"),
                detail=detail_form.cleaned_data,
                upload=attachment_form.cleaned_data.get("file"),
                document_type=attachment_form.cleaned_data.get("document_type", ""),
                no_serious_violation_declared=bool(
                    form.cleaned_data.get("no_serious_violation_declared")
                ),
            )
        except ValidationError as error:
            _add_form_errors([form, detail_form, attachment_form], error)
        except PermissionDenied:
            raise Http404 from None
        else:
            if request.POST.get("action") == "submit":
                return _to_filing_confirmation(request, application)
            messages.success(request, _("The application is saved as a draft."))
            return redirect("programmes:application-detail", pk=application.pk)
    return render(
        request,
        "portal/applicant/application_form.html",
        {
            "call": call,
            "form": form,
            "detail_form": detail_form,
            "attachment_form": attachment_form,
            "submit_label": _("Save and submit"),
        },
    )


@login_required
def application_list(request):
    """The applications of the user's enterprises, newest first, a page at a time
    (an enterprise may have filed hundreds)."""
    applications = (
        applicant_application_list(user=request.user)
        .select_related(None)
        .select_related("enterprise", "call")
        .only(*MY_APPLICATIONS_FIELDS)
    )
    return application_list_page(request, applications)


#: What a row of "My applications" shows, and no more: the enterprise's and the call's
#: other columns (descriptions, announcements) and the programme made a ten-row page
#: 2–4 ms slower. A field the template reads beyond these costs a query per row, which
#: tests/scale/test_query_counts.py catches.
MY_APPLICATIONS_FIELDS = (
    "title",
    "status",
    "updated_at",
    "enterprise__name",
    *language_columns("call__title"),
)


def application_list_page(request, applications):
    """The "My applications" page of ``applications`` (the benchmark's naive page renders
    a plain queryset through it)."""
    paginator = Paginator(applications, APPLICATIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    applications = list(page.object_list)
    for application in applications:
        application.status_name = applicant_status_name(application.status)
    return render(
        request,
        "portal/applicant/applications.html",
        {
            "applications": applications,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number),
        },
    )


def _own_application(request, pk):
    application = applicant_application_get(user=request.user, pk=pk)
    # 404, not 403: another enterprise's application is not disclosed.
    if application is None:
        raise Http404
    return application


@login_required
def application_detail(request, pk):
    application = _own_application(request, pk)
    moves = [
        move
        for move in available_moves(application=application, user=request.user)
        if move.name in APPLICANT_MOVES
    ]
    editable = access.can_edit_application(request.user, application)
    context = {
        "application": application,
        "detail": application.detail,
        "detail_rows": _detail_rows(application),
        "status_name": applicant_status_name(application.status),
        "timeline": applicant_timeline(application=application),
        "returned": return_comment(application=application)
        if application.status == Status.RETURNED
        else None,
        "attachments": list(application.attachments.all()),
        "moves": moves,
        "editable": editable,
        "attachment_form": AttachmentForm() if editable else None,
        "problems": filing_problems(application) if editable else [],
        "closed_reason": call_closed_reason(application.call, timezone.localdate())
        if application.status == Status.DRAFT
        else None,
    }
    return render(request, "portal/applicant/application_detail.html", context)


def _detail_rows(application):
    """(label, value) pairs of the typed detail record, in the form's order."""
    detail = application.detail
    if detail is None:
        return []
    rows = []
    for name in DETAIL_FORMS[application.kind]._meta.fields:
        field = detail._meta.get_field(name)
        display = getattr(detail, f"get_{name}_display", None)
        value = display() if display else getattr(detail, name)
        rows.append((field.verbose_name, value))
    return rows


@login_required
def application_edit(request, pk):
    application = _own_application(request, pk)
    if not access.can_edit_application(request.user, application):
        messages.error(
            request,
            _("The application can no longer be changed: it is “%(status)s”.")
            % {"status": applicant_status_name(application.status)},
        )
        return redirect("programmes:application-detail", pk=application.pk)
    kind = application.kind
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ApplicationForm(
        data,
        kind=kind,
        declaration_years=declaration_years(application.programme),
        initial={
            "title": application.title,
            "requested_amount": application.requested_amount,
            "no_serious_violation_declared": application.no_serious_violation_declared,
        },
    )
    detail_form = DETAIL_FORMS[kind](data, instance=application.detail)
    attachment_form = AttachmentForm(data, files, required=False)
    if request.method == "POST" and all(
        [form.is_valid(), detail_form.is_valid(), attachment_form.is_valid()]
    ):
        try:
            application_update(
                application=application,
                actor=request.user,
                title=form.cleaned_data["title"],
                requested_amount=form.cleaned_data.get("requested_amount"),
                detail={name: detail_form.cleaned_data[name] for name in detail_form.fields},
                no_serious_violation_declared=form.cleaned_data.get(
                    "no_serious_violation_declared"
                ),
            )
            upload = attachment_form.cleaned_data.get("file")
            if upload is not None:
                attachment_add(
                    application=application,
                    actor=request.user,
                    upload=upload,
                    document_type=attachment_form.cleaned_data["document_type"],
                )
        except ValidationError as error:
            _add_form_errors([form, detail_form, attachment_form], error)
        except PermissionDenied:
            raise Http404 from None
        else:
            if request.POST.get("action") == "submit":
                return _to_filing_confirmation(request, application)
            messages.success(request, _("Your changes are saved."))
            return redirect("programmes:application-detail", pk=application.pk)
    returned = return_comment(application=application)
    return render(
        request,
        "portal/applicant/application_form.html",
        {
            "call": application.call,
            "application": application,
            "form": form,
            "detail_form": detail_form,
            "attachment_form": attachment_form,
            "returned": returned if application.status == Status.RETURNED else None,
            "submit_label": _("Save and resubmit")
            if application.status == Status.RETURNED
            else _("Save and submit"),
        },
    )


def _applicant_move(request, application, name):
    """The applicant's move ``name`` if it is open now, else None."""
    if name not in APPLICANT_MOVES:
        return None
    moves = available_moves(application=application, user=request.user)
    return next((move for move in moves if move.name == name), None)


@login_required
def application_action(request, pk):
    """Submit, resubmit or withdraw, as the workflow allows, once confirmed.

    GET (``?action=``) and an unconfirmed POST answer with the confirmation naming the
    move's consequence; only the confirmed POST makes it.
    """
    application = _own_application(request, pk)
    here = reverse("programmes:application-detail", args=[application.pk])
    if request.method == "GET":
        name = request.GET.get("action", "")
        move = _applicant_move(request, application, name)
        if move is None:
            if name in APPLICANT_MOVES:
                _show_errors(
                    request,
                    ValidationError(
                        move_refusal(application, MOVES[name], MoveContext(actor=request.user))
                        or _("This action is not open now.")
                    ),
                )
            return redirect(with_next(here, safe_next(request)))
        hidden = [("action", move.name)]
        if safe_next(request):
            hidden.append(("next", safe_next(request)))
        return _action_confirmation(request, application, move, hidden=hidden)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    action = request.POST.get("action", "")
    comment = request.POST.get("comment", "")
    move = MOVES.get(action) if action in APPLICANT_MOVES else None
    if move is not None and needs_confirmation(move) and not is_confirmed(request):
        return _action_confirmation(request, application, move)
    try:
        if move is None:
            raise ValidationError(_("Choose an action."))
        application_move(application=application, actor=request.user, move=action, comment=comment)
    except ValidationError as error:
        _show_errors(request, error)
        return redirect(with_next(here, safe_next(request)))
    messages.success(
        request,
        _("Done. Status: %(status)s.") % {"status": applicant_status_name(application.status)},
    )
    return redirect_next(request, here)


def _action_confirmation(request, application, move, *, hidden=None):
    return confirmation(
        request,
        heading=_("Confirm: %(action)s") % {"action": move.label},
        subject=application.title,
        consequence=move_consequence(move),
        button=move.label,
        cancel_url=reverse("programmes:application-detail", args=[application.pk]),
        details=[(_("Reason"), request.POST.get("comment", ""))],
        action=reverse("programmes:application-action", args=[application.pk]),
        hidden=hidden,
    )


@login_required
@require_POST
def attachment_upload(request, pk):
    application = _own_application(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(
                application=application,
                actor=request.user,
                upload=form.cleaned_data["file"],
                document_type=form.cleaned_data["document_type"],
            )
        except PermissionDenied:
            messages.error(request, _("Documents can be added only while you may edit."))
        except ValidationError as error:
            _show_errors(request, error)
        else:
            messages.success(request, _("The document is attached."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("programmes:application-detail", pk=application.pk)


@login_required
@require_POST
def attachment_remove(request, pk, attachment_pk):
    application = _own_application(request, pk)
    attachment = application.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    if access.can_edit_application(request.user, application) and not is_confirmed(request):
        return confirmation(
            request,
            heading=_("Confirm: remove a document"),
            subject=attachment.original_name,
            consequence=str(ATTACHMENT_REMOVE),
            button=_("Remove"),
            cancel_url=reverse("programmes:application-detail", args=[application.pk]),
            details=[(_("Document type"), attachment.get_document_type_display())],
        )
    try:
        attachment_delete(attachment=attachment, actor=request.user)
    except PermissionDenied:
        messages.error(request, _("Documents can be removed only while you may edit."))
    else:
        messages.success(request, _("“%(name)s” is removed.") % {"name": attachment.original_name})
    return redirect("programmes:application-detail", pk=application.pk)


@login_required
def notifications(request):
    notices = list(notification_list(user=request.user)[:200])
    return render(request, "portal/applicant/notifications.html", {"notices": notices})


@login_required
@require_POST
def notification_read(request, pk):
    notice = notification_list(user=request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    notification_mark_read(user=request.user, pk=notice.pk)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notice.link, allowed_hosts=None
    ):
        return redirect(notice.link)
    return redirect("programmes:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    count = notification_mark_read(user=request.user)
    messages.success(
        request,
        ngettext("%(count)s notice marked as read.", "%(count)s notices marked as read.", count)
        % {"count": count},
    )
    return redirect("programmes:notifications")
