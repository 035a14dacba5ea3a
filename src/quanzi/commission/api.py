"""Commission API (/api/v1/commission): the distributor's dashboard and commissions, the merchant's
plans and distribution figures, the operator's programme totals. Money in fen, rates in bps.

Another user's commission answers 404; merchant endpoints need a shop (403 `no_shop`); operator
endpoints answer 404 to anyone who is not staff.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Schema

from quanzi.accounts.auth import auth
from quanzi.commission import dashboards, selectors, services
from quanzi.commission.models import Commission
from quanzi.core.errors import Forbidden, NotFound
from quanzi.core.http import cursor_page
from quanzi.shops.selectors import shop_for_owner

router = Router(tags=["commission"])


def tier_out(tier) -> dict | None:
    return None if tier is None else {"rank": tier.rank, "name": tier.display_name(),
                                      "level1_share_bps": tier.level1_share_bps}


def commission_out(c: Commission) -> dict:
    return {"id": c.pk, "order_number": c.order.number,
            "title": c.order_line.title, "level": c.level, "base": c.base, "amount": c.amount, "reversed": c.reversed,
            "kept": c.kept, "status": c.status, "currency": "CNY", "created_at": c.created_at.isoformat(),
            "released_at": c.released_at.isoformat() if c.released_at else None}


class CommissionPage(Schema):
    items: list[dict]
    next_cursor: str | None


@router.get("/me", auth=auth)
def my_dashboard(request):
    """Pending / available / withdrawn, orders brought in, clicks → orders, my tier and the next, my team."""
    d = dashboards.distributor(user=request.auth)
    nxt = d["next_tier"]
    return {
        "balances": d["balances"], "currency": "CNY",
        "orders": d["totals"]["orders"], "by_status": d["totals"]["by_status"],
        "clicks": d["links"]["clicks"], "conversion_pct": d["conversion_pct"],
        "tier": tier_out(d["tier"]),
        "next_tier": None if nxt is None else {**tier_out(nxt["tier"]), "own_needed": nxt["own_needed"],
                                               "own_sales": nxt["own_sales"], "team_counted": nxt["team_counted"],
                                               "team_needed": nxt["team_needed"]},
        "team": [{"uid": m["user"].uid, "nickname": m["user"].display_name, "tier": tier_out(m["tier"])}
                 for m in d["team"]],
    }


@router.get("/me/commissions", response=CommissionPage, auth=auth)
def my_commissions(request, cursor: str | None = None, limit: int = 20):
    rows = Commission.objects.filter(beneficiary_id=request.auth.pk).select_related("order_line", "order")
    items, next_cursor = cursor_page(rows, cursor=cursor, limit=limit)
    return {"items": [commission_out(c) for c in items], "next_cursor": next_cursor}


@router.get("/me/commissions/{commission_id}", auth=auth)
def my_commission(request, commission_id: int):
    c = (Commission.objects.filter(pk=commission_id, beneficiary_id=request.auth.pk)
         .select_related("order_line", "order").first())
    if c is None:
        raise NotFound(_("Commission not found."))
    return commission_out(c)


# ---------------------------------------------------------------- merchant

class PlanIn(Schema):
    rate_bps: int
    product_id: int | None = None
    category_id: int | None = None
    enabled: bool = True


class PlanPatch(Schema):
    rate_bps: int | None = None
    enabled: bool | None = None


def plan_out(plan) -> dict:
    return {"id": plan.pk, "target_type": plan.target_type, "product_id": plan.product_id,
            "category_id": plan.category_id, "rate_bps": plan.rate_bps, "enabled": plan.enabled,
            "updated_at": plan.updated_at.isoformat()}


def _shop(request):
    shop = shop_for_owner(user=request.auth)
    if shop is None:
        raise Forbidden(_("Open a shop first."), code="no_shop")
    return shop


@router.get("/merchant/plans", auth=auth)
def merchant_plans(request):
    return {"items": [plan_out(p) for p in selectors.plans_for_shop(shop_id=_shop(request).pk)]}


@router.post("/merchant/plans", auth=auth)
def merchant_plan_create(request, payload: PlanIn):
    plan = services.plan_create(shop=_shop(request), rate_bps=payload.rate_bps, product_id=payload.product_id,
                                category_id=payload.category_id, enabled=payload.enabled)
    return plan_out(plan)


@router.patch("/merchant/plans/{plan_id}", auth=auth)
def merchant_plan_update(request, plan_id: int, payload: PlanPatch):
    return plan_out(services.plan_update(shop=_shop(request), plan_id=plan_id, rate_bps=payload.rate_bps,
                                         enabled=payload.enabled))


@router.get("/merchant/summary", auth=auth)
def merchant_summary(request):
    """Distribution sales, commission cost and top sharers of my shop."""
    stats = selectors.shop_distribution(shop_id=_shop(request).pk)
    return {"sales": stats["sales"], "orders": stats["orders"], "cost": stats["cost"], "currency": "CNY",
            "top_sharers": [{"nickname": s["sharer__nickname"], "sales": int(s["sales"] or 0), "orders": s["orders"]}
                            for s in stats["top_sharers"]]}


# ---------------------------------------------------------------- operator

@router.get("/ops/summary", auth=auth)
def ops_summary(request):
    if not request.auth.is_staff:
        raise NotFound()
    return {**selectors.programme_totals(), "currency": "CNY"}
