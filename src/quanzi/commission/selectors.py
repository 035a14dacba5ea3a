"""Reads of the commission app: settings with defaults, plans, tiers, dashboards' figures (keyword-only)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, Sum

from quanzi.commission.constants import CommissionStatus
from quanzi.commission.models import Commission, CommissionSettings, DistributionPlan, Tier, UserTier
from quanzi.core import clock

DEFAULT_LEVEL1_SHARE_BPS = 5000  # only when the operator deleted every tier


def commission_settings() -> CommissionSettings:
    """The settings row, or an unsaved row with the defaults when the operator has not saved one."""
    return CommissionSettings.objects.order_by("id").first() or CommissionSettings()


# ---------------------------------------------------------------- plans

def plan_rates(*, shop_id: int, product_ids: set[int], category_ids: set[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Enabled plan rates of one shop: ({product_id: bps}, {category_id: bps}) in one query."""
    by_product: dict[int, int] = {}
    by_category: dict[int, int] = {}
    rows = DistributionPlan.objects.filter(shop_id=shop_id, enabled=True).filter(
        Q(product_id__in=product_ids) | Q(category_id__in=category_ids)).values_list("product_id", "category_id",
                                                                                      "rate_bps")
    for product_id, category_id, rate in rows:
        if product_id:
            by_product[product_id] = rate
        else:
            by_category[category_id] = rate
    return by_product, by_category


def plans_for_shop(*, shop_id: int):
    return DistributionPlan.objects.filter(shop_id=shop_id).select_related("product", "category").order_by("-id")


def plan_for_shop(*, shop_id: int, plan_id: int) -> DistributionPlan | None:
    return DistributionPlan.objects.filter(shop_id=shop_id, pk=plan_id).select_related("product", "category").first()


# ---------------------------------------------------------------- tiers

def tiers() -> list[Tier]:
    return list(Tier.objects.order_by("rank"))


def tier_of(*, user_id: int, all_tiers: list[Tier] | None = None) -> Tier | None:
    """The user's tier: their UserTier row, else the lowest tier (None only when there are no tiers)."""
    held = UserTier.objects.filter(user_id=user_id).select_related("tier").first()
    if held is not None:
        return held.tier
    all_tiers = tiers() if all_tiers is None else all_tiers
    return all_tiers[0] if all_tiers else None


def level1_share_bps(*, user_id: int) -> int:
    tier = tier_of(user_id=user_id)
    return tier.level1_share_bps if tier else DEFAULT_LEVEL1_SHARE_BPS


def level1_shares(*, user_ids) -> dict[int, int]:
    """`level1_share_bps` for many users in two queries (batched accrual)."""
    ids = set(user_ids)
    held = dict(UserTier.objects.filter(user_id__in=ids).values_list("user_id", "tier__level1_share_bps"))
    lowest = Tier.objects.order_by("rank").values_list("level1_share_bps", flat=True).first()
    default = DEFAULT_LEVEL1_SHARE_BPS if lowest is None else lowest
    return {u: held.get(u, default) for u in ids}


def plan_rates_by_shop(*, shop_ids) -> dict[int, tuple[dict[int, int], dict[int, int]]]:
    """`plan_rates` of many shops in one query: {shop_id: ({product_id: bps}, {category_id: bps})}."""
    out: dict[int, tuple[dict[int, int], dict[int, int]]] = {s: ({}, {}) for s in set(shop_ids)}
    rows = DistributionPlan.objects.filter(shop_id__in=list(out), enabled=True).values_list(
        "shop_id", "product_id", "category_id", "rate_bps")
    for shop_id, product_id, category_id, rate in rows:
        if product_id:
            out[shop_id][0][product_id] = rate
        else:
            out[shop_id][1][category_id] = rate
    return out


def own_sales(*, user_ids, since: dt.datetime) -> dict[int, int]:
    """Distribution sales each user brought in as the sharer since `since` (line totals net of refunds,
    voided commissions excluded), in one query; `user_ids=None` means every sharer."""
    rows = (Commission.objects.filter(level=1, created_at__gte=since)
            .exclude(status=CommissionStatus.VOIDED))
    if user_ids is not None:
        rows = rows.filter(sharer_id__in=list(user_ids))
    rows = rows.values("sharer_id").annotate(s=Sum(F("base") - F("base_refunded")))
    return {r["sharer_id"]: int(r["s"] or 0) for r in rows}


def next_tier_needs(*, user_id: int, tier: Tier | None, all_tiers: list[Tier], settings=None) -> dict | None:
    """What the next tier needs and where the user stands (own and, if counted, directs' sales)."""
    settings = settings or commission_settings()
    higher = [t for t in all_tiers if tier is None or t.rank > tier.rank]
    if not higher:
        return None
    nxt = higher[0]
    since = clock.now() - dt.timedelta(days=settings.tier_period_days)
    own = own_sales(user_ids=[user_id], since=since).get(user_id, 0)
    team = team_sales(user_id=user_id, since=since) if settings.team_sales_for_tiers else 0
    return {"tier": nxt, "own_needed": max(0, nxt.min_own_sales - own), "own_sales": own,
            "team_counted": settings.team_sales_for_tiers,
            "team_needed": max(0, nxt.min_team_sales - team) if settings.team_sales_for_tiers else 0,
            "team_sales": team}


def team_sales(*, user_id: int, since: dt.datetime) -> int:
    from quanzi.commission.network import directs_ids

    ids = directs_ids(user_id=user_id)
    return sum(own_sales(user_ids=ids, since=since).values()) if ids else 0


# ---------------------------------------------------------------- distributor

def earnings_balances(*, user_id: int) -> dict[str, int]:
    """Pending / available / withdrawing / withdrawn in fen, shown positive (the wallet's selector)."""
    from quanzi.wallet.selectors import balances as wallet_balances

    return wallet_balances(user_id=user_id)


def commission_totals(*, user_id: int) -> dict[str, int]:
    """The user's commissions by status, and the orders they brought in (as the sharer)."""
    rows = Commission.objects.filter(beneficiary_id=user_id).values("status").annotate(
        s=Sum(F("amount") - F("reversed")), n=Count("id"))
    by_status = {r["status"]: {"amount": int(r["s"] or 0), "count": r["n"]} for r in rows}
    orders = Commission.objects.filter(sharer_id=user_id, level=1).values("order_id").distinct().count()
    return {"by_status": by_status, "orders": orders}


def my_commissions(*, user_id: int, limit: int = 20, before_id: int | None = None) -> list[Commission]:
    rows = Commission.objects.filter(beneficiary_id=user_id).select_related("order_line")
    if before_id:
        rows = rows.filter(pk__lt=before_id)
    return list(rows.order_by("-id")[:limit])


def team(*, user_id: int, limit: int = 50) -> list[dict]:
    """The user's directs with their tier (two queries whatever the team size)."""
    from django.contrib.auth import get_user_model

    from quanzi.commission.network import directs_ids

    ids = directs_ids(user_id=user_id)[:limit]
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
    held = dict(UserTier.objects.filter(user_id__in=ids).values_list("user_id", "tier_id"))
    all_tiers = tiers()
    by_id = {t.pk: t for t in all_tiers}
    lowest = all_tiers[0] if all_tiers else None
    return [{"user": users[i], "tier": by_id.get(held.get(i)) or lowest} for i in ids if i in users]


# ---------------------------------------------------------------- merchant and operator

def shop_distribution(*, shop_id: int, since: dt.datetime | None = None, top: int = 10) -> dict:
    """A merchant's distribution sales (lines sold through shares), commission cost, top sharers."""
    rows = Commission.objects.filter(shop_id=shop_id)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    level1 = rows.filter(level=1).exclude(status=CommissionStatus.VOIDED)
    sales = level1.aggregate(s=Sum(F("base") - F("base_refunded")), n=Count("order_id", distinct=True))
    cost = rows.exclude(status=CommissionStatus.VOIDED).aggregate(s=Sum(F("amount") - F("reversed")))["s"] or 0
    tops = list(level1.values("sharer_id", "sharer__nickname").annotate(
        sales=Sum(F("base") - F("base_refunded")), orders=Count("order_id", distinct=True))
        .order_by("-sales")[:top])
    return {"sales": int(sales["s"] or 0), "orders": sales["n"], "cost": int(cost), "top_sharers": tops}


def programme_totals() -> dict:
    """Operator's view of the whole programme: commission by status, sales, distributors, holds."""
    by_status = {r["status"]: int(r["s"] or 0) for r in Commission.objects.values("status").annotate(
        s=Sum(F("amount") - F("reversed")))}
    level1 = Commission.objects.filter(level=1).exclude(status=CommissionStatus.VOIDED)
    sales = level1.aggregate(s=Sum(F("base") - F("base_refunded")), n=Count("order_id", distinct=True),
                             sharers=Count("sharer_id", distinct=True))
    held = Commission.objects.filter(status=CommissionStatus.HELD).count()
    return {"by_status": by_status, "sales": int(sales["s"] or 0), "orders": sales["n"],
            "sharers": sales["sharers"], "held": held,
            "plans": DistributionPlan.objects.filter(enabled=True).count()}


def held_commissions(*, limit: int = 50) -> list[Commission]:
    return list(Commission.objects.filter(status=CommissionStatus.HELD)
                .select_related("beneficiary", "order").order_by("-id")[:limit])


# ---- public interface used by the operator's to-do list (commission's admin.todo slot entry)

def commission_count_held() -> int:
    """Commissions held by the fraud checks, waiting for the operator's review."""
    return Commission.objects.filter(status=CommissionStatus.HELD).count()


def share_earning_estimate(product, user) -> int | None:
    """What the viewer would earn at level 1 if a friend bought `product` at its lowest price through
    their link (fen), or None when no enabled plan covers it: the plan's rate (capped) of the price,
    times the viewer's tier share — the amount compute_line_commission starts from, before the
    line's margin could cut it."""
    from quanzi.core.money import apply_rate

    price = int(getattr(product, "min_price", 0) or 0)
    if price <= 0:
        return None
    by_product, by_category = plan_rates(shop_id=product.shop_id, product_ids={product.pk},
                                         category_ids={product.category_id})
    rate = by_product.get(product.pk) or by_category.get(product.category_id)
    if not rate:
        return None
    cfg = commission_settings()
    pool = apply_rate(price, min(rate, cfg.cap_bps))
    viewer = user.pk if getattr(user, "is_authenticated", False) else 0  # 0: nobody yet, the lowest tier's share
    share = level1_shares(user_ids=[viewer])[viewer]
    return apply_rate(pool, min(share, 10_000))


# ---- public interface used by trust (holds for a risk case)

def commission_ids_held_for(*, reason: str) -> list[int]:
    """Ids of the commissions held with exactly this hold reason (a trust case's "trust:<number>")."""
    return list(Commission.objects.filter(status=CommissionStatus.HELD, hold_reason=reason)
                .order_by("pk").values_list("pk", flat=True))


def held_amount_for(*, reason_prefix: str) -> int:
    """The kept amount (fen) of the commissions held with a reason starting with `reason_prefix`."""
    row = Commission.objects.filter(status=CommissionStatus.HELD, hold_reason__startswith=reason_prefix).aggregate(
        s=Sum(F("amount") - F("reversed")))
    return int(row["s"] or 0)
