"""Sharers hear about their commissions: when a friend's order is paid, and when it reaches the wallet."""

import pytest

from quanzi.notifications.selectors import notifications_page
from quanzi.settlement.services import order_settle

pytestmark = pytest.mark.django_db
EARNINGS = "earnings"  # the notification kind of commission news


def earnings_news(user) -> list:
    """The user's earnings notifications, newest first."""
    items, _cursor = notifications_page(user=user, limit=100)
    return [n for n in items if n.kind == EARNINGS]


def test_sharer_and_upline_are_notified_on_payment_and_release(
        make_user, shop, sku, make_plan, bind_upline, attributed_order, complete_order,
        django_capture_on_commit_callbacks):
    upline, sharer = make_user(nickname="upline"), make_user(nickname="sharer")
    bind_upline(sharer, upline)
    make_plan(shop, rate_bps=2000)
    with django_capture_on_commit_callbacks(execute=True):
        order = attributed_order([(sku, 1)], sharer=sharer)
    (mine,) = earnings_news(sharer)
    assert "5.90" in mine.text() and sku.product.title[:10] in mine.text()
    assert mine.link() == "/me/earnings/"
    (team,) = earnings_news(upline)
    assert "2.36" in team.text()
    assert earnings_news(order.user) == []  # the buyer earns nothing

    complete_order(order)
    with django_capture_on_commit_callbacks(execute=True):
        order_settle(order_id=order.pk)
    released = earnings_news(sharer)[0]
    assert released.pk != mine.pk and "5.90" in released.text() and "wallet" in released.text()
    with django_capture_on_commit_callbacks(execute=True):
        order_settle(order_id=order.pk)  # settling again releases nothing and says nothing
    assert len(earnings_news(sharer)) == 2


def test_earnings_notifications_respect_the_preference(make_user, shop, sku, make_plan, attributed_order,
                                                       django_capture_on_commit_callbacks):
    from quanzi.notifications.services import set_preference

    sharer = make_user()
    set_preference(user=sharer, kind=EARNINGS, enabled=False)
    make_plan(shop, rate_bps=2000)
    with django_capture_on_commit_callbacks(execute=True):
        attributed_order([(sku, 1)], sharer=sharer)
    assert notifications_page(user=sharer)[0] == []
