"""Project middleware: security headers on every response, and an audit of refused access.

Django 5.2 has no Content-Security-Policy of its own; ``SecurityHeadersMiddleware``
sends the one in ``settings.CONTENT_SECURITY_POLICY``. Django's ``SecurityMiddleware``
already sends ``X-Content-Type-Options``, ``Referrer-Policy`` and
``Cross-Origin-Opener-Policy``; ``XFrameOptionsMiddleware`` sends ``X-Frame-Options``.
"""

from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.utils.translation import gettext as _

# Importing the lock-out module connects its signal receivers (django-axes and DRF).
from config import lockout  # noqa: F401
from core.audit import audit_access_refused

# URL keyword arguments that name one private object (portal, review pages, API, files).
OBJECT_KWARGS = ("pk", "attachment_pk", "object_id", "assignment_pk", "application_pk")


def policy_header(policy: dict) -> str:
    """``{"default-src": ["'self'"], ...}`` as the header's ``directive value; ...`` text."""
    return "; ".join(
        " ".join([directive, *sources]) if sources else directive
        for directive, sources in policy.items()
    )


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every answer, unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {}
        if settings.CONTENT_SECURITY_POLICY:
            self.headers["Content-Security-Policy"] = policy_header(
                settings.CONTENT_SECURITY_POLICY
            )
        if settings.PERMISSIONS_POLICY:
            self.headers["Permissions-Policy"] = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        return response


class MalformedRequestMiddleware:
    """Answer 400 to a request whose path, query string or a header (a cookie, the
    ``Authorization`` header) holds a NUL character.

    No text the site stores or looks up may contain one (PostgreSQL refuses it,
    with an error that would otherwise surface as a 500 in whichever list, search,
    session or token lookup passed it on). Form fields and API fields refuse it on
    their own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or "\x00" in unquote(request.META.get("QUERY_STRING", ""))
            or any(
                "\x00" in value
                for name, value in request.META.items()
                if name.startswith("HTTP_") and isinstance(value, str)
            )
        ):
            if request.path_info.startswith("/api/"):
                return self.api_error(request)
            raise BadRequest("NUL character in the request")
        return self.get_response(request)

    @staticmethod
    def api_error(request):
        """The API's one error shape (config/api.py), naming the parameters at fault."""
        problem = [_("Contains a character that is not allowed.")]
        fields = {
            name: problem
            for name, values in request.GET.lists()
            if "\x00" in name or any("\x00" in value for value in values)
        }
        if fields:
            message = _("Please correct these fields: %(fields)s.") % {"fields": ", ".join(fields)}
        else:
            message = problem[0]
        return JsonResponse(
            {"status": 400, "code": "invalid", "message": message, "fields": fields}, status=400
        )


class RefusedAccessAuditMiddleware:
    """Write an ``ACCESS_REFUSED`` audit entry for every refusal.

    A refusal, for a signed-in user, is a 403 from anywhere (portal, review pages,
    admin, API), or a 404 on a URL that names one object: the portal and the API
    answer 404 rather than 403 so as not to disclose that another enterprise's
    record exists, and such a 404 is still an attempt worth recording. Placed
    after ``AuthenticationMiddleware``; DRF puts its token user on the request too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code not in {403, 404}:
            return response
        if not getattr(getattr(request, "user", None), "is_authenticated", False):
            # Anonymous refusals (a form posted without its CSRF token, a bot) are not
            # recorded: anyone could fill the table with them. Sign-in attempts are
            # counted by django-axes instead.
            return response
        if response.status_code == 403:
            self._record(request)
        elif response.status_code == 404:
            match = getattr(request, "resolver_match", None)
            kwargs = match.kwargs if match is not None else {}
            if any(name in kwargs for name in OBJECT_KWARGS):
                self._record(request, match)
        return response

    @staticmethod
    def _record(request, match=None):
        match = match or getattr(request, "resolver_match", None)
        kwargs = match.kwargs if match is not None else {}
        object_id = next((str(kwargs[name]) for name in OBJECT_KWARGS if name in kwargs), "")
        audit_access_refused(
            request=request,
            object_type=(match.view_name if match is not None else "")[:100],
            object_id=object_id,
        )
