"""Reports. Dashboards read the daily rollups (`overview`, the channel mix); what follows one actor across
events — funnels, cohorts, repurchase, the sharing K-factor — reads the raw log over a bounded range
(at scale, the same queries run on ClickHouse: docs/analytics.md).

Every report takes an optional `shop_id`: a merchant's reports are always their own shop's, never
another's (the API resolves the shop from the signed-in owner, never from a parameter).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Sum
from django.utils.translation import gettext as _

from quanzi.analytics import constants as names
from quanzi.analytics.models import ALL_CHANNELS, PLATFORM, DailyRollup, Event
from quanzi.core import dates
from quanzi.core.errors import ValidationFailed

MAX_DASHBOARD_DAYS = 366
MAX_RAW_DAYS = 92  # funnels, cohorts and the K-factor read raw events
MAX_FUNNEL_STEPS = 6


# ---------------------------------------------------------------- ranges

def parse_range(*, since: str = "", until: str = "", max_days: int = MAX_DASHBOARD_DAYS,
                default_days: int = 30) -> tuple[dt.date, dt.date]:
    """`since` … `until` as YYYY-MM-DD (inclusive, China days); by default the last `default_days` days."""
    return dates.day_range(since=since, until=until, max_days=max_days, default_days=default_days)


def _days(since: dt.date, until: dt.date) -> list[dt.date]:
    return [since + dt.timedelta(days=i) for i in range((until - since).days + 1)]


# ---------------------------------------------------------------- the overview (rollups)

OVERVIEW_SERIES = (  # (key, event, field of DailyRollup)
    ("gmv", names.ORDER_PAID, "amount"),
    ("orders", names.ORDER_PAID, "count"),
    ("buyers", names.ORDER_PAID, "actors"),
    ("refunds", names.ORDER_REFUNDED, "amount"),
    ("product_views", names.PRODUCT_VIEW, "count"),
    ("visitors", names.PAGE_VIEW, "actors"),
    ("shares", names.SHARE_CREATED, "count"),
    ("share_clicks", names.SHARE_CLICKED, "count"),
    ("follows", names.FOLLOWED, "count"),
)


@dataclass(frozen=True)
class Overview:
    since: dt.date
    until: dt.date
    days: list[dict]  # one per day: {"day", **series}; buyers and visitors are that day's distinct people
    totals: dict  # sums over the range, except buyers: distinct over the whole range
    channels: list[dict]  # paid GMV and orders by sales channel, largest first


def overview(*, since: dt.date, until: dt.date, shop_id: int | None = None) -> Overview:
    """GMV, orders, buyers, refunds, views, visitors, shares and follows per day, from the rollups (two
    statements, whatever the traffic), and the buyers distinct over the range (one COUNT DISTINCT over the
    range's paid orders)."""
    shop = PLATFORM if shop_id is None else shop_id
    rows = (DailyRollup.objects.filter(shop_id=shop, day__range=(since, until), channel=ALL_CHANNELS,
                                       name__in={e for _k, e, _f in OVERVIEW_SERIES})
            .values("day", "name").annotate(count=Sum("count"), actors=Sum("actors"), amount=Sum("amount")))
    by_day: dict[dt.date, dict] = {d: {k: 0 for k, _e, _f in OVERVIEW_SERIES} for d in _days(since, until)}
    for row in rows:
        for key, event, column in OVERVIEW_SERIES:
            if row["name"] == event:
                by_day[row["day"]][key] += row[column] or 0
    totals = {k: sum(v[k] for v in by_day.values()) for k, _e, _f in OVERVIEW_SERIES}
    paid = Event.objects.filter(name=names.ORDER_PAID, day__range=(since, until))
    if shop_id is not None:
        paid = paid.filter(shop_id=shop_id)
    totals["buyers"] = paid.aggregate(n=Count("actor", distinct=True))["n"] or 0
    totals["visitors"] = None if shop_id is not None else totals["visitors"]  # a sum of daily distincts
    channels = (DailyRollup.objects.filter(shop_id=shop, day__range=(since, until), name=names.ORDER_PAID)
                .exclude(channel=ALL_CHANNELS).values("channel").annotate(gmv=Sum("amount"), orders=Sum("count")).order_by("-gmv", "channel"))
    return Overview(since=since, until=until, days=[{"day": d, **v} for d, v in sorted(by_day.items())],
                    totals=totals, channels=[dict(c) for c in channels])


# ---------------------------------------------------------------- funnels (raw events)

@dataclass(frozen=True)
class FunnelStep:
    name: str
    actors: int  # people who reached this step (in order, within the window)
    rate_bps: int  # of the first step's people, in basis points


def parse_steps(raw: str | Sequence[str]) -> list[str]:
    steps = [s.strip() for s in (raw.split(",") if isinstance(raw, str) else raw) if str(s).strip()]
    if not 2 <= len(steps) <= MAX_FUNNEL_STEPS:
        raise ValidationFailed(_("A funnel has 2 to %(n)d steps.") % {"n": MAX_FUNNEL_STEPS}, code="invalid_steps",
                               fields={"steps": f"2..{MAX_FUNNEL_STEPS}"})
    unknown = [s for s in steps if s not in names.EVENT_NAMES]
    if unknown:
        raise ValidationFailed(_("Unknown event: %(name)s.") % {"name": unknown[0][:30]}, code="unknown_event",
                               fields={"steps": unknown[0][:30]})
    return steps


def reached(times_by_step: list[list[dt.datetime]], window: dt.timedelta) -> int:
    """How many steps one actor completed in order within `window` of a first step (ClickHouse's
    windowFunnel): for each time the first step happened, follow the earliest later occurrence of each next
    step while it is within the window; the best start wins. Pure, for the golden tests."""
    best = 0
    for start in sorted(times_by_step[0]):
        level, last = 1, start
        for times in times_by_step[1:]:
            nxt = min((t for t in times if t > last and t - start <= window), default=None)
            if nxt is None:
                break
            level, last = level + 1, nxt
        best = max(best, level)
        if best == len(times_by_step):
            break
    return best


def funnel(*, steps: list[str], since: dt.date, until: dt.date, window: dt.timedelta,
           shop_id: int | None = None) -> list[FunnelStep]:
    """People who did the steps in order within `window` of the first, over the days `since` … `until`. For
    a shop, only its events count (views of its products, its orders)."""
    events = Event.objects.filter(name__in=set(steps), day__range=(since, until))
    if shop_id is not None:
        events = events.filter(shop_id=shop_id)
    per_actor: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for actor, name, when in events.values_list("actor", "name", "occurred_at").iterator(chunk_size=5000):
        per_actor[actor][name].append(when)
    counts = [0] * len(steps)
    for by_name in per_actor.values():
        level = reached([by_name.get(s, []) for s in steps], window)
        for i in range(level):
            counts[i] += 1
    first = counts[0]
    return [FunnelStep(name=s, actors=n, rate_bps=n * 10000 // first if first else 0) for s, n in zip(steps, counts,
                                                                                                   strict=True)]


# ---------------------------------------------------------------- cohorts (raw events)

COHORT_KINDS = {"first_purchase": names.ORDER_PAID, "first_seen": None}


@dataclass(frozen=True)
class Cohort:
    week: dt.date  # the Monday of the cohort's first week
    size: int
    active: list[int]  # people of the cohort active in week 0, 1, 2 … (up to `until`)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def cohorts(*, since: dt.date, until: dt.date, by: str = "first_purchase", shop_id: int | None = None) -> list[Cohort]:
    """Weekly retention: people grouped by the week of their first purchase (or first event of any kind),
    when that first falls within `since` … `until`, and how many of them were active (bought again, or did
    anything) in each later week up to `until`. Repurchase retention when by first purchase."""
    if by not in COHORT_KINDS:
        raise ValidationFailed(_("Cohorts are by first_purchase or first_seen."), code="invalid_cohort",
                               fields={"by": str(by)[:20]})
    events = Event.objects.all()
    if COHORT_KINDS[by]:
        events = events.filter(name=COHORT_KINDS[by])
    if shop_id is not None:
        events = events.filter(shop_id=shop_id)
    firsts = dict(events.values("actor").annotate(first=Min("day")).filter(first__range=(since, until))
                  .values_list("actor", "first"))
    active: dict[str, set[dt.date]] = defaultdict(set)
    for actor, day in (events.filter(day__range=(since, until), actor__in=list(firsts)).values_list("actor", "day")
                       .distinct().iterator(chunk_size=5000)):
        active[actor].add(_monday(day))
    last_week = _monday(until)
    groups: dict[dt.date, list[str]] = defaultdict(list)
    for actor, first in firsts.items():
        groups[_monday(first)].append(actor)
    out = []
    for week in sorted(groups):
        members = groups[week]
        span = (last_week - week).days // 7 + 1
        row = [sum(1 for a in members if week + dt.timedelta(weeks=i) in active[a]) for i in range(span)]
        out.append(Cohort(week=week, size=len(members), active=row))
    return out


# ---------------------------------------------------------------- repurchase and sharing

def repurchase(*, since: dt.date, until: dt.date, shop_id: int | None = None) -> dict:
    """Buyers in the range and those who paid for two orders or more (the repurchase rate, bps)."""
    paid = Event.objects.filter(name=names.ORDER_PAID, day__range=(since, until))
    if shop_id is not None:
        paid = paid.filter(shop_id=shop_id)
    per_actor = paid.values("actor").annotate(n=Count("id"))
    buyers = per_actor.count()
    again = per_actor.filter(n__gte=2).count()
    return {"buyers": buyers, "repeat_buyers": again, "rate_bps": again * 10000 // buyers if buyers else 0}


def sharing(*, since: dt.date, until: dt.date) -> dict:
    """The sharing K-factor over the range: K = i × c, where i is the people who opened a share link per
    sharer and c the share of those people who then bought through a shared link (a paid order of channel
    `share`). Self-clicks (a sharer opening their own link) are not recorded (handlers.py)."""
    events = Event.objects.filter(day__range=(since, until))
    sharers = events.filter(name=names.SHARE_CREATED).aggregate(n=Count("actor", distinct=True))["n"] or 0
    clicks = events.filter(name=names.SHARE_CLICKED)
    n_clicks = clicks.count()
    clickers = set(clicks.values_list("actor", flat=True).distinct())
    buyers = set(events.filter(name=names.ORDER_PAID, channel="share", actor__in=list(clickers))
                 .values_list("actor", flat=True).distinct()) if clickers else set()
    i = len(clickers) / sharers if sharers else 0.0
    c = len(buyers) / len(clickers) if clickers else 0.0
    return {"sharers": sharers, "share_clicks": n_clicks, "clickers": len(clickers), "buyers": len(buyers),
            "invites_per_sharer": round(i, 4), "conversion": round(c, 4), "k_factor": round(i * c, 4)}


def event_counts(*, since: dt.date, until: dt.date, shop_id: int | None = None) -> dict[str, int]:
    """Each event's count over the range, from the rollups (what the data centre lists)."""
    rows = (DailyRollup.objects.filter(shop_id=PLATFORM if shop_id is None else shop_id, channel=ALL_CHANNELS,
                                       day__range=(since, until)).values("name").annotate(n=Sum("count")))
    return {r["name"]: r["n"] for r in rows}



# ---------------------------------------------------------------- top shops, RFM, content effect

def top_shops(*, since: dt.date, until: dt.date, limit: int = 10) -> list[dict]:
    """The shops with the most paid GMV over the range (from the rollups), with their names."""
    from quanzi.shops.selectors import shops_by_id

    rows = list(DailyRollup.objects.filter(name=names.ORDER_PAID, channel=ALL_CHANNELS, day__range=(since, until))
                .exclude(shop_id=PLATFORM).values("shop_id").annotate(gmv=Sum("amount"), orders=Sum("count"))
                .order_by("-gmv", "shop_id")[:limit])
    shops = shops_by_id(shop_ids=[r["shop_id"] for r in rows])
    return [{**r, "name": shops[r["shop_id"]].name if r["shop_id"] in shops else f"#{r['shop_id']}"} for r in rows]


RFM_SEGMENTS = (  # (key, label) in the order shown; the rules are `rfm_segment`
    ("champions", "Champions"), ("loyal", "Loyal"), ("promising", "Promising"), ("new", "New"),
    ("at_risk", "At risk"), ("lost", "Lost"), ("others", "Others"),
)


def rfm_segment(*, recency_days: int, orders: int) -> str:
    """A buyer's segment from recency (days since the last paid order, at the range's end) and frequency
    (paid orders in the range): recent and frequent → champions; frequent → loyal, or at risk when they
    stopped; two recent orders → promising; one → new, or lost when it is old."""
    if orders >= 3:
        return "champions" if recency_days <= 14 else "loyal" if recency_days <= 45 else "at_risk"
    if orders == 2:
        return "promising" if recency_days <= 30 else "at_risk"
    if orders == 1:
        return "new" if recency_days <= 14 else "lost" if recency_days > 45 else "others"
    return "others"


def rfm(*, since: dt.date, until: dt.date, shop_id: int | None = None) -> list[dict]:
    """RFM segments of the range's buyers: people, paid orders and GMV per segment (recency at `until`,
    frequency and money over the range). One GROUP BY over the range's paid orders."""
    paid = Event.objects.filter(name=names.ORDER_PAID, day__range=(since, until))
    if shop_id is not None:
        paid = paid.filter(shop_id=shop_id)
    totals: dict[str, dict] = {k: {"segment": k, "people": 0, "orders": 0, "gmv": 0} for k, _l in RFM_SEGMENTS}
    for row in paid.values("actor").annotate(last=Max("day"), n=Count("id"), gmv=Sum("amount")).iterator(
            chunk_size=5000):
        segment = totals[rfm_segment(recency_days=(until - row["last"]).days, orders=row["n"])]
        segment["people"] += 1
        segment["orders"] += row["n"]
        segment["gmv"] += row["gmv"] or 0
    return [totals[k] for k, _l in RFM_SEGMENTS]


def content_effect(*, since: dt.date, until: dt.date, limit: int = 10) -> list[dict]:
    """The notes read most over the range, with their readers, likes and comments (content effect)."""
    from quanzi.content.selectors import note_cards

    rows = (Event.objects.filter(name__in=(names.NOTE_VIEW, names.NOTE_LIKED, names.COMMENTED),
                                 day__range=(since, until), object_type="note")
            .values("object_id", "name").annotate(n=Count("id"), people=Count("actor", distinct=True)))
    per_note: dict[int, dict] = defaultdict(lambda: {"reads": 0, "readers": 0, "likes": 0, "comments": 0})
    for row in rows:
        note = per_note[row["object_id"]]
        if row["name"] == names.NOTE_VIEW:
            note["reads"], note["readers"] = row["n"], row["people"]
        else:
            note["likes" if row["name"] == names.NOTE_LIKED else "comments"] = row["n"]
    best = sorted(per_note.items(), key=lambda kv: (-kv[1]["reads"], -kv[1]["likes"], kv[0]))[:limit]
    cards = note_cards(note_ids=[pk for pk, _v in best])
    return [{"note_id": pk, "title": getattr(cards.get(pk), "title", "") or f"#{pk}", **v} for pk, v in best]


def top_products(*, since: dt.date, until: dt.date, shop_id: int | None = None, limit: int = 10) -> list[dict]:
    """The products with the most paid sales over the range (the paid order lines), with their titles: a
    merchant's sales by product, or the platform's best sellers. Units come from the lines' quantities."""
    from quanzi.catalog.selectors import products_by_ids

    lines = Event.objects.filter(name=names.LINE_PAID, day__range=(since, until))
    if shop_id is not None:
        lines = lines.filter(shop_id=shop_id)
    rows = list(lines.values("object_id").annotate(gmv=Sum("amount"), lines=Count("id"),
                                                   buyers=Count("actor", distinct=True))
                .order_by("-gmv", "object_id")[:limit])
    products = products_by_ids(product_ids=[r["object_id"] for r in rows])
    return [{"product_id": r["object_id"], "gmv": r["gmv"] or 0, "orders": r["lines"], "buyers": r["buyers"],
             "title": products[r["object_id"]].title if r["object_id"] in products else f"#{r['object_id']}"}
            for r in rows]


BENCHMARK_MIN_SHOPS = 5  # k-anonymity: a category is compared only when at least this many shops sold in it


def category_benchmark(*, shop_id: int, since: dt.date, until: dt.date,
                       min_shops: int = BENCHMARK_MIN_SHOPS) -> dict | None:
    """How the shop's sales compare with its category's (the category it sells most in, from the paid
    order lines): the median and upper-quartile GMV of the shops selling in it, and the share of them the
    shop is ahead of. Only aggregates, and only when at least `min_shops` shops sold in the category —
    never another shop's figures, nothing that could single one out. None when there is nothing to say."""
    per_shop: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for shop, props, amount in (Event.objects.filter(name=names.LINE_PAID, day__range=(since, until))
                                .values_list("shop_id", "props", "amount").iterator(chunk_size=5000)):
        category = (props or {}).get("category")
        if shop is not None and isinstance(category, int):
            per_shop[category][shop] += amount
    mine = {category: shops[shop_id] for category, shops in per_shop.items() if shop_id in shops}
    if not mine:
        return None
    category = max(mine, key=lambda c: (mine[c], -c))
    totals = sorted(per_shop[category].values())
    if len(totals) < min_shops:
        return None
    own = per_shop[category][shop_id]
    return {"category_id": category, "shops": len(totals), "median": totals[len(totals) // 2],
            "upper_quartile": totals[(3 * len(totals)) // 4], "mine": own,
            "ahead_of_pct": 100 * sum(1 for t in totals if t < own) // len(totals)}


def top_rooms(*, since: dt.date, until: dt.date, shop_id: int | None = None, limit: int = 10) -> list[dict]:
    """The live rooms watched most over the range: views and distinct viewers (from room page views),
    with their titles."""
    from quanzi.live.selectors import rooms_by_id

    views = Event.objects.filter(name=names.ROOM_VIEW, day__range=(since, until), object_type="room")
    if shop_id is not None:
        views = views.filter(shop_id=shop_id)
    rows = list(views.values("object_id").annotate(views=Count("id"), viewers=Count("actor", distinct=True))
                .order_by("-viewers", "-views", "object_id")[:limit])
    rooms = rooms_by_id(room_ids=[r["object_id"] for r in rows])
    return [{"room_id": r["object_id"], "views": r["views"], "viewers": r["viewers"],
             "title": rooms[r["object_id"]].title if r["object_id"] in rooms else f"#{r['object_id']}",
             "number": rooms[r["object_id"]].number if r["object_id"] in rooms else ""} for r in rows]


# ---------------------------------------------------------------- campaign ROI (rollups + the ledger)

def _campaign_amounts(*, since: dt.date, until: dt.date, shop_id: int | None) -> dict[tuple[str, str], dict]:
    shop = PLATFORM if shop_id is None else shop_id
    rows = (DailyRollup.objects.filter(shop_id=shop, day__range=(since, until), channel__in=names.CampaignType.values,
                                       name__in=(names.CAMPAIGN_SALE, names.CAMPAIGN_DISCOUNT))
            .values("name", "channel").annotate(amount=Sum("amount"), count=Sum("count")))
    return {(r["name"], r["channel"]): r for r in rows}


def _campaign_costs(*, since: dt.date, until: dt.date, shop_id: int | None) -> dict[str, int]:
    """What each campaign type cost beyond its discounts, from the ledger: commissions debited to the
    merchant (`merchant:<shop>:…`) and clicks debited to the shop's ads balance (`shop:<shop>:…`)."""
    from quanzi.ledger.selectors import kind_totals_by_day

    campaign_of_kind = {kind: campaign for campaign, kinds in names.COST_KINDS.items() for kind in kinds}
    costs: dict[str, int] = defaultdict(int)
    for prefix, campaigns in (("merchant:", ("share", "live")), ("shop:", ("ads",))):
        kinds = [k for c in campaigns for k in names.COST_KINDS[c]]
        account_prefix = prefix if shop_id is None else f"{prefix}{shop_id}:"
        for (_day, kind), total in kind_totals_by_day(kinds=kinds, account_prefix=account_prefix,
                                                       since=since, until=until).items():
            costs[campaign_of_kind[kind]] += total
    return costs


def _per_yuan(amount: int, cost: int) -> float | None:
    return round(amount / cost, 2) if cost > 0 else None


def campaign_roi(*, since: dt.date, until: dt.date, shop_id: int | None = None) -> list[dict]:
    """Per campaign type (group buy, flash sale, bargain, live room, shared links, notes, sponsored
    listings): its sales in the range, in the equal period just before, the difference (incremental sales
    against that comparable period — not a holdout), its cost (discounts below list price from the
    rollups, commissions and ad spend from the ledger) and what each ¥1 of cost returned. Rows with nothing
    in either period are left out. Four statements, whatever the traffic."""
    before_until = since - dt.timedelta(days=1)
    before_since = before_until - (until - since)
    now = _campaign_amounts(since=since, until=until, shop_id=shop_id)
    before = _campaign_amounts(since=before_since, until=before_until, shop_id=shop_id)
    paid_costs = _campaign_costs(since=since, until=until, shop_id=shop_id)
    rows = []
    for campaign in names.CampaignType.values:
        sale = now.get((names.CAMPAIGN_SALE, campaign), {})
        sales, orders = sale.get("amount") or 0, sale.get("count") or 0
        previous = (before.get((names.CAMPAIGN_SALE, campaign)) or {}).get("amount") or 0
        discount = (now.get((names.CAMPAIGN_DISCOUNT, campaign)) or {}).get("amount") or 0
        paid = paid_costs.get(campaign, 0)
        if not (sales or previous or discount or paid):
            continue
        cost = discount + paid
        rows.append({"campaign": campaign, "sales": sales, "orders": orders, "previous_sales": previous,
                     "incremental_sales": sales - previous, "discount": discount, "paid_cost": paid, "cost": cost,
                     "return_per_yuan": _per_yuan(sales, cost),
                     "incremental_per_yuan": _per_yuan(sales - previous, cost)})
    return rows


# ---------------------------------------------------------------- interactions (recommendation's training data)

INTERACTION_EVENTS = {names.PRODUCT_VIEW: "view", names.CART_ADDED: "cart", names.LINE_PAID: "order"}


def product_interactions(*, days: int = 180, limit: int = 5_000_000) -> list[tuple[str, int, float, str]]:
    """(actor, product id, epoch seconds, "view" | "cart" | "order" | "share") over the last `days` days, oldest
    first: who did what with which product — the recommenders' training and evaluation data. Pseudonymous
    actors, like every analytics report."""
    since = dates.today() - dt.timedelta(days=days)
    rows = (Event.objects.filter(day__gte=since, name__in=[*INTERACTION_EVENTS, names.SHARE_CREATED])
            .order_by("occurred_at", "id").values_list("actor", "name", "object_id", "occurred_at", "props")[:limit])
    out = []
    for actor, name, object_id, when, props in rows.iterator(chunk_size=5_000):
        if name == names.SHARE_CREATED:
            if (props or {}).get("target") != "product" or not str((props or {}).get("target_id", "")).isdigit():
                continue
            object_id, event = int(props["target_id"]), "share"
        else:
            event = INTERACTION_EVENTS[name]
        if object_id:
            out.append((actor, int(object_id), when.timestamp(), event))
    return out


def recent_products_of_user(*, user_id: int, limit: int = 30, days: int = 60) -> list[tuple[int, str]]:
    """(product id, "view" | "cart" | "order") of the user's latest product interactions, newest first (one
    query on the actor's index): what personalised recommendations start from."""
    from quanzi.analytics.services import actor_of_user

    since = dates.today() - dt.timedelta(days=days)
    rows = (Event.objects.filter(actor=actor_of_user(user_id), day__gte=since, name__in=list(INTERACTION_EVENTS),
                                 object_id__isnull=False)
            .order_by("-occurred_at").values_list("object_id", "name")[:limit])
    return [(int(pk), INTERACTION_EVENTS[name]) for pk, name in rows]
