"""The texts of programmes, calls, reward and eligibility rules, in Chinese and in English.

django-modeltranslation adds a column per language (``name_zh_hans``, ``name_en``, …)
beside the original one. Reading ``programme.name`` gives the reader's language, or the
other when it is blank (``MODELTRANSLATION_FALLBACK_LANGUAGES``); code that filters or
searches names the language columns itself (``language_columns``): a lookup on ``name``
is rewritten to the active language's column only, and not at all from a model that is
not translated (an application's ``programme__name``).
"""

from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.translator import TranslationOptions, register
from modeltranslation.utils import build_localized_fieldname

from .models import Call, EligibilityRule, Programme, RewardRule

#: A blank translation is the empty string, as for any text column; never NULL.
NOT_NULL = {"default": {"null": False}}


def language_columns(path: str) -> tuple[str, ...]:
    """The column of each language behind a translated field, or a path to one:
    ``language_columns("programme__name")`` is ``programme__name_zh_hans``,
    ``programme__name_en``."""
    return tuple(build_localized_fieldname(path, language) for language in AVAILABLE_LANGUAGES)


def _not_null(*fields):
    return dict.fromkeys(fields, NOT_NULL)


@register(Programme)
class ProgrammeTranslation(TranslationOptions):
    fields = ("name", "authority", "description", "eligibility", "required_documents")
    field_options = _not_null(*fields)


@register(RewardRule)
class RewardRuleTranslation(TranslationOptions):
    fields = ("label", "policy")
    field_options = _not_null(*fields)


@register(Call)
class CallTranslation(TranslationOptions):
    fields = ("title", "announcement")
    field_options = _not_null(*fields)


@register(EligibilityRule)
class EligibilityRuleTranslation(TranslationOptions):
    fields = ("label", "note")
    field_options = _not_null(*fields)
