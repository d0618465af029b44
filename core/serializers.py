"""API fields for the values of ``core.values``, and the ModelSerializer that uses them.

``ValueModelSerializer`` maps the model fields of ``core.fields`` (money, dates,
phone numbers, email addresses, contacts) to these fields, so that an API call is
read by the same rule as a form or a sheet and refused with the same message.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from . import fields as value_fields
from . import values


def _parsed(parse, value, *args, **kwargs):
    try:
        return parse(value, *args, **kwargs)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages, code=error.code) from None


class MoneyField(serializers.DecimalField):
    """An amount in yuan: a number or a string such as ``"125000"`` or ``"12.5万元"``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        amount = _parsed(values.parse_money, data)
        if amount is None and not self.allow_null:
            raise serializers.ValidationError(
                values.MONEY_INVALID % {"value": data}, code="money_invalid"
            )
        return amount


class PercentageField(serializers.DecimalField):
    """Percentage points: ``70``, ``"70%"``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return _parsed(values.parse_percentage, data)


class DateField(serializers.DateField):
    """A date: ``"2025-05-20"``, ``"2025/5/20"`` or ``"2025年5月20日"``."""

    def to_internal_value(self, data):
        # A number is refused: Excel's serial numbers are read in sheets only.
        day = _parsed(values.parse_date, data)
        if day is None:
            raise serializers.ValidationError(
                values.DATE_INVALID % {"value": data}, code="date_invalid"
            )
        return day


class PhoneField(serializers.CharField):
    def to_internal_value(self, data):
        return _parsed(values.parse_phone, super().to_internal_value(data))


class EmailField(serializers.CharField):
    def to_internal_value(self, data):
        return _parsed(values.parse_email, super().to_internal_value(data))


class CreditCodeField(serializers.CharField):
    def to_internal_value(self, data):
        return _parsed(values.parse_credit_code, super().to_internal_value(data))


class ContactField(serializers.CharField):
    def to_internal_value(self, data):
        return _parsed(values.parse_contact, super().to_internal_value(data))


class ValueModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose money, date, phone, email and contact fields follow
    ``core.values``."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        value_fields.MoneyField: MoneyField,
        value_fields.PercentageField: PercentageField,
        value_fields.DateField: DateField,
        value_fields.PhoneNumberField: PhoneField,
        value_fields.EmailAddressField: EmailField,
        value_fields.ContactField: ContactField,
        value_fields.CreditCodeField: CreditCodeField,
    }
