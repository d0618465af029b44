"""The account page's own form: how a person hears of new work."""

from django import forms
from django.utils.translation import gettext_lazy as _


class NewWorkNoticesForm(forms.Form):
    new_work_in_app = forms.BooleanField(
        label=_("Tell me in Programme Desk (under Notifications)"), required=False
    )
    new_work_by_email = forms.BooleanField(label=_("Tell me by email"), required=False)
