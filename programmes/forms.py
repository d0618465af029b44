"""Applicant forms: the common part of an application, one typed form per kind, documents."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MoneyField

from .models import (
    Attachment,
    DesignationDetail,
    Kind,
    ProductDetail,
    ProjectDetail,
)
from .services.attachments import ALLOWED_EXTENSIONS, attachment_check, upload_rules

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ApplicationForm(forms.Form):
    """What every application has: the enterprise filing it, a title, perhaps an amount."""

    enterprise = EnterpriseChoiceField(label=_("Applying enterprise"), queryset=None)
    title = forms.CharField(
        label=_("Application title"),
        max_length=255,
        help_text=_("A short name for this application, for example the product's name."),
    )
    requested_amount = MoneyField(
        label=_("Requested amount (yuan)"),
        required=False,
        help_text=_("In yuan (125000 or 125,000元), or in 万元 (12.5万元)."),
    )

    no_serious_violation_declared = forms.BooleanField(
        label=_("No serious violation declared"),
        required=False,
    )

    def __init__(self, *args, kind, enterprises=None, declaration_years=None, **kwargs):
        super().__init__(*args, **kwargs)
        if declaration_years is None:
            # The programme asks for no such declaration (``eligibility.Check``).
            del self.fields["no_serious_violation_declared"]
        else:
            self.fields["no_serious_violation_declared"].label = _(
                "We declare that the enterprise has had no serious violation of laws or "
                "regulations in the last %(years)s years."
            ) % {"years": declaration_years}
        if enterprises is None or len(enterprises) < 2:
            # Nothing to choose: the user's one enterprise, or an existing application's.
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].queryset = enterprises
        if kind != Kind.PROJECT:
            # Recognition and designation rewards follow the programme's rules.
            del self.fields["requested_amount"]


class ProductDetailForm(forms.ModelForm):
    class Meta:
        model = ProductDetail
        fields = [
            "product_name",
            "tier",
            "technology_readiness_level",
            "key_indicators",
            "intellectual_property",
            "first_sold_on",
        ]
        widgets = {
            "first_sold_on": DATE_WIDGET,
            "key_indicators": forms.Textarea(attrs={"rows": 4}),
            "intellectual_property": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "technology_readiness_level": _(
                "1–9. A first-batch material needs level 7 to 9 and commercial sales."
            ),
            "key_indicators": _("The indicators that are internationally or domestically leading."),
            "intellectual_property": _("Patents or other core IP the enterprise holds."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_name"].required = True


class ProjectDetailForm(forms.ModelForm):
    class Meta:
        model = ProjectDetail
        fields = ["project_name", "category", "total_investment", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project_name"].required = True

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The project cannot end before it starts."))
        return cleaned


class DesignationDetailForm(forms.ModelForm):
    class Meta:
        model = DesignationDetail
        fields = [
            "platform_name",
            "level_sought",
            "rd_staff",
            "rd_spending",
            "equipment_value",
            "municipal_recognised_on",
        ]
        widgets = {"municipal_recognised_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform_name"].required = True


DETAIL_FORMS = {
    Kind.PRODUCT: ProductDetailForm,
    Kind.PROJECT: ProjectDetailForm,
    Kind.DESIGNATION: DesignationDetailForm,
}


class AttachmentForm(forms.Form):
    document_type = forms.ChoiceField(
        label=_("Document type"),
        choices=Attachment.DocumentType.choices,
        initial=Attachment.DocumentType.APPLICATION_FORM,
    )
    file = forms.FileField(
        label=_("Document"),
        widget=forms.FileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )

    def __init__(self, *args, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].required = required
        # Read when the form is made, so that it follows the language and the setting.
        self.fields["file"].help_text = upload_rules()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            attachment_check(upload)
        return upload
