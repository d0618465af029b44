"""Aftercare in the desk's admin: obligations, claw-backs and repayments, insurance
qualifications, quotas and claims.

Rows come from ``aftercare.access``'s lists; records are added through the services, and
each change page offers the steps its flow would make now (``core.flows``), with the
comment or payment a step asks for, made through the same services as everywhere else.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core import admin as core_admin
from core.forms import DateField, MoneyField

from . import access
from .flows import CLAIM_FLOW, CLAW_BACK_FLOW, OBLIGATION_FLOW, QUALIFICATION_FLOW
from .models import (
    ClawBack,
    InsuranceClaim,
    InsuranceQualification,
    InsuranceQuota,
    Obligation,
    Repayment,
)
from .services import (
    claim_disburse,
    claim_move,
    claw_back_move,
    claw_back_order,
    obligation_decide,
    obligation_record_inspection,
    obligation_schedule,
    qualification_move,
    qualification_request,
    quota_set,
    repayment_record,
)


class DeskAdminMixin(core_admin.DeskAdminMixin):
    may = staticmethod(access.may)


class ReadOnlyTabularInline(core_admin.ReadOnlyTabularInline):
    may = staticmethod(access.may)


class StepForm(forms.Form):
    """One step of a record's flow, with what the step may ask for."""

    step = forms.CharField(widget=forms.HiddenInput)
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea, required=False)


class FlowAdminMixin:
    """The change page lists the steps the flow offers the user now and those a guard holds
    back, with the reasons; a step is posted to ``<pk>/step/`` and made by ``make_step``."""

    flow = None
    change_form_template = "admin/aftercare/change_form.html"

    def make_step(self, request, obj, step: str, data: dict):
        raise NotImplementedError

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<path:object_id>/step/",
                self.admin_site.admin_view(self.step_view),
                name="{}_{}_step".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if obj is not None:
            labels = dict(self.model._meta.get_field(self.flow.status_field).choices)
            extra.update(
                flow_steps=self.flow.available(obj, request.user),
                flow_held_back=self.flow.held_back(obj, request.user),
                flow_timeline=[
                    (
                        event,
                        self.flow.step_label(event.step),
                        labels.get(event.from_status, event.from_status),
                        labels.get(event.to_status, event.to_status),
                    )
                    for event in self.flow.timeline(obj)
                ],
                flow_status=getattr(obj, self.flow.status_field),
                flow_step_url=reverse(_url_name(self.model, "step"), args=[obj.pk]),
                flow_asks={name: form_class() for name, form_class in self.step_asks().items()},
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def step_asks(self) -> dict:
        """Extra fields a step asks for, by step name (shown with its button)."""
        return {}

    def step_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None or request.method != "POST":
            raise Http404
        form = StepForm(request.POST)
        change_url = reverse(_url_name(self.model, "change"), args=[obj.pk])
        if not form.is_valid():
            messages.error(request, _("The step was not understood; nothing was done."))
            return redirect(change_url)
        step = form.cleaned_data["step"]
        asked = self.step_asks().get(step)
        data = dict(form.cleaned_data)
        if asked is not None:
            extra = asked(request.POST)
            if not extra.is_valid():
                for errors in extra.errors.values():
                    for message in errors:
                        messages.error(request, message)
                return redirect(change_url)
            data.update(extra.cleaned_data)
        try:
            self.make_step(request, obj, step, data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            obj.refresh_from_db()
            messages.success(
                request,
                _("“%(step)s” done: it is now “%(status)s”.")
                % {"step": self.flow.step_label(step), "status": self.flow.status_label(obj)},
            )
        return redirect(change_url)


def _url_name(model, suffix: str) -> str:
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_{suffix}"


class ScoreForm(forms.Form):
    """Accepting an evaluation report may record the designation's evaluation."""

    score = forms.DecimalField(
        label=_("Evaluation score"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    period = forms.CharField(label=_("Evaluation period"), required=False, max_length=20)


class InspectionForm(forms.Form):
    inspected_on = DateField(label=_("Inspected on"))
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea)


class PaymentForm(forms.Form):
    amount = MoneyField(label=_("Amount paid (yuan)"))
    paid_on = DateField(label=_("Paid on"))
    reference = forms.CharField(label=_("Payment reference"), required=False, max_length=100)


PROJECT_SEARCH = [
    "application__title",
    "application__enterprise__name",
    "application__enterprise__unified_social_credit_code",
]


# --- Obligations -------------------------------------------------------------------------


class ObligationAddForm(core_admin.ServiceAddForm):
    class Meta:
        model = Obligation
        fields = ["application", "designation", "kind", "title", "due_on"]


@admin.register(Obligation)
class ObligationAdmin(FlowAdminMixin, core_admin.ServiceAddMixin, DeskAdminMixin, admin.ModelAdmin):
    flow = OBLIGATION_FLOW
    add_form = ObligationAddForm
    list_display = ["title", "kind", "enterprise", "due_on", "status"]
    list_filter = ["kind", "status", "due_on"]
    list_select_related = ["application__enterprise"]
    search_fields = [*PROJECT_SEARCH, "title"]
    autocomplete_fields = ["application", "designation"]
    date_hierarchy = "due_on"

    def scoped_queryset(self, request):
        return access.obligation_list(user=request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "use_desk")
        return access.can_view_obligation(request.user, obj)

    def has_add_permission(self, request):
        return access.may(request.user, "manage_monitoring")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["application", "designation", "kind", "title", "due_on"]
        return [
            "application",
            "designation",
            "evaluation",
            "kind",
            "title",
            "due_on",
            "status",
            "report",
            "self_assessment",
            "self_score",
            "inspected_on",
            "findings",
            "submitted_at",
            "decided_at",
            "created_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def create_through_service(self, request, data):
        return obligation_schedule(
            application=data["application"],
            designation=data.get("designation"),
            actor=request.user,
            kind=data["kind"],
            title=data["title"],
            due_on=data["due_on"],
        )

    def step_asks(self):
        return {"record_inspection": InspectionForm, "accept": ScoreForm}

    def make_step(self, request, obj, step, data):
        if step == "record_inspection":
            obligation_record_inspection(
                obligation=obj,
                actor=request.user,
                inspected_on=data["inspected_on"],
                findings=data["findings"],
            )
            return
        obligation_decide(
            obligation=obj,
            actor=request.user,
            step=step,
            comment=data.get("comment", ""),
            expected_status=data.get("expected_status") or None,
            score=data.get("score"),
            period=data.get("period", ""),
        )

    @admin.display(description=_("enterprise"), ordering="application__enterprise__name")
    def enterprise(self, obj):
        return obj.application.enterprise


# --- Claw-backs and repayments -------------------------------------------------------------


class RepaymentInline(ReadOnlyTabularInline):
    model = Repayment
    fields = ["amount", "paid_on", "reference", "recorded_by", "recorded_at"]


class ClawBackAddForm(core_admin.ServiceAddForm):
    class Meta:
        model = ClawBack
        fields = ["application", "amount", "reason", "ordered_on", "due_on"]


@admin.register(ClawBack)
class ClawBackAdmin(FlowAdminMixin, core_admin.ServiceAddMixin, DeskAdminMixin, admin.ModelAdmin):
    flow = CLAW_BACK_FLOW
    add_form = ClawBackAddForm
    list_display = ["application", "amount", "ordered_on", "due_on", "status"]
    list_filter = ["status", "ordered_on"]
    list_select_related = ["application"]
    search_fields = PROJECT_SEARCH
    autocomplete_fields = ["application"]
    inlines = [RepaymentInline]

    def scoped_queryset(self, request):
        return access.claw_back_list(user=request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "use_desk")
        return access.can_view_claw_back(request.user, obj)

    def has_add_permission(self, request):
        return access.may(request.user, "manage_monitoring")

    def get_fields(self, request, obj=None):
        fields = ["application", "amount", "reason", "ordered_on", "due_on"]
        return fields if obj is None else [*fields, "status", "ordered_by"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def create_through_service(self, request, data):
        return claw_back_order(
            application=data["application"],
            actor=request.user,
            amount=data["amount"],
            reason=data["reason"],
            ordered_on=data.get("ordered_on"),
            due_on=data["due_on"],
        )

    def make_step(self, request, obj, step, data):
        claw_back_move(claw_back=obj, actor=request.user, step=step, comment=data["comment"])


class RepaymentAddForm(core_admin.ServiceAddForm):
    class Meta:
        model = Repayment
        fields = ["claw_back", "amount", "paid_on", "reference"]


@admin.register(Repayment)
class RepaymentAdmin(core_admin.ServiceAddMixin, DeskAdminMixin, admin.ModelAdmin):
    add_form = RepaymentAddForm
    list_display = ["claw_back", "amount", "paid_on", "reference", "recorded_by"]
    list_filter = ["paid_on"]
    list_select_related = ["claw_back__application", "recorded_by"]
    search_fields = ["claw_back__application__title", "reference"]
    autocomplete_fields = ["claw_back"]
    fields = ["claw_back", "amount", "paid_on", "reference"]

    def scoped_queryset(self, request):
        return access.repayment_list(user=request.user)

    def has_add_permission(self, request):
        return access.may(request.user, "manage_monitoring")

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.fields

    def create_through_service(self, request, data):
        return repayment_record(
            claw_back=data["claw_back"],
            actor=request.user,
            amount=data["amount"],
            paid_on=data["paid_on"],
            reference=data.get("reference", ""),
        )


# --- Insurance ---------------------------------------------------------------------------


class QualificationAddForm(core_admin.ServiceAddForm):
    class Meta:
        model = InsuranceQualification
        fields = ["application", "insurer", "policy_number", "valid_from", "valid_until"]


@admin.register(InsuranceQualification)
class InsuranceQualificationAdmin(
    FlowAdminMixin, core_admin.ServiceAddMixin, DeskAdminMixin, admin.ModelAdmin
):
    flow = QUALIFICATION_FLOW
    add_form = QualificationAddForm
    list_display = ["application", "insurer", "valid_from", "valid_until", "status"]
    list_filter = ["status", "valid_until"]
    list_select_related = ["application"]
    search_fields = [*PROJECT_SEARCH, "policy_number", "insurer"]
    autocomplete_fields = ["application"]

    def scoped_queryset(self, request):
        return access.qualification_list(user=request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "use_desk")
        return access.can_view_qualification(request.user, obj)

    def has_add_permission(self, request):
        return access.may(request.user, "manage_insurance_quotas")

    def get_fields(self, request, obj=None):
        fields = ["application", "insurer", "policy_number", "valid_from", "valid_until"]
        return fields if obj is None else [*fields, "status", "requested_by"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def create_through_service(self, request, data):
        return qualification_request(
            application=data["application"],
            actor=request.user,
            insurer=data["insurer"],
            policy_number=data["policy_number"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
        )

    def make_step(self, request, obj, step, data):
        qualification_move(
            qualification=obj, actor=request.user, step=step, comment=data["comment"]
        )


class QuotaForm(core_admin.ServiceAddForm):
    class Meta:
        model = InsuranceQuota
        fields = ["year", "amount", "claims_close_on", "shortfall_rule", "share_cap"]


@admin.register(InsuranceQuota)
class InsuranceQuotaAdmin(core_admin.ServiceAddMixin, DeskAdminMixin, admin.ModelAdmin):
    """A year's quota is set and changed through ``quota_set`` (never below what is
    awarded already)."""

    add_form = QuotaForm
    list_display = ["year", "amount", "claims_close_on", "shortfall_rule", "share_cap"]
    fields = ["year", "amount", "claims_close_on", "shortfall_rule", "share_cap"]

    def scoped_queryset(self, request):
        return access.quota_list(user=request.user)

    def has_view_permission(self, request, obj=None):
        return access.may(request.user, "manage_insurance_quotas")

    def has_module_permission(self, request):
        return access.may(request.user, "use_desk")

    def has_add_permission(self, request):
        return access.may(request.user, "manage_insurance_quotas")

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.fields

    def create_through_service(self, request, data):
        return quota_set(
            actor=request.user,
            year=data["year"],
            amount=data["amount"],
            claims_close_on=data["claims_close_on"],
            shortfall_rule=data["shortfall_rule"],
            share_cap=data["share_cap"],
        )


@admin.register(InsuranceClaim)
class InsuranceClaimAdmin(FlowAdminMixin, DeskAdminMixin, admin.ModelAdmin):
    """Claims are filed in the portal (or the API); here the county and the bureau decide
    them and the bureau records the payment."""

    flow = CLAIM_FLOW
    list_display = [
        "__str__",
        "year",
        "premium_paid",
        "requested_amount",
        "awarded_amount",
        "status",
    ]
    list_filter = ["status", "year"]
    list_select_related = ["qualification__application"]
    search_fields = [
        "qualification__application__title",
        "qualification__application__enterprise__name",
        "qualification__policy_number",
    ]
    fields = [
        "qualification",
        "year",
        "premium_paid",
        "requested_amount",
        "awarded_amount",
        "award_note",
        "policy_file_name",
        "payment_proof_name",
        "status",
        "paid_amount",
        "paid_on",
        "payment_reference",
        "filed_by",
    ]
    readonly_fields = fields

    def scoped_queryset(self, request):
        return access.claim_list(user=request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "use_desk")
        return access.can_view_claim(request.user, obj)

    def step_asks(self):
        return {"disburse": PaymentForm}

    def make_step(self, request, obj, step, data):
        if step == "disburse":
            claim_disburse(
                claim=obj,
                actor=request.user,
                amount=data["amount"],
                paid_on=data["paid_on"],
                reference=data.get("reference", ""),
            )
            return
        claim_move(
            claim=obj,
            actor=request.user,
            step=step,
            comment=data["comment"],
            expected_status=data.get("expected_status") or None,
        )
