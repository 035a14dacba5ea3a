"""The demo data of reconciliation (reconciliation/demo.py): yesterday's sandbox bill reconciled once, with
the two mismatches the seed planted (a lost notification, a capture the sandbox never billed), shown on
the operator's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from quanzi.core.seeding import SeedContext, seeders
from quanzi.reconciliation import demo, selectors
from quanzi.reconciliation.constants import MismatchKind as K
from quanzi.reconciliation.constants import MismatchStatus, RunStatus
from quanzi.reconciliation.services import local_today

pytestmark = pytest.mark.django_db


class Context(SeedContext):
    def __init__(self, shopper):
        super().__init__(small=True)
        self.shopper = shopper

    def demo_shopper(self):
        return self.shopper


def test_the_seeder_is_registered_after_the_shop_and_its_payments():
    registration = next(r for r in seeders.registrations() if r.key == "reconciliation")
    assert registration.item is demo.seeder
    assert registration.order > max(r.order for r in seeders.registrations() if r.key != "reconciliation")


def test_the_demo_reconciles_yesterdays_sandbox_bill_with_two_mismatches(payer, admin_client):
    ctx = Context(payer)
    assert demo.reconciliation_present(ctx) is False

    result = demo.seed_reconciliation(ctx)

    assert result == {"runs": 1, "mismatches": 2} and demo.reconciliation_present(ctx) is True
    run = selectors.run_get(provider="sandbox", day=local_today() - dt.timedelta(days=1))
    assert run.status == RunStatus.DONE
    kinds = {(m.kind, m.provider_amount, m.quanzi_amount, m.quanzi_status)
             for m in selectors.mismatches_of(run_id=run.pk, status=MismatchStatus.OPEN)}
    assert kinds == {(K.STATUS_DIFFERS, demo.LOST_NOTIFICATION, demo.LOST_NOTIFICATION, "created"),
                     (K.MISSING_AT_PROVIDER, None, demo.NOT_BILLED, "paid")}
    # the sandbox's bill lists the paid trade; Quanzi's side counts the capture it made
    assert (run.provider_payments, run.provider_payment_total) == (1, demo.LOST_NOTIFICATION)
    assert (run.quanzi_payments, run.quanzi_payment_total) == (1, demo.NOT_BILLED)

    page = admin_client.get(reverse("admin:reconciliation_reconciliationrun_changelist")).content.decode()
    assert 'data-testid="run-open-mismatches">2</a>' in page
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert '<b>2</b><span>Reconciliation mismatches to resolve</span>' in index


def test_without_the_shop_seed_there_is_nothing_to_do():
    assert demo.seed_reconciliation(Context(None)) is None
    assert selectors.run_count_failed() == 0 and not selectors.providers_started(
        day=local_today() - dt.timedelta(days=1))
