"""A signed-in person reads the site in the language stored with their profile."""

from django.conf import settings
from django.utils import translation

from .views import SESSION_LANGUAGE


class ProfileLanguageMiddleware:
    """After ``LocaleMiddleware``: the language a signed-in person chose (kept in their
    session from sign-in, ``core.signals``, and from each use of the switch,
    ``core.views.set_language``) wins over the browser's, and the language cookie follows
    it, so the pages stay in that language after signing out.

    Reads the session only when the request carries one: anonymous pages stay free of
    ``Vary: Cookie``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = ""
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            language = request.session.get(SESSION_LANGUAGE, "")
        if language and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
