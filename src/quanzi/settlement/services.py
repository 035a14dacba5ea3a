"""Settlement: order money moves clearing → merchant pending (paid) → merchant available minus
the take rate (settled after the return window) → out (payout). Every step is one idempotent
ledger transaction; running any of them twice changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from quanzi.catalog.selectors import category_take_rates
from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, NotFound, ValidationFailed
from quanzi.core.events import publish
from quanzi.core.money import apply_rate
from quanzi.core.registry import Registry
from quanzi.ledger.selectors import balance
from quanzi.ledger.services import Entry, Post, ledger_post, ledger_post_many
from quanzi.orders.selectors import order_lines_of, order_shop_ids
from quanzi.orders.services import order_lock, order_mark_settled, order_mark_settled_many, orders_lock
from quanzi.settlement import accounts as acct
from quanzi.settlement.constants import PayoutStatus
from quanzi.settlement.events import OrdersSettled
from quanzi.settlement.models import Payout, Settlement, TakeRatePolicy
from quanzi.settlement.states import PAYOUT
from quanzi.shops.selectors import shops_by_id
from quanzi.shops.services import shop_lock

MIN_PAYOUT_DEFAULT = 100


@dataclass(frozen=True)
class SettlementDeduction:
    """A feature that takes part of a merchant's order money before settlement (distribution
    commission, host commission): `many(orders) -> {order_id: fen}` already moved out of merchant
    pending for each order. Settlement subtracts it so the merchant's pending balance for the order
    ends at zero; settlement never imports those features."""

    key: str
    many: Callable[[list], dict[int, int]]  # orders.Order rows → {order_id: fen}


settlement_deductions: Registry[SettlementDeduction] = Registry(
    "settlement.deductions", keyed=True, owner=__name__,
    doc="Money features took out of merchant pending before settlement (commission, host commission).")


def deductions_for(orders: list) -> dict[int, int]:
    out = dict.fromkeys((o.pk for o in orders), 0)
    for deduction in settlement_deductions:
        for order_id, fen in deduction.many(orders).items():
            out[order_id] += int(fen)
    return out


def default_take_rate_bps() -> int:
    policy = TakeRatePolicy.objects.order_by("id").first()
    if policy is None:
        from django.conf import settings

        return settings.QUANZI["DEFAULT_TAKE_RATE_BPS"]
    return policy.default_bps


def take_rate_bps(*, shop, category_id: int, default_bps: int, category_rates: dict[int, int | None]) -> int:
    """Shop override, else category override, else the platform default."""
    if shop.take_rate_bps is not None:
        return shop.take_rate_bps
    rate = category_rates.get(category_id)
    return default_bps if rate is None else rate


def order_fee(order) -> int:
    """Take rate per line of an orders.Order on what the shopper kept (line total − refunds), rounded
    down per line (core.money.apply_rate); shipping carries no take rate."""
    lines = list(order.lines.all())
    rates = category_take_rates(category_ids={ln.category_id for ln in lines})
    return _lines_fee(order.shop, lines, rates, default_take_rate_bps())


def _lines_fee(shop, lines, rates: dict[int, int | None], default: int) -> int:
    return sum(apply_rate(ln.line_total - ln.refunded_amount,
                          take_rate_bps(shop=shop, category_id=ln.category_id, default_bps=default,
                                        category_rates=rates)) for ln in lines)


def on_order_paid(*, order_id: int, shop_id: int, total: int) -> None:
    ledger_post(key=f"order-paid:{order_id}", kind="order.allocate", ref_type="order", ref_id=order_id,
                entries=[Entry(acct.CLEARING, total), Entry(acct.merchant_pending(shop_id), -total)])


def on_order_refunded(*, order_id: int, key: str, amount: int) -> None:
    shop_id = order_shop_ids(order_ids=[order_id])[order_id]
    ledger_post(key=f"order-refund:{key}", kind="order.refund", ref_type="order", ref_id=order_id,
                entries=[Entry(acct.merchant_pending(shop_id), amount), Entry(acct.CLEARING, -amount)])


def on_orders_paid(*, paid: list[tuple[int, int, int]]) -> None:
    """`on_order_paid` for many (order_id, shop_id, total) at once: one `ledger_post_many` (a backfill,
    a replay, the commission bench). Same keys, so mixing both paths books each order once."""
    ledger_post_many(posts=[Post(key=f"order-paid:{order_id}", kind="order.allocate", ref_type="order", ref_id=order_id,
                                 entries=[Entry(acct.CLEARING, total), Entry(acct.merchant_pending(shop_id), -total)])
                            for order_id, shop_id, total in paid])


def on_orders_refunded(*, refunds: list[tuple[int, str, int]]) -> None:
    """`on_order_refunded` for many (order_id, key, amount) at once: one read of the shops, one
    `ledger_post_many`."""
    shops = order_shop_ids(order_ids={r[0] for r in refunds})
    ledger_post_many(posts=[Post(key=f"order-refund:{key}", kind="order.refund", ref_type="order", ref_id=order_id,
                                 entries=[Entry(acct.merchant_pending(shops[order_id]), amount),
                                          Entry(acct.CLEARING, -amount)])
                            for order_id, key, amount in refunds])


@transaction.atomic
def order_settle(*, order_id: int) -> Settlement | None:
    """Move a finished order's money to the merchant's available balance, minus the take rate."""
    order = order_lock(order_id=order_id, with_shop=True)
    existing = Settlement.objects.filter(order_id=order_id).first()
    if existing is not None:
        return existing
    gross = order.total - order.refunded_total
    fee = min(order_fee(order), gross)
    deducted = deductions_for([order])[order.pk]  # e.g. commission, already out of merchant pending
    net = gross - fee - deducted
    ledger_post(key=f"order-settle:{order.pk}", kind="order.settle", ref_type="order", ref_id=order.pk,
                entries=[Entry(acct.merchant_pending(order.shop_id), gross - deducted),
                         Entry(acct.merchant_available(order.shop_id), -net),
                         Entry(acct.TAKE_RATE_REVENUE, -fee)])
    order_mark_settled(order_id=order.pk)
    settlement = Settlement.objects.create(order_id=order.pk, shop=order.shop, gross=gross, fee=fee,
                                           deducted=deducted, net=net)
    publish(OrdersSettled(order_ids=[order.pk]))
    return settlement


@transaction.atomic
def orders_settle(*, order_ids) -> list[Settlement]:
    """`order_settle` for many finished orders in a constant number of queries; returns the new settlements.

    Each order is settled exactly as `order_settle` would (same amounts, same ledger transaction, same key,
    the order marked settled with its timeline entry, one Settlement row); orders already settled are
    skipped, so running it twice, or beside `order_settle`, settles each order once (the order rows are
    locked, in id order, as `order_settle` locks them). What differs: the take rates, the deductions
    (`settlement_deductions`) and the lines are read once, the money is booked with
    one `ledger_post_many`, and one OrdersSettled event names the whole batch — a per-order event would
    cost each subscriber a round of queries per order, which is what the batch is for."""
    orders = orders_lock(order_ids=order_ids)
    done = set(Settlement.objects.filter(order_id__in=[o.pk for o in orders]).values_list("order_id", flat=True))
    orders = [o for o in orders if o.pk not in done]
    if not orders:
        return []
    shops = shops_by_id(shop_ids={o.shop_id for o in orders})
    lines: dict[int, list] = {o.pk: [] for o in orders}
    for ln in order_lines_of(order_ids=list(lines)):
        lines[ln.order_id].append(ln)
    rates = category_take_rates(category_ids={ln.category_id for ls in lines.values() for ln in ls})
    default = default_take_rate_bps()
    deductions = deductions_for(orders)
    settlements, posts = [], []
    for order in orders:
        gross = order.total - order.refunded_total
        fee = min(_lines_fee(shops[order.shop_id], lines[order.pk], rates, default), gross)
        deducted = deductions[order.pk]
        net = gross - fee - deducted
        posts.append(Post(key=f"order-settle:{order.pk}", kind="order.settle", ref_type="order", ref_id=order.pk,
                          entries=[Entry(acct.merchant_pending(order.shop_id), gross - deducted),
                                   Entry(acct.merchant_available(order.shop_id), -net),
                                   Entry(acct.TAKE_RATE_REVENUE, -fee)]))
        settlements.append(Settlement(order_id=order.pk, shop_id=order.shop_id, gross=gross, fee=fee,
                                      deducted=deducted, net=net))
    ledger_post_many(posts=posts)
    order_mark_settled_many(order_ids=[o.pk for o in orders if o.settled_at is None])
    Settlement.objects.bulk_create(settlements)
    publish(OrdersSettled(order_ids=[o.pk for o in orders]))
    return settlements


def merchant_balances(*, shop_id: int) -> dict[str, int]:
    """Pending (paid, not yet settled), available, held for payouts, and paid out — in fen."""
    from django.db.models import Sum

    paid_out = Payout.objects.filter(shop_id=shop_id, status=PayoutStatus.PAID).aggregate(s=Sum("amount"))["s"] or 0
    return {"pending": -balance(code=acct.merchant_pending(shop_id)),
            "available": -balance(code=acct.merchant_available(shop_id)),
            "payout_in_progress": -balance(code=acct.merchant_payout_hold(shop_id)),
            "paid_out": paid_out}


@transaction.atomic
def payout_request(*, shop, amount: int, bank_account: str) -> Payout:
    from django.conf import settings

    minimum = settings.QUANZI.get("MIN_PAYOUT", MIN_PAYOUT_DEFAULT)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < minimum:
        raise ValidationFailed(_("The minimum payout is %(m)s.") % {"m": f"¥{minimum / 100:.2f}"},
                               code="payout_below_minimum", fields={"amount": f"min {minimum}"})
    if not (bank_account or "").strip() or len(bank_account) > 60:
        raise ValidationFailed(_("Enter the bank account."), fields={"bank_account": "required"})
    shop_lock(shop_id=shop.pk)  # one payout request at a time per shop
    available = -balance(code=acct.merchant_available(shop.pk))
    if amount > available:
        raise BusinessRuleViolation(_("You can withdraw at most %(a)s.") % {"a": f"¥{available / 100:.2f}"},
                                    code="insufficient_balance", fields={"amount": f"max {available}"})
    payout = Payout.objects.create(shop=shop, amount=amount, bank_account=bank_account.strip())
    ledger_post(key=f"payout-hold:{payout.number}", kind="payout.hold", ref_type="payout", ref_id=payout.number,
                entries=[Entry(acct.merchant_available(shop.pk), amount),
                         Entry(acct.merchant_payout_hold(shop.pk), -amount)])
    return payout


def _lock_payout(payout_id: int) -> Payout:
    payout = Payout.objects.select_for_update().filter(pk=payout_id).first()
    if payout is None:
        raise NotFound(_("Payout not found."))
    return payout


@transaction.atomic
def payout_approve_and_pay(*, payout_id: int, note: str = "") -> Payout:
    """The operator approves; the bank transfer (sandbox) is sent and the money leaves the books."""
    payout = _lock_payout(payout_id)
    PAYOUT.check(payout.status, PayoutStatus.PAID)
    now = clock.now()
    payout.status, payout.decided_at, payout.paid_at, payout.note = PayoutStatus.PAID, now, now, note[:200]
    payout.save(update_fields=["status", "decided_at", "paid_at", "note"])
    ledger_post(key=f"payout-paid:{payout.number}", kind="payout.paid", ref_type="payout", ref_id=payout.number,
                entries=[Entry(acct.merchant_payout_hold(payout.shop_id), payout.amount),
                         Entry(acct.PAYOUT_CASH, -payout.amount)])
    return payout


@transaction.atomic
def payout_reject(*, payout_id: int, note: str) -> Payout:
    if not (note or "").strip():
        raise ValidationFailed(_("Give a reason."), fields={"note": "required"})
    payout = _lock_payout(payout_id)
    PAYOUT.check(payout.status, PayoutStatus.REJECTED)
    payout.status, payout.decided_at, payout.note = PayoutStatus.REJECTED, clock.now(), note[:200]
    payout.save(update_fields=["status", "decided_at", "note"])
    ledger_post(key=f"payout-return:{payout.number}", kind="payout.return", ref_type="payout", ref_id=payout.number,
                entries=[Entry(acct.merchant_payout_hold(payout.shop_id), payout.amount),
                         Entry(acct.merchant_available(payout.shop_id), -payout.amount)])
    return payout
