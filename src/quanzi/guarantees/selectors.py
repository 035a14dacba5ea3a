"""Reads of guarantees that pages, slots and the API share."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from quanzi.core.http import cursor_page
from quanzi.guarantees import accounts as acct
from quanzi.guarantees.constants import AWAITING_DECISION, ClaimStatus, DepositStatus, GuaranteeKind
from quanzi.guarantees.models import Claim, ClaimEvent, DepositPayment, Guarantee, ShopDeposit
from quanzi.ledger.selectors import balance
from quanzi.orders.selectors import shop_order_counts

BADGE_ORDER = (GuaranteeKind.COUNTERFEIT, GuaranteeKind.RETURNS_7DAY, GuaranteeKind.SHIP_ON_TIME)
PAID_TABS = ("to_ship", "shipped", "delivered", "completed")


def deposit_balance(*, shop_id: int) -> int:
    """What the shop's deposit holds now (fen, the ledger's sign flipped)."""
    return -balance(code=acct.guarantee_deposit(shop_id))


def shop_guarantees(*, shop_id: int) -> dict:
    """The shop's promises, what its deposit holds and requires, and whether the deposit covers them
    (`live`: only then are they shown to shoppers). Two queries."""
    rows = sorted(Guarantee.objects.filter(shop_id=shop_id), key=lambda g: BADGE_ORDER.index(g.kind))
    held = deposit_balance(shop_id=shop_id) if rows else 0
    required = sum(g.deposit_required for g in rows)
    return {"guarantees": rows, "kinds": [g.kind for g in rows], "deposit": held, "required": required,
            "lacking": max(0, required - held), "live": bool(rows) and held >= required}


def shop_badges(*, shop_id: int) -> list[str]:
    """The guarantees shoppers see on the shop's pages (none while the deposit does not cover them)."""
    info = shop_guarantees(shop_id=shop_id)
    return info["kinds"] if info["live"] else []


def shop_dispute_stats(*, shop) -> dict:
    """Claims against the shop, upheld ones, and the dispute rate: claims per 100 paid orders (basis points
    of orders, shown as a percentage with one decimal)."""
    counts = Claim.objects.filter(shop=shop).aggregate(
        claims=Count("id"), upheld=Count("id", filter=Q(status=ClaimStatus.PAID)))
    orders = sum(v for k, v in shop_order_counts(shop=shop).items() if k in PAID_TABS)
    rate_bps = counts["claims"] * 10_000 // orders if orders else 0
    return {**counts, "orders": orders, "rate_bps": rate_bps, "rate": f"{rate_bps / 100:.1f}%"}


def shop_deposit_account(*, shop) -> dict:
    """The console's deposit card: balance, required, paid in and out, recent payments."""
    info = shop_guarantees(shop_id=shop.pk)
    totals = ShopDeposit.objects.filter(shop=shop).values("paid_in", "paid_out").first() or {"paid_in": 0,
                                                                                           "paid_out": 0}
    payments = list(DepositPayment.objects.filter(shop=shop, status=DepositStatus.PAID)[:10])
    return {**info, **totals, "payments": payments}


def _with_details(qs):
    return qs.select_related("shop", "line", "buyer").prefetch_related(
        "photos", Prefetch("events", queryset=ClaimEvent.objects.order_by("created_at", "id")))


def claims_for_buyer(*, user, cursor: str | None = None, limit: int = 20) -> tuple[list[Claim], str | None]:
    return cursor_page(Claim.objects.filter(buyer=user).select_related("shop", "line"), cursor=cursor, limit=limit)


def claim_for_buyer(*, user, number: str) -> Claim | None:
    return _with_details(Claim.objects.filter(buyer=user, number=str(number)[:24])).first()


def claims_for_shop(*, shop, open_only: bool = False, cursor: str | None = None,
                    limit: int = 20) -> tuple[list[Claim], str | None]:
    qs = Claim.objects.filter(shop=shop)
    if open_only:
        qs = qs.filter(status=ClaimStatus.FILED)
    return cursor_page(_with_details(qs), cursor=cursor, limit=limit)


def claim_for_shop(*, shop, number: str) -> Claim | None:
    return _with_details(Claim.objects.filter(shop=shop, number=str(number)[:24])).first()


def claim_for_operator(*, number: str) -> Claim | None:
    return _with_details(Claim.objects.filter(number=str(number)[:24])).first()


def claims_awaiting_decision(*, limit: int = 50) -> list[Claim]:
    """The operator's queue, oldest first: answered claims and those the merchant let lapse."""
    return list(_with_details(Claim.objects.filter(status__in=AWAITING_DECISION)).order_by("pk")[:limit])


def claim_count_awaiting_decision() -> int:
    return Claim.objects.filter(status__in=AWAITING_DECISION).count()


def claims_on_order(*, user, order_number: str) -> dict[int, list[Claim]]:
    """The buyer's claims on one order, by line id (the order page's panel)."""
    out: dict[int, list[Claim]] = {}
    for c in Claim.objects.filter(buyer=user, order_number=str(order_number)[:20]).order_by("pk"):
        out.setdefault(c.line_id, []).append(c)
    return out
