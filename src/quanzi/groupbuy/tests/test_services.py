import datetime as dt

import pytest

from quanzi.catalog.selectors import pool_units
from quanzi.core import clock
from quanzi.core.errors import DomainError
from quanzi.core.sweeps import run_sweeps
from quanzi.groupbuy import services
from quanzi.groupbuy.models import CampaignStatus, GroupStatus, MemberStatus
from quanzi.orders.constants import OrderStatus
from quanzi.payments.testing import refunds, sandbox_paid_at_provider

pytestmark = pytest.mark.django_db


def _pool(campaign):
    return pool_units(pools=[campaign.stock_pool])[campaign.stock_pool]


def _refunds(order):
    return [r for r in refunds(payment_number=order.payment_number) if r.key == f"order-full:{order.pk}"]


def test_three_paid_members_succeed_the_group_and_release_every_order(open_group, join_group, make_shopper, pay,
                                                                      campaign, gsku, ledger_balanced):
    a, b, c = make_shopper(), make_shopper(), make_shopper()
    group, oa, pa = open_group(a)
    assert oa.total == 3900 + 800  # group price + shipping below the free threshold
    assert oa.lines.get().price_source == "group"
    pay(pa.number)
    oa.refresh_from_db()
    assert oa.status == OrderStatus.AWAITING_RELEASE
    _, ob, pb = join_group(b, group)
    _, oc, pc = join_group(c, group)
    pay(pb.number)
    ob.refresh_from_db()
    assert ob.status == OrderStatus.AWAITING_RELEASE
    pay(pc.number)
    group.refresh_from_db()
    assert group.status == GroupStatus.SUCCEEDED and group.paid_count == 3
    for o in (oa, ob, oc):
        o.refresh_from_db()
        assert o.status == OrderStatus.PAID
    assert _pool(campaign) == 7
    gsku.refresh_from_db()
    assert gsku.stock == 10  # 20 − 10 set aside; group orders take from the pool
    ledger_balanced()


def test_a_full_group_answers_group_full_and_places_no_order(open_group, join_group, make_shopper, campaign):
    a, b, c, d = (make_shopper() for _ in range(4))
    group, *_ = open_group(a)
    join_group(b, group)
    join_group(c, group)
    with pytest.raises(DomainError) as exc:
        join_group(d, group)
    assert exc.value.code == "group_full"
    assert not d.orders.exists()


def test_opening_and_joining_publish_group_joined_and_a_refused_join_publishes_nothing(
        open_group, join_group, make_shopper, campaign, monkeypatch):
    published = []
    monkeypatch.setattr(services, "publish", published.append)
    a, b, c, d = (make_shopper() for _ in range(4))
    group, *_ = open_group(a)
    join_group(b, group)
    join_group(c, group)
    with pytest.raises(DomainError):
        join_group(d, group)
    joined = [e for e in published if e.event_name == "group.joined"]
    assert [(e.user_id, e.leader) for e in joined] == [(a.pk, True), (b.pk, False), (c.pk, False)]
    assert {(e.group_number, e.shop_id, e.product_id, e.campaign_id) for e in joined} == {
        (group.number, campaign.shop_id, campaign.product_id, campaign.pk)}


def test_joining_twice_or_after_the_deadline_is_refused(open_group, join_group, make_shopper):
    a, b = make_shopper(), make_shopper()
    group, *_ = open_group(a)
    with pytest.raises(DomainError) as exc:
        join_group(a, group)
    assert exc.value.code == "already_joined"
    with clock.travel(dt.timedelta(hours=25)):
        with pytest.raises(DomainError) as exc:
            join_group(b, group)
    assert exc.value.code == "group_closed"


def test_the_per_user_limit_counts_across_groups(open_group, make_shopper):
    a = make_shopper()
    open_group(a, quantity=2)
    with pytest.raises(DomainError) as exc:
        open_group(a)
    assert exc.value.code == "group_limit_reached"


def test_the_group_price_cannot_be_had_through_the_plain_checkout(api, shopper, address, gsku, open_group,
                                                                  make_shopper, expect_error):
    group, *_ = open_group(make_shopper())
    r = api(shopper).post("/api/v1/checkout", {"items": [{"sku_id": gsku.pk, "quantity": 1, "price_source": "group",
                                                          "price_ref": group.number}], "address_id": address.pk},
                          content_type="application/json")
    expect_error(r, 400, "group_not_joined")


def test_an_unfilled_group_fails_at_the_deadline_and_refunds_each_paid_member_once(
        open_group, join_group, make_shopper, pay, submit_refunds, campaign, ledger_balanced):
    a, b, c = make_shopper(), make_shopper(), make_shopper()
    group, oa, pa = open_group(a)
    _, ob, pb = join_group(b, group)
    _, oc, _pc = join_group(c, group)  # never pays
    pay(pa.number)
    pay(pb.number)
    assert _pool(campaign) == 7
    with clock.travel(dt.timedelta(hours=24, seconds=1)):
        run_sweeps(["groupbuy_expire"])
        run_sweeps(["groupbuy_expire"])
    submit_refunds()
    group.refresh_from_db()
    assert group.status == GroupStatus.FAILED
    for o in (oa, ob):
        o.refresh_from_db()
        assert o.status == OrderStatus.CLOSED
        assert [r.amount for r in _refunds(o)] == [o.total]
    oc.refresh_from_db()
    assert oc.status == OrderStatus.CANCELLED
    assert _pool(campaign) == 10
    assert set(group.members.values_list("status", flat=True)) == {MemberStatus.REFUNDED, MemberStatus.LEFT}
    ledger_balanced()


def test_a_payment_after_the_deadline_is_refunded_once(open_group, join_group, make_shopper, pay, submit_refunds,
                                                       notify_sandbox, ledger_balanced):
    a, b = make_shopper(), make_shopper()
    group, oa, pa = open_group(a)
    _, ob, pb = join_group(b, group)
    with clock.travel(dt.timedelta(hours=24, seconds=1)):
        pay(pb.number)  # before the sweep ran: the handler refuses the join
        notify_sandbox(pb.number)  # a duplicate notification changes nothing
        run_sweeps(["groupbuy_expire"])
    submit_refunds()
    ob.refresh_from_db()
    assert ob.status == OrderStatus.CLOSED
    made = refunds(payment_number=pb.number)
    assert sum(r.amount for r in made) == ob.total and len(made) == 1
    group.refresh_from_db()
    assert group.status == GroupStatus.FAILED and group.paid_count == 0
    ledger_balanced()


def test_a_payment_after_the_sweep_cancelled_the_order_is_refunded_by_the_core(
        open_group, make_shopper, notify_sandbox, submit_refunds, ledger_balanced):
    a = make_shopper()
    group, oa, pa = open_group(a)
    with clock.travel(dt.timedelta(hours=24, seconds=1)):
        run_sweeps(["groupbuy_expire"])
        oa.refresh_from_db()
        assert oa.status == OrderStatus.CANCELLED
        # the money arrived anyway (the shopper paid just before the trade closed)
        sandbox_paid_at_provider(payment_number=pa.number)
        assert notify_sandbox(pa.number) == "success"
        assert notify_sandbox(pa.number) == "success"
    submit_refunds()
    assert len(refunds(key_prefix="unpayable:")) == 1
    assert not _refunds(oa)
    ledger_balanced()


def test_an_unpaid_timeout_frees_the_spot(open_group, join_group, make_shopper, pay):
    a, b, c, d = (make_shopper() for _ in range(4))
    group, _, pa = open_group(a)
    pay(pa.number)
    join_group(b, group)
    _, oc, _ = join_group(c, group)
    from quanzi.orders.services import order_cancel
    order_cancel(order_id=oc.pk, reason="timeout", actor="system")
    group.refresh_from_db()
    assert group.joined_count == 2
    join_group(d, group)  # the freed spot
    group.refresh_from_db()
    assert group.joined_count == 3


def test_auto_complete_at_deadline_succeeds_with_the_paid_members(open_group, join_group, make_shopper, pay, campaign):
    services.campaign_set_auto_complete(campaign_id=campaign.pk, enabled=True)
    a, b, c = make_shopper(), make_shopper(), make_shopper()
    group, oa, pa = open_group(a)
    _, ob, pb = join_group(b, group)
    _, oc, _ = join_group(c, group)
    pay(pa.number)
    pay(pb.number)
    with clock.travel(dt.timedelta(hours=24, seconds=1)):
        run_sweeps(["groupbuy_expire"])
    group.refresh_from_db()
    assert group.status == GroupStatus.SUCCEEDED
    oa.refresh_from_db()
    oc.refresh_from_db()
    assert oa.status == OrderStatus.PAID and oc.status == OrderStatus.CANCELLED


def test_ending_a_campaign_returns_the_pool_and_late_refunds_reach_the_sku(
        open_group, make_shopper, pay, campaign, gsku, submit_refunds):
    a = make_shopper()
    group, oa, pa = open_group(a)
    pay(pa.number)
    services.campaign_end(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ENDED
    gsku.refresh_from_db()
    assert gsku.stock == 10 + 9 and _pool(campaign) == 0
    with clock.travel(dt.timedelta(hours=24, seconds=1)):
        run_sweeps(["groupbuy_expire"])
    gsku.refresh_from_db()
    assert gsku.stock == 20 and _pool(campaign) == 0


@pytest.mark.parametrize("change, code", [
    ({"group_size": 1}, "invalid_group_size"),
    ({"group_size": 51}, "invalid_group_size"),
    ({"group_price": 5900}, "invalid_group_price"),
    ({"group_price": 0}, "invalid_group_price"),
    ({"stock": 0}, "campaign_no_stock"),
    ({"stock": 999}, "out_of_stock"),
    ({"days": -1}, "invalid_campaign_window"),
])
def test_campaign_validation(shop, product, sku, change, code):
    now = clock.now()
    with pytest.raises(DomainError) as exc:
        services.campaign_create(shop=shop, product_id=product.pk, group_size=change.get("group_size", 3),
                                 skus=[{"sku_id": sku.pk, "group_price": change.get("group_price", 3900),
                                        "stock": change.get("stock", 5)}],
                                 starts_at=now, ends_at=now + dt.timedelta(days=change.get("days", 1)))
    assert exc.value.code == code


def test_another_merchants_campaign_is_not_found(campaign, make_shop):
    with pytest.raises(DomainError) as exc:
        services.campaign_end(campaign_id=campaign.pk, shop=make_shop())
    assert exc.value.code == "campaign_not_found"


def test_a_late_payment_for_a_spot_given_away_is_refunded_once_and_the_group_stays_at_n(
        open_group, join_group, make_shopper, pay, notify_sandbox, submit_refunds, ledger_balanced):
    from quanzi.orders.services import order_cancel

    a, b, c, d = (make_shopper() for _ in range(4))
    group, _, pa = open_group(a)
    _, _, pb = join_group(b, group)
    _, oc, pc = join_group(c, group)
    order_cancel(order_id=oc.pk, reason="timeout", actor="system")  # c's payment did not come in time
    _, _, pd = join_group(d, group)  # d takes the spot
    for p in (pa, pb, pd):
        pay(p.number)
    sandbox_paid_at_provider(payment_number=pc.number)
    notify_sandbox(pc.number)  # ... and then c's money arrives, twice
    notify_sandbox(pc.number)
    submit_refunds()
    group.refresh_from_db()
    assert group.status == GroupStatus.SUCCEEDED and group.paid_count == 3
    assert [r.amount for r in refunds(payment_number=pc.number)] == [oc.total]
    ledger_balanced()


def test_an_operator_refund_of_a_paid_member_frees_the_spot(open_group, join_group, make_shopper, pay, submit_refunds,
                                                            ledger_balanced, django_capture_on_commit_callbacks):
    from quanzi.orders.services import order_refund_all

    a, b, c, d = (make_shopper() for _ in range(4))
    group, oa, pa = open_group(a)
    _, ob, pb = join_group(b, group)
    pay(pa.number)
    pay(pb.number)
    with django_capture_on_commit_callbacks(execute=True):
        order_refund_all(order_id=ob.pk, reason="operator decision")
    group.refresh_from_db()
    assert (group.joined_count, group.paid_count) == (1, 1)
    _, oc, pc = join_group(c, group)
    _, od, pd = join_group(d, group)
    pay(pc.number)
    pay(pd.number)
    submit_refunds()
    group.refresh_from_db()
    assert group.status == GroupStatus.SUCCEEDED and group.paid_count == 3
    for order, status in ((oa, OrderStatus.PAID), (ob, OrderStatus.CLOSED), (oc, OrderStatus.PAID),
                          (od, OrderStatus.PAID)):
        order.refresh_from_db()
        assert order.status == status
    assert [r.amount for r in _refunds(ob)] == [ob.total]
    ledger_balanced()
