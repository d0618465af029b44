"""What every REST endpoint shares: the error shape, pagination, throttling, bounded filters.

Settings point here (``REST_FRAMEWORK`` and ``SPECTACULAR_SETTINGS`` in
``config/settings/base.py``); the viewsets live in each app's ``api/`` package.

Every 4xx answer has one shape::

    {"status": 409, "code": "transition_refused",
     "message": "“Grant” is not possible while the application is “Draft”.",
     "fields": {}}

``fields`` maps a field (dotted for nested ones, ``product_detail.tier``) to its
messages; it is empty when the error is not about a field.
"""

import io
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import Http404
from django.utils import timezone
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.drainage import set_override
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import (
    exceptions,
    filters,
    pagination,
    parsers,
    permissions,
    serializers,
    status,
    throttling,
)
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings

from .exceptions import Refused

# --- Errors -----------------------------------------------------------------------


class Conflict(exceptions.APIException):
    """An action refused by the state of things (``core.exceptions.Refused``: a workflow
    move refused by ``application_move``, for one): nothing was changed. The code keeps
    the name the API has always answered with."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("This workflow action is not possible now.")
    default_code = "transition_refused"


class PreconditionFailed(exceptions.APIException):
    """``If-Match`` named a version that is no longer current: nothing was changed."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy(
        "This has changed since you read it. Nothing was done; read it again before deciding."
    )
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    """A change that must say which version it was decided on, and did not."""

    status_code = 428  # RFC 6585: Precondition Required
    default_detail = gettext_lazy(
        "Send If-Match with the ETag of the version you decided on (or expected_status)."
    )
    default_code = "precondition_required"


def if_match_versions(request) -> frozenset[str] | None:
    """The versions an ``If-Match`` header names (strong tags only, since a weak tag never
    matches one: RFC 9110), or None without the header. ``*`` names no version and counts
    as none given."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tags = parse_etags(header)
    if tags == ["*"]:
        return None
    return frozenset(tag.strip('"') for tag in tags if not tag.startswith("W/"))


def etag(version: str) -> str:
    """The ``ETag`` header's value for a version."""
    return quote_etag(version)


NON_FIELD_KEYS = {api_settings.NON_FIELD_ERRORS_KEY, "__all__"}


def _flatten(detail, prefix=""):
    """Yield ``(dotted field name, [messages])`` pairs from DRF's nested error details."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = str(key) if not prefix or str(key) in NON_FIELD_KEYS else f"{prefix}.{key}"
            yield from _flatten(value, name)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            yield prefix, [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                yield from _flatten(item, f"{prefix}.{index}" if prefix else str(index))
    else:
        yield prefix, [str(detail)]


def _code(exc) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return getattr(exc, "default_code", "error")


def error_body(exc: exceptions.APIException) -> dict:
    """The one error shape, built from any DRF exception."""
    detail = exc.detail
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    if isinstance(detail, dict | list):
        for name, messages in _flatten(detail):
            if not name or name in NON_FIELD_KEYS:
                general.extend(messages)
            else:
                fields.setdefault(name, []).extend(messages)
    else:
        general.append(str(detail))
    if general:
        message = " ".join(general)
    elif fields:
        message = _("Please correct these fields: %(fields)s.") % {"fields": ", ".join(fields)}
    else:
        message = str(exc.default_detail)
    code = "invalid" if isinstance(exc, exceptions.ValidationError) else _code(exc)
    return {"status": exc.status_code, "code": code, "message": message, "fields": fields}


def exception_handler(exc, context):
    """Map DRF, Django and workflow errors to one 4xx shape; anything else stays a 500."""
    # Imported here: DRF resolves this module while rest_framework.views is still loading.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Refused):
        exc = Conflict(" ".join(exc.messages))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, RequestDataTooBig):
        exc = exceptions.ParseError(
            _("The request body is larger than %(limit)s bytes.")
            % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = error_body(exc)
    return response


# --- Request bodies -------------------------------------------------------------------

#: No request body of the API nests deeper than a few levels (an application with its
#: typed detail); Python's parser would recurse until it fails on a deep one.
JSON_MAX_DEPTH = 32
_JSON_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"?')  # an unclosed one runs to the end
_JSON_BRACKETS = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """How deep ``text``'s arrays and objects nest (brackets inside strings not counted)."""
    depth = deepest = 0
    for bracket in _JSON_BRACKETS.findall(_JSON_STRINGS.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a body nested deeper than ``JSON_MAX_DEPTH`` before it is
    parsed. (Django refuses one larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` as it is read:
    ``exception_handler``.)"""

    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        if json_depth(body.decode(encoding, errors="replace")) > JSON_MAX_DEPTH:
            raise exceptions.ParseError(
                _("The JSON body nests deeper than %(depth)s levels.") % {"depth": JSON_MAX_DEPTH}
            )
        return super().parse(io.BytesIO(body), media_type, parser_context)


# --- Permissions (they only call the role and permission functions) -----------------


class Capability(permissions.BasePermission):
    """Lets through the callers who have ``capability``, as an app's access module answers
    (``may(user, capability)``); subclasses name both."""

    capability = ""

    @staticmethod
    def may(user, capability: str) -> bool:
        raise NotImplementedError

    def has_permission(self, request, view):
        return self.may(request.user, self.capability)


# --- Pagination ---------------------------------------------------------------------


class PageNumberPagination(pagination.PageNumberPagination):
    """For the small tables (regions, industries, programmes, calls, designations)."""

    page_size_query_param = "page_size"
    max_page_size = 200


class CursorPagination(pagination.CursorPagination):
    """For the tables that grow to millions: no COUNT, no OFFSET, stable under inserts.

    The ordering comes from the view's ``ordering`` (or the ``ordering`` parameter,
    restricted to never-null columns so that a cursor position is always a value).
    """

    ordering = "-created_at"
    page_size_query_param = "page_size"
    max_page_size = 200


# --- Throttling ---------------------------------------------------------------------


class _RatesFromSettings:
    """Read the rate when asked, so that settings changes (and tests) take effect."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    pass


class UserThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    pass


class ScopedThrottle(_RatesFromSettings, throttling.ScopedRateThrottle):
    pass


# --- Filters --------------------------------------------------------------------------

SEARCH_MAX_LENGTH = 100


class SearchFilter(filters.SearchFilter):
    """DRF's search, refusing terms no database should be asked about (NUL, very long)."""

    def get_search_terms(self, request):
        value = request.query_params.get(self.search_param, "")
        if "\x00" in value or len(value) > SEARCH_MAX_LENGTH:
            raise exceptions.ValidationError(
                {
                    self.search_param: [
                        _("Search for at most %(max)s characters of text.")
                        % {"max": SEARCH_MAX_LENGTH}
                    ]
                }
            )
        return super().get_search_terms(request)


MAX_ID = 2**53 - 1
MAX_MONEY = Decimal("999999999999.99")  # the largest value of a 14-digit, 2-place column
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2100, 12, 31)


def document_filter(filter_, schema):
    """Give drf-spectacular this filter's exact schema (bounds included) and its help text."""
    help_text = filter_.extra.get("help_text")
    if help_text:
        schema = {**schema, "description": help_text}
    set_override(filter_, "field", schema)


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within ``min_value``..``max_value``; anything else answers 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value=1, max_value=MAX_ID, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)
        document_filter(self, {"type": "integer", "minimum": min_value, "maximum": max_value})

    def get_max_validator(self):
        return None


class MoneyFilter(django_filters.NumberFilter):
    """An amount in yuan that fits the money columns (0 to 999,999,999,999.99)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", MAX_MONEY)
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)
        document_filter(
            self,
            {
                "type": "number",
                "minimum": float(kwargs["min_value"]),
                "maximum": float(kwargs["max_value"]),
            },
        )

    def get_max_validator(self):
        return None


class DateFilter(django_filters.DateFilter):
    """A date between 1900 and 2100; outside that range answers 400, not 500."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "validators", [MinValueValidator(FIRST_DATE), MaxValueValidator(LAST_DATE)]
        )
        super().__init__(*args, **kwargs)
        document_filter(self, {"type": "string", "format": "date"})


def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in ``settings.TIME_ZONE``."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


class DayFilter(DateFilter):
    """A date bounding a datetime column by whole days in ``settings.TIME_ZONE``.

    ``lookup_expr="gte"`` keeps rows from the start of the day on, ``"lte"`` rows
    up to the end of the day (``<`` the start of the next). The column is compared
    as it is stored: ``__date`` would wrap it in a time-zone conversion that no
    index can serve (a scan of a million applications per filtered request).
    """

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        if self.lookup_expr == "gte":
            condition = {f"{self.field_name}__gte": start_of_day(value)}
        elif self.lookup_expr == "lte":
            condition = {f"{self.field_name}__lt": start_of_day(value + timedelta(days=1))}
        else:
            raise ValueError(f"DayFilter takes gte or lte, not {self.lookup_expr!r}")
        if self.distinct:
            qs = qs.distinct()
        return self.get_method(qs)(**condition)


def year_filter(field_name, lookup_expr="exact", **kwargs):
    return IntegerFilter(
        field_name=field_name, lookup_expr=lookup_expr, min_value=1900, max_value=2100, **kwargs
    )


# --- OpenAPI ---------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """The one shape of every 4xx answer (for ``extend_schema`` responses)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


ERROR_SCHEMA = {
    "type": "object",
    "description": "The one shape of every 4xx answer.",
    "properties": {
        "status": {"type": "integer", "example": 400},
        "code": {"type": "string", "example": "invalid"},
        "message": {"type": "string", "example": "Please correct these fields: title."},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "example": {"title": ["This field is required."]},
        },
    },
    "required": ["status", "code", "message", "fields"],
}

ERROR_RESPONSES = {
    "400": "The request or a parameter is not valid.",
    "401": "No credentials, or credentials that are not valid.",
    "403": "Signed in, but this is not open to you.",
    "404": "No such object within your scope, or an invalid page or cursor.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
}


#: Components that document two shapes of one resource (``either_shape``).
_EITHER_SHAPES: set[str] = set()


def either_shape(component_name: str, *serializers_: type[serializers.Serializer]):
    """The response of an endpoint that answers anonymous callers with a shorter public
    shape and signed-in callers with the full one: documented as either shape.

    A record matches at least one of them, and the public shape may be a subset of the
    full one, so the component is an ``anyOf`` (``any_of_shapes`` below).
    """
    _EITHER_SHAPES.add(component_name)
    return PolymorphicProxySerializer(
        component_name=component_name,
        serializers=list(serializers_),
        resource_type_field_name=None,
    )


def any_of_shapes(result, generator, request, public):
    """drf-spectacular hook: the ``either_shape`` components say ``anyOf``, not ``oneOf``
    (a full record of a resource whose public shape is a subset matches both)."""
    schemas = result.get("components", {}).get("schemas", {})
    for name in _EITHER_SHAPES:
        schema = schemas.get(name)
        if schema and "oneOf" in schema:
            schema["anyOf"] = schema.pop("oneOf")
    return result


def add_error_responses(result, generator, request, public):
    """drf-spectacular hook: document the error shape on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault("Error", ERROR_SCHEMA)
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
