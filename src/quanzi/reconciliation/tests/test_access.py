"""Who reaches the operator's reconciliation pages: staff with the permission only. Anonymous visitors,
shoppers and merchants are sent to the admin's login, a staff member without the permission gets 403,
and none of them changes anything by posting. Bad ids in the URLs answer 4xx (or the admin's "no such
object" redirect), never 500."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from quanzi.reconciliation import selectors
from quanzi.reconciliation.constants import MismatchStatus

pytestmark = pytest.mark.django_db


def pages(run, mismatch) -> list[str]:
    return [
        reverse("admin:reconciliation_reconciliationrun_changelist"),
        reverse("admin:reconciliation_reconciliationrun_change", args=[run.pk]),
        reverse("admin:reconciliation_reconciliationrun_decide", args=[run.pk, "rerun"]),
        reverse("admin:reconciliation_mismatch_changelist"),
        reverse("admin:reconciliation_mismatch_change", args=[mismatch.pk]),
        reverse("admin:reconciliation_mismatch_decide", args=[mismatch.pk, "resolve"]),
    ]


def posts_change_nothing(client, run, mismatch, provider) -> None:
    asked = list(provider.asked)
    client.post(reverse("admin:reconciliation_mismatch_decide", args=[mismatch.pk, "resolve"]),
                {"apply": "1", "note": "not mine to resolve"})
    client.post(reverse("admin:reconciliation_mismatch_changelist"),
                {"action": "resolve", "_selected_action": [mismatch.pk], "apply": "1", "note": "bulk"})
    client.post(reverse("admin:reconciliation_reconciliationrun_decide", args=[run.pk, "rerun"]), {"apply": "1"})
    mismatch.refresh_from_db()
    assert mismatch.status == MismatchStatus.OPEN and mismatch.resolution_note == ""
    assert provider.asked == asked  # the day was not reconciled again


@pytest.fixture
def merchant(make_shop):
    return make_shop().owner


@pytest.mark.parametrize("who", ["anonymous", "shopper", "merchant"])
def test_only_staff_reach_the_pages_others_are_sent_to_the_login(client, who, mismatched_day, provider, payer,
                                                                  merchant):
    run, by_number, *_ = mismatched_day
    mismatch = next(iter(by_number.values()))
    if who != "anonymous":
        client.force_login({"shopper": payer, "merchant": merchant}[who])

    for url in pages(run, mismatch):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url

    posts_change_nothing(client, run, mismatch, provider)
    assert selectors.mismatch_count_open() == 2


def test_staff_without_the_permission_get_403_and_change_nothing(client, mismatched_day, provider, make_user):
    run, by_number, *_ = mismatched_day
    mismatch = next(iter(by_number.values()))
    clerk = make_user(nickname="clerk")
    get_user_model().objects.filter(pk=clerk.pk).update(is_staff=True, is_superuser=False)
    client.force_login(clerk)

    for url in pages(run, mismatch):
        assert client.get(url).status_code == 403, url

    posts_change_nothing(client, run, mismatch, provider)
    index = client.get(reverse("admin:index")).content.decode()
    assert "todo-reconciliation" not in index  # the to-do link is for those who can open it


@pytest.mark.parametrize("object_id", ["999999", "abc", "9" * 40, "-1", "1%00"])
def test_bad_ids_never_answer_500(admin_client, mismatched_day, object_id):
    for name in ("mismatch", "reconciliationrun"):
        decide = "resolve" if name == "mismatch" else "rerun"
        change = admin_client.get(f"/admin/reconciliation/{name}/{object_id}/change/")
        assert change.status_code in (302, 400, 404), (name, object_id)  # 302: the admin's "no such object"
        response = admin_client.post(f"/admin/reconciliation/{name}/{object_id}/decide/{decide}/",
                                     {"apply": "1", "note": "x"})
        assert response.status_code in (400, 404), (name, object_id)
    assert selectors.mismatch_count_open() == 2


@pytest.mark.parametrize("query", ["q=%00", "q=%ED%A0%80", "q=" + "9" * 2000, "status__exact=nosuch",
                                   "run__id__exact=abc", "day__gte=2026-13-45", "o=99"])
def test_bad_filters_and_searches_never_answer_500(admin_client, mismatched_day, query):
    for name in ("mismatch", "reconciliationrun"):
        response = admin_client.get(f"/admin/reconciliation/{name}/?{query}")
        assert response.status_code in (200, 302, 400), (name, query)


def test_an_unknown_decision_is_refused(admin_client, mismatched_day):
    _, by_number, *_ = mismatched_day
    mismatch = next(iter(by_number.values()))
    url = reverse("admin:reconciliation_mismatch_decide", args=[mismatch.pk, "delete"])
    assert admin_client.post(url, {"apply": "1"}).status_code == 403
    assert selectors.mismatch_count_open() == 2


def test_a_note_too_long_is_refused_with_a_message(admin_client, mismatched_day):
    _, by_number, *_ = mismatched_day
    mismatch = next(iter(by_number.values()))
    url = reverse("admin:reconciliation_mismatch_decide", args=[mismatch.pk, "resolve"])

    response = admin_client.post(url, {"apply": "1", "note": "x" * 501}, follow=True)

    assert response.status_code == 200 and "The note is too long" in response.content.decode()
    mismatch.refresh_from_db()
    assert mismatch.status == MismatchStatus.OPEN


def test_a_note_with_nul_is_refused(admin_client, mismatched_day):
    _, by_number, *_ = mismatched_day
    mismatch = next(iter(by_number.values()))
    url = reverse("admin:reconciliation_mismatch_decide", args=[mismatch.pk, "resolve"])

    response = admin_client.post(url, {"apply": "1", "note": "a\x00b"})

    assert 400 <= response.status_code < 500
    mismatch.refresh_from_db()
    assert mismatch.status == MismatchStatus.OPEN and mismatch.resolution_note == ""
