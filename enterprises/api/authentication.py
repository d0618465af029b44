"""``Authorization: Token <key>``: django-rest-knox's token authentication, on
``enterprises.ApiToken``.

A module of its own: DRF imports the authentication classes while its views module
loads, so this one must not import any view.
"""

import binascii
from hmac import compare_digest

from django.utils import timezone
from django.utils.translation import gettext_lazy
from knox import auth as knox_auth
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions

from ..models import ApiToken


class TokenAuthentication(knox_auth.TokenAuthentication):
    """knox's ``Authorization: Token <key>``, answering an expired token as such.

    Differs from knox's in three ways: a key that is not UTF-8 is refused (knox would
    fail with a 500); an expired token answers ``token_expired``; and reading a token
    writes nothing (knox deletes expired tokens as it meets them, unaudited, and with
    them the admin's record of them: ``token_issue`` and the admin's revocation do).
    """

    expired_message = gettext_lazy("This token has expired; obtain a new one.")

    def authenticate_credentials(self, token):
        refused = exceptions.AuthenticationFailed(gettext_lazy("Invalid token."))
        try:
            key = token.decode("utf-8")
            digest = hash_token(key)
        except (UnicodeError, TypeError, binascii.Error):
            raise refused from None
        candidates = ApiToken.objects.filter(
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH]
        ).select_related("user")
        for candidate in candidates:
            if compare_digest(digest, candidate.digest):
                if candidate.expiry <= timezone.now():
                    raise exceptions.AuthenticationFailed(
                        self.expired_message, code="token_expired"
                    )
                return self.validate_user(candidate)
        raise refused
