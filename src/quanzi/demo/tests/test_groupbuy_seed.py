"""The group-buy demo data (groupbuy/demo.py): real campaigns and groups, made through the groupbuy
services, that a visitor can use from the browser."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client

from quanzi.accounts.selectors import user_get_by_phone
from quanzi.catalog.selectors import pool_units
from quanzi.core import clock
from quanzi.demo import data
from quanzi.demo.runner import seed_section, seeders_left_out
from quanzi.groupbuy.constants import CampaignStatus, GroupStatus, MemberStatus
from quanzi.groupbuy.demo import SHORT_FILL_SECONDS
from quanzi.groupbuy.testing import campaigns, groups
from quanzi.orders.constants import OrderStatus
from quanzi.orders.testing import order_get, orders, units_in_orders
from quanzi.payments.constants import RefundStatus
from quanzi.payments.testing import refunds

pytestmark = pytest.mark.django_db

LIVE = [OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_RELEASE, OrderStatus.PAID, OrderStatus.SHIPPED,
        OrderStatus.DELIVERED, OrderStatus.COMPLETED]


@pytest.fixture
def seeded():
    out = io.StringIO()
    call_command("seed_demo", "--small", stdout=out)
    return user_get_by_phone(phone=data.DEMO_SHOPPER["phone"])


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pool_exact(campaign) -> None:
    """Units set aside = units in the pool + units in live group orders of the campaign."""
    aside = sum(campaign.skus.values_list("stock", flat=True))
    pool = pool_units(pools=[campaign.stock_pool])[campaign.stock_pool]
    order_ids = [m.order_id for g in campaign.groups.all() for m in g.members.all() if m.order_id]
    sold = units_in_orders(order_ids=order_ids, statuses=LIVE)
    assert pool + sold == aside, (pool, sold, aside)


def test_seed_has_a_succeeded_a_failed_and_an_open_group_and_a_short_campaign(seeded, ledger_balanced):
    demo = seeded
    every = campaigns()
    assert len(every) == 3 and {c.status for c in every} == {CampaignStatus.ACTIVE}
    history, open_campaign, short = every
    assert history.group_size == 3 and open_campaign.group_size == 2
    assert short.fill_seconds == SHORT_FILL_SECONDS and not short.groups.exists()
    assert len({c.product_id for c in every}) == 3  # one running campaign per product page

    [succeeded] = groups(campaign=history, status=GroupStatus.SUCCEEDED)
    members = list(succeeded.members.all())
    assert [m.status for m in members] == [MemberStatus.PAID] * 3 and demo.pk in {m.user_id for m in members}
    released = orders(order_ids=[m.order_id for m in members])
    assert not [o for o in released if o.status == OrderStatus.AWAITING_RELEASE]
    assert {o.status for o in released} <= {OrderStatus.SHIPPED, OrderStatus.DELIVERED}
    [mine] = [o for o in released if o.user_id == demo.pk]
    assert mine.status == OrderStatus.DELIVERED
    assert succeeded.succeeded_at - succeeded.created_at < dt.timedelta(hours=4)

    [failed] = groups(campaign=history, status=GroupStatus.FAILED)
    assert failed.leader == demo and failed.failed_at >= failed.deadline
    refunded = list(failed.members.all())
    assert [m.status for m in refunded] == [MemberStatus.REFUNDED] * 2
    for m in refunded:
        order = order_get(order_id=m.order_id)
        assert order.status == OrderStatus.CLOSED and order.refunded_total == order.total > 0
        assert refunds(payment_number=order.payment_number, status=RefundStatus.SUCCEEDED)

    [group] = groups(campaign=open_campaign)
    assert group.status == GroupStatus.OPEN and group.joined_count == group.paid_count == 1 and group.spots_left == 1
    assert group.deadline > clock.now() + dt.timedelta(hours=24) and group.leader != demo
    leader_order = order_get(order_id=group.members.get().order_id)
    assert leader_order.status == OrderStatus.AWAITING_RELEASE

    for campaign in every:
        _pool_exact(campaign)
    assert all(r.status == RefundStatus.SUCCEEDED for r in refunds())
    ledger_balanced()
    assert seed_section("groupbuy") is None  # once only
    assert len(campaigns()) == 3

    # the pages a visitor opens
    for g in groups():
        assert Client().get(f"/g/{g.number}/").status_code == 200
    page = _login(demo).get(f"/g/{group.number}/").content.decode()
    assert 'data-testid="gb-join' in page


def test_the_demo_shopper_can_join_the_open_group_from_the_page(seeded, pay, ledger_balanced):
    demo = seeded
    [group] = groups(status=GroupStatus.OPEN)
    sku_id = group.campaign.skus.order_by("sku_id").first().sku_id
    r = _login(demo).post(f"/g/{group.number}/join/", {"sku": sku_id})
    assert r.status_code == 302 and "/sandbox/pay/" in r["Location"]
    order = max((o for o in orders(user=demo, status=OrderStatus.PENDING_PAYMENT)
                 if o.hold_key.startswith("groupbuy:")), key=lambda o: o.pk)
    pay(order.payment_number)
    group.refresh_from_db()
    assert group.status == GroupStatus.SUCCEEDED
    statuses = [o.status for o in orders(order_ids=group.members.values_list("order_id", flat=True))]
    assert statuses == [OrderStatus.PAID, OrderStatus.PAID]
    _pool_exact(group.campaign)
    ledger_balanced()


def test_a_group_of_the_short_campaign_fails_three_minutes_later_and_is_refunded(seeded, make_shopper, pay,
                                                                                  submit_refunds, ledger_balanced):
    from quanzi.core.sweeps import run_sweeps

    [short] = campaigns(fill_seconds=SHORT_FILL_SECONDS)
    newcomer = make_shopper()
    r = _login(newcomer).post(f"/groupbuy/campaigns/{short.pk}/open/", {"sku": short.skus.first().sku_id})
    assert r.status_code == 302 and "/sandbox/pay/" in r["Location"]
    [group] = groups(campaign=short)
    assert group.deadline - group.created_at == dt.timedelta(seconds=SHORT_FILL_SECONDS)
    order = order_get(user=newcomer)
    pay(order.payment_number)
    with clock.travel(dt.timedelta(seconds=SHORT_FILL_SECONDS - 5)):
        run_sweeps()
        group.refresh_from_db()
        assert group.status == GroupStatus.OPEN
    with clock.travel(dt.timedelta(seconds=SHORT_FILL_SECONDS + 5)):
        run_sweeps()
        submit_refunds()
    group.refresh_from_db()
    order.refresh_from_db()
    assert group.status == GroupStatus.FAILED
    assert order.status == OrderStatus.CLOSED and order.refunded_total == order.total
    [refund] = refunds(payment_number=order.payment_number)
    assert refund.status == RefundStatus.SUCCEEDED
    _pool_exact(short)
    ledger_balanced()


def test_a_demo_seeded_before_group_buying_gets_it_later(ledger_balanced):
    with seeders_left_out("groupbuy"):
        call_command("seed_demo", "--small", stdout=io.StringIO())
    assert not campaigns()
    counts = seed_section("groupbuy")  # what `seed_demo` does on a database seeded before group buying existed
    assert counts["campaigns"] == 3
    [open_group] = groups(status=GroupStatus.OPEN)
    assert open_group.deadline > clock.now()
    assert len(groups(status=GroupStatus.SUCCEEDED)) == 1
    assert len(groups(status=GroupStatus.FAILED)) == 1
    assert seed_section("groupbuy") is None
    ledger_balanced()
