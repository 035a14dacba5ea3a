"""The figures the pages and the API both show, built from selectors (no writes, no N+1)."""

from __future__ import annotations

from quanzi.commission import selectors


def distributor(*, user) -> dict:
    """Everything /me/earnings/ and GET /api/v1/commission/me show for one distributor."""
    from quanzi.sharing.selectors import link_stats

    all_tiers = selectors.tiers()
    tier = selectors.tier_of(user_id=user.pk, all_tiers=all_tiers)
    stats = link_stats(user_id=user.pk)
    conversion = round(stats["orders"] * 100 / stats["clicks"], 1) if stats["clicks"] else 0.0
    return {
        "balances": selectors.earnings_balances(user_id=user.pk),
        "totals": selectors.commission_totals(user_id=user.pk),
        "links": stats,
        "conversion_pct": conversion,
        "tier": tier,
        "next_tier": selectors.next_tier_needs(user_id=user.pk, tier=tier, all_tiers=all_tiers),
        "team": selectors.team(user_id=user.pk),
        "commissions": selectors.my_commissions(user_id=user.pk),
    }


def categories():
    """Every category (children too), for the plan form's category picker."""
    from quanzi.catalog.selectors import category_list

    return sorted(category_list(top_level_only=False), key=lambda c: c.pk)
