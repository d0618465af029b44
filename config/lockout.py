"""Login lock-out (django-axes) for the admin, the portal and the API's token exchange.

``settings.AXES_*`` point here for the answer a locked-out user gets and for the
user name that counts (an email in any case, a mobile number however typed,
count as one). The receiver below does two things axes does not:

* DRF hands ``authenticate`` its own ``Request``; axes marks *that* object as
  locked out, so the flag is copied to the Django request underneath, where
  ``AxesMiddleware`` looks for it. The token exchange then answers 429 too.
* Every lock-out, and every attempt during one, writes an audit entry.
"""

import math

from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import audit_login_locked
from enterprises.auth import find_user, is_mobile, normalise_mobile

API_PREFIX = "/api/"


def lockout_username(request, credentials) -> str:
    """The key whose failures are counted: the account, whatever identifier was typed.

    A user name, the account's email address in any case, its mobile number however
    written, each padded with blanks or not, all count against the account (its user
    name in lower case). An identifier that names no account counts as itself.
    """
    value = ""
    if credentials:
        value = credentials.get("username") or ""
    if not value and request is not None:
        value = request.POST.get("username", "") if hasattr(request, "POST") else ""
    value = str(value).strip()
    known = getattr(request, "_lockout_accounts", None)
    if known is None:
        known = {}
        if request is not None:
            request._lockout_accounts = known  # axes asks several times per request
    if value not in known:
        account = find_user(value)
        if account is not None:
            known[value] = account.get_username().lower()
        elif is_mobile(value):
            known[value] = normalise_mobile(value)
        else:
            known[value] = value.lower()
    return known[value]


def cool_off_message(request) -> tuple[str, int]:
    """What the user reads, and the seconds until they may try again."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    minutes = max(1, math.ceil(seconds / 60))
    message = ngettext(
        "Too many failed sign-in attempts. Signing in to this account from your "
        "address is paused for %(minutes)s minute; try again after that, or reset "
        "your password.",
        "Too many failed sign-in attempts. Signing in to this account from your "
        "address is paused for %(minutes)s minutes; try again after that, or reset "
        "your password.",
        minutes,
    ) % {"minutes": minutes}
    return message, seconds


def lockout_response(request, original_response=None, credentials=None):
    """429 with a plain explanation: a page for browsers, the error shape for the API."""
    message, seconds = cool_off_message(request)
    if request.path_info.startswith(API_PREFIX):
        response = JsonResponse(
            {"status": 429, "code": "locked_out", "message": message, "fields": {}},
            status=429,
        )
    else:
        response = render(
            request,
            "errors/locked_out.html",
            {"message": message, "title": _("Sign-in paused")},
            status=429,
        )
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


@receiver(user_locked_out, dispatch_uid="programme_desk_lockout")
def on_user_locked_out(sender, request=None, username=None, **kwargs):
    if request is None:
        return
    django_request = getattr(request, "_request", request)
    if django_request is not request:
        # A DRF Request: let AxesMiddleware see the lock-out on the Django request.
        django_request.axes_locked_out = True
        django_request.axes_credentials = getattr(request, "axes_credentials", None)
    audit_login_locked(request=django_request, username=username or "")
