"""Programme, call and reward-rule texts in Chinese and in English (programmes/translation.py).

Each translated text gets a column per language; ``Programme.name_en`` was already the
English name and stays. The data step moves each existing text into the column of its
own language, judged by its characters (``language_of``): ``浙江省首批次新材料`` into
``name_zh_hans``, an English description into ``description_en``. A column already
holding something keeps it; a name in English that differs from the English name goes
to ``name_zh_hans``, because that is what Chinese readers were shown, so nothing is
dropped. The original columns keep their values.

Backwards, each original column takes the Chinese text, else the English one, else
keeps its own; ``name_en`` keeps the English name. Texts kept in both languages then
lose their English copy except for the name, as the earlier schema had no room for it.
"""

import re

from django.db import migrations, models

#: The translated fields by model, as registered in programmes/translation.py.
TRANSLATED = {
    "Programme": ("name", "authority", "description", "eligibility", "required_documents"),
    "Call": ("title", "announcement"),
    "RewardRule": ("label", "policy"),
}
LANGUAGES = ("zh_hans", "en")
BATCH = 500

_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def language_of(text: str) -> str:
    """``zh_hans`` for a Chinese text, ``en`` otherwise.

    A Chinese text may carry Latin letters (``PET薄膜``, ``R&D``) and an English one a
    Chinese proper name (``浙江省经济和信息化厅 is assumed``): one ideograph says about
    as much as a short word, so a text is Chinese when its ideographs are at least a
    third as many as its Latin letters.
    """
    ideographs = len(_IDEOGRAPH.findall(text))
    return "zh_hans" if ideographs and ideographs * 3 >= len(_LATIN_LETTER.findall(text)) else "en"


def move_texts(row, fields) -> bool:
    """Put each original text of ``row`` into its language's column; whether it changed."""
    changed = False
    for field in fields:
        text = getattr(row, field)
        if not text:
            continue
        own = language_of(text)
        other = LANGUAGES[1 - LANGUAGES.index(own)]
        for language in (own, other):
            column = f"{field}_{language}"
            current = getattr(row, column)
            if current == text:
                break
            if not current:
                setattr(row, column, text)
                changed = True
                break
    return changed


def restore_texts(row, fields) -> bool:
    """Put the Chinese text, else the English one, back into each original column."""
    changed = False
    for field in fields:
        text = getattr(row, f"{field}_zh_hans") or getattr(row, f"{field}_en")
        if text and text != getattr(row, field):
            setattr(row, field, text)
            changed = True
    return changed


def _each_model(apps, step):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("programmes", model_name)
        columns = [*fields, *(f"{field}_{language}" for field in fields for language in LANGUAGES)]
        changed = [
            row
            for row in model.objects.only("pk", *columns).order_by("pk").iterator(chunk_size=BATCH)
            if step(row, fields)
        ]
        model.objects.bulk_update(changed, columns, batch_size=BATCH)


def forwards(apps, schema_editor):
    _each_model(apps, move_texts)


def backwards(apps, schema_editor):
    _each_model(apps, restore_texts)


def text(verbose_name):
    return models.TextField(blank=True, default="", verbose_name=verbose_name)


def line(verbose_name, max_length, *, blank=False):
    return models.CharField(
        blank=blank, default="", max_length=max_length, verbose_name=verbose_name
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0017_bigram_function_cost"),
    ]

    operations = [
        migrations.AlterField(
            model_name="programme",
            name="name",
            field=models.CharField(max_length=255, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="programme",
            name="name_en",
            field=models.CharField(max_length=255, verbose_name="name"),
        ),
        *(
            migrations.AddField(
                model_name=model_name,
                name=f"{field}_{language}",
                field=field_spec,
                preserve_default=False,
            )
            for model_name, field, language, field_spec in (
                ("programme", "name", "zh_hans", line("name", 255)),
                *(
                    ("programme", "authority", language, line("authority", 200))
                    for language in LANGUAGES
                ),
                *(
                    ("programme", field, language, text(field.replace("_", " ")))
                    for field in ("description", "eligibility", "required_documents")
                    for language in LANGUAGES
                ),
                *(("call", "title", language, line("title", 255)) for language in LANGUAGES),
                *(
                    ("call", "announcement", language, text("announcement"))
                    for language in LANGUAGES
                ),
                *(("rewardrule", "label", language, line("label", 200)) for language in LANGUAGES),
                *(
                    ("rewardrule", "policy", language, line("policy", 255, blank=True))
                    for language in LANGUAGES
                ),
            )
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
