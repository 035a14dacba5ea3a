"""Signals arrive from the domain events through the outbox, idempotently, as keyed hashes."""

from __future__ import annotations

import datetime as dt

from quanzi.core import clock
from quanzi.trust import services
from quanzi.trust.constants import ActivityKind, AttrKind
from quanzi.trust.models import Activity, Attribute


def test_a_paid_order_records_address_device_network_and_shop_through_the_outbox(ring, shop):
    first = ring[1][0]
    kinds = dict(Attribute.objects.filter(user=first).values_list("kind", "count"))
    assert kinds[AttrKind.ADDRESS] == kinds[AttrKind.SHOP] == kinds[AttrKind.DEVICE] == kinds[AttrKind.IP24] == 4
    [address] = Attribute.objects.filter(user=first, kind=AttrKind.ADDRESS).values_list("value", flat=True)
    assert "深圳" not in address and len(address) == 24  # a keyed hash, never the address
    assert Attribute.objects.filter(kind=AttrKind.ADDRESS, value=address).count() == 4  # the ring shares it
    assert Activity.objects.filter(user=first, kind=ActivityKind.ORDER_PAID, shop_id=shop.pk).count() == 4
    assert Activity.objects.filter(user=first, kind=ActivityKind.SHARED_PURCHASE, other_user_id=ring[0].pk).count() == 4


def test_recording_twice_adds_nothing(ring):
    order_ids = list(Activity.objects.filter(kind=ActivityKind.ORDER_PAID).values_list("key", flat=True))
    before = (Attribute.objects.count(), Activity.objects.count())
    for key in order_ids:
        assert services.order_paid_record(order_id=int(key.split(":")[1])) is False
    assert (Attribute.objects.count(), Activity.objects.count()) == before


def test_a_refund_within_half_an_hour_is_a_quick_refund_and_a_later_one_is_not(ring):
    order_id = int(Activity.objects.filter(user=ring[1][0], kind=ActivityKind.ORDER_PAID).first().key.split(":")[1])
    paid_at = Activity.objects.get(key=f"paid:{order_id}").at
    assert services.order_refunded_record(order_id=order_id, key="r1", at=paid_at + dt.timedelta(minutes=10))
    assert not services.order_refunded_record(order_id=order_id, key="r2", at=paid_at + dt.timedelta(hours=2))
    assert Activity.objects.filter(kind=ActivityKind.QUICK_REFUND).count() == 1


def test_a_review_right_after_delivery_counts_and_a_late_one_does_not(shopper):
    now = clock.now()
    Activity.objects.create(user=shopper, kind=ActivityKind.DELIVERED, key="delivered:1", at=now)
    assert services.review_record(review_id=1, author_id=shopper.pk, at=now + dt.timedelta(minutes=20))
    assert not services.review_record(review_id=2, author_id=shopper.pk, at=now + dt.timedelta(hours=3))
    assert not services.review_record(review_id=1, author_id=shopper.pk, at=now + dt.timedelta(minutes=20))


def test_networks_are_kept_as_slash_24_and_garbage_is_dropped():
    assert services.ip24("203.0.113.77") == "203.0.113.0/24"
    assert services.ip24("2001:db8::1") == "2001:db8::/48"
    assert services.ip24("not an ip\ud800") == "" and services.ip24("") == ""


def test_invitations_and_signups_are_recorded(make_user, django_capture_on_commit_callbacks):
    from quanzi.sharing.services import upline_bind

    inviter, newcomer = make_user(), make_user()
    with django_capture_on_commit_callbacks(execute=True):
        upline_bind(user=newcomer, upline=inviter, via="operator")
    invited = Activity.objects.get(user=newcomer, kind=ActivityKind.INVITED)
    assert invited.other_user_id == inviter.pk
