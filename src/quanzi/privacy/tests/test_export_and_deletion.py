"""Export my data and delete my account: every app's data is in the export; after deletion no personal
value of the person is left in any table, they cannot sign in, the books still balance; money or open
orders make the deletion wait with the reason."""

import json

import pytest
from django.apps import apps
from django.db import connection, models

from quanzi.core.errors import Conflict, DomainError, ValidationFailed
from quanzi.core.personal_data import declarations
from quanzi.privacy import selectors, services
from quanzi.privacy.constants import DeletionStatus, ExportStatus
from quanzi.privacy.tests.conftest import SECRETS

pytestmark = pytest.mark.django_db
PASSWORD = "Str0ngPass!x"


def values_left(secrets) -> list[str]:
    """Every text/JSON column of every Quanzi table that still contains one of `secrets`."""
    hits, tables = [], set(connection.introspection.table_names())
    for model in apps.get_models():
        if not model.__module__.startswith("quanzi.") or model._meta.db_table not in tables:
            continue
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.CharField | models.TextField | models.JSONField | models.EmailField):
                continue
            for qs in model.objects.exclude(**{f"{f.name}__isnull": True}).values_list(f.name, flat=True).iterator():
                text = json.dumps(qs, ensure_ascii=False) if not isinstance(qs, str) else qs
                hits += [f"{model._meta.label}.{f.name}: {s}" for s in secrets if s in text]
    return hits


def test_the_export_holds_every_apps_part_of_the_person(rich_user):
    export = services.export_build(export_id=services.export_request(user=rich_user).pk)
    assert export.status == ExportStatus.READY and export.size > 0
    doc = json.loads(services.export_download(user=rich_user, token=export.token).content)
    assert set(doc["apps"]) == {d.app for d in declarations() if d.export is not None}
    a = doc["apps"]
    assert a["accounts"]["account"]["phone"] == "13912345678"
    assert a["accounts"]["addresses"][0]["recipient"] in ("王小秘", "张三")
    assert a["orders"]["orders"][0]["status"] == "cancelled"
    assert a["content"]["notes"][0]["body"] == "只属于我的秘密正文"
    assert a["content"]["comments"][0]["body"] == "秘密评论内容"
    assert a["social"]["profile"][0]["bio"] == "秘密简介" and a["social"]["followers"] == 1
    assert {c["purpose"] for c in a["privacy"]["consents"]} == {"carriers", "guardian"}


def test_deletion_leaves_no_personal_value_behind_and_the_books_balanced(rich_user, ledger_balanced):
    from quanzi.accounts.services import user_login_check

    assert values_left(SECRETS)  # the scan sees them before
    deletion = services.deletion_request(user=rich_user, password=PASSWORD)
    assert deletion.status == DeletionStatus.COMPLETED and deletion.blockers == []
    assert values_left(SECRETS) == []
    ledger_balanced()
    rich_user.refresh_from_db()
    assert not rich_user.is_active and not rich_user.has_usable_password()
    with pytest.raises(DomainError):
        user_login_check(identifier="13912345678", password=PASSWORD)
    with pytest.raises(DomainError):
        user_login_check(identifier="wang.secret@example.com", password=PASSWORD)
    # consents stay as proof, without the guardian's details
    assert [c.purpose for c in selectors.consent_history(user=rich_user)] == ["guardian", "carriers"]


def test_an_unpaid_or_paid_order_makes_deletion_wait_with_the_reason_then_the_sweep_completes_it(
        shopper, sku, place_order, policy):
    from quanzi.core import clock
    from quanzi.orders.services import order_cancel
    from quanzi.privacy.tasks import privacy_deletions

    orders, _payment = place_order([(sku, 1)])
    deletion = services.deletion_request(user=shopper, phone=shopper.phone)
    assert deletion.status == DeletionStatus.WAITING
    assert any("not finished" in b for b in deletion.blockers)
    assert shopper.is_active  # nothing erased while it waits
    with pytest.raises(Conflict):
        services.deletion_request(user=shopper, password=PASSWORD)
    order_cancel(order_id=orders[0].pk, reason="x", user=shopper)
    assert privacy_deletions() == 0  # re-checked at most hourly
    with clock.travel(__import__("datetime").timedelta(hours=2)):
        assert privacy_deletions() == 1
    deletion.refresh_from_db()
    assert deletion.status == DeletionStatus.COMPLETED
    shopper.refresh_from_db()
    assert shopper.phone is None and not shopper.is_active


def test_a_paid_order_blocks_deletion(shopper, sku, place_order, policy):
    place_order([(sku, 1)], pay=True)
    assert services.deletion_blockers(user=shopper)
    deletion = services.deletion_request(user=shopper, password=PASSWORD)
    assert deletion.status == DeletionStatus.WAITING
    services.deletion_cancel(user=shopper)
    assert selectors.deletion_open(user=shopper) is None


def test_deletion_needs_the_password_or_the_phone(shopper, policy):
    for kwargs in ({}, {"password": "wrong"}, {"phone": "13800000000"}, {"password": "x" * 10_000}):
        with pytest.raises(DomainError) as e:
            services.deletion_request(user=shopper, **kwargs)
        assert e.value.status in (400, 403)
    assert selectors.deletion_open(user=shopper) is None
    with pytest.raises(ValidationFailed):
        services.deletion_request(user=shopper, password="\ud800")


def test_a_second_export_while_one_runs_is_refused_and_expired_ones_cannot_be_downloaded(shopper, policy):
    from datetime import timedelta

    from quanzi.core import clock
    from quanzi.privacy.tasks import privacy_exports

    first = services.export_request(user=shopper)
    with pytest.raises(Conflict) as e:
        services.export_request(user=shopper)
    assert e.value.code == "export_running"
    with pytest.raises(Conflict):
        services.export_download(user=shopper, token=first.token)
    assert privacy_exports() == 1  # the sweep builds what the request did not
    first.refresh_from_db()
    assert first.status == ExportStatus.READY
    second = services.export_build(export_id=services.export_request(user=shopper).pk)
    with clock.travel(timedelta(days=8)):
        with pytest.raises(Conflict) as e:
            services.export_download(user=shopper, token=second.token)
        assert e.value.code == "export_expired" and e.value.status == 410
        privacy_exports()
    second.refresh_from_db()
    assert second.status == ExportStatus.EXPIRED and second.content == ""
