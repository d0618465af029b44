"""Portal pages for accounts, enterprise registration, profile and members."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.confirm import confirmation, is_confirmed
from core.profiles import profile_get, profile_set_new_work_notices

from . import services
from .access import (
    can_decide_membership,
    can_manage_enterprise_profile,
    may,
    own_membership_list,
)
from .forms import (
    CreditCodeForm,
    EnterpriseProfileForm,
    EnterpriseRegistrationForm,
    PortalLoginForm,
    SignUpForm,
)
from .forms_account import NewWorkNoticesForm
from .models import Enterprise, Membership

BACKEND = "enterprises.auth.EmailOrMobileBackend"


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the fields it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def signup(request):
    if request.user.is_authenticated:
        return redirect("enterprises:dashboard")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_sign_up(
                email=form.cleaned_data["email"],
                mobile=form.cleaned_data["mobile"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend=BACKEND)
            messages.success(
                request,
                _("Welcome. Now link your account to your enterprise by its credit code."),
            )
            return redirect("enterprises:link")
    return render(request, "registration/signup.html", {"form": form})


class PortalLoginView(auth_views.LoginView):
    form_class = PortalLoginForm
    template_name = "registration/login.html"
    # Without a ``next``, Django's LoginView goes to LOGIN_REDIRECT_URL: the inbox.
    redirect_authenticated_user = True


class PortalLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("programmes:home")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, gettext_lazy("You have logged out."))
        return response


password_reset = auth_views.PasswordResetView.as_view(
    template_name="registration/password_reset_form.html",
    email_template_name="registration/password_reset_email.txt",
    subject_template_name="registration/password_reset_subject.txt",
    success_url=reverse_lazy("enterprises:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="registration/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="registration/password_reset_confirm.html",
    success_url=reverse_lazy("enterprises:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="registration/password_reset_complete.html"
)


@login_required
def dashboard(request):
    memberships = own_membership_list(user=request.user)
    profile = profile_get(user=request.user)
    return render(
        request,
        "portal/applicant/dashboard.html",
        {
            "approved": [m for m in memberships if m.status == Membership.Status.APPROVED],
            "pending": [m for m in memberships if m.status == Membership.Status.PENDING],
            "language": profile.get_language_display() if profile.language else "",
            # New work reaches the desks' people: staff, county officers and experts.
            "notices_form": NewWorkNoticesForm(
                initial={
                    "new_work_in_app": profile.new_work_in_app,
                    "new_work_by_email": profile.new_work_by_email,
                }
            )
            if may(request.user, "use_desk")
            else None,
        },
    )


@login_required
@require_POST
def new_work_notices(request):
    """Save how the person hears of new work, and go back to the account page."""
    if not may(request.user, "use_desk"):
        raise Http404
    form = NewWorkNoticesForm(request.POST)
    form.is_valid()  # two check boxes: absent means off, nothing can be invalid
    profile_set_new_work_notices(
        user=request.user,
        in_app=form.cleaned_data.get("new_work_in_app", False),
        by_email=form.cleaned_data.get("new_work_by_email", False),
    )
    messages.success(request, _("Your choices for notices of new work are saved."))
    return redirect("enterprises:dashboard")


@login_required
def enterprise_link(request):
    """Enter a credit code: join the enterprise that has it, or register a new one."""
    form = CreditCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["credit_code"]
        enterprise = Enterprise.objects.filter(unified_social_credit_code=code).first()
        if enterprise is None:
            return redirect(f"{reverse('enterprises:register')}?{urlencode({'code': code})}")
        membership = services.membership_request(user=request.user, enterprise=enterprise)
        if membership.status == Membership.Status.APPROVED:
            messages.info(request, _("You already act for %(name)s.") % {"name": enterprise.name})
            return redirect("enterprises:profile", pk=enterprise.pk)
        messages.success(
            request,
            _(
                "Your request to act for %(name)s is waiting for approval by one of "
                "its members or by the bureau."
            )
            % {"name": enterprise.name},
        )
        return redirect("enterprises:dashboard")
    return render(request, "portal/applicant/enterprise_link.html", {"form": form})


@login_required
def enterprise_register(request):
    initial = {"unified_social_credit_code": request.GET.get("code", "")}
    form = EnterpriseRegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_register(user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered and you are its owner on Programme Desk.")
                % {"name": enterprise.name},
            )
            return redirect("enterprises:profile", pk=enterprise.pk)
    return render(request, "portal/applicant/enterprise_register.html", {"form": form})


def _enterprise_for(request, pk, check):
    enterprise = Enterprise.objects.select_related("region__parent", "industry").filter(pk=pk)
    enterprise = enterprise.first()
    # 404 rather than 403: whether an enterprise is registered is not disclosed.
    if enterprise is None or not check(request.user, enterprise):
        raise Http404
    return enterprise


@login_required
def enterprise_profile(request, pk):
    enterprise = _enterprise_for(request, pk, can_manage_enterprise_profile)
    memberships = list(enterprise.memberships.select_related("user").order_by("status", "pk"))
    for membership in memberships:
        membership.can_decide = can_decide_membership(request.user, membership)
    return render(
        request,
        "portal/applicant/enterprise_profile.html",
        {
            "enterprise": enterprise,
            "memberships": memberships,
            "can_edit": can_manage_enterprise_profile(request.user, enterprise),
        },
    )


@login_required
def enterprise_edit(request, pk):
    enterprise = _enterprise_for(request, pk, can_manage_enterprise_profile)
    form = EnterpriseProfileForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(
                enterprise=enterprise, actor=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The enterprise profile is saved."))
            return redirect("enterprises:profile", pk=enterprise.pk)
    return render(
        request, "portal/applicant/enterprise_edit.html", {"form": form, "enterprise": enterprise}
    )


def _membership_for(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("enterprise", "user"), pk=pk)
    if not can_decide_membership(request.user, membership):
        raise Http404
    return membership


MEMBERSHIP_APPROVE = gettext_lazy(
    "%(user)s may then see and file every application of %(name)s, and act for it."
)
MEMBERSHIP_DECLINE = gettext_lazy(
    "The request of %(user)s is closed. To act for %(name)s they would have to ask again."
)


def _confirm_membership(request, membership, *, heading, consequence, button):
    names = {"user": membership.user.username, "name": membership.enterprise.name}
    return confirmation(
        request,
        heading=heading,
        subject=_("%(user)s asks to act for %(name)s") % names,
        consequence=consequence % names,
        button=button,
        cancel_url=reverse("enterprises:profile", args=[membership.enterprise_id]),
        details=[
            (_("Email address"), membership.user.email),
            (
                capfirst(Membership._meta.get_field("role").verbose_name),
                membership.get_role_display(),
            ),
        ],
    )


@login_required
@require_POST
def membership_approve(request, pk):
    membership = _membership_for(request, pk)
    if not is_confirmed(request):
        return _confirm_membership(
            request,
            membership,
            heading=_("Confirm: approve the member"),
            consequence=MEMBERSHIP_APPROVE,
            button=_("Approve"),
        )
    services.membership_approve(membership=membership, actor=request.user)
    messages.success(
        request,
        _("%(user)s may now act for %(name)s.")
        % {"user": membership.user.username, "name": membership.enterprise.name},
    )
    return redirect("enterprises:profile", pk=membership.enterprise_id)


@login_required
@require_POST
def membership_decline(request, pk):
    membership = _membership_for(request, pk)
    if not is_confirmed(request):
        return _confirm_membership(
            request,
            membership,
            heading=_("Confirm: decline the request"),
            consequence=MEMBERSHIP_DECLINE,
            button=_("Decline"),
        )
    enterprise_id = membership.enterprise_id
    try:
        services.membership_decline(membership=membership, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The request of %(user)s is declined.") % {"user": membership.user.username}
        )
    return redirect("enterprises:profile", pk=enterprise_id)
