"""Demo data of group buying (拼团, issue 5; quanzi.core.seeding), on top of the shop seed.

Three campaigns, made through the groupbuy services at past moments of the clock (groups opened,
joined and paid like a shopper would, with the sandbox's signed payment notifications; the deadline
sweep run at the moment it would have run):

* **Apples, groups of 3** (leader ¥3 off): a group that succeeded four days ago — 小圈 (the demo
  shopper) joined it; the three held orders were released together when the third payment landed,
  and shipped — and a group 小圈 opened six days ago that failed at its 24-hour deadline: she and
  the member who paid were refunded in full (closed orders with a refund in her order list).
* **Daily nuts, groups of 2**: an open group started two hours ago by another shopper, with one spot
  left, so 小圈 can join it from the browser (/g/<number>/) and see both orders released.
* **A short fill window (3 minutes), groups of 2**: nobody has opened a group yet. A new user opens
  one from the product page and, with `make demo` running the sweeps every 5 s, watches it fail and
  the payment come back three minutes later.

Re-arm (`rearm_groupbuy`, quanzi.demo.rearm): an open group of the "open" campaign that 小圈 can join
must always be there. Whenever none is (it filled, failed at its deadline, or is about to), a seeded
shopper opens a new one and pays; when the campaign itself can no longer host it (ended, ending
within a day, its units nearly gone, or 小圈 at its per-person limit), it is ended and a fresh campaign
of the same product and terms takes over.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanzi.core.seeding import DemoSeeder
from quanzi.core.translated_columns import write_translation

H, D, MINUTE = dt.timedelta(hours=1), dt.timedelta(days=1), dt.timedelta(minutes=1)
SHORT_FILL_SECONDS = 180
# (product keys to try in order, group size, fill window in seconds, leader discount in fen)
CAMPAIGNS = {
    "history": (["apples", "nuts", "steak", "cable"], 3, 24 * 3600, 300),
    "open": (["nuts", "coldbrew", "socks", "cable"], 2, 48 * 3600, 0),
    "short": (["eggs", "oats", "chili", "candle", "socks", "cable", "mouse"], 2, SHORT_FILL_SECONDS, 0),
}
OPEN_LIMIT = 10  # units per person in the "open" campaign: 小圈 can join a re-armed group again and again
REARM_MARGIN = dt.timedelta(hours=1)  # a group closing sooner than this is not offered any more
GROUP_PRICE_PERCENT = 75  # the group price: 75 % of the list price, rounded down to whole yuan
POOL_UNITS = 20  # units set aside per SKU (never more than half of what the SKU has)


def groupbuy_present(ctx) -> bool:
    from quanzi.groupbuy.models import GroupCampaign

    return GroupCampaign.objects.exists()


def seed_groupbuy(ctx) -> dict[str, Any] | None:
    return GroupBuySeeder(ctx).run()


class GroupBuySeeder:
    def __init__(self, ctx):
        self.ctx = ctx
        self.counts: dict[str, Any] = {}

    def run(self) -> dict[str, Any] | None:
        from quanzi.accounts.selectors import users_with_address
        from quanzi.shops.selectors import shop_owner_ids

        self.demo = self.ctx.demo_shopper()
        if self.demo is None:
            return None
        self.shoppers = users_with_address(exclude_ids={self.demo.pk, *shop_owner_ids()}, without_email=True,
                                           newest_first=True, limit=4)
        self.products = {k: v[0] for k, v in self.ctx.products_on_sale().items() if not v[1]["scarcity"]}
        if len(self.shoppers) < 4:
            return None
        used: set[int] = set()
        campaigns = {}
        for name, (keys, size, fill, leader_discount) in CAMPAIGNS.items():
            campaign = self.campaign(keys, size, fill, leader_discount, used, name)
            if campaign is not None:
                campaigns[name] = campaign
                used.add(campaign.product_id)
        if "history" in campaigns:
            self.failed_group(campaigns["history"])
            self.succeeded_group(campaigns["history"])
        if "open" in campaigns:
            self.open_group(campaigns["open"])
        self.ctx.flush_refunds()
        self.counts["campaigns"] = len(campaigns)
        self.ctx.log(f"  group buying: {self.counts}")
        return self.counts

    # ------------------------------------------------------------ campaigns (the merchant)
    def campaign(self, keys, size: int, fill: int, leader_discount: int, used: set[int], name: str):
        from quanzi.groupbuy.services import campaign_activate, campaign_create

        ago = self.ctx.ago
        start = {"history": ago(days=7), "open": ago(days=1), "short": ago(hours=1)}[name]
        ends = self.ctx.t0 + {"history": 14 * D, "open": 10 * D, "short": 30 * D}[name]
        for key in keys:
            product = self.products.get(key)
            if product is None or product.pk in used:
                continue
            skus = [s for s in product.skus.filter(is_active=True).order_by("pk") if s.stock >= 10]
            if not skus:
                continue
            rows = [{"sku_id": s.pk, "stock": min(POOL_UNITS, s.stock // 2),
                     "group_price": max(100, s.price * GROUP_PRICE_PERCENT // 100 // 100 * 100)} for s in skus]
            rows = [r for r in rows if r["group_price"] > leader_discount]
            if not rows:
                continue
            with self.ctx.at(start):
                title, title_en = product.title_zh_hans, product.title_en
                if fill < 3600:
                    title = f"{title} · {fill // 60} 分钟成团"
                    title_en = self.ctx.data_en.GROUPBUY_TITLES["{title} · {n} 分钟成团"].format(title=title_en, n=fill // 60)
                campaign = campaign_create(shop=product.shop, product_id=product.pk, skus=rows, group_size=size,
                                           starts_at=start, ends_at=ends, fill_seconds=fill,
                                           per_user_limit=OPEN_LIMIT if name == "open" else 1,
                                           leader_discount=leader_discount, title=title[:120])
                write_translation(campaign, "en", title=title_en[:120])
                campaign_activate(campaign_id=campaign.pk, shop=product.shop)
            self.counts[f"campaign_{name}"] = key
            return campaign
        return None

    # ------------------------------------------------------------ groups (shoppers)
    def sku_id(self, campaign, index: int = 0) -> int:
        rows = list(campaign.skus.order_by("sku_id").values_list("sku_id", flat=True))
        return rows[index % len(rows)]

    def address_id(self, user) -> int:
        return user.addresses.order_by("-is_default", "pk").values_list("pk", flat=True).first()

    def open(self, user, campaign, when: dt.datetime, index: int = 0):
        from quanzi.groupbuy.services import group_open

        with self.ctx.at(when):
            return group_open(user=user, campaign_id=campaign.pk, sku_id=self.sku_id(campaign, index),
                              address_id=self.address_id(user))

    def join(self, user, group, when: dt.datetime, index: int = 0):
        from quanzi.groupbuy.services import group_join

        with self.ctx.at(when):
            return group_join(user=user, number=group.number, sku_id=self.sku_id(group.campaign, index),
                              address_id=self.address_id(user))

    def failed_group(self, campaign) -> None:
        """小圈 opened a group six days ago; one friend paid; the 24 h deadline passed one short."""
        from quanzi.groupbuy.tasks import groupbuy_expire

        opened = self.ctx.ago(days=6)
        group, _order, payment = self.open(self.demo, campaign, opened, index=1)
        self.ctx.pay(payment, opened + 3 * MINUTE)
        _g, _o, payment = self.join(self.shoppers[3], group, opened + 2 * H)
        self.ctx.pay(payment, opened + 2 * H + 4 * MINUTE)
        with self.ctx.at(group.deadline + MINUTE):  # the sweep, the minute after the deadline
            groupbuy_expire()
            self.ctx.flush_refunds()
        group.refresh_from_db()
        self.counts["failed_group"] = group.number

    def succeeded_group(self, campaign) -> None:
        """Four days ago: a leader and 小圈 paid, the third member's payment filled the group and
        released all three orders at once; the merchant shipped them."""
        from quanzi.orders.selectors import order_get

        opened = self.ctx.ago(days=4)
        group, _order, payment = self.open(self.shoppers[0], campaign, opened)
        self.ctx.pay(payment, opened + 2 * MINUTE)
        _g, _o, payment = self.join(self.demo, group, opened + 1 * H)
        self.ctx.pay(payment, opened + 1 * H + 3 * MINUTE)
        _g, _o, payment = self.join(self.shoppers[1], group, opened + 3 * H, index=1)
        filled = opened + 3 * H + 5 * MINUTE
        self.ctx.pay(payment, filled)
        group.refresh_from_db()
        for member in group.members.order_by("pk"):
            order = order_get(order_id=member.order_id)
            self.ctx.fulfil(order, "delivered" if member.user_id == self.demo.pk else "shipped", filled)
        self.counts["succeeded_group"] = group.number

    def open_group(self, campaign) -> None:
        """Two hours ago another shopper opened a group of 2 and paid: one spot left for 小圈."""
        opened = self.ctx.ago(hours=2)
        group, _order, payment = self.open(self.shoppers[2], campaign, opened)
        self.ctx.pay(payment, opened + 4 * MINUTE)
        self.counts["open_group"] = group.number


# ---------------------------------------------------------------- re-arm

def _held(user, campaign) -> int:
    from django.db.models import Sum

    from quanzi.groupbuy.models import GroupMember
    from quanzi.groupbuy.states import HOLDING_A_SPOT

    return GroupMember.objects.filter(group__campaign=campaign, user=user, status__in=HOLDING_A_SPOT) \
        .aggregate(n=Sum("quantity"))["n"] or 0


def _units_left(campaign) -> int:
    from quanzi.catalog.selectors import pool_units

    return pool_units(pools=[campaign.stock_pool])[campaign.stock_pool]


def _joinable(campaigns, demo, now):
    """An open group of a running campaign, not closing within the margin, with a spot 小圈 may take."""
    from django.db.models import F

    from quanzi.groupbuy.models import Group, GroupCampaign, GroupStatus

    groups = Group.objects.filter(campaign__in=campaigns, status=GroupStatus.OPEN, deadline__gt=now + REARM_MARGIN,
                                  joined_count__lt=F("size")).filter(GroupCampaign.running_q(now, prefix="campaign__")) \
        .exclude(members__user=demo).select_related("campaign").order_by("-pk")
    return next((g for g in groups if _held(demo, g.campaign) < g.campaign.per_user_limit
                 and _units_left(g.campaign) > 0), None)


def _can_host(campaign, demo, now) -> bool:
    return (campaign.is_running(now) and campaign.ends_at - now >= D and _units_left(campaign) >= campaign.group_size
            and _held(demo, campaign) < campaign.per_user_limit)


def _renew(campaign, now):
    """End `campaign` (if still active) and start a fresh one of the same product and terms."""
    from quanzi.groupbuy.constants import CampaignStatus
    from quanzi.groupbuy.services import campaign_activate, campaign_create, campaign_end

    if campaign.status == CampaignStatus.ACTIVE:
        campaign_end(campaign_id=campaign.pk, shop=campaign.shop)
    rows = [{"sku_id": row.sku_id, "group_price": row.group_price, "stock": min(POOL_UNITS, row.sku.stock // 2)}
            for row in campaign.skus.select_related("sku").order_by("sku_id") if row.sku.is_active]
    rows = [r for r in rows if r["stock"] > 0]
    if not rows:
        return None
    fresh = campaign_create(shop=campaign.shop, product_id=campaign.product_id, skus=rows,
                            group_size=campaign.group_size, starts_at=now, ends_at=now + 10 * D,
                            fill_seconds=campaign.fill_seconds, per_user_limit=max(campaign.per_user_limit, OPEN_LIMIT),
                            leader_discount=campaign.leader_discount, title=campaign.title)
    return campaign_activate(campaign_id=fresh.pk, shop=campaign.shop)


def rearm_groupbuy(ctx) -> dict[str, Any]:
    """An open group 小圈 can join, always (see the module's doc)."""
    from quanzi.core import clock
    from quanzi.groupbuy.models import GroupCampaign

    _keys, size, fill, _discount = CAMPAIGNS["open"]
    demo, people = ctx.demo_shopper(), ctx.demo_people()
    lineage = GroupCampaign.objects.filter(shop_id__in=ctx.demo_shop_ids(), group_size=size, fill_seconds=fill)
    latest = lineage.select_related("shop").order_by("-pk").first()
    if latest is None or demo is None or not people:  # the group-buy demo was never seeded
        return {}
    now = clock.now()
    if _joinable(lineage, demo, now) is not None:
        return {}
    made: dict[str, Any] = {}
    campaign = latest
    if not _can_host(latest, demo, now):
        campaign = _renew(latest, now)
        if campaign is None:
            return {}
        made["campaign"] = campaign.pk
    leader = next((p for p in people if _held(p, campaign) < campaign.per_user_limit), None)
    if leader is None:
        return made
    seeder = GroupBuySeeder(ctx)
    opened = now - 10 * MINUTE
    group, _order, payment = seeder.open(leader, campaign, opened)
    ctx.pay(payment, opened + 2 * MINUTE)
    made["open_group"] = group.number
    return made


seeder = DemoSeeder(key="groupbuy", run=seed_groupbuy, present=groupbuy_present, rearm=rearm_groupbuy)
