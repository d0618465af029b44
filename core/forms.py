"""Form fields for the values of ``core.values``: each reads input with the one rule of its
kind and shows that rule's message. The model fields of ``core.fields`` give them to
every ModelForm (portal and admin); plain forms use them directly."""

from django import forms
from django.core.validators import DecimalValidator

from . import values


def _without_digit_limits(validators) -> list:
    """The parser bounds the value and says so in its own words; Django's digit counts
    would say it a second way."""
    return [validator for validator in validators if not isinstance(validator, DecimalValidator)]


class _ParsedMixin:
    """``to_python`` is the value's parser; a blank is the field's empty value."""

    parse = None

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return self.empty_value
        return type(self).parse(value)


class PhoneField(_ParsedMixin, forms.CharField):
    """A mobile or landline number (``values.parse_phone``)."""

    parse = staticmethod(values.parse_phone)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "tel", "autocomplete": "tel"}


class MobileField(_ParsedMixin, forms.CharField):
    """A mainland mobile number (``values.parse_mobile``)."""

    parse = staticmethod(values.parse_mobile)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "tel"}


class EmailAddressField(_ParsedMixin, forms.EmailField):
    """An email address (``values.parse_email``), without Django's second check."""

    default_validators = []
    parse = staticmethod(values.parse_email)


class ContactField(_ParsedMixin, forms.CharField):
    """A phone number or an email address (``values.parse_contact``)."""

    parse = staticmethod(values.parse_contact)


class CreditCodeField(_ParsedMixin, forms.CharField):
    """A unified social credit code (``values.parse_credit_code``), normalised.

    The box takes more than 18 characters, so that a code pasted with blanks reaches
    the checksum's message rather than a length limit.
    """

    parse = staticmethod(values.parse_credit_code)

    def __init__(self, **kwargs):
        kwargs["max_length"] = 40
        super().__init__(**kwargs)


class MoneyField(forms.DecimalField):
    """An amount in yuan (``values.parse_money``): 125000, 125,000元 or 12.5万元."""

    widget = forms.TextInput

    def __init__(self, *, unit=values.YUAN, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        self.unit = unit
        super().__init__(**kwargs)
        self.validators = _without_digit_limits(self.validators)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        return values.parse_money(value, unit=self.unit)

    def widget_attrs(self, widget):
        return {**forms.Field.widget_attrs(self, widget), "inputmode": "decimal"}


class PercentageField(forms.DecimalField):
    """Percentage points (``values.parse_percentage``): 70% or 70."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.validators = _without_digit_limits(self.validators)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        return values.parse_percentage(value)

    def widget_attrs(self, widget):
        return {**forms.Field.widget_attrs(self, widget), "inputmode": "decimal"}


class DateField(forms.DateField):
    """A date (``values.parse_date``): 2025-05-20, 2025/5/20 or 2025年5月20日."""

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        return values.parse_date(value)
