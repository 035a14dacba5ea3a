"""The weekly data report e-mail: to subscribed shops whose owner has an e-mail address, once a week."""

import datetime as dt

import pytest
from django.core import mail

from quanzi.analytics import constants as names
from quanzi.analytics.reports import last_week, send_weekly_reports
from quanzi.analytics.rollups import rollup_dirty_days
from quanzi.analytics.services import SHANGHAI, Fact, record

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 9, 10, tzinfo=SHANGHAI)  # a Wednesday: last week is Nov 30 … Dec 6


def test_last_week_is_the_last_complete_monday_to_sunday():
    assert last_week(NOW) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    assert last_week(dt.datetime(2026, 12, 7, 0, 5, tzinfo=SHANGHAI)) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))


def test_a_subscribed_shop_gets_last_weeks_report_once(make_user, make_shop, pay):
    from quanzi.analytics.plans import plan_start
    from quanzi.core import clock

    subscribed = make_shop(owner=make_user(email="tea@shop.example"))
    free = make_shop(owner=make_user(email="free@shop.example"))
    phone_only = make_shop()
    with clock.travel(NOW - dt.timedelta(days=20) - clock.now()):
        for shop in (subscribed, phone_only):
            _plan, payment = plan_start(user=shop.owner, period="month")
            pay(payment.number)
    record([Fact(key=f"p{i}", name=names.ORDER_PAID, occurred_at=NOW - dt.timedelta(days=5 + i), actor=f"a{i}",
                 shop_id=shop.pk, amount=1000 * (i + 1)) for i, shop in enumerate((subscribed, subscribed, free))])
    rollup_dirty_days()
    assert send_weekly_reports(now=NOW) == 1
    [message] = mail.outbox
    assert message.to == ["tea@shop.example"] and subscribed.name in message.subject
    assert "¥30.00" in message.body  # 1,000 + 2,000 fen last week, the free shop's 3,000 not included
    [(filename, content, kind)] = message.attachments
    assert filename.endswith("2026-11-30.csv") and kind == "text/csv" and content.lstrip("\ufeff").startswith("day,gmv")
    assert send_weekly_reports(now=NOW) == 0 and len(mail.outbox) == 1  # once a week
    assert send_weekly_reports(now=NOW + dt.timedelta(days=7)) == 1  # the next week's
