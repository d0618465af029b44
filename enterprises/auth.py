"""Signing in with an email address or a Chinese mobile number as well as a user name.

Portal users sign up with either; the sign-up service stores a mobile number as
the user name (``auth.User`` has no phone field) and an email address both as
the email and, when there is no mobile number, as the user name.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from core.values import is_mobile, parse_mobile

__all__ = ["EmailOrMobileBackend", "find_user", "is_mobile", "normalise_mobile"]


def normalise_mobile(value: str) -> str:
    """A mobile number as stored (``core.values.parse_mobile``: 13812345678 for
    +86 138-1234-5678), or the value trimmed when it is not one."""
    return parse_mobile(value) if is_mobile(value) else (value or "").strip()


def find_user(identifier: str):
    """The one active-or-not user an email, mobile number or user name points to, or None."""
    User = get_user_model()
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if is_mobile(identifier):
        return User.objects.filter(username=normalise_mobile(identifier)).first()
    if "@" in identifier:
        matches = list(
            User.objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier))[:3]
        )
        if len(matches) == 1:
            return matches[0]
        # Two accounts may share an email made by staff in admin; only an exact user name
        # match is unambiguous then, and the user can still sign in with it.
        exact = [user for user in matches if user.username.lower() == identifier.lower()]
        return exact[0] if len(exact) == 1 else None
    return User.objects.filter(username=identifier).first()


class EmailOrMobileBackend(ModelBackend):
    """``ModelBackend`` that also accepts an email address or a mobile number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        user = find_user(username)
        if user is None:
            # Run the hasher anyway so that response time does not reveal unknown logins.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
