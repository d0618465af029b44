"""Portal forms for accounts and enterprises. They validate input; services write."""

import re

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .auth import MOBILE_PATTERN, normalise_mobile
from .models import Enterprise, Industry, Region
from .services import PROFILE_FIELDS, REGISTRATION_FIELDS
from .validators import normalise_credit_code, validate_credit_code

phone_validator = RegexValidator(
    re.compile(r"^[0-9+\-\s()]{7,20}$"),
    _("Enter a phone number: digits, optionally with +, - and spaces."),
)


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=150,
        help_text=_("Needed to receive notices and to reset a forgotten password."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=20,
        help_text=_("A mainland China mobile number, 11 digits starting with 1."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
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

    def clean_mobile(self):
        mobile = normalise_mobile(self.cleaned_data.get("mobile", ""))
        if mobile and not MOBILE_PATTERN.match(mobile):
            raise forms.ValidationError(
                _("Enter a mainland China mobile number: 11 digits starting with 1.")
            )
        return mobile

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

    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        help_text=_("The 18 characters printed on the business licence."),
        validators=[validate_credit_code],
    )

    def clean_credit_code(self):
        return normalise_credit_code(self.cleaned_data["credit_code"])


class CountyLevelRegionField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} {obj.name}" if obj.parent_id else obj.name


class EnterpriseFormMixin:
    """Choices and requirements shared by the registration and profile forms."""

    required_fields = ("region", "industry", "legal_representative", "contact_name")

    def setup_fields(self):
        self.fields["region"] = CountyLevelRegionField(
            label=_("County-level region"),
            queryset=Region.objects.exclude(
                level__in=[Region.Level.PROVINCE, Region.Level.CITY]
            ).select_related("parent"),
            help_text=_("The district, county, county-level city or zone of registration."),
        )
        self.fields["industry"].queryset = Industry.objects.all()
        for name in self.required_fields:
            self.fields[name].required = True
        self.fields["contact_phone"].required = True
        self.fields["contact_phone"].validators.append(phone_validator)
        self.fields["contact_phone"].widget.attrs["inputmode"] = "tel"


class EnterpriseRegistrationForm(EnterpriseFormMixin, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = REGISTRATION_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_fields()
        # Longer than 18 so that a code pasted with blanks reaches the checksum message.
        self.fields["unified_social_credit_code"] = forms.CharField(
            label=_("Unified social credit code"),
            max_length=30,
            help_text=_("The 18 characters printed on the business licence."),
            validators=[validate_credit_code],
        )

    def clean_unified_social_credit_code(self):
        code = normalise_credit_code(self.cleaned_data.get("unified_social_credit_code") or "")
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
