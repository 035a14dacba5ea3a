"""Commission use cases: settings and plans, the computation, and the lifecycle in the ledger.

Lifecycle (docs/distribution.md):
- `order.paid` → `commission_accrue_order`: one `Commission` per paid, attributed line and level;
  `commission.accrue` moves the amount from the merchant's pending balance to the beneficiary's
  earnings_pending. Risk signals may hold it (status held) — the money stays in earnings_pending.
- `order.refunded` → `commission_reverse_for_refund`: the kept commission shrinks in proportion to
  what the shopper kept of the line; only the difference is posted (`commission.reverse`).
- `order.settled` → `commission_release_order`: pending (not held) commissions move from
  earnings_pending to the wallet (`commission.release`), once.
- the operator releases or voids held commissions (`commission_release`, `commission_void`).

Nothing here is paid for a signup, an invitation or a tier: the only entry point that creates money
for a user is a paid order line with a share attribution.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils.translation import gettext as _

from quanzi.catalog import selectors as catalog
from quanzi.commission import selectors
from quanzi.commission.constants import MAX_CAP_BPS, MAX_LEVELS, CommissionStatus, HoldAction
from quanzi.commission.events import CommissionReleased
from quanzi.commission.models import Commission, CommissionHoldLog, CommissionSettings, DistributionPlan
from quanzi.commission.network import upline_chain, upline_chains
from quanzi.commission.states import COMMISSION
from quanzi.core import clock
from quanzi.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from quanzi.core.events import publish
from quanzi.core.money import BPS_DENOMINATOR, apply_rate
from quanzi.ledger.services import Entry, Post, ledger_post, ledger_post_many
from quanzi.orders import selectors as order_selectors
from quanzi.orders.services import order_lock
from quanzi.settlement import accounts as macct
from quanzi.wallet import accounts as wacct

# ---------------------------------------------------------------- settings

def settings_validate(s: CommissionSettings) -> None:
    """The legal limits of the settings: depth ≤ 3, the cap never above 30 %, shares within the pool."""
    if s.levels > MAX_LEVELS:
        raise ValidationFailed(_("At most %(n)d commission levels are allowed.") % {"n": MAX_LEVELS},
                               code="depth_above_cap", fields={"levels": f"max {MAX_LEVELS}"})
    if s.levels < 1:
        raise ValidationFailed(_("At least one level (the sharer)."), fields={"levels": "min 1"})
    if not 1 <= s.cap_bps <= MAX_CAP_BPS:
        raise ValidationFailed(_("The cap is between 0.01 %% and %(m)s %%.") % {"m": MAX_CAP_BPS // 100},
                               code="cap_above_limit", fields={"cap_bps": f"1..{MAX_CAP_BPS}"})
    for name in ("level2_share_bps", "level3_share_bps"):
        if not 0 <= getattr(s, name) <= BPS_DENOMINATOR:
            raise ValidationFailed(_("A share of the pool is between 0 and 10000 bps."),
                                   code="rate_out_of_range", fields={name: f"0..{BPS_DENOMINATOR}"})
    if s.tier_period_days < 1 or s.fraud_window_hours < 1:
        raise ValidationFailed(_("Periods are at least 1."), fields={"tier_period_days": "min 1"})


SETTINGS_FIELDS = ("levels", "level2_share_bps", "level3_share_bps", "cap_bps", "self_purchase_rebate",
                   "team_sales_for_tiers", "tier_period_days", "fraud_window_hours", "max_orders_per_device",
                   "max_orders_per_ip", "max_orders_per_address", "max_orders_per_payer", "quick_refund_minutes",
                   "max_quick_refunds", "new_account_hours", "max_new_account_buyers")


@transaction.atomic
def settings_update(*, data: dict) -> CommissionSettings:
    """Change the programme settings (operator). Unknown keys are refused; the row is created once."""
    unknown = set(data) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown setting."), fields={k: "unknown" for k in sorted(unknown)})
    current = CommissionSettings.objects.select_for_update().order_by("id").first() or CommissionSettings()
    for key, value in data.items():
        setattr(current, key, value)
    settings_validate(current)
    current.save()
    return current


# ---------------------------------------------------------------- plans

def _check_rate(rate_bps) -> int:
    cap = selectors.commission_settings().cap_bps
    if isinstance(rate_bps, bool) or not isinstance(rate_bps, int) or not 1 <= rate_bps <= cap:
        raise ValidationFailed(_("The rate is between 1 and %(cap)d basis points.") % {"cap": cap},
                               code="rate_out_of_range", fields={"rate_bps": f"1..{cap}"})
    return rate_bps


@transaction.atomic
def plan_create(*, shop, rate_bps: int, product_id: int | None = None, category_id: int | None = None,
                enabled: bool = True) -> DistributionPlan:
    """Opt one of the shop's products, or a category of its products, into distribution."""
    _check_rate(rate_bps)
    if bool(product_id) == bool(category_id):
        raise ValidationFailed(_("Choose a product or a category."), code="plan_target_required",
                               fields={"product_id": "one of product_id, category_id"})
    if product_id and not catalog.product_in_shop(product_id=product_id, shop_id=shop.pk):
        raise NotFound(_("Product not found."), fields={"product_id": "unknown"})
    if category_id and not catalog.category_exists(category_id=category_id):
        raise NotFound(_("Category not found."), fields={"category_id": "unknown"})
    existing = DistributionPlan.objects.filter(shop_id=shop.pk, product_id=product_id or None,
                                               category_id=category_id or None)
    if existing.exists():
        raise Conflict(_("There is already a plan for this; edit it instead."), code="plan_exists")
    now = clock.now()
    plan = DistributionPlan.objects.create(shop_id=shop.pk, product_id=product_id or None,
                                           category_id=category_id or None, rate_bps=rate_bps, enabled=enabled,
                                           created_at=now, updated_at=now)
    _show_on_product_page(plan)
    return plan


def _show_on_product_page(plan: DistributionPlan) -> None:
    """The product page's share button says what sharing earns: drop its cached copy (a category plan's
    products catch up within the cache's 15 seconds)."""
    if plan.product_id:
        from quanzi.web import page_cache

        product_id = plan.product_id
        transaction.on_commit(lambda: page_cache.forget(product_id))


@transaction.atomic
def plan_update(*, shop, plan_id: int, rate_bps: int | None = None, enabled: bool | None = None) -> DistributionPlan:
    """Change a plan's rate or switch it on/off. Another shop's plan → 404. Applies to orders paid later."""
    plan = DistributionPlan.objects.select_for_update().filter(pk=plan_id, shop_id=shop.pk).first()
    if plan is None:
        raise NotFound(_("Plan not found."))
    if rate_bps is not None:
        plan.rate_bps = _check_rate(rate_bps)
    if enabled is not None:
        plan.enabled = bool(enabled)
    plan.updated_at = clock.now()
    plan.save(update_fields=["rate_bps", "enabled", "updated_at"])
    _show_on_product_page(plan)
    return plan


# ---------------------------------------------------------------- the computation (pure)

@dataclass(frozen=True)
class Share:
    level: int
    beneficiary_id: int
    share_bps: int
    amount: int


def compute_line_commission(*, base: int, rate_bps: int, fee: int, sharer_id: int, upline_ids: list[int],
                            level1_share_bps: int, level_shares: dict[int, int], levels: int,
                            cap_bps: int) -> list[Share]:
    """Commission of one line, level by level (pure; the hypothesis test drives it directly).

    pool = base × plan rate; level 1 = pool × the sharer's tier share; level n (n ≥ 2) = pool × the
    level-n share, paid to the (n−1)-th upline. The total never exceeds the pool, the cap
    (base × cap bps) or the line's margin after the take rate (base − fee); any excess is cut from the
    deepest level first. Levels beyond `levels` (itself ≤ 3) are never paid.
    """
    if levels > MAX_LEVELS:
        raise ValidationFailed(_("At most %(n)d commission levels are allowed.") % {"n": MAX_LEVELS},
                               code="depth_above_cap", fields={"levels": f"max {MAX_LEVELS}"})
    cap_bps = min(cap_bps, MAX_CAP_BPS)
    if base <= 0:
        return []
    pool = apply_rate(base, min(rate_bps, cap_bps))
    beneficiaries = [sharer_id, *upline_ids[:max(0, levels - 1)]]
    shares = [level1_share_bps] + [level_shares.get(n, 0) for n in range(2, len(beneficiaries) + 1)]
    amounts = [apply_rate(pool, min(bps, BPS_DENOMINATOR)) for bps in shares]
    limit = max(0, min(pool, apply_rate(base, cap_bps), base - fee))
    excess = sum(amounts) - limit
    for i in range(len(amounts) - 1, -1, -1):
        if excess <= 0:
            break
        cut = min(excess, amounts[i])
        amounts[i] -= cut
        excess -= cut
    return [Share(level=i + 1, beneficiary_id=b, share_bps=shares[i], amount=amounts[i])
            for i, b in enumerate(beneficiaries)]


def reversal_target(*, amount: int, line_total: int, refunded_amount: int) -> int:
    """How much of a commission is taken back once `refunded_amount` of the line is refunded: rounded up,
    so the beneficiary never keeps more than the kept share of the sale earns."""
    if line_total <= 0 or refunded_amount >= line_total:
        return amount
    return min(amount, -(-amount * refunded_amount // line_total)) if refunded_amount > 0 else 0  # exact ceil


# ---------------------------------------------------------------- accrual

def address_hash(address: dict) -> str:
    keys = ("phone", "province", "city", "district", "detail")
    norm = json.dumps([str((address or {}).get(k, "")).strip().lower().replace(" ", "") for k in keys])
    return hashlib.sha256(norm.encode()).hexdigest()[:16]


@transaction.atomic
def commission_accrue_order(*, order_id: int) -> list[Commission]:
    """Compute and book the commissions of a paid order (idempotent: lines already done are skipped).
    The `order.paid` handler's entry point: the batch path with one order, so both always agree."""
    return commission_accrue_orders(order_ids=[order_id])


@transaction.atomic
def commission_accrue_orders(*, order_ids) -> list[Commission]:
    """Accrue the commissions of many paid orders at once (a backfill, a recompute, the bench).

    The result is exactly what one `commission_accrue_order` per order, in id order, would have booked —
    same rows, same holds, same ledger transactions — but settings, plans, take rates, tiers, uplines
    and the sharers' recent sales (for the fraud checks) are read once for the batch, and the money is
    booked with one `ledger_post_many`: a constant number of queries whatever the batch size.
    Idempotent (lines that already have commissions are skipped). A concurrent accrual of the same line
    fails on the unique (order_line, level) constraint and rolls back: nothing is ever booked twice.
    """
    paid = order_selectors.orders_by_id(order_ids=order_ids, paid_only=True)  # nothing is ever paid without a paid sale
    lines = [ln for ln in order_selectors.order_lines_of(order_ids=list(paid))
             if isinstance((ln.attribution or {}).get("share"), dict)]
    if lines:
        done = set(Commission.objects.filter(order_line_id__in=[ln.pk for ln in lines]).values_list(
            "order_line_id", flat=True))
        lines = [ln for ln in lines if ln.pk not in done]
    if not lines:
        return []
    book = _Accrual(paid, lines, selectors.commission_settings())
    for line in lines:
        book.line(paid[line.order_id], line)
    return book.save()


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _hours(n: int):
    import datetime as dt

    return dt.timedelta(hours=n)


class _Accrual:
    """One batch of accrual: everything the computation needs, read once; the rows and postings to write.

    The fraud checks count the sharer's level-1 commissions of the window, this sale included. The
    window's earlier rows that can matter (same device, IP, address or payer as a sale in the batch, or
    an immediate refund, or a new buyer) are read in one query; each sale of the batch is then added in
    memory after it is checked, so a later sale of the batch sees it exactly as it would in the database
    had the orders been accrued one by one."""

    def __init__(self, orders: dict, lines: list, cfg: CommissionSettings):
        from quanzi.payments.selectors import payers_by_number
        from quanzi.settlement.services import default_take_rate_bps

        self.cfg, self.now = cfg, clock.now()
        self.levels = min(cfg.levels, MAX_LEVELS)
        self.level_shares = {2: cfg.level2_share_bps, 3: cfg.level3_share_bps}
        self.plans = selectors.plan_rates_by_shop(shop_ids={o.shop_id for o in orders.values()})
        self.category_rates = catalog.category_take_rates(category_ids={ln.category_id for ln in lines})
        self.default_bps = default_take_rate_bps()
        sharers = {s for s in (_int(ln.attribution["share"].get("sharer_id")) for ln in lines) if s}
        self.uplines = upline_chains(user_ids=sharers, depth=self.levels - 1)
        self.level1 = selectors.level1_shares(user_ids=sharers)
        payers = payers_by_number(numbers={o.payment_number for o in orders.values()})
        self.signals = {o.pk: _order_signals(o, payers.get(o.payment_number, ""), cfg) for o in orders.values()}
        self.recent = _recent_sales(sharers, lines, self.signals, self.now - _hours(cfg.fraud_window_hours))
        self.rows: list[Commission] = []

    def line(self, order, line) -> None:
        from quanzi.settlement.services import take_rate_bps

        share = line.attribution["share"]
        by_product, by_category = self.plans[order.shop_id]
        rate = by_product.get(line.product_id) or by_category.get(line.category_id)
        sharer_id = _int(share.get("sharer_id"))
        if not rate or not sharer_id:
            return
        is_self = bool(share.get("self")) or sharer_id == order.user_id
        if is_self and not self.cfg.self_purchase_rebate:
            return  # self-referral earns nothing unless the self-purchase programme is on
        uplines = [] if is_self else [u for u in self.uplines.get(sharer_id, []) if u != order.user_id]
        fee = apply_rate(line.line_total, take_rate_bps(shop=order.shop, category_id=line.category_id,
                                                        default_bps=self.default_bps,
                                                        category_rates=self.category_rates))
        shares = compute_line_commission(
            base=line.line_total, rate_bps=rate, fee=fee, sharer_id=sharer_id, upline_ids=uplines,
            level1_share_bps=self.level1[sharer_id], level_shares=self.level_shares,
            levels=1 if is_self else self.levels, cap_bps=self.cfg.cap_bps)
        if shares:
            self._book(order, line, share, shares, rate, is_self)

    def _book(self, order, line, share: dict, shares: list[Share], rate: int,
              is_self: bool) -> None:
        client = share.get("client") if isinstance(share.get("client"), dict) else {}
        signals = {"device": str(client.get("device") or "")[:32], "ip": str(client.get("ip") or "")[:45],
                   **self.signals[order.pk]}
        sharer_id = shares[0].beneficiary_id
        hold_reason = _hold_reason(_risk_counts(self.recent.get(sharer_id, []), signals, order.user_id), signals,
                                   self.cfg)
        rows = [Commission(order_line=line, order=order, shop_id=order.shop_id, product_id=line.product_id,
                           beneficiary_id=s.beneficiary_id, sharer_id=sharer_id, buyer_id=order.user_id,
                           level=s.level, base=line.line_total, rate_bps=rate, share_bps=s.share_bps, amount=s.amount,
                           self_purchase=is_self, hold_reason=hold_reason,
                           status=CommissionStatus.HELD if hold_reason else CommissionStatus.PENDING,
                           created_at=order.paid_at, **signals)
                for s in shares if s.amount > 0 or s.level == 1]  # level 1 kept at 0 fen: it records the sale
        self.rows.extend(rows)
        if order.paid_at >= self.now - _hours(self.cfg.fraud_window_hours):
            self.recent.setdefault(sharer_id, []).append(_sale_of(rows[0]))

    def save(self) -> list[Commission]:
        Commission.objects.bulk_create(self.rows)
        if any(c.pk is None for c in self.rows):  # a backend that cannot return ids from a bulk insert
            ids = {(line_id, level): pk for pk, line_id, level in Commission.objects.filter(
                order_line_id__in={c.order_line_id for c in self.rows}).values_list("id", "order_line_id", "level")}
            for c in self.rows:
                c.pk = ids[(c.order_line_id, c.level)]
        ledger_post_many(posts=[Post(key=f"commission-accrue:{c.order_line_id}:{c.level}", kind="commission.accrue",
                                     ref_type="commission", ref_id=c.pk,
                                     entries=[Entry(macct.merchant_pending(c.shop_id), c.amount),
                                              Entry(wacct.earnings_pending(c.beneficiary_id), -c.amount)])
                                for c in self.rows if c.amount])
        CommissionHoldLog.objects.bulk_create([
            CommissionHoldLog(commission=c, action=HoldAction.HOLD, reason=c.hold_reason)
            for c in self.rows if c.status == CommissionStatus.HELD])
        return self.rows


def _order_signals(order, payer: str, cfg: CommissionSettings) -> dict:
    return {"address_hash": address_hash(order.address), "payer": payer[:64],
            "buyer_new": order.user.date_joined >= order.paid_at - _hours(cfg.new_account_hours)}


@dataclass(frozen=True)
class _Sale:
    """What the fraud checks read of a sharer's level-1 commission."""

    order_id: int
    buyer_id: int
    device: str
    ip: str
    address_hash: str
    payer: str
    quick_refund: bool
    buyer_new: bool


_SIGNALS = ("device", "ip", "address_hash", "payer")


def _sale_of(c: Commission) -> _Sale:
    return _Sale(order_id=c.order_id, buyer_id=c.buyer_id, device=c.device, ip=c.ip, address_hash=c.address_hash,
                 payer=c.payer, quick_refund=c.quick_refund, buyer_new=c.buyer_new)


def _recent_sales(sharers: set[int], lines: list, order_signals: dict[int, dict], since) -> dict:
    """The sharers' level-1 commissions since `since` that a check of this batch can count (one query)."""
    values: dict[str, set[str]] = {"device": set(), "ip": set(), "address_hash": set(), "payer": set()}
    for ln in lines:
        client = ln.attribution["share"].get("client")
        client = client if isinstance(client, dict) else {}
        values["device"].add(str(client.get("device") or "")[:32])
        values["ip"].add(str(client.get("ip") or "")[:45])
    for signals in order_signals.values():
        values["address_hash"].add(signals["address_hash"])
        values["payer"].add(signals["payer"])
    relevant = Q(quick_refund=True) | Q(buyer_new=True)
    for field, found in values.items():
        if found - {""}:
            relevant |= Q(**{f"{field}__in": sorted(found - {""})})
    out: dict[int, list[_Sale]] = {}
    for row in Commission.objects.filter(relevant, sharer_id__in=sharers, level=1, created_at__gte=since).order_by(
            "id").values("sharer_id", "order_id", "buyer_id", *_SIGNALS, "quick_refund", "buyer_new"):
        out.setdefault(row.pop("sharer_id"), []).append(_Sale(**row))
    return out


def _risk_counts(recent: list[_Sale], signals: dict, buyer_id: int) -> dict[str, int]:
    """The sharer's window, counted (this sale not included): orders per signal value, immediate refunds
    and distinct new buyers other than this one."""
    counts = {key: len({s.order_id for s in recent if getattr(s, key) == signals[key]})
              for key in _SIGNALS if signals[key]}
    counts["quick"] = sum(1 for s in recent if s.quick_refund)
    counts["new"] = len({s.buyer_id for s in recent if s.buyer_new and s.buyer_id != buyer_id})
    return counts


def _hold_reason(counts: dict[str, int], signals: dict, cfg: CommissionSettings) -> str:
    """The reason to hold a sale (this one counted), or "" when no threshold trips."""
    limits = [("device", cfg.max_orders_per_device, _("many orders from one device")),
              ("ip", cfg.max_orders_per_ip, _("many orders from one IP address")),
              ("address_hash", cfg.max_orders_per_address, _("many orders to one address")),
              ("payer", cfg.max_orders_per_payer, _("many orders from one payment account"))]
    for key, limit, reason in limits:
        if key in counts and counts[key] + 1 > limit:
            return f"{reason} ({counts[key] + 1})"
    if counts["quick"] >= cfg.max_quick_refunds:
        return f"{_('immediate refunds')} ({counts['quick']})"
    new = counts["new"] + (1 if signals["buyer_new"] else 0)
    if signals["buyer_new"] and new > cfg.max_new_account_buyers:
        return f"{_('a burst of new accounts')} ({new})"
    return ""


# ---------------------------------------------------------------- refunds

@dataclass(frozen=True)
class RefundFact:
    """One `order.refunded` event: the order, the line (None for a full refund) and the refund key."""

    order_id: int
    line_id: int | None
    key: str


@transaction.atomic
def commission_reverse_for_refund(*, order_id: int, line_id: int | None, key: str) -> int:
    """Shrink the commissions of a refunded line (or of every line, for a full refund) in proportion to
    what was refunded; post only the difference. Returns the fen taken back."""
    return commission_reverse_refunds(refunds=[RefundFact(order_id, line_id, key)])


@transaction.atomic
def commission_reverse_refunds(*, refunds) -> int:
    """`commission_reverse_for_refund` for many refunds at once, in their order; the commissions of their
    orders are locked, read and updated once and the reversals booked with one `ledger_post_many`.
    Lines are read as they are now: run it for refunds already recorded on the lines."""
    refunds = list(refunds)
    rows = list(Commission.objects.select_for_update().filter(order_id__in={r.order_id for r in refunds}).exclude(
        status=CommissionStatus.VOIDED).order_by("id"))
    if not rows:
        return 0
    by_id = order_selectors.orders_by_id(order_ids={c.order_id for c in rows})
    lines = order_selectors.order_lines_by_id(line_ids={c.order_line_id for c in rows})
    cfg = selectors.commission_settings()
    now = clock.now()
    by_order: dict[int, list[Commission]] = {}
    for c in rows:
        by_order.setdefault(c.order_id, []).append(c)
    posts: list[Post] = []
    touched: dict[int, Commission] = {}
    taken = 0
    for refund in refunds:
        order = by_id.get(refund.order_id)
        quick = bool(order and order.paid_at) and now - order.paid_at <= _minutes(cfg.quick_refund_minutes)
        for c in by_order.get(refund.order_id, []):
            if refund.line_id is None or c.order_line_id == refund.line_id:
                taken += _reverse_one(c, lines[c.order_line_id], order, refund.key, quick, posts)
                touched[c.pk] = c
    ledger_post_many(posts=posts)
    Commission.objects.bulk_update(list(touched.values()), ["reversed", "base_refunded", "quick_refund", "status"],
                                   batch_size=200)  # CASE WHEN per row: keep it small
    return taken


def _minutes(n: int):
    import datetime as dt

    return dt.timedelta(minutes=n)


def _reverse_one(c: Commission, line, order, key: str, quick: bool, posts: list[Post]) -> int:
    target = reversal_target(amount=c.amount, line_total=line.line_total, refunded_amount=line.refunded_amount)
    delta = target - c.reversed
    if delta > 0:
        if c.status == CommissionStatus.AVAILABLE:
            source, merchant = wacct.wallet_available(c.beneficiary_id), macct.merchant_available(order.shop_id)
        else:
            source = wacct.earnings_pending(c.beneficiary_id)
            merchant = (macct.merchant_available if order.settled_at else macct.merchant_pending)(order.shop_id)
        posts.append(Post(key=f"commission-reverse:{c.pk}:{key}", kind="commission.reverse", ref_type="commission",
                          ref_id=c.pk, entries=[Entry(source, delta), Entry(merchant, -delta)]))
    c.reversed = max(c.reversed, target)
    c.base_refunded = min(line.refunded_amount, c.base)
    c.quick_refund = c.quick_refund or quick
    if c.reversed >= c.amount and line.refunded_amount >= line.line_total and c.status != CommissionStatus.REVERSED:
        COMMISSION.check(c.status, CommissionStatus.REVERSED)
        c.status = CommissionStatus.REVERSED
    return max(delta, 0)


# ---------------------------------------------------------------- settlement

def settlement_deduction(order) -> int:
    """What commission took out of the merchant's pending money for this order (net of reversals,
    voids excluded) — registered with settlement so the order's pending balance ends at zero."""
    return settlement_deductions([order]).get(order.pk, 0)


def settlement_deductions(orders) -> dict[int, int]:
    """`settlement_deduction` of many orders in one query: {order_id: fen} (batched settlement)."""
    rows = (Commission.objects.filter(order_id__in=[o.pk for o in orders]).exclude(status=CommissionStatus.VOIDED)
            .values("order_id").annotate(s=Sum(F("amount") - F("reversed"))).values_list("order_id", "s"))
    return {order_id: int(s or 0) for order_id, s in rows}


@transaction.atomic
def commission_release_order(*, order_id: int) -> int:
    """The order settled: its pending commissions become withdrawable (held ones stay held).
    Running it twice, or concurrently, releases each commission once. Returns how many were released."""
    return commission_release_orders(order_ids=[order_id])


@transaction.atomic
def commission_release_orders(*, order_ids) -> int:
    """`commission_release_order` for many settled orders: one locking read of their pending commissions,
    one `ledger_post_many`, one UPDATE. Returns how many commissions were released."""
    rows = list(Commission.objects.select_for_update().filter(order_id__in=set(order_ids),
                                                              status=CommissionStatus.PENDING).order_by("id"))
    if not rows:
        return 0
    ledger_post_many(posts=[_release_post(c) for c in rows if c.kept])
    Commission.objects.filter(pk__in=[c.pk for c in rows]).update(status=CommissionStatus.AVAILABLE,
                                                                  released_at=clock.now())
    totals: dict[tuple[int, int], int] = {}
    for c in rows:
        totals[(c.order_id, c.beneficiary_id)] = totals.get((c.order_id, c.beneficiary_id), 0) + c.kept
    for (order_id, beneficiary_id), total in totals.items():
        if total > 0:
            publish(CommissionReleased(order_id=order_id, beneficiary_id=beneficiary_id, amount=total))
    return len(rows)


def _release_post(c: Commission) -> Post:
    return Post(key=f"commission-release:{c.pk}", kind="commission.release", ref_type="commission", ref_id=c.pk,
                entries=[Entry(wacct.earnings_pending(c.beneficiary_id), c.kept),
                         Entry(wacct.wallet_available(c.beneficiary_id), -c.kept)])


def _release_to_wallet(c: Commission, now) -> None:
    COMMISSION.check(c.status, CommissionStatus.AVAILABLE)
    if c.kept:
        ledger_post_many(posts=[_release_post(c)])
    c.status, c.released_at = CommissionStatus.AVAILABLE, now
    c.save(update_fields=["status", "released_at"])


# ---------------------------------------------------------------- operator decisions on holds

def _lock_for_decision(commission_id: int):
    """Lock the order first (the order settlement and refunds lock), then the commission."""
    order_id = Commission.objects.filter(pk=commission_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound(_("Commission not found."))
    order = order_lock(order_id=order_id)
    return Commission.objects.select_for_update().get(pk=commission_id), order


def _check(c: Commission, target: str, message: str) -> None:
    """The state table decides; the message says what the operator tried (409 invalid_commission_state)."""
    if not COMMISSION.can(c.status, target):
        raise InvalidTransition(message, code=COMMISSION.code, fields={"status": c.status})


@transaction.atomic
def commission_release(*, commission_id: int, actor=None, note: str = "") -> Commission:
    """The operator clears a held commission: back to pending (released at settlement), or straight to the
    wallet when the order has already settled."""
    c, order = _lock_for_decision(commission_id)
    _check(c, CommissionStatus.PENDING, _("Only a held commission can be released."))  # held → pending only
    if order.settled_at:
        _release_to_wallet(c, clock.now())
    else:
        c.status = CommissionStatus.PENDING
        c.save(update_fields=["status"])
    CommissionHoldLog.objects.create(commission=c, action=HoldAction.RELEASE, reason=(note or "")[:300],
                                     actor=actor if getattr(actor, "pk", None) else None)
    return c


@transaction.atomic
def commission_void(*, commission_id: int, actor=None, note: str) -> Commission:
    """The operator cancels a held or pending commission: the money goes back to the merchant (pending if
    the order has not settled, available if it has)."""
    if not (note or "").strip():
        raise ValidationFailed(_("Give a reason."), fields={"note": "required"})
    c, order = _lock_for_decision(commission_id)
    _check(c, CommissionStatus.VOIDED, _("Only a pending or held commission can be voided."))
    if c.kept:
        merchant = (macct.merchant_available if order.settled_at else macct.merchant_pending)(order.shop_id)
        ledger_post(key=f"commission-void:{c.pk}", kind="commission.void", ref_type="commission", ref_id=c.pk,
                    entries=[Entry(wacct.earnings_pending(c.beneficiary_id), c.kept), Entry(merchant, -c.kept)])
    c.status = CommissionStatus.VOIDED
    c.save(update_fields=["status"])
    CommissionHoldLog.objects.create(commission=c, action=HoldAction.VOID, reason=note.strip()[:300],
                                     actor=actor if getattr(actor, "pk", None) else None)
    return c


# ---------------------------------------------------------------- holds for a trust case (issue 20)

@transaction.atomic
def commissions_hold_for_review(*, beneficiary_ids, reason: str) -> tuple[int, int]:
    """Hold the pending commissions earned by these users while an operator reviews a risk case (the trust
    app's policy action): pending → held with `reason` (e.g. "trust:<case number>"), logged like an accrual
    hold. One conditional UPDATE, so a commission that a concurrent settlement just released is left alone;
    already held, available, reversed or voided ones are untouched. Returns (how many, their kept amount)."""
    reason = str(reason)[:200]
    ids = list(Commission.objects.filter(beneficiary_id__in=set(beneficiary_ids), status=CommissionStatus.PENDING)
               .values_list("pk", flat=True))
    if not ids:
        return 0, 0
    Commission.objects.filter(pk__in=ids, status=CommissionStatus.PENDING).update(
        status=CommissionStatus.HELD, hold_reason=reason)
    held = list(Commission.objects.filter(pk__in=ids, status=CommissionStatus.HELD, hold_reason=reason))
    CommissionHoldLog.objects.bulk_create([CommissionHoldLog(commission=c, action=HoldAction.HOLD, reason=reason)
                                           for c in held])
    return len(held), sum(c.kept for c in held)


def commissions_release_for_review(*, reason: str, actor=None, note: str = "") -> int:
    """The operator cleared the case: every commission still held with `reason` is released (back to pending,
    or to the wallet when its order has settled — `commission_release`). Returns how many."""
    ids = selectors.commission_ids_held_for(reason=reason)
    for pk in ids:
        commission_release(commission_id=pk, actor=actor, note=note or reason)
    return len(ids)


def commissions_void_for_review(*, reason: str, actor=None, note: str) -> int:
    """The operator confirmed the fraud: every commission still held with `reason` is voided (the money goes
    back to the merchant — `commission_void`). Returns how many."""
    ids = selectors.commission_ids_held_for(reason=reason)
    for pk in ids:
        commission_void(commission_id=pk, actor=actor, note=note or reason)
    return len(ids)


# ---------------------------------------------------------------- tiers

TIER_JOB = "commission.tiers"


@transaction.atomic
def tiers_evaluate(*, force: bool = False) -> int:
    """Move every distributor to the highest tier whose thresholds they meet (up or down), at most once a
    day (sweeps run every 30 s: the JobRun row is the marker, locked so two workers never both run).
    Returns how many users changed tier. A tier change never moves money."""
    import datetime as dt

    from quanzi.commission.models import JobRun

    now = clock.now()
    marker, _created = JobRun.objects.get_or_create(name=TIER_JOB, defaults={"last_run_at": now - dt.timedelta(days=2)})
    marker = JobRun.objects.select_for_update().get(pk=marker.pk)
    if not force and now - marker.last_run_at < dt.timedelta(days=1):
        return 0
    marker.last_run_at = now
    marker.save(update_fields=["last_run_at"])
    return _evaluate_all(now)


def _evaluate_all(now) -> int:
    import datetime as dt

    from quanzi.commission.models import TierChange, UserTier

    all_tiers = selectors.tiers()
    if not all_tiers:
        return 0
    cfg = selectors.commission_settings()
    since = now - dt.timedelta(days=cfg.tier_period_days)
    own = selectors.own_sales(user_ids=None, since=since)
    team = _team_sales(own) if cfg.team_sales_for_tiers else {}
    held = {ut.user_id: ut for ut in UserTier.objects.select_for_update().select_related("tier")}
    changed = 0
    for user_id in set(own) | set(team) | set(held):
        target = _tier_for(all_tiers, own.get(user_id, 0), team.get(user_id, 0), cfg.team_sales_for_tiers)
        current = held[user_id].tier if user_id in held else all_tiers[0]
        if target.pk == current.pk:
            continue
        UserTier.objects.update_or_create(user_id=user_id, defaults={"tier": target, "since": now})
        TierChange.objects.create(user_id=user_id, from_tier=current, to_tier=target, own_sales=own.get(user_id, 0),
                                  team_sales=team.get(user_id, 0), at=now)
        changed += 1
    return changed


def _team_sales(own: dict[int, int]) -> dict[int, int]:
    """Directs' sales credited to their upline (one level only: team counting stays within the cap)."""
    team: dict[int, int] = {}
    for user_id, sales in own.items():
        for upline_id in upline_chain(user_id=user_id, depth=1):
            team[upline_id] = team.get(upline_id, 0) + sales
    return team


def _tier_for(all_tiers, own: int, team: int, team_counts: bool):
    best = all_tiers[0]
    for tier in all_tiers:
        if own >= tier.min_own_sales and (not team_counts or team >= tier.min_team_sales):
            best = tier
    return best
