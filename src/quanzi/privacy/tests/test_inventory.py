"""The PII inventory (CI): every field of every app that looks personal is declared — personal (covered by
the app's exporter and eraser) or not personal with a reason — and every declaration names a real field."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from quanzi.core.personal_data import CATEGORIES, declarations, inventory, looks_personal, undeclared_fields


def quanzi_models():
    return [m for m in apps.get_models() if m.__module__.startswith("quanzi.")]


def test_every_field_that_looks_personal_is_declared():
    missing = undeclared_fields(quanzi_models(), user_model=get_user_model())
    assert missing == [], (
        "Fields that look personal are not in any app's PII inventory: " + ", ".join(missing)
        + ". Declare each in its app's personal_data.py — personal (with export and erase) or not_personal "
          "with a reason (docs/privacy.md).")


def test_every_declaration_names_a_field_that_exists():
    stale = []
    for name in inventory():
        label, field = name.rsplit(".", 1)
        try:
            apps.get_model(label)._meta.get_field(field)
        except (LookupError, Exception):  # noqa: BLE001 - an unknown model or field
            stale.append(name)
    assert stale == []


def test_a_new_personal_field_nobody_declared_fails_with_its_name():
    class Courier(models.Model):
        mobile = models.CharField(max_length=20)
        owner = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)
        weight = models.PositiveIntegerField()

        class Meta:
            app_label = "privacy"
            managed = False

    missing = undeclared_fields([Courier], user_model=get_user_model())
    assert missing == ["privacy.Courier.mobile", "privacy.Courier.owner"]


def test_the_rule_flags_free_text_and_skips_translation_copies():
    user_model = get_user_model()
    class Listing(models.Model):
        description = models.TextField()
        description_en = models.TextField()
        seller = models.ForeignKey("privacy.PolicyVersion", on_delete=models.CASCADE)
        note_count = models.PositiveIntegerField()

        class Meta:
            app_label = "privacy"
            managed = False

    flagged = [f.name for f in Listing._meta.concrete_fields if looks_personal(Listing, f, user_model=user_model)]
    assert flagged == ["description"]


def test_every_app_with_personal_fields_exports_and_erases():
    for decl in declarations():
        assert set(decl.personal.values()) <= set(CATEGORIES)
        if decl.personal:
            assert decl.export is not None and decl.erase is not None, decl.app
    apps_with_data = {d.app for d in declarations() if d.personal}
    assert {"accounts", "orders", "content", "social", "wallet", "commission", "sharing", "privacy"} <= apps_with_data


@pytest.mark.parametrize("bad", [{"x.Y.z": "secret"}])
def test_a_declaration_with_an_unknown_category_is_refused(bad):
    from quanzi.core.personal_data import declare

    with pytest.raises(ValueError):
        declare(app="nope", personal=bad, export=dict, erase=print)
