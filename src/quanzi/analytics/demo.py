"""Demo data of analytics (issue 19; quanzi.core.seeding): 90 days of generated history, so the operator
dashboards and a merchant's data centre have charts to show on the first visit.

The real seeded activity (orders, shares, follows, likes made by the other seeders) reaches the log by
itself through the outbox handlers; this seeder adds only what a young shop would have gathered before:
the last 90 China days, ending yesterday (today belongs to the real events). It is a simulation, not
random counts, so every report agrees with every other:

* visits follow a weekly rhythm (weekends higher), grow over the 90 days and jump during a three-day
  promotion about three weeks ago; most visitors come back (recent ones more often), a few new ones
  arrive every day. The demo people are regulars; a few thousand devices are the other visitors.
* a visit is page views, often product views of one seeded shop's products on sale, now and then an
  order (created, mostly paid a few minutes later, sometimes refunded days later) of a real product at
  its real price × 1–3, a share, a follow or a like of a seeded note.
* a share is opened by new and returning visitors over the next days; some of them buy through the link
  (channel `share`), so the K-factor is above 0. Other orders are organic, note, live, group or flash
  (flash more during the promotion).
* a first purchase brings the buyer back to buy again in the following weeks, less likely every week:
  the first-purchase cohorts show retention decaying over weeks 1 … 8.

The tea shop (merchant1@quanzi.demo) bought the yearly data plan at the sandbox cashier a month ago, so its
data centre shows the full reports; the other shops show the free tier.

Written only through `services.record` (keys `demo:…`, so `present` can tell, and a second run with the
same seed would store nothing new) and rolled up at once. Deterministic: the section's seeded stream.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from quanzi.analytics import constants as names
from quanzi.core.seeding import DemoSeeder

KEY_PREFIX = "demo:"
DAYS = 90
BATCH = 5_000
WEEKDAY = (1.0, 0.94, 0.96, 1.0, 1.12, 1.38, 1.32)  # Monday … Sunday
GROWTH = 0.8  # the last day has 1.8 × the first day's visits
PROMO_DAYS_AGO = 24  # the promotion's first day; its three days multiply the visits and the conversion
PROMO = (2.6, 1.9, 1.4)
NEW_SHARE = 0.5  # of a day's visits, by visitors never seen before
REGULAR_VISIT = 0.3  # a demo person's chance of visiting on a given day
CONVERSION = 0.03  # a visit with product views ends in an order
CLICK_CONVERSION = 0.14  # … when it came through a shared link
PAY_RATE = 0.8
REFUND_RATE = 0.06
LOYAL = 0.5  # of first-time buyers come back to buy again; the others never do
REPEAT_FIRST, REPEAT_DECAY, REPEAT_WEEKS = 0.85, 0.76, 12  # a loyal buyer's chance of buying in week k
CHANNELS = (("organic", 60), ("note", 12), ("live", 9), ("group", 11), ("flash", 8))
CAMPAIGN_DISCOUNT_PCT = {"group": 20, "flash": 30, "live": 10}  # below list price; share and note sell at list
HOURS = (1, 1, 1, 1, 1, 1, 2, 4, 6, 6, 6, 7, 9, 8, 6, 6, 6, 7, 8, 11, 13, 13, 10, 5)  # a day's visits by hour
PAGES = ("/", "/", "/feed/", "/search/", "/cart/")


@dataclass(frozen=True)
class Size:
    visits: int  # a weekday's visits on the first day, before growth
    visitors: int  # generated visitors (devices) at most


FULL = Size(visits=120, visitors=8_500)
SMALL = Size(visits=27, visitors=1_900)


def analytics_present(ctx) -> bool:
    from quanzi.analytics.models import Event

    return Event.objects.filter(key__startswith=KEY_PREFIX).exists()


def seed_analytics(ctx) -> dict[str, Any] | None:
    from quanzi.analytics import partitions
    from quanzi.analytics.rollups import rollup_dirty_days
    from quanzi.analytics.services import report_day

    products = _products(ctx)
    if not products:
        ctx.log("  analytics: no product on sale; skipped")
        return None
    yesterday = report_day(ctx.t0) - dt.timedelta(days=1)
    partitions.ensure(days_back=DAYS + 1, today=report_day(ctx.t0))  # on PostgreSQL: a partition per history day
    history = History(rng=ctx.rng, size=SMALL if ctx.small else FULL, products=products, notes=_note_ids(ctx),
                      people=ctx.demo_people(), first_day=yesterday - dt.timedelta(days=DAYS - 1))
    history.run()
    days = rollup_dirty_days()
    counts = {"days": DAYS, "events": history.stored, "visitors": len(history.visitors), "paid orders": history.paid,
              "buyers": len(history.buyers), "rolled up days": days, "data plans": _subscribe(ctx)}
    ctx.log(f"  analytics: {counts}")
    return counts


SUBSCRIBER = "merchant1@quanzi.demo"  # 山野茶舍 bought a yearly data plan; the other shops are on the free tier


def _subscribe(ctx) -> int:
    """The tea shop's owner bought the yearly data plan at the sandbox cashier a month ago."""
    from quanzi.accounts.selectors import user_get_by_email
    from quanzi.analytics.plans import plan_start

    owner = user_get_by_email(email=SUBSCRIBER)
    if owner is None:
        return 0
    with ctx.at(ctx.ago(days=30)):
        _plan, payment = plan_start(user=owner, period="year")
    ctx.pay(payment, ctx.ago(days=30))
    return 1


def _products(ctx) -> list:
    """The demo shops' products on sale, with a price (fen)."""
    shops = ctx.demo_shop_ids()
    found = [p for p, _d in ctx.products_on_sale().values() if p.shop_id in shops and p.min_price > 0]
    return sorted(found, key=lambda p: p.pk)


def _note_ids(ctx) -> list[int]:
    """Published notes of the seed (their likes are part of the history); none is fine."""
    from quanzi.content.selectors import recent_published_note_stats

    return sorted(row[0] for row in recent_published_note_stats(since=ctx.t0 - dt.timedelta(days=3650), limit=200))


class History:
    """The simulation: one pass over the days, facts flushed to `record` in batches of 5,000."""

    def __init__(self, *, rng: random.Random, size: Size, products: list, notes: list[int], people: list,
                 first_day: dt.date):
        from quanzi.analytics.services import SHANGHAI, actor_of_user

        self.rng, self.size, self.notes, self.first_day, self.tz = rng, size, notes, first_day, SHANGHAI
        self.regulars = [actor_of_user(p.pk) for p in people]
        self.by_shop: dict[int, list] = defaultdict(list)
        for p in products:
            self.by_shop[p.shop_id].append(p)
        self.shops = sorted(self.by_shop)
        # bigger shops draw more visits; within a shop, the first products sell best
        self.shop_weights = [len(self.by_shop[s]) * (1.6 if i % 3 == 0 else 1.0) for i, s in enumerate(self.shops)]
        self.seen: list[str] = list(self.regulars)
        self.known: set[str] = set(self.seen)
        self.visitors: set[str] = set()  # who visited in the 90 days
        self.buyers: set[str] = set()
        self.done: set[tuple] = set()  # (actor, shop) follows and (actor, note) likes: once each
        self.repeats: dict[int, list[str]] = defaultdict(list)  # day → buyers coming back to buy
        # day → (link, sharer, the share's moment when the same day) of the links opened that day
        self.clicks: dict[int, list[tuple[int, str, dt.datetime | None]]] = defaultdict(list)
        self.facts: list = []
        self.n = self.stored = self.paid = self.links = self.devices = 0
        self.seen += [self.newcomer() for _ in range(size.visitors // 8)]  # of the weeks before: some come back
        self.known.update(self.seen)

    # ------------------------------------------------------------ the days
    def run(self) -> None:
        for d in range(DAYS):
            self.day(d)
        self.flush()

    def day(self, d: int) -> None:
        rng, day = self.rng, self.first_day + dt.timedelta(days=d)
        promo = self.promo(d)
        visits = round(self.size.visits * (1 + GROWTH * d / (DAYS - 1)) * WEEKDAY[day.weekday()] * promo
                       * rng.uniform(0.9, 1.1))
        for _ in range(visits):
            self.visit(d, self.newcomer() if rng.random() < NEW_SHARE else self.returning(), buy=CONVERSION * promo)
        for actor in self.regulars:
            if rng.random() < REGULAR_VISIT:
                self.visit(d, actor, buy=CONVERSION * promo)
        for actor in self.repeats.pop(d, []):
            self.visit(d, actor, buy=1.0)
        for link, sharer, shared_at in self.clicks.pop(d, []):
            clicker = self.newcomer() if rng.random() < 0.55 else self.returning()
            if clicker != sharer:
                self.visit(d, clicker, buy=CLICK_CONVERSION, link=link, after=shared_at)

    def promo(self, d: int) -> float:
        i = d - (DAYS - PROMO_DAYS_AGO)
        return PROMO[i] if 0 <= i < len(PROMO) else 1.0

    def newcomer(self) -> str:
        from quanzi.analytics.services import actor_of_device

        if self.devices >= self.size.visitors:
            return self.returning()
        actor = actor_of_device(f"demo-visitor-{self.devices}")
        self.devices += 1
        return actor

    def returning(self) -> str:
        """Someone seen before, the recent ones more likely (interest fades)."""
        back = int(self.rng.expovariate(1.0) * len(self.seen) * 0.35)
        return self.seen[max(0, len(self.seen) - 1 - back)]

    # ------------------------------------------------------------ one visit
    def visit(self, d: int, actor: str, *, buy: float, link: int | None = None,
              after: dt.datetime | None = None) -> None:
        """One visit on day `d` (opening a shared `link`: not before `after`, the moment it was shared)."""
        rng = self.rng
        when = self.start(d) if after is None else after + dt.timedelta(seconds=rng.randrange(600, 3 * 3600))
        self.visitors.add(actor)
        if actor not in self.known:
            self.known.add(actor)
            self.seen.append(actor)
        if link is not None:
            when = self.emit(names.SHARE_CLICKED, when, actor, object_type="share", props={"link": f"demo-{link}"})
        for _ in range(rng.choice((1, 1, 1, 2))):
            when = self.emit(names.PAGE_VIEW, when, actor, props={"path": rng.choice(PAGES)})
        if buy < 1 and rng.random() > 0.72:
            self.extras(d, when, actor, [])
            return
        viewed = self.browse(when, actor)
        when = viewed[-1][1]
        paid = rng.random() < buy and self.order(d, when, actor, viewed[-1][0], channel="share" if link else None)
        self.extras(d, when, actor, [p for p, _t in viewed], paid=paid)

    def start(self, d: int) -> dt.datetime:
        hour = self.rng.choices(range(24), weights=HOURS)[0]
        moment = dt.datetime.combine(self.first_day + dt.timedelta(days=d), dt.time(min(hour, 22), 0), tzinfo=self.tz)
        return moment + dt.timedelta(seconds=self.rng.randrange(3600))

    def browse(self, when: dt.datetime, actor: str) -> list[tuple[Any, dt.datetime]]:
        """Product views in one shop: [(product, when)]. (A product page's own page view is left out: it
        would double the volume and the time to seed it, and no report needs it.)"""
        rng = self.rng
        shop = rng.choices(self.shops, weights=self.shop_weights)[0]
        items = self.by_shop[shop]
        viewed = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            product = items[min(int(rng.expovariate(1.0) * len(items) * 0.4), len(items) - 1)]
            when = self.emit(names.PRODUCT_VIEW, when, actor, shop_id=shop, object_type="product",
                             object_id=product.pk)
            viewed.append((product, when))
        return viewed

    def order(self, d: int, when: dt.datetime, actor: str, product, *, channel: str | None) -> bool:
        """An order of `product` × 1–3: created, mostly paid, now and then refunded. Whether it was paid."""
        rng = self.rng
        if channel is None:
            kinds, weights = zip(*CHANNELS, strict=True)
            weights = [w * (3 if k == "flash" and self.promo(d) > 1 else 1) for k, w in zip(kinds, weights, strict=True)]
            channel = rng.choices(kinds, weights=weights)[0]
        quantity = rng.choices((1, 2, 3), weights=(70, 22, 8))[0]
        list_total = product.min_price * quantity
        amount = list_total - list_total * CAMPAIGN_DISCOUNT_PCT.get(channel, 0) // 100
        order = {"shop_id": product.shop_id, "object_type": "order", "amount": amount, "channel": channel,
                 "props": {"product_id": product.pk, "quantity": quantity}}
        when = self.emit(names.ORDER_CREATED, when, actor, **order)
        if rng.random() >= PAY_RATE:
            return False
        paid_at = when + dt.timedelta(seconds=rng.randrange(60, 900))
        self.emit(names.ORDER_PAID, paid_at, actor, **order)
        self.emit(names.LINE_PAID, paid_at, actor, shop_id=product.shop_id, object_type="product",
                  object_id=product.pk, amount=amount, channel=channel, props={"quantity": quantity})
        if channel != "organic":  # what the campaign sold, and gave away below list price (campaign ROI)
            self.queue(names.CAMPAIGN_SALE, paid_at, actor, **{**order, "amount": amount})
            if amount < list_total:
                self.queue(names.CAMPAIGN_DISCOUNT, paid_at, actor, **{**order, "amount": list_total - amount})
        self.paid += 1
        if actor not in self.buyers:
            self.buyers.add(actor)
            self.plan_repeats(d, actor)
        later = d + rng.randint(1, 7)
        if rng.random() < REFUND_RATE and later < DAYS:
            self.emit(names.ORDER_REFUNDED, self.start(later), actor,
                      **{**order, "amount": amount if rng.random() < 0.8 else amount // 2})
        return True

    def plan_repeats(self, d: int, actor: str) -> None:
        """A first purchase: a loyal buyer may come back to buy again in each calendar week after it (the
        cohorts' weeks), less likely every week."""
        if self.rng.random() >= LOYAL:
            return
        monday = d - (self.first_day + dt.timedelta(days=d)).weekday()
        for week in range(1, REPEAT_WEEKS + 1):
            later = monday + 7 * week + self.rng.randrange(7)
            if later < DAYS and self.rng.random() < REPEAT_FIRST * REPEAT_DECAY ** (week - 1):
                self.repeats[later].append(actor)

    def extras(self, d: int, when: dt.datetime, actor: str, products: list, *, paid: bool = False) -> None:
        """What a visit may add: a share of a viewed product (opened over the next days), a follow of
        its shop, a like of a note."""
        rng = self.rng
        if products and rng.random() < (0.12 if paid else 0.02):
            self.links += 1
            when = self.emit(names.SHARE_CREATED, when, actor, object_type="share",
                             props={"target": "product", "target_id": products[-1].pk, "link": f"demo-{self.links}"})
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4, 6))):  # opened within hours, or the next days
                later = d + rng.choice((0, 0, 0, 1, 1, 2))
                if later == d and when.hour >= 20:  # shared late: opened tomorrow (never after midnight today)
                    later += 1
                if later < DAYS:
                    self.clicks[later].append((self.links, actor, when if later == d else None))
        if products and rng.random() < 0.03 and (actor, products[-1].shop_id) not in self.done:
            self.done.add((actor, products[-1].shop_id))
            shop = products[-1].shop_id
            when = self.emit(names.FOLLOWED, when, actor, shop_id=shop, object_type="shop", object_id=shop)
        if self.notes and rng.random() < 0.12:  # reads a note (the content-effect report); likes half of them
            note = self.notes[min(int(rng.expovariate(1.0) * len(self.notes) * 0.3), len(self.notes) - 1)]
            when = self.emit(names.NOTE_VIEW, when, actor, object_type="note", object_id=note)
            if rng.random() < 0.5 and (actor, note) not in self.done:
                self.done.add((actor, note))
                self.emit(names.NOTE_LIKED, when, actor, object_type="note", object_id=note)

    # ------------------------------------------------------------ writing
    def emit(self, name: str, when: dt.datetime, actor: str, **fields) -> dt.datetime:
        """Queue one fact; the moment just after it (a visit's next step)."""
        self.queue(name, when, actor, **fields)
        return when + dt.timedelta(seconds=self.rng.randrange(15, 120))

    def queue(self, name: str, when: dt.datetime, actor: str, **fields) -> None:
        from quanzi.analytics.services import Fact

        self.n += 1
        self.facts.append(Fact(key=f"{KEY_PREFIX}{self.n}", name=name, occurred_at=when, actor=actor, **fields))
        if len(self.facts) >= BATCH:
            self.flush()

    def flush(self) -> None:
        from quanzi.analytics.services import record

        self.stored += record(self.facts)
        self.facts = []


seeder = DemoSeeder(key="analytics", run=seed_analytics, present=analytics_present)
