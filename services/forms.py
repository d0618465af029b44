"""The portal's forms: raising a problem, assigning it, a step with its comment, and a
step taken."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField

from .models import Problem


class RaiseForm(forms.Form):
    enterprise = forms.ModelChoiceField(queryset=None, label=_("Enterprise"))
    category = forms.ChoiceField(choices=Problem.Category.choices, label=_("Category"))
    title = forms.CharField(max_length=300, label=_("Title"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, label=_("Description")
    )

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        if enterprises.count() == 1:
            self.fields["enterprise"].initial = enterprises.first()


class AssignForm(forms.Form):
    department = forms.CharField(max_length=200, label=_("Owning department"))
    owner = forms.ModelChoiceField(queryset=None, required=False, label=_("Owner"))
    due_on = DateField(label=_("Due on"))
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Comment")
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class StepForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput)
    expected_status = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Comment")
    )


class ActionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Step taken"))
    taken_on = DateField(required=False, label=_("Taken on"))
