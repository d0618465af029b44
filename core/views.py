"""The language switch, which also remembers a signed-in person's choice."""

from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .profiles import profile_set_language

#: The session key holding the language a signed-in person chose (``core.middleware``).
SESSION_LANGUAGE = "_profile_language"


@require_POST
def set_language(request):
    """Django's ``set_language`` (the cookie, the redirect to ``next``); for a signed-in
    person the language is also stored with their profile, so that their notices and
    emails come in it and their next sign-in, anywhere, opens in it."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if language and check_for_language(language) and request.user.is_authenticated:
        profile = profile_set_language(user=request.user, language=language)
        request.session[SESSION_LANGUAGE] = profile.language
    return response
