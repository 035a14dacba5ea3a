"""Migrations that start storing a text per language (django-modeltranslation, docs/i18n.md).

Registering a field adds `<field>_zh_hans` and `<field>_en` columns, empty. Rows written before
that hold their text in the original column only, and from then on reading the field looks at the
per-language columns — so the migration copies the original into the default language's column
(zh-Hans, the language every row was written in until then). Reversing leaves the original column
as it always was.
"""

from __future__ import annotations

from django.db import migrations
from django.db.models import F


def copy_into_default_language(app_label: str, model_name: str, fields: tuple[str, ...]):
    """A RunPython operation filling `<field>_zh_hans` from `<field>` where it is still empty."""

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        for field in fields:
            model._base_manager.filter(**{f"{field}_zh_hans__isnull": True}).update(
                **{f"{field}_zh_hans": F(field)})

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)


def detect_written_language(app_label: str, model_name: str, fields: tuple[str, ...], batch: int = 2000):
    """A RunPython operation filling a new `language` column from the rows' text (written_language)."""

    def forwards(apps, schema_editor):
        from quanzi.core.text import written_language

        model = apps.get_model(app_label, model_name)
        last = 0
        while True:
            rows = list(model._base_manager.filter(pk__gt=last).order_by("pk").only("pk", *fields)[:batch])
            if not rows:
                return
            for row in rows:
                row.language = written_language(*(getattr(row, f) for f in fields))
            model._base_manager.bulk_update(rows, ["language"])
            last = rows[-1].pk

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)


def texts_per_language(obj, field: str, *, into: str | None = None) -> dict[str, str | None]:
    """A translated field's stored text in every language, as keyword arguments for another model's
    translated field `into` (default: the same name): `{"title_zh_hans": "…", "title_en": None}`.

    Snapshots (an order line's title, a campaign's default title) copy every language, so each
    reader later sees the words of their own language; a language never written stays None and
    falls back when read, as on the original."""
    from django.conf import settings

    into = into or field
    return {f"{into}_{code.replace('-', '_')}": getattr(obj, f"{field}_{code.replace('-', '_')}")
            for code in settings.MODELTRANSLATION_LANGUAGES}


def write_translation(obj, language: str, **texts: str | None) -> None:
    """Store `texts` as `obj`'s fields in `language` (e.g. a campaign's English title): for an app's
    own seeding and admin-like tools; merchants' texts go through their app's `*_translate` service."""
    suffix = language.replace("-", "_")
    for name, text in texts.items():
        setattr(obj, f"{name}_{suffix}", text or None)
    obj.save(update_fields=[f"{name}_{suffix}" for name in texts])


def texts_by_language(obj, field: str) -> dict[str, str]:
    """{language: the field as a reader of that language sees it (with the fallback)}: what a message
    stored for later (a notification's parameters, an event) carries so it can be shown in the
    language of whoever reads it, e.g. {"zh-hans": "重磅纯棉T恤", "en": "Heavyweight Cotton Tee"}."""
    from django.conf import settings
    from django.utils.translation import override

    texts = {}
    for code in settings.MODELTRANSLATION_LANGUAGES:
        with override(code):
            texts[code] = str(getattr(obj, field) or "")
    return texts


def text_for_reader(texts, default: str = "") -> str:
    """The reader's text from a texts_by_language dict (a plain string passes through unchanged)."""
    from quanzi.core.language import reading_language

    if not isinstance(texts, dict):
        return str(texts if texts is not None else default)
    return str(texts.get(reading_language()) or next((t for t in texts.values() if t), default))
