"""Golden reports: small hand-made event logs with hand-computed funnel, cohort, repurchase, K-factor and
overview figures, on every backend: the SQL selectors on the test database (SQLite locally, PostgreSQL in
CI) and the ClickHouse reports on chDB (the same log exported to it)."""

import datetime as dt

import pytest

from quanzi.analytics import constants as names
from quanzi.analytics import selectors
from quanzi.analytics.rollups import rollup_dirty_days
from quanzi.analytics.services import SHANGHAI, Fact, record

pytestmark = pytest.mark.django_db
D = dt.date(2026, 11, 2)  # a Monday


@pytest.fixture(params=["sql", "chdb"])
def reports(request, settings):
    """`reports(facts)` stores a log and returns the reports of one backend: `selectors` (SQL, over the
    rollups and raw events) or `clickhouse` (the same log exported to an in-memory chDB)."""
    if request.param == "sql":
        def load(facts):
            record(facts)
            rollup_dirty_days()
            return selectors
        return load
    pytest.importorskip("chdb")  # a guard only: CI installs chdb with the dev extra
    from quanzi.analytics import clickhouse

    settings.QUANZI = {**settings.QUANZI, "ANALYTICS_CLICKHOUSE": "chdb:"}
    target = clickhouse.store()
    target.ensure_schema()
    for table in (clickhouse.EVENTS, clickhouse.EXPORT_STATE):  # in-memory sessions share one engine
        target.execute(f"TRUNCATE TABLE {table}")

    def load(facts):
        record(facts)
        clickhouse.export_new_events()
        return clickhouse
    return load


def at(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 2, hour, minute, tzinfo=SHANGHAI) + dt.timedelta(days=day)


def fact(name, actor, when, *, shop=None, amount=0, channel="", key=None, obj=None, obj_type=""):
    key = key or f"{name}:{actor}:{when.isoformat()}:{obj}"
    return Fact(key=key, name=name, occurred_at=when, actor=actor, shop_id=shop, amount=amount, channel=channel,
                object_id=obj, object_type=obj_type)


def test_reached_follows_windowfunnel():
    h = dt.timedelta(hours=1)
    t0 = at(0)
    view, cart, pay = [t0, t0 + 5 * h], [t0 + 2 * h, t0 + 6 * h], [t0 + 30 * h]
    assert selectors.reached([view, cart, pay], dt.timedelta(hours=24)) == 2  # pay is 25 h after the last view
    assert selectors.reached([view, cart, pay], dt.timedelta(hours=26)) == 3  # from the second view: 25 h
    assert selectors.reached([[], cart, pay], dt.timedelta(days=9)) == 0  # never started
    assert selectors.reached([view, [t0 - h], pay], dt.timedelta(days=9)) == 1  # cart only before the view
    assert selectors.reached([view, [t0], pay], dt.timedelta(days=9)) == 1  # the same moment is not "after"


def test_funnel_golden(reports):
    w = dt.timedelta(hours=24)
    backend = reports([
        # a: view → created → paid within an hour: all three steps
        fact(names.PRODUCT_VIEW, "a", at(0, 9), shop=1), fact(names.ORDER_CREATED, "a", at(0, 9, 5), shop=1),
        fact(names.ORDER_PAID, "a", at(0, 9, 7), shop=1, amount=1000),
        # b: view, then an order two days later: one step
        fact(names.PRODUCT_VIEW, "b", at(0, 9), shop=1), fact(names.ORDER_CREATED, "b", at(2, 9), shop=1),
        # c: view and created, never paid: two steps
        fact(names.PRODUCT_VIEW, "c", at(1, 20), shop=2), fact(names.ORDER_CREATED, "c", at(1, 21), shop=2),
        # d: paid without a view in the range: not in the funnel
        fact(names.ORDER_PAID, "d", at(1), shop=1, amount=500),
    ])
    steps = [names.PRODUCT_VIEW, names.ORDER_CREATED, names.ORDER_PAID]
    rows = backend.funnel(steps=steps, since=D, until=D + dt.timedelta(days=6), window=w)
    assert [(r.actors, r.rate_bps) for r in rows] == [(3, 10000), (2, 6666), (1, 3333)]
    shop1 = backend.funnel(steps=steps, since=D, until=D + dt.timedelta(days=6), window=w, shop_id=1)
    assert [r.actors for r in shop1] == [2, 1, 1]
    first_day = backend.funnel(steps=steps, since=D, until=D, window=w)
    assert [r.actors for r in first_day] == [2, 1, 1]  # c's events are on day 1


def test_cohorts_and_repurchase_golden(reports):
    backend = reports([
        fact(names.ORDER_PAID, "a", at(0), amount=100), fact(names.ORDER_PAID, "a", at(8), amount=100),
        fact(names.ORDER_PAID, "b", at(1), amount=100),
        fact(names.ORDER_PAID, "c", at(7), amount=100), fact(names.ORDER_PAID, "c", at(15), amount=100),
        fact(names.ORDER_PAID, "c", at(16), amount=100),
        fact(names.PRODUCT_VIEW, "b", at(9)),  # b came back to look, did not buy
    ])
    rows = backend.cohorts(since=D, until=D + dt.timedelta(days=20), by="first_purchase")
    assert [(c.week, c.size, c.active) for c in rows] == [
        (D, 2, [2, 1, 0]),  # a and b; a bought again in week 1
        (D + dt.timedelta(days=7), 1, [1, 1]),  # c; again in week 2 (its week 1)
    ]
    seen = backend.cohorts(since=D, until=D + dt.timedelta(days=20), by="first_seen")
    assert [(c.size, c.active) for c in seen] == [(2, [2, 2, 0]), (1, [1, 1])]  # b's view counts as active
    assert backend.repurchase(since=D, until=D + dt.timedelta(days=20)) == {
        "buyers": 3, "repeat_buyers": 2, "rate_bps": 6666}


def test_sharing_k_factor_golden(reports):
    backend = reports([
        fact(names.SHARE_CREATED, "s1", at(0), obj=1), fact(names.SHARE_CREATED, "s2", at(0), obj=2),
        fact(names.SHARE_CLICKED, "x", at(0, 11), obj=1), fact(names.SHARE_CLICKED, "y", at(0, 12), obj=1),
        fact(names.SHARE_CLICKED, "y", at(0, 13), obj=2), fact(names.SHARE_CLICKED, "z", at(1), obj=2),
        fact(names.ORDER_PAID, "x", at(0, 14), channel="share", amount=3000),
        fact(names.ORDER_PAID, "z", at(1, 12), channel="organic", amount=3000),  # bought, but not via the link
    ])
    k = backend.sharing(since=D, until=D + dt.timedelta(days=3))
    # 3 people clicked for 2 sharers (i = 1.5); 1 of the 3 bought through a share (c = 1/3): K = 0.5
    assert k == {"sharers": 2, "share_clicks": 4, "clickers": 3, "buyers": 1, "invites_per_sharer": 1.5,
                 "conversion": 0.3333, "k_factor": 0.5}


def test_overview_golden(reports):
    backend = reports([
        fact(names.ORDER_PAID, "a", at(0), shop=1, amount=1000, channel="share"),
        fact(names.ORDER_PAID, "a", at(0, 11), shop=1, amount=500, channel="organic"),
        fact(names.ORDER_PAID, "b", at(1), shop=2, amount=2000, channel="organic"),
        fact(names.ORDER_PAID, "a", at(1), shop=2, amount=700, channel="organic"),
        fact(names.ORDER_REFUNDED, "a", at(1, 15), shop=1, amount=500),
        fact(names.PAGE_VIEW, "a", at(0)), fact(names.PAGE_VIEW, "a", at(0, 12)), fact(names.PAGE_VIEW, "v", at(0)),
    ])
    o = backend.overview(since=D, until=D + dt.timedelta(days=2))
    assert [(d["gmv"], d["orders"], d["buyers"], d["refunds"], d["visitors"]) for d in o.days] == [
        (1500, 2, 1, 0, 2), (2700, 2, 2, 500, 0), (0, 0, 0, 0, 0)]
    assert (o.totals["gmv"], o.totals["orders"], o.totals["buyers"]) == (4200, 4, 2)  # a and b, once each
    assert o.channels == [{"channel": "organic", "gmv": 3200, "orders": 3}, {"channel": "share", "gmv": 1000,
                                                                              "orders": 1}]
    shop1 = backend.overview(since=D, until=D + dt.timedelta(days=2), shop_id=1)
    assert (shop1.totals["gmv"], shop1.totals["refunds"], shop1.totals["buyers"]) == (1500, 500, 1)
    assert shop1.totals["visitors"] is None  # page views belong to no shop


def test_rfm_segments_golden():
    until = D + dt.timedelta(days=59)
    record([
        *[fact(names.ORDER_PAID, "champ", at(55 - i), amount=100) for i in range(3)],  # 3 orders, last 4 days ago
        *[fact(names.ORDER_PAID, "loyal", at(20 + i), amount=200) for i in range(3)],  # 3 orders, last 37 days ago
        *[fact(names.ORDER_PAID, "risk", at(i), amount=50) for i in range(2)],  # 2 orders, last 58 days ago
        fact(names.ORDER_PAID, "new", at(58), amount=900),  # 1 order yesterday
        fact(names.ORDER_PAID, "lost", at(1), amount=10),  # 1 order 58 days ago
        fact(names.ORDER_PAID, "mid", at(30), amount=30),  # 1 order 29 days ago: neither new nor lost
    ])
    rows = {r["segment"]: (r["people"], r["orders"], r["gmv"]) for r in selectors.rfm(since=D, until=until)}
    assert rows == {"champions": (1, 3, 300), "loyal": (1, 3, 600), "promising": (0, 0, 0), "new": (1, 1, 900),
                    "at_risk": (1, 2, 100), "lost": (1, 1, 10), "others": (1, 1, 30)}


def test_top_shops_golden(make_shop):
    big, small = make_shop(), make_shop()
    record([fact(names.ORDER_PAID, "a", at(0), shop=small.pk, amount=100),
            fact(names.ORDER_PAID, "b", at(1), shop=big.pk, amount=5000),
            fact(names.ORDER_PAID, "c", at(1, 12), shop=big.pk, amount=700)])
    rollup_dirty_days()
    assert [(s["name"], s["orders"], s["gmv"]) for s in selectors.top_shops(since=D, until=D + dt.timedelta(days=6))] \
        == [(big.name, 2, 5700), (small.name, 1, 100)]


def test_content_effect_golden():
    note = {"obj_type": "note"}
    record([fact(names.NOTE_VIEW, "a", at(0), obj=7, **note), fact(names.NOTE_VIEW, "a", at(0, 11), obj=7, **note),
            fact(names.NOTE_VIEW, "b", at(1), obj=7, **note), fact(names.NOTE_VIEW, "c", at(1), obj=8, **note),
            fact(names.NOTE_LIKED, "b", at(1), obj=7, **note), fact(names.COMMENTED, "c", at(1), obj=8, **note)])
    rows = selectors.content_effect(since=D, until=D + dt.timedelta(days=6))
    assert [(r["note_id"], r["reads"], r["readers"], r["likes"], r["comments"]) for r in rows] == [
        (7, 3, 2, 1, 0), (8, 1, 1, 0, 1)]


def test_top_products_golden(make_product, shop):
    tea, cup = make_product(shop=shop, title="明前龙井"), make_product(shop=shop, title="白瓷杯")
    record([fact(names.LINE_PAID, "a", at(0), shop=shop.pk, obj=tea.pk, amount=6800),
            fact(names.LINE_PAID, "b", at(1), shop=shop.pk, obj=tea.pk, amount=6800),
            fact(names.LINE_PAID, "b", at(1, 11), shop=shop.pk, obj=cup.pk, amount=2500),
            fact(names.LINE_PAID, "c", at(2), shop=shop.pk + 1, obj=10**6, amount=99_999)])
    rows = selectors.top_products(since=D, until=D + dt.timedelta(days=6), shop_id=shop.pk)
    assert [(r["title"], r["orders"], r["buyers"], r["gmv"]) for r in rows] == [
        ("明前龙井", 2, 2, 13600), ("白瓷杯", 1, 1, 2500)]


def test_category_benchmark_is_k_anonymous():
    def line(shop, category, amount, n):
        return Fact(key=f"l{shop}-{category}-{n}", name=names.LINE_PAID, occurred_at=at(1), actor=f"a{n}",
                    shop_id=shop, object_id=1, amount=amount, props={"quantity": 1, "category": category})

    record([line(1, 10, 5000, 1), line(1, 20, 100, 2),  # shop 1 sells mostly in category 10
            line(2, 10, 1000, 3), line(3, 10, 2000, 4), line(4, 10, 8000, 5)])
    week = D + dt.timedelta(days=6)
    assert selectors.category_benchmark(shop_id=1, since=D, until=week) is None  # 4 shops: too few to compare
    record([line(5, 10, 3000, 6)])
    assert selectors.category_benchmark(shop_id=1, since=D, until=week) == {
        "category_id": 10, "shops": 5, "median": 3000, "upper_quartile": 5000, "mine": 5000, "ahead_of_pct": 60}
    assert selectors.category_benchmark(shop_id=99, since=D, until=week) is None  # sold nothing
