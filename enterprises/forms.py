"""Portal forms for accounts and enterprises. They validate input; services write."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Model
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.forms import CreditCodeField, MobileField

from .lookups import (
    ENTERPRISE_INDUSTRY_LEVELS,
    IndustryIndex,
    RegionIndex,
    industry_label,
    region_label,
)
from .models import Enterprise, Industry, Region
from .services import PROFILE_FIELDS, REGISTRATION_FIELDS


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=150,
        help_text=_("Needed to receive notices and to reset a forgotten password."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    mobile = MobileField(
        label=_("Mobile number"),
        required=False,
        max_length=20,
        help_text=_("A mainland China mobile number, 11 digits starting with 1."),
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        return self.cleaned_data.get("email", "").strip().lower()

    def clean(self):
        cleaned = super().clean()
        email, mobile = cleaned.get("email"), cleaned.get("mobile")
        if (
            not email
            and not mobile
            and not self.has_error("email")
            and not self.has_error("mobile")
        ):
            raise forms.ValidationError(_("Give an email address or a mobile number, or both."))
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            candidate = get_user_model()(username=mobile or email or "", email=email or "")
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class PortalLoginForm(AuthenticationForm):
    """Django's login form, asking for the email address or mobile number."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Email or mobile number")
        self.fields["username"].max_length = 150
        self.fields["username"].widget.attrs["autocomplete"] = "username"

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That email or mobile number and password do not match an account. "
            "Both may be case-sensitive."
        ),
    }


class CreditCodeForm(forms.Form):
    """Step one of linking to an enterprise: which one, by its credit code."""

    credit_code = CreditCodeField(
        label=_("Unified social credit code"),
        help_text=_("The 18 characters printed on the business licence."),
    )


class LookupInput(forms.TextInput):
    """A text box that suggests values from a ``<datalist>``; its field accepts any spelling."""

    def __init__(self, options=None, attrs=None):
        super().__init__(attrs)
        self.options = options  # a callable giving (value, label) pairs

    def render(self, name, value, attrs=None, renderer=None):
        if self.options is None:
            return super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id') or 'id_' + name}-options"
        attrs = {**(attrs or {}), "list": list_id, "autocomplete": "off"}
        options = format_html_join("", '<option value="{}">{}</option>', self.options())
        datalist = format_html('<datalist id="{}">{}</datalist>', list_id, options)
        return super().render(name, value, attrs, renderer) + datalist


class LookupField(forms.Field):
    """A reference record typed as people write it, resolved by one rule of ``.lookups``.

    ``clean`` gives the record; with ``pk_only`` (the API's filters) just its id.
    """

    model: type[Model]

    def __init__(self, *, suggest=True, pk_only=False, max_length=200, **kwargs):
        self.pk_only = pk_only
        self.max_length = max_length
        kwargs.setdefault("widget", LookupInput(self.options if suggest else None))
        super().__init__(**kwargs)

    def options(self):
        raise NotImplementedError

    def resolve(self, text: str) -> int:
        raise NotImplementedError

    def display(self, record) -> str:
        raise NotImplementedError

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if text in self.empty_values:
            return None
        if len(text) > self.max_length:
            raise forms.ValidationError(
                _("Ensure this value has at most %(max)s characters."),
                code="max_length",
                params={"max": self.max_length},
            )
        pk = self.resolve(text)
        return pk if self.pk_only else self.model._default_manager.get(pk=pk)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            value = self.model._default_manager.filter(pk=value).first()
        if isinstance(value, self.model):
            return self.display(value)
        return value

    def has_changed(self, initial, data):
        try:
            new = self.to_python(data)
        except forms.ValidationError:
            return True
        before = initial.pk if isinstance(initial, Model) else initial
        return getattr(new, "pk", new) != before


class RegionField(LookupField):
    """A Zhejiang region: code, full or short name (``RegionIndex.resolve``)."""

    model = Region

    def __init__(self, *, county_level=False, **kwargs):
        self.county_level = county_level
        super().__init__(**kwargs)

    def options(self):
        regions = Region.objects.select_related("parent").order_by("code")
        if self.county_level:
            regions = regions.exclude(level__in=[Region.Level.PROVINCE, Region.Level.CITY])
        return ((region_label(region), region.code) for region in regions)

    def resolve(self, text):
        return RegionIndex.load().resolve(text, county_level=self.county_level)

    def display(self, record):
        return region_label(record)


class IndustryField(LookupField):
    """A GB/T 4754-2017 category: code with or without its letter, or name
    (``IndustryIndex.resolve``)."""

    model = Industry

    def __init__(self, *, levels=ENTERPRISE_INDUSTRY_LEVELS, **kwargs):
        self.levels = levels
        super().__init__(**kwargs)

    def options(self):
        rows = Industry.objects.filter(level__in=self.levels).order_by("code")
        return ((f"{code} {name}", "") for code, name in rows.values_list("code", "name"))

    def resolve(self, text):
        return IndustryIndex.load().resolve(text, levels=self.levels)

    def display(self, record):
        return industry_label(record)


class EnterpriseFormMixin:
    """Choices and requirements shared by the registration and profile forms."""

    required_fields = ("region", "industry", "legal_representative", "contact_name")

    def setup_fields(self):
        self.fields["region"] = RegionField(
            county_level=True,
            label=_("County-level region"),
            help_text=_(
                "The district, county, county-level city or zone of registration: its name "
                "(桐乡市 or 嘉兴市桐乡市) or its GB/T 2260 code (330483)."
            ),
        )
        self.fields["industry"] = IndustryField(
            label=_("Industry"),
            help_text=_(
                "GB/T 4754-2017: the class's code, with or without its section letter "
                "(3061 or C3061), or its name (玻璃纤维及制品制造); a group or division "
                "if no class fits."
            ),
        )
        for name in self.required_fields:
            self.fields[name].required = True
        self.fields["contact_phone"].required = True


class EnterpriseRegistrationForm(EnterpriseFormMixin, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = REGISTRATION_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_fields()
        code_field = self.fields["unified_social_credit_code"]
        code_field.required = True
        code_field.help_text = _("The 18 characters printed on the business licence.")

    def clean_unified_social_credit_code(self):
        code = self.cleaned_data.get("unified_social_credit_code") or ""
        if code and Enterprise.objects.filter(unified_social_credit_code=code).exists():
            raise forms.ValidationError(
                _(
                    "An enterprise with this credit code is already registered: "
                    "ask to join it instead."
                ),
                code="registered",
            )
        return code


class EnterpriseProfileForm(EnterpriseFormMixin, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_fields()
