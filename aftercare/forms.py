"""The portal's forms for aftercare: a report, an inspection, a claim, a step's comment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, MoneyField


class ReportForm(forms.Form):
    report = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 6}))
    self_assessment = forms.CharField(
        label=_("Performance self-assessment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("For the final acceptance: the targets set and those reached."),
    )
    self_score = forms.DecimalField(
        label=_("Self-assessed score (0–100)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
    )


class InspectionForm(forms.Form):
    inspected_on = DateField(label=_("Inspected on"))
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}))


class StepCommentForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput)
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ClaimForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    premium_paid = MoneyField(label=_("Premium paid (yuan)"))
    requested_amount = MoneyField(
        label=_("Amount claimed (yuan)"), help_text=_("At most 80 percent of the premium paid.")
    )
    policy_file = forms.FileField(label=_("Insurance policy (PDF, JPG or PNG)"))
    payment_proof = forms.FileField(label=_("Proof of premium payment (PDF, JPG or PNG)"))
