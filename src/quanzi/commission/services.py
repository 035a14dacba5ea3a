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
import math
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from quanzi.commission import selectors
from quanzi.commission.models import (
    MAX_CAP_BPS,
    MAX_LEVELS,
    Commission,
    CommissionHoldLog,
    CommissionSettings,
    CommissionStatus,
    DistributionPlan,
    HoldAction,
)
from quanzi.commission.network import upline_chain
from quanzi.core import clock
from quanzi.core.errors import Conflict, NotFound, ValidationFailed
from quanzi.core.money import BPS_DENOMINATOR, apply_rate
from quanzi.ledger.services import Entry, ledger_post
from quanzi.orders.models import Order, OrderLine
from quanzi.settlement import accounts as macct
from quanzi.wallet import accounts as wacct

OPEN = (CommissionStatus.PENDING, CommissionStatus.HELD)


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
    from quanzi.catalog.models import Category, Product

    _check_rate(rate_bps)
    if bool(product_id) == bool(category_id):
        raise ValidationFailed(_("Choose a product or a category."), code="plan_target_required",
                               fields={"product_id": "one of product_id, category_id"})
    if product_id and not Product.objects.filter(pk=product_id, shop_id=shop.pk).exists():
        raise NotFound(_("Product not found."), fields={"product_id": "unknown"})
    if category_id and not Category.objects.filter(pk=category_id).exists():
        raise NotFound(_("Category not found."), fields={"category_id": "unknown"})
    existing = DistributionPlan.objects.filter(shop_id=shop.pk, product_id=product_id or None,
                                               category_id=category_id or None)
    if existing.exists():
        raise Conflict(_("There is already a plan for this; edit it instead."), code="plan_exists")
    now = clock.now()
    return DistributionPlan.objects.create(shop_id=shop.pk, product_id=product_id or None,
                                           category_id=category_id or None, rate_bps=rate_bps, enabled=enabled,
                                           created_at=now, updated_at=now)


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
    return min(amount, math.ceil(amount * refunded_amount / line_total)) if refunded_amount > 0 else 0


# ---------------------------------------------------------------- accrual

def _line_fee(order: Order, line: OrderLine, category_rates: dict, default_bps: int) -> int:
    from quanzi.settlement.services import take_rate_bps

    return apply_rate(line.line_total, take_rate_bps(shop=order.shop, category_id=line.category_id,
                                                     default_bps=default_bps, category_rates=category_rates))


def address_hash(address: dict) -> str:
    keys = ("phone", "province", "city", "district", "detail")
    norm = json.dumps([str((address or {}).get(k, "")).strip().lower().replace(" ", "") for k in keys])
    return hashlib.sha256(norm.encode()).hexdigest()[:16]


def _payer(order: Order) -> str:
    """The payment account that paid, when the payment records one (providers that report a payer)."""
    from quanzi.payments.models import Payment

    if not any(f.name == "payer" for f in Payment._meta.get_fields()):
        return ""
    return str(Payment.objects.filter(number=order.payment_number).values_list("payer", flat=True).first() or "")


@transaction.atomic
def commission_accrue_order(*, order_id: int) -> list[Commission]:
    """Compute and book the commissions of a paid order (idempotent: lines already done are skipped)."""
    order = Order.objects.select_related("shop", "user").get(pk=order_id)
    if not order.paid_at:
        return []  # nothing is ever paid without a paid sale
    lines = [ln for ln in order.lines.all() if isinstance((ln.attribution or {}).get("share"), dict)]
    if not lines:
        return []
    done = set(Commission.objects.filter(order_line_id__in=[ln.pk for ln in lines]).values_list("order_line_id",
                                                                                                 flat=True))
    lines = [ln for ln in lines if ln.pk not in done]
    if not lines:
        return []
    return _accrue_lines(order, lines, selectors.commission_settings())


def _accrue_lines(order: Order, lines: list[OrderLine], cfg: CommissionSettings) -> list[Commission]:
    from quanzi.catalog.models import Category
    from quanzi.settlement.services import default_take_rate_bps

    by_product, by_category = selectors.plan_rates(shop_id=order.shop_id, product_ids={ln.product_id for ln in lines},
                                                   category_ids={ln.category_id for ln in lines})
    category_rates = dict(Category.objects.filter(pk__in={ln.category_id for ln in lines})
                          .values_list("id", "take_rate_bps"))
    default_bps = default_take_rate_bps()
    levels = min(cfg.levels, MAX_LEVELS)
    level_shares = {2: cfg.level2_share_bps, 3: cfg.level3_share_bps}
    created: list[Commission] = []
    for line in lines:
        share = line.attribution["share"]
        rate = by_product.get(line.product_id) or by_category.get(line.category_id)
        sharer_id = _int(share.get("sharer_id"))
        if not rate or not sharer_id:
            continue
        is_self = bool(share.get("self")) or sharer_id == order.user_id
        if is_self and not cfg.self_purchase_rebate:
            continue  # self-referral earns nothing unless the self-purchase programme is on
        uplines = [] if is_self else [u for u in upline_chain(sharer_id, levels - 1) if u != order.user_id]
        shares = compute_line_commission(
            base=line.line_total, rate_bps=rate, fee=_line_fee(order, line, category_rates, default_bps),
            sharer_id=sharer_id, upline_ids=uplines, level1_share_bps=selectors.level1_share_bps(sharer_id),
            level_shares=level_shares, levels=1 if is_self else levels, cap_bps=cfg.cap_bps)
        created.extend(_book_line(order, line, share, shares, rate, is_self, cfg))
    return created


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _book_line(order: Order, line: OrderLine, share: dict, shares: list[Share], rate: int, is_self: bool,
               cfg: CommissionSettings) -> list[Commission]:
    client = share.get("client") if isinstance(share.get("client"), dict) else {}
    signals = {"device": str(client.get("device") or "")[:32], "ip": str(client.get("ip") or "")[:45],
               "address_hash": address_hash(order.address), "payer": _payer(order)[:64],
               "buyer_new": order.user.date_joined >= order.paid_at - _hours(cfg.new_account_hours)}
    sharer_id = shares[0].beneficiary_id if shares else None
    hold_reason = _risk(sharer_id, signals, order.user_id, cfg) if sharer_id else ""
    rows = [Commission(order_line=line, order=order, shop_id=order.shop_id, product_id=line.product_id,
                       beneficiary_id=s.beneficiary_id, sharer_id=sharer_id, buyer_id=order.user_id, level=s.level,
                       base=line.line_total, rate_bps=rate, share_bps=s.share_bps, amount=s.amount,
                       self_purchase=is_self, hold_reason=hold_reason,
                       status=CommissionStatus.HELD if hold_reason else CommissionStatus.PENDING,
                       created_at=order.paid_at, **signals)
            for s in shares if s.amount > 0 or s.level == 1]  # level 1 kept at 0 fen: it records the sale
    Commission.objects.bulk_create(rows)
    rows = list(Commission.objects.filter(order_line=line).order_by("level"))
    for c in rows:
        if c.amount:
            ledger_post(key=f"commission-accrue:{line.pk}:{c.level}", kind="commission.accrue",
                        ref_type="commission", ref_id=c.pk,
                        entries=[Entry(macct.merchant_pending(order.shop_id), c.amount),
                                 Entry(wacct.earnings_pending(c.beneficiary_id), -c.amount)])
        if c.status == CommissionStatus.HELD:
            CommissionHoldLog.objects.create(commission=c, action=HoldAction.HOLD, reason=hold_reason)
    return rows


def _hours(n: int):
    import datetime as dt

    return dt.timedelta(hours=n)


def _risk(sharer_id: int, signals: dict, buyer_id: int, cfg: CommissionSettings) -> str:
    """Risk signals of the sharer over the fraud window, counted in one query (this sale included).
    Returns the reason to hold, or "" when nothing trips."""
    since = clock.now() - _hours(cfg.fraud_window_hours)
    recent = Commission.objects.filter(sharer_id=sharer_id, level=1, created_at__gte=since)

    def same(field: str):
        return Count("order_id", filter=Q(**{field: signals[field]}), distinct=True) if signals[field] else None

    aggregates = {k: v for k, v in {"device": same("device"), "ip": same("ip"), "address_hash": same("address_hash"),
                                    "payer": same("payer")}.items() if v is not None}
    aggregates["quick"] = Count("id", filter=Q(quick_refund=True))
    aggregates["new"] = Count("buyer_id", filter=Q(buyer_new=True) & ~Q(buyer_id=buyer_id), distinct=True)
    counts = recent.aggregate(**aggregates)
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

@transaction.atomic
def commission_reverse_for_refund(*, order_id: int, line_id: int | None, key: str) -> int:
    """Shrink the commissions of a refunded line (or of every line, for a full refund) in proportion to
    what was refunded; post only the difference. Returns the fen taken back."""
    rows = Commission.objects.select_for_update().filter(order_id=order_id).exclude(
        status=CommissionStatus.VOIDED).order_by("id")
    if line_id is not None:
        rows = rows.filter(order_line_id=line_id)
    rows = list(rows)
    if not rows:
        return 0
    order = Order.objects.only("id", "shop_id", "paid_at", "settled_at").get(pk=order_id)
    lines = {ln.pk: ln for ln in OrderLine.objects.filter(pk__in={c.order_line_id for c in rows})}
    cfg = selectors.commission_settings()
    quick = bool(order.paid_at) and clock.now() - order.paid_at <= _minutes(cfg.quick_refund_minutes)
    taken = 0
    for c in rows:
        taken += _reverse_one(c, lines[c.order_line_id], order, key, quick)
    return taken


def _minutes(n: int):
    import datetime as dt

    return dt.timedelta(minutes=n)


def _reverse_one(c: Commission, line: OrderLine, order: Order, key: str, quick: bool) -> int:
    target = reversal_target(amount=c.amount, line_total=line.line_total, refunded_amount=line.refunded_amount)
    delta = target - c.reversed
    if delta > 0:
        if c.status == CommissionStatus.AVAILABLE:
            source, merchant = wacct.wallet_available(c.beneficiary_id), macct.merchant_available(order.shop_id)
        else:
            source = wacct.earnings_pending(c.beneficiary_id)
            merchant = (macct.merchant_available if order.settled_at else macct.merchant_pending)(order.shop_id)
        ledger_post(key=f"commission-reverse:{c.pk}:{key}", kind="commission.reverse", ref_type="commission",
                    ref_id=c.pk, entries=[Entry(source, delta), Entry(merchant, -delta)])
    c.reversed = max(c.reversed, target)
    c.base_refunded = min(line.refunded_amount, c.base)
    c.quick_refund = c.quick_refund or quick
    if c.reversed >= c.amount and line.refunded_amount >= line.line_total:
        c.status = CommissionStatus.REVERSED
    c.save(update_fields=["reversed", "base_refunded", "quick_refund", "status"])
    return max(delta, 0)


# ---------------------------------------------------------------- settlement

def settlement_deduction(order: Order) -> int:
    """What commission took out of the merchant's pending money for this order (net of reversals,
    voids excluded) — registered with settlement so the order's pending balance ends at zero."""
    kept = Commission.objects.filter(order_id=order.pk).exclude(status=CommissionStatus.VOIDED).aggregate(
        s=Sum(F("amount") - F("reversed")))["s"]
    return int(kept or 0)


@transaction.atomic
def commission_release_order(*, order_id: int) -> int:
    """The order settled: its pending commissions become withdrawable (held ones stay held).
    Running it twice, or concurrently, releases each commission once. Returns how many were released."""
    rows = list(Commission.objects.select_for_update().filter(order_id=order_id, status=CommissionStatus.PENDING)
                .order_by("id"))
    now = clock.now()
    for c in rows:
        _release_to_wallet(c, now)
    return len(rows)


def _release_to_wallet(c: Commission, now) -> None:
    if c.kept:
        ledger_post(key=f"commission-release:{c.pk}", kind="commission.release", ref_type="commission", ref_id=c.pk,
                    entries=[Entry(wacct.earnings_pending(c.beneficiary_id), c.kept),
                             Entry(wacct.wallet_available(c.beneficiary_id), -c.kept)])
    c.status, c.released_at = CommissionStatus.AVAILABLE, now
    c.save(update_fields=["status", "released_at"])


# ---------------------------------------------------------------- operator decisions on holds

def _lock_for_decision(commission_id: int) -> tuple[Commission, Order]:
    """Lock the order first (the order settlement and refunds lock), then the commission."""
    order_id = Commission.objects.filter(pk=commission_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound(_("Commission not found."))
    order = Order.objects.select_for_update().only("id", "shop_id", "settled_at").get(pk=order_id)
    return Commission.objects.select_for_update().get(pk=commission_id), order


@transaction.atomic
def commission_release(*, commission_id: int, actor=None, note: str = "") -> Commission:
    """The operator clears a held commission: back to pending (released at settlement), or straight to the
    wallet when the order has already settled."""
    c, order = _lock_for_decision(commission_id)
    if c.status != CommissionStatus.HELD:
        raise Conflict(_("Only a held commission can be released."), code="invalid_commission_state",
                       fields={"status": c.status})
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
    if c.status not in OPEN:
        raise Conflict(_("Only a pending or held commission can be voided."), code="invalid_commission_state",
                       fields={"status": c.status})
    if c.kept:
        merchant = (macct.merchant_available if order.settled_at else macct.merchant_pending)(order.shop_id)
        ledger_post(key=f"commission-void:{c.pk}", kind="commission.void", ref_type="commission", ref_id=c.pk,
                    entries=[Entry(wacct.earnings_pending(c.beneficiary_id), c.kept), Entry(merchant, -c.kept)])
    c.status = CommissionStatus.VOIDED
    c.save(update_fields=["status"])
    CommissionHoldLog.objects.create(commission=c, action=HoldAction.VOID, reason=note.strip()[:300],
                                     actor=actor if getattr(actor, "pk", None) else None)
    return c


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
    own = selectors.own_sales(None, since=since)
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
        for upline_id in upline_chain(user_id, 1):
            team[upline_id] = team.get(upline_id, 0) + sales
    return team


def _tier_for(all_tiers, own: int, team: int, team_counts: bool):
    best = all_tiers[0]
    for tier in all_tiers:
        if own >= tier.min_own_sales and (not team_counts or team >= tier.min_team_sales):
            best = tier
    return best
