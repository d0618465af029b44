"""Forms of the review desks and the public notice. They validate shape; services decide."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ContactField, DateField

from . import access
from .services.reviews import review_due_on
from .workflow import MOVES


def plain_number(value: Decimal) -> str:
    """30.00 → "30", 12.50 → "12.5" (``Decimal.normalize`` would give "3E+1")."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class CountyDecisionForm(forms.Form):
    """Recommend an application for the county, or return it to the applicant with a comment."""

    ACTIONS = (
        ("recommend", MOVES["recommend"].label),
        ("return_for_revision", MOVES["return_for_revision"].label),
    )

    action = forms.ChoiceField(label=_("Decision"), choices=ACTIONS)
    #: The status the page showed; a colleague's move since then makes the service refuse.
    expected_status = forms.CharField(required=False, widget=forms.HiddenInput, max_length=30)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you return an application: tell the applicant what to fix."),
    )

    def clean(self):
        cleaned = super().clean()
        move = MOVES.get(cleaned.get("action"))
        if move and move.comment_required and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say what the applicant must revise."))
        return cleaned


class ConflictDeclarationForm(forms.Form):
    """The expert's declaration before the file opens."""

    NO_CONFLICT = "no_conflict"
    CONFLICT = "conflict"

    declaration = forms.ChoiceField(
        label=_("Declaration"),
        choices=(
            (NO_CONFLICT, _("I have no conflict of interest with this applicant")),
            (CONFLICT, _("I have a conflict of interest and decline this review")),
        ),
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Conflict of interest"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when you decline: what links you to the applicant."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("declaration") == self.CONFLICT and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say briefly what the conflict of interest is."))
        return cleaned


class ScoreSheetForm(forms.Form):
    """One 0–100 score per criterion of the programme, and a comment.

    Fields are optional here so that a draft may be saved half done; the service
    insists on every score when the sheet is submitted.
    """

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        fields = {}
        for criterion in self.criteria:
            fields[self.field_name(criterion)] = forms.DecimalField(
                label=_("%(criterion)s (weight %(weight)s%%)")
                % {"criterion": criterion.name, "weight": plain_number(criterion.weight)},
                required=False,
                min_value=Decimal("0"),
                max_value=Decimal("100"),
                max_digits=5,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "100"}),
            )
        # Criteria first, comment last.
        fields["comment"] = self.fields.pop("comment")
        self.fields.update(fields)

    @staticmethod
    def field_name(criterion) -> str:
        return f"criterion_{criterion.pk}"

    def criterion_fields(self):
        return [self[self.field_name(criterion)] for criterion in self.criteria]

    def scores(self) -> dict[int, Decimal | None]:
        return {
            criterion.pk: self.cleaned_data.get(self.field_name(criterion))
            for criterion in self.criteria
        }


class BulkAssignForm(forms.Form):
    """Every chosen expert is assigned to every chosen application."""

    applications = forms.ModelMultipleChoiceField(
        label=_("Applications"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    due_on = DateField(
        label=_("Review due on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The experts are reminded as the day nears and once it has passed."),
    )
    start_review = forms.BooleanField(
        label=_("Start expert review of accepted applications"), required=False, initial=True
    )

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].initial = review_due_on
        self.fields["applications"].queryset = applications
        self.fields["applications"].label_from_instance = lambda application: (
            _("%(enterprise)s — %(title)s (%(status)s)")
            % {
                "enterprise": application.enterprise.name,
                "title": application.title,
                "status": application.get_status_display(),
            }
        )
        self.fields["experts"].queryset = access.experts().order_by(
            "last_name", "first_name", "username"
        )
        self.fields["experts"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(
                _("The due date cannot be in the past: choose today or a later day.")
            )
        return due_on


class WorkflowMoveForm(forms.Form):
    """One of the moves the acting user may make now, with an optional comment."""

    move = forms.ChoiceField(label=_("Action"))
    #: The status the page showed; a colleague's move since then makes the service refuse.
    expected_status = forms.CharField(required=False, widget=forms.HiddenInput, max_length=30)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, moves, **kwargs):
        super().__init__(*args, **kwargs)
        # No preselected move: an action is chosen on purpose, never by default.
        self.fields["move"].choices = [("", _("Choose an action"))] + [
            (move.name, move.label) for move in moves
        ]


class ObjectionForm(forms.Form):
    """Anyone's objection to an application in public notice."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    contact = ContactField(
        label=_("Phone or email"),
        max_length=100,
        help_text=_("So that the bureau can reach you about your objection. Not published."),
    )
    text = forms.CharField(
        label=_("Objection"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is wrong, and what evidence you have."),
    )
