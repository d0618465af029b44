"""Model fields for the values of ``core.values``: phone, email, contact, credit code,
money, percentage, date.

Each keeps Django's column and adds the rule of its kind: ``full_clean`` parses
and normalises the value (what the services call before saving), ``formfield``
gives the form field of ``core.forms`` to every ModelForm (portal and admin), and
``core.serializers.ValueModelSerializer`` maps it to the API's field. Migrations
record Django's own field (``deconstruct``): the column is the same, the rule is
Python's, so changing the rule never needs a migration.
"""

from django.db import models

from . import forms as value_forms
from . import values


class _ParsedField:
    """``clean`` parses a non-blank value with ``parse``; forms get ``form_class``."""

    parse = None
    form_class = None
    #: The Django field that migrations record.
    django_path = ""

    def clean(self, value, model_instance):
        if value not in self.empty_values and not (isinstance(value, str) and not value.strip()):
            value = type(self).parse(value)
        return super().clean(value, model_instance)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": self.form_class, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, self.django_path, args, kwargs


class PhoneNumberField(_ParsedField, models.CharField):
    """A mobile, landline or service number, stored as ``values.parse_phone`` writes it."""

    parse = staticmethod(values.parse_phone)
    form_class = value_forms.PhoneField
    django_path = "django.db.models.CharField"


class CreditCodeField(_ParsedField, models.CharField):
    """A unified social credit code (``values.parse_credit_code``), normalised."""

    parse = staticmethod(values.parse_credit_code)
    form_class = value_forms.CreditCodeField
    django_path = "django.db.models.CharField"


class EmailAddressField(_ParsedField, models.EmailField):
    """An email address (``values.parse_email``)."""

    default_validators = []
    parse = staticmethod(values.parse_email)
    form_class = value_forms.EmailAddressField
    django_path = "django.db.models.EmailField"


class ContactField(_ParsedField, models.CharField):
    """A phone number or an email address (``values.parse_contact``)."""

    parse = staticmethod(values.parse_contact)
    form_class = value_forms.ContactField
    django_path = "django.db.models.CharField"


class MoneyField(_ParsedField, models.DecimalField):
    """An amount in yuan to the fen (``values.parse_money``); 14 digits, 2 places."""

    parse = staticmethod(values.parse_money)
    form_class = value_forms.MoneyField
    django_path = "django.db.models.DecimalField"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


class PercentageField(_ParsedField, models.DecimalField):
    """Percentage points, 0 to 100, to two places (``values.parse_percentage``)."""

    parse = staticmethod(values.parse_percentage)
    form_class = value_forms.PercentageField
    django_path = "django.db.models.DecimalField"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


class DateField(_ParsedField, models.DateField):
    """A date (``values.parse_date``): 2025-05-20, 2025/5/20, 2025年5月20日."""

    parse = staticmethod(values.parse_date)
    form_class = value_forms.DateField
    django_path = "django.db.models.DateField"
