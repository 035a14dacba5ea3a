"""Sharers hear about their commissions: when a friend's order is paid, and when it reaches the wallet."""

import pytest

from quanzi.notifications.models import Kind, Notification
from quanzi.settlement.services import order_settle

pytestmark = pytest.mark.django_db


def test_sharer_and_upline_are_notified_on_payment_and_release(
        make_user, shop, sku, make_plan, bind_upline, attributed_order, complete_order,
        django_capture_on_commit_callbacks):
    upline, sharer = make_user(nickname="upline"), make_user(nickname="sharer")
    bind_upline(sharer, upline)
    make_plan(shop, rate_bps=2000)
    with django_capture_on_commit_callbacks(execute=True):
        order = attributed_order([(sku, 1)], sharer=sharer)
    mine = Notification.objects.get(recipient=sharer, kind=Kind.EARNINGS)
    assert "5.90" in mine.text() and sku.product.title[:10] in mine.text()
    assert mine.link() == "/me/earnings/"
    team = Notification.objects.get(recipient=upline, kind=Kind.EARNINGS)
    assert "2.36" in team.text()
    assert not Notification.objects.filter(recipient=order.user, kind=Kind.EARNINGS).exists()  # the buyer earns nothing

    complete_order(order)
    with django_capture_on_commit_callbacks(execute=True):
        order_settle(order_id=order.pk)
    released = Notification.objects.filter(recipient=sharer, kind=Kind.EARNINGS).order_by("-id").first()
    assert released.pk != mine.pk and "5.90" in released.text() and "wallet" in released.text()
    with django_capture_on_commit_callbacks(execute=True):
        order_settle(order_id=order.pk)  # settling again releases nothing and says nothing
    assert Notification.objects.filter(recipient=sharer, kind=Kind.EARNINGS).count() == 2


def test_earnings_notifications_respect_the_preference(make_user, shop, sku, make_plan, attributed_order,
                                                       django_capture_on_commit_callbacks):
    from quanzi.notifications.services import set_preference

    sharer = make_user()
    set_preference(user=sharer, kind=Kind.EARNINGS, enabled=False)
    make_plan(shop, rate_bps=2000)
    with django_capture_on_commit_callbacks(execute=True):
        attributed_order([(sku, 1)], sharer=sharer)
    assert not Notification.objects.filter(recipient=sharer).exists()
