"""Sign-in: the person's stored language goes into their session (``core.middleware``).

Someone who never chose a language while signed in, but used the switch before signing
in (its cookie is there), keeps that choice: it is stored with their profile.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import check_for_language

from .profiles import profile_set_language, stored_language
from .views import SESSION_LANGUAGE


@receiver(user_logged_in, dispatch_uid="core.remember_language")
def remember_language(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    language = stored_language(user)
    if not language:
        chosen = getattr(request, "COOKIES", {}).get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen and check_for_language(chosen):
            language = profile_set_language(user=user, language=chosen).language
    if language:
        request.session[SESSION_LANGUAGE] = language
