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
    (pdf_name, pdf, pdf_kind), (filename, content, kind) = message.attachments
    assert filename.endswith("2026-11-30.csv") and kind == "text/csv" and content.lstrip("\ufeff").startswith("day,gmv")
    assert pdf_name.endswith("2026-11-30.pdf") and pdf_kind == "application/pdf"
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert send_weekly_reports(now=NOW) == 0 and len(mail.outbox) == 1  # once a week
    assert send_weekly_reports(now=NOW + dt.timedelta(days=7)) == 1  # the next week's


def test_the_pdf_prints_chinese_with_the_built_in_cid_font():
    from quanzi.analytics.pdf import weekly_pdf
    from quanzi.analytics.selectors import Overview

    day = dt.date(2026, 11, 30)
    totals = {"gmv": 12345, "orders": 2, "buyers": 2, "refunds": 0, "product_views": 9}
    overview = Overview(since=day, until=day, days=[{"day": day, **totals}], totals=totals, channels=[])
    pdf = weekly_pdf(shop_name="山野茶舍", overview=overview, products=[{"title": "明前龙井", "orders": 2, "buyers": 2,
                     "gmv": 12345}], roi=[{"campaign": "group", "sales": 100, "previous_sales": 0, "cost": 0,
                                           "return_per_yuan": None}], campaign_labels={"group": "拼团"},
                     compress=False)  # to read the page's text below
    assert b"/BaseFont /STSong-Light" in pdf and b"/Encoding /UniGB-UCS2-H" in pdf
    texts = pdf_texts(pdf)
    assert "山野茶舍: weekly data report" in texts and "¥123.45" in texts and "明前龙井" in texts and "拼团" in texts


def pdf_texts(pdf: bytes) -> list[str]:
    """The strings a page shows (`(…) Tj`), from the UCS-2 of the CID font."""
    import re

    def unescape(raw: bytes) -> bytes:
        def one(m):
            code = m.group(1)
            return bytes([int(code, 8)]) if code[:1].isdigit() else {b"n": b"\n", b"r": b"\r"}.get(code, code)
        return re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.S)

    return [unescape(m.group(1)).decode("utf-16-be", errors="replace")
            for m in re.finditer(rb"TL \((.*?)\) Tj", pdf, flags=re.S)]
