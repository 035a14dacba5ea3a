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
