"""A person's own choices (``core.models.Profile``): the language they read, and how they
hear of new work. Reads take many people at once (one query); writes are services."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import get_supported_language_variant

from .models import Profile


@dataclass(frozen=True)
class Choices:
    """A person's choices, with the defaults filled in for those who never chose."""

    language: str
    new_work_in_app: bool = True
    new_work_by_email: bool = True


def site_language() -> str:
    return get_supported_language_variant(settings.LANGUAGE_CODE)


def _choices(profile: Profile | None) -> Choices:
    if profile is None:
        return Choices(language=site_language())
    return Choices(
        language=profile.language or site_language(),
        new_work_in_app=profile.new_work_in_app,
        new_work_by_email=profile.new_work_by_email,
    )


def choices_of(users) -> dict[int, Choices]:
    """Each user's choices by primary key, in one query."""
    pks = [user.pk for user in users]
    profiles = Profile.objects.in_bulk(pks)
    return {pk: _choices(profiles.get(pk)) for pk in pks}


def stored_language(user) -> str:
    """The language ``user`` chose, or "" when they never chose one (or are anonymous)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return Profile.objects.filter(pk=user.pk).values_list("language", flat=True).first() or ""


def profile_get(*, user) -> Profile:
    """The user's profile, unsaved with the defaults when they have none yet."""
    return Profile.objects.filter(pk=user.pk).first() or Profile(user=user)


def profile_set_language(*, user, language: str) -> Profile:
    """Remember ``language`` (one of ``LANGUAGES``) as the one ``user`` reads."""
    language = get_supported_language_variant(language)
    with transaction.atomic():
        profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
        if profile.language != language:
            profile.language = language
            profile.full_clean()
            profile.save(update_fields=["language"])
    return profile


def profile_set_new_work_notices(*, user, in_app: bool, by_email: bool) -> Profile:
    """Whether ``user`` hears of new work in-app and by email."""
    with transaction.atomic():
        profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
        profile.new_work_in_app = in_app
        profile.new_work_by_email = by_email
        profile.full_clean()
        profile.save(update_fields=["new_work_in_app", "new_work_by_email"])
    return profile
