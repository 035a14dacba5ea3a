"""The operator's pages: runs with both sides' totals and mismatch counts, each mismatch with both sides
and a "resolve with a note" decision, the to-do link on the admin index; in English and zh-Hans."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quanzi.reconciliation import selectors, services
from quanzi.reconciliation.constants import MismatchStatus, RunStatus
from quanzi.reconciliation.tests.conftest import CODE, failing

pytestmark = pytest.mark.django_db


def test_the_runs_page_shows_both_sides_and_the_mismatch_counts(admin_client, mismatched_day, provider):
    run, *_ = mismatched_day
    url = reverse("admin:reconciliation_reconciliationrun_changelist")

    with CaptureQueriesContext(connection) as one_run:
        page = admin_client.get(url)

    body = page.content.decode()
    assert page.status_code == 200
    assert "1 · ¥49.00" in body and "2 · ¥83.00" in body  # the provider's payments; Quanzi's
    assert "¥0.30" in body  # fees
    assert 'data-testid="run-open-mismatches">2</a>' in body
    for back in (1, 2):  # more runs, the same number of queries
        services.reconcile(provider=CODE, day=run.day - dt.timedelta(days=back))
    with CaptureQueriesContext(connection) as three_runs:
        admin_client.get(url)
    assert len(three_runs.captured_queries) == len(one_run.captured_queries)


def test_the_run_page_lists_its_mismatches_and_can_run_the_day_again(admin_client, mismatched_day, provider):
    run, *_ = mismatched_day
    url = reverse("admin:reconciliation_reconciliationrun_change", args=[run.pk])

    body = admin_client.get(url).content.decode()
    assert "Missing at the provider" in body and "Amount differs" in body and "decide/rerun" in body

    decide = reverse("admin:reconciliation_reconciliationrun_decide", args=[run.pk, "rerun"])
    assert admin_client.get(decide).status_code == 200  # a confirmation page; nothing run yet
    assert provider.asked == [run.day]
    response = admin_client.post(decide, {"apply": "1"})
    assert response.status_code == 302 and provider.asked == [run.day, run.day]


def test_a_failed_rerun_shows_the_providers_error(admin_client, mismatched_day, provider):
    run, *_ = mismatched_day
    provider.error = failing("signature of the bill request rejected")

    response = admin_client.post(reverse("admin:reconciliation_reconciliationrun_decide", args=[run.pk, "rerun"]),
                                 {"apply": "1"}, follow=True)

    assert "signature of the bill request rejected" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


def test_a_mismatch_page_shows_both_sides(admin_client, mismatched_day):
    _, by_number, _, differs = mismatched_day
    body = admin_client.get(reverse("admin:reconciliation_mismatch_change", args=[by_number[differs].pk])) \
        .content.decode()
    assert 'data-testid="mismatch-sides"' in body
    assert "¥49.00" in body and "¥50.00" in body and differs in body and "Resolve with a note" in body


def test_resolving_needs_a_note_and_records_who_and_why(admin_client, mismatched_day, operator):
    _, by_number, only_ours, _ = mismatched_day
    mismatch = by_number[only_ours]
    url = reverse("admin:reconciliation_mismatch_decide", args=[mismatch.pk, "resolve"])

    assert admin_client.post(url, {"apply": "1", "note": "  "}).status_code == 400
    response = admin_client.post(url, {"apply": "1", "note": "captured twice by the shopper; refunded by hand"})

    assert response.status_code == 302
    mismatch.refresh_from_db()
    assert mismatch.status == MismatchStatus.RESOLVED and mismatch.resolved_by == operator
    assert mismatch.resolution_note == "captured twice by the shopper; refunded by hand"
    assert selectors.mismatch_count_open() == 1
    # a resolved mismatch offers no decision any more
    assert "decide/resolve" not in admin_client.get(
        reverse("admin:reconciliation_mismatch_change", args=[mismatch.pk])).content.decode()


def test_the_mismatch_list_filters_open_ones_and_resolves_in_bulk(admin_client, mismatched_day):
    run, by_number, *_ = mismatched_day
    changelist = reverse("admin:reconciliation_mismatch_changelist")
    body = admin_client.get(changelist + "?status__exact=open").content.decode()
    assert all(m.payment_number in body for m in by_number.values())

    response = admin_client.post(changelist, {"action": "resolve", "_selected_action": [m.pk for m in by_number.values()],
                                              "apply": "1", "note": "checked with the provider"})

    assert response.status_code == 302 and selectors.mismatch_count_open() == 0


def test_the_admin_index_to_do_links_to_open_mismatches_and_failed_bills(admin_client, mismatched_day, provider):
    body = admin_client.get(reverse("admin:index")).content.decode()
    assert '<b>2</b><span>Reconciliation mismatches to resolve</span>' in body
    assert "/admin/reconciliation/mismatch/?status__exact=open" in body
    assert '<b>0</b><span>Provider bills that could not be fetched</span>' in body

    run, *_ = mismatched_day
    provider.error = failing()
    services.reconcile(provider=CODE, day=run.day - dt.timedelta(days=1))
    body = admin_client.get(reverse("admin:index")).content.decode()
    assert '<b>1</b><span>Provider bills that could not be fetched</span>' in body


def test_the_pages_speak_chinese(admin_client, mismatched_day, settings):
    _, by_number, _, differs = mismatched_day
    admin_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/admin/"})
    index = admin_client.get(reverse("admin:index")).content.decode()
    page = admin_client.get(reverse("admin:reconciliation_mismatch_change", args=[by_number[differs].pk])) \
        .content.decode()
    assert "对账差异待处理" in index
    assert "金额不一致" in page and "附注处理" in page
