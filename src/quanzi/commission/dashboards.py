"""The figures the pages and the API both show, built from selectors (no writes, no N+1)."""

from __future__ import annotations

from quanzi.commission import selectors


def distributor(user) -> dict:
    """Everything /me/earnings/ and GET /api/v1/commission/me show for one distributor."""
    from quanzi.sharing.selectors import link_stats

    all_tiers = selectors.tiers()
    tier = selectors.tier_of(user.pk, all_tiers=all_tiers)
    stats = link_stats(user.pk)
    conversion = round(stats["orders"] * 100 / stats["clicks"], 1) if stats["clicks"] else 0.0
    return {
        "balances": selectors.earnings_balances(user.pk),
        "totals": selectors.commission_totals(user.pk),
        "links": stats,
        "conversion_pct": conversion,
        "tier": tier,
        "next_tier": selectors.next_tier_needs(user_id=user.pk, tier=tier, all_tiers=all_tiers),
        "team": selectors.team(user.pk),
        "commissions": selectors.my_commissions(user.pk),
    }


def categories():
    from quanzi.catalog.models import Category

    return list(Category.objects.order_by("id").only("id", "name", "name_en"))
