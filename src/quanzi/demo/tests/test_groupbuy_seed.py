"""The group-buy demo data (demo/groupbuy_seed.py): real campaigns and groups, made through the
groupbuy services, that a visitor can use from the browser."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client

from quanzi.accounts.models import User
from quanzi.catalog.models import CampaignStock
from quanzi.core import clock
from quanzi.demo import data
from quanzi.demo.groupbuy_seed import SHORT_FILL_SECONDS, seed_groupbuy
from quanzi.groupbuy.models import CampaignStatus, Group, GroupCampaign, GroupStatus, MemberStatus
from quanzi.orders.models import Order, OrderLine, OrderStatus
from quanzi.payments.models import Refund, RefundStatus

pytestmark = pytest.mark.django_db

LIVE = [OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_RELEASE, OrderStatus.PAID, OrderStatus.SHIPPED,
        OrderStatus.DELIVERED, OrderStatus.COMPLETED]


@pytest.fixture
def seeded():
    out = io.StringIO()
    call_command("seed_demo", "--small", stdout=out)
    return User.objects.get(phone=data.DEMO_SHOPPER["phone"])


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pool_exact(campaign: GroupCampaign) -> None:
    """Units set aside = units in the pool + units in live group orders of the campaign."""
    aside = sum(campaign.skus.values_list("stock", flat=True))
    pool = CampaignStock.objects.filter(campaign_key=campaign.campaign_key).aggregate(s=Sum("quantity"))["s"] or 0
    orders = [m.order_id for g in campaign.groups.all() for m in g.members.all() if m.order_id]
    sold = OrderLine.objects.filter(order_id__in=orders, order__status__in=LIVE).aggregate(s=Sum("quantity"))["s"] or 0
    assert pool + sold == aside, (pool, sold, aside)


def test_seed_has_a_succeeded_a_failed_and_an_open_group_and_a_short_campaign(seeded, ledger_balanced):
    demo = seeded
    campaigns = list(GroupCampaign.objects.order_by("pk"))
    assert len(campaigns) == 3 and {c.status for c in campaigns} == {CampaignStatus.ACTIVE}
    history, open_campaign, short = campaigns
    assert history.group_size == 3 and open_campaign.group_size == 2
    assert short.fill_seconds == SHORT_FILL_SECONDS and not short.groups.exists()
    assert len({c.product_id for c in campaigns}) == 3  # one running campaign per product page

    succeeded = Group.objects.get(campaign=history, status=GroupStatus.SUCCEEDED)
    members = list(succeeded.members.all())
    assert [m.status for m in members] == [MemberStatus.PAID] * 3 and demo.pk in {m.user_id for m in members}
    released = Order.objects.filter(pk__in=[m.order_id for m in members])
    assert not released.filter(status=OrderStatus.AWAITING_RELEASE).exists()
    assert set(released.values_list("status", flat=True)) <= {OrderStatus.SHIPPED, OrderStatus.DELIVERED}
    assert released.get(user=demo).status == OrderStatus.DELIVERED
    assert succeeded.succeeded_at - succeeded.created_at < dt.timedelta(hours=4)

    failed = Group.objects.get(campaign=history, status=GroupStatus.FAILED)
    assert failed.leader == demo and failed.failed_at >= failed.deadline
    refunded = list(failed.members.all())
    assert [m.status for m in refunded] == [MemberStatus.REFUNDED] * 2
    for m in refunded:
        order = Order.objects.get(pk=m.order_id)
        assert order.status == OrderStatus.CLOSED and order.refunded_total == order.total > 0
        assert Refund.objects.filter(payment__number=order.payment_number, status=RefundStatus.SUCCEEDED).exists()

    group = Group.objects.get(campaign=open_campaign)
    assert group.status == GroupStatus.OPEN and group.joined_count == group.paid_count == 1 and group.spots_left == 1
    assert group.deadline > clock.now() + dt.timedelta(hours=24) and group.leader != demo
    leader_order = Order.objects.get(pk=group.members.get().order_id)
    assert leader_order.status == OrderStatus.AWAITING_RELEASE

    for campaign in campaigns:
        _pool_exact(campaign)
    assert not Refund.objects.exclude(status=RefundStatus.SUCCEEDED).exists()
    ledger_balanced()
    assert seed_groupbuy() is None  # once only
    assert GroupCampaign.objects.count() == 3

    # the pages a visitor opens
    for g in Group.objects.all():
        assert Client().get(f"/g/{g.number}/").status_code == 200
    page = _login(demo).get(f"/g/{group.number}/").content.decode()
    assert 'data-testid="gb-join' in page


def test_the_demo_shopper_can_join_the_open_group_from_the_page(seeded, pay, ledger_balanced):
    demo = seeded
    group = Group.objects.get(status=GroupStatus.OPEN)
    sku_id = group.campaign.skus.order_by("sku_id").first().sku_id
    r = _login(demo).post(f"/g/{group.number}/join/", {"sku": sku_id})
    assert r.status_code == 302 and "/sandbox/pay/" in r["Location"]
    order = Order.objects.filter(user=demo, status=OrderStatus.PENDING_PAYMENT, hold_key__startswith="groupbuy:") \
        .latest("pk")
    pay(order.payment_number)
    group.refresh_from_db()
    assert group.status == GroupStatus.SUCCEEDED
    statuses = Order.objects.filter(pk__in=group.members.values_list("order_id", flat=True)) \
        .values_list("status", flat=True)
    assert list(statuses) == [OrderStatus.PAID, OrderStatus.PAID]
    _pool_exact(group.campaign)
    ledger_balanced()


def test_a_group_of_the_short_campaign_fails_three_minutes_later_and_is_refunded(seeded, make_shopper, pay,
                                                                                  submit_refunds, ledger_balanced):
    from quanzi.core.sweeps import run_sweeps

    short = GroupCampaign.objects.get(fill_seconds=SHORT_FILL_SECONDS)
    newcomer = make_shopper()
    r = _login(newcomer).post(f"/groupbuy/campaigns/{short.pk}/open/", {"sku": short.skus.first().sku_id})
    assert r.status_code == 302 and "/sandbox/pay/" in r["Location"]
    group = Group.objects.get(campaign=short)
    assert group.deadline - group.created_at == dt.timedelta(seconds=SHORT_FILL_SECONDS)
    order = Order.objects.get(user=newcomer)
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
    assert Refund.objects.get(payment__number=order.payment_number).status == RefundStatus.SUCCEEDED
    _pool_exact(short)
    ledger_balanced()


def test_a_demo_seeded_before_group_buying_gets_it_later(monkeypatch, ledger_balanced):
    import quanzi.demo.groupbuy_seed as module

    real = module.seed_groupbuy
    monkeypatch.setattr(module, "seed_groupbuy", lambda **kwargs: None)
    call_command("seed_demo", "--small", stdout=io.StringIO())
    assert not GroupCampaign.objects.exists()
    counts = real()  # what `seed_demo` does on a database seeded before group buying existed
    assert counts["campaigns"] == 3
    assert Group.objects.get(status=GroupStatus.OPEN).deadline > clock.now()
    assert Group.objects.filter(status=GroupStatus.SUCCEEDED).count() == 1
    assert Group.objects.filter(status=GroupStatus.FAILED).count() == 1
    assert real() is None
    ledger_balanced()
