"""Coupon use cases: create and run templates (merchant, platform), claim (centre, shop, product, code,
sign-up grant), and the coupon's part in an order's life — held when an order is placed with it, given back
exactly once when that order is cancelled or times out, used when it is paid; the platform's share funded
through the ledger and clawed back on refunds.

Exactness is in single conditional UPDATEs, never read-then-write: a claim increments `issued_count` only
`WHERE issued_count < total_count`, and the shopper's n-th unit of a template is unique; a hold moves a coupon
`WHERE status = 'available'` and spends the budget `WHERE spent_amount + x <= budget_amount`.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from quanzi.catalog.selectors import category_ids_with_children, product_ids_of_shop
from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, NotFound, ValidationFailed
from quanzi.core.events import publish
from quanzi.core.money import MAX_AMOUNT
from quanzi.core.ratelimit import hit
from quanzi.core.text import check_text
from quanzi.core.validation import whole_number
from quanzi.coupons import accounts as acct
from quanzi.coupons.constants import (
    CODE_TRIES_PER_HOUR,
    MAX_PER_USER,
    MAX_PERCENT_OFF,
    MAX_SCOPE_IDS,
    MAX_TOTAL,
    Channel,
    CouponStatus,
    Issuer,
    Kind,
    Scope,
    ShareRewardStatus,
    TemplateStatus,
)
from quanzi.coupons.events import ShareRewarded
from quanzi.coupons.models import Coupon, CouponOrder, CouponShare, CouponTemplate, ShareReward
from quanzi.coupons.states import SHARE_REWARD, TEMPLATE
from quanzi.ledger.services import Entry, ledger_post
from quanzi.orders.selectors import order_lines_of, orders_by_id

CODE_RE = re.compile(r"[A-Z0-9]{4,32}")
MAX_RUN_DAYS = 366


# ---------------------------------------------------------------- templates

def _money(data: dict, name: str, *, low: int = 1) -> int:
    return whole_number(data.get(name), name, low=low, high=MAX_AMOUNT, code="invalid_amount")


def _when(value, name: str) -> dt.datetime:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value
    raise ValidationFailed(_("Give a date and time."), code="invalid_date", fields={name: "invalid"})


def _scope_ids(data: dict, scope: str, issuer: str, shop) -> list[int]:
    if scope == Scope.ALL:
        return []
    raw = data.get("scope_ids")
    if not isinstance(raw, list) or not raw or len(raw) > MAX_SCOPE_IDS:
        raise ValidationFailed(_("Choose what the coupon applies to (at most %(n)d).") % {"n": MAX_SCOPE_IDS},
                               code="invalid_scope", fields={"scope_ids": "invalid"})
    ids = sorted({whole_number(i, "scope_ids", low=1, high=2**62, code="invalid_scope") for i in raw})
    if scope == Scope.SHOPS and issuer == Issuer.SHOP:
        raise ValidationFailed(_("A shop's coupon is for its own goods already."), code="invalid_scope",
                               fields={"scope": "invalid"})
    if scope == Scope.CATEGORIES:
        return sorted(category_ids_with_children(category_ids=ids))
    if scope == Scope.PRODUCTS and issuer == Issuer.SHOP:
        own = product_ids_of_shop(shop_id=shop.pk, product_ids=ids)
        if set(ids) - own:
            raise NotFound(_("Some of these products are not your shop's."), code="product_not_found",
                           fields={"scope_ids": "unknown"})
    return ids


def _clean_template(data: dict, *, issuer: str, shop) -> dict:
    name = check_text(str(data.get("name") or "").strip(), "name")
    if not 1 <= len(name) <= 40:
        raise ValidationFailed(_("Give the coupon a name of up to 40 characters."), code="invalid_name",
                               fields={"name": "1–40 characters"})
    kind = data.get("kind")
    if kind not in Kind.values:
        raise ValidationFailed(_("Choose what kind of coupon it is."), code="invalid_kind", fields={"kind": "invalid"})
    out: dict = {"name": name, "kind": kind, "amount_off": 0, "percent_off": 0, "max_discount": 0}
    out["min_spend"] = _money(data, "min_spend", low=0) if data.get("min_spend") not in (None, "") else 0
    if kind == Kind.FIXED:
        out["amount_off"] = _money(data, "amount_off")
        if out["min_spend"] and out["amount_off"] > out["min_spend"]:
            raise ValidationFailed(_("The amount off cannot exceed the minimum spend."), code="invalid_amount",
                                   fields={"amount_off": "above minimum spend"})
    elif kind == Kind.PERCENT:
        out["percent_off"] = whole_number(data.get("percent_off"), "percent_off", low=1, high=MAX_PERCENT_OFF,
                                          code="invalid_percent")
        out["max_discount"] = _money(data, "max_discount", low=0) if data.get("max_discount") not in (None, "") else 0
    scope = data.get("scope") or Scope.ALL
    if scope not in Scope.values:
        raise ValidationFailed(_("Choose what the coupon applies to."), code="invalid_scope", fields={"scope": "invalid"})
    out["scope"], out["scope_ids"] = scope, _scope_ids(data, scope, issuer, shop)
    channel = data.get("channel") or Channel.PUBLIC
    if channel not in Channel.values or (channel == Channel.NEW_USER and issuer == Issuer.SHOP):  # gifts: platform
        raise ValidationFailed(_("Choose how shoppers get it."), code="invalid_channel", fields={"channel": "invalid"})
    out["channel"], out["code"] = channel, None
    if channel == Channel.CODE:
        code = str(data.get("code") or "").strip().upper()
        if not CODE_RE.fullmatch(code):
            raise ValidationFailed(_("A code is 4 to 32 letters or digits."), code="invalid_code", fields={"code": "invalid"})
        out["code"] = code
    now = clock.now()
    starts = _when(data.get("starts_at") or now, "starts_at")
    ends = _when(data.get("ends_at"), "ends_at")
    if ends <= max(starts, now) or ends - starts > dt.timedelta(days=MAX_RUN_DAYS):
        raise ValidationFailed(_("It must end after it starts, in the future, within a year."), code="invalid_dates",
                               fields={"ends_at": "invalid"})
    out["starts_at"], out["ends_at"] = starts, ends
    days = data.get("valid_days")
    out["valid_days"] = None if days in (None, "", 0) else whole_number(days, "valid_days", low=1, high=365,
                                                                         code="invalid_days")
    out["total_count"] = whole_number(data.get("total_count"), "total_count", low=1, high=MAX_TOTAL, code="invalid_count")
    out["per_user_limit"] = whole_number(data.get("per_user_limit", 1), "per_user_limit", low=1, high=MAX_PER_USER,
                                         code="invalid_limit")
    out["budget_amount"] = _money(data, "budget_amount") if data.get("budget_amount") not in (None, "", 0) else None
    out["new_users_only"] = bool(data.get("new_users_only"))
    default_group = "shipping" if kind == Kind.FREE_SHIPPING else issuer
    group = str(data.get("stacking_group") or default_group).strip().lower()
    if not re.fullmatch(r"[a-z0-9_-]{1,20}", group):
        raise ValidationFailed(_("A stacking group is up to 20 letters, digits, - or _."), code="invalid_group",
                               fields={"stacking_group": "invalid"})
    out["stacking_group"] = group
    out["share_reward"] = _share_reward(data.get("share_reward_id"), issuer=issuer, shop=shop)
    return out


def _share_reward(template_id, *, issuer: str, shop) -> CouponTemplate | None:
    """The coupon a sharer earns: one of the same issuer's `reward` coupons."""
    if template_id in (None, "", 0):
        return None
    template_id = whole_number(template_id, "share_reward_id", low=1, high=2**62, code="invalid_reward")
    reward = CouponTemplate.objects.filter(pk=template_id, issuer=issuer, shop=shop, channel=Channel.REWARD).first()
    if reward is None:
        raise NotFound(_("Choose one of your reward coupons."), code="reward_not_found", fields={"share_reward_id": "unknown"})
    return reward


@transaction.atomic
def template_create(*, issuer: str, shop=None, actor=None, data: dict) -> CouponTemplate:
    """A merchant's coupon (funded by the shop: `shop` set) or a platform coupon (funded by the platform)."""
    if issuer not in Issuer.values or (issuer == Issuer.SHOP) != (shop is not None):
        raise ValidationFailed(_("Unknown issuer."), code="invalid_issuer")
    fields = _clean_template(data, issuer=issuer, shop=shop)
    try:
        with transaction.atomic():
            return CouponTemplate.objects.create(issuer=issuer, shop=shop, created_by=actor, **fields)
    except IntegrityError:
        raise Conflict(_("That code is taken; choose another."), code="code_taken", fields={"code": "taken"}) from None


@transaction.atomic
def template_set_status(*, template_id: int, status: str, shop=None) -> CouponTemplate:
    """Pause, resume or end a template: a shop changes only its own (`shop`), the platform only platform coupons."""
    lookup = {"shop": shop} if shop is not None else {"issuer": Issuer.PLATFORM}
    template = CouponTemplate.objects.select_for_update().filter(pk=template_id, **lookup).first()
    if template is None:
        raise NotFound(_("Coupon not found."), code="coupon_not_found")
    if status not in TemplateStatus.values:
        raise ValidationFailed(_("Unknown status."), code="invalid_status", fields={"status": "invalid"})
    TEMPLATE.check(template.status, status)
    template.status = status
    template.save(update_fields=["status"])
    return template


# ---------------------------------------------------------------- claiming

def _validity(template: CouponTemplate, now) -> tuple[dt.datetime, dt.datetime]:
    if template.valid_days:
        return now, now + dt.timedelta(days=template.valid_days)
    return template.starts_at, template.ends_at


@transaction.atomic
def coupon_claim(*, user, template_id: int, how: str = "centre", channel: str = Channel.PUBLIC, share=None) -> Coupon:
    """Give `user` one unit of the template, or a clear reason. Exact under any concurrency: the count moves
    only while units are left (conditional UPDATE) and the shopper's n-th unit is unique, so a lost race rolls
    the count back with the failed insert."""
    now = clock.now()
    template = CouponTemplate.objects.filter(pk=template_id, channel=channel).first()
    if template is None:
        raise NotFound(_("Coupon not found."), code="coupon_not_found")
    if template.status != TemplateStatus.LIVE or now >= template.ends_at:
        raise BusinessRuleViolation(_("This coupon is no longer offered."), code="coupon_ended")
    if now < template.starts_at:
        raise BusinessRuleViolation(_("This coupon cannot be claimed yet."), code="coupon_not_started")
    held = Coupon.objects.filter(template=template, user=user).count()
    if held >= template.per_user_limit and channel != Channel.REWARD:  # rewards are earned, one per friend's order
        raise BusinessRuleViolation(_("You have already claimed this coupon."), code="claim_limit")
    if template.issued_count >= template.total_count:  # sold out: answer without queueing for the row lock
        raise BusinessRuleViolation(_("All of these coupons have been claimed."), code="coupon_sold_out")
    if not CouponTemplate.objects.filter(pk=template.pk, issued_count__lt=F("total_count")).update(
            issued_count=F("issued_count") + 1):
        raise BusinessRuleViolation(_("All of these coupons have been claimed."), code="coupon_sold_out")
    valid_from, valid_until = _validity(template, now)
    try:
        with transaction.atomic():
            return Coupon.objects.create(template=template, user=user, n=held + 1, claimed_at=now, how=how[:10],
                                         valid_from=valid_from, valid_until=valid_until, share=share)
    except IntegrityError:  # the same shopper's concurrent claim took this unit number first
        raise BusinessRuleViolation(_("You have already claimed this coupon."), code="claim_limit") from None


def coupon_redeem(*, user, code: str) -> Coupon:
    """Claim the coupon a code names. Every try counts against the shopper's hourly limit, so codes cannot be
    guessed by trying many."""
    hit("coupon-code", user.pk, limit=CODE_TRIES_PER_HOUR, window=3600)
    code = str(code or "").strip().upper()
    template_id = (CouponTemplate.objects.filter(code=code, channel=Channel.CODE).values_list("pk", flat=True).first()
                   if CODE_RE.fullmatch(code) else None)
    if template_id is None:
        raise NotFound(_("No coupon has this code."), code="coupon_code_unknown", fields={"code": "unknown"})
    return coupon_claim(user=user, template_id=template_id, how="code", channel=Channel.CODE)


def grant_to_new_user(*, user) -> list[Coupon]:
    """Sign-up gifts: one unit of every live `new_user` template that still has units (each its own claim)."""
    granted = []
    now = clock.now()
    for template_id in CouponTemplate.objects.filter(channel=Channel.NEW_USER, status=TemplateStatus.LIVE,
                                                     starts_at__lte=now, ends_at__gt=now).values_list("pk", flat=True):
        try:
            granted.append(coupon_claim(user=user, template_id=template_id, how="grant", channel=Channel.NEW_USER))
        except BusinessRuleViolation:
            continue  # gone or already had: a gift, not a promise
    return granted


# ---------------------------------------------------------------- the coupon in an order's life

def _coupon_parts(adjustments: list[dict]) -> dict[int, int]:
    return {int(a["ref"]): a["amount"] for a in adjustments if a["source"] == "coupon"}


def hold_for_order(*, order_id: int, user_id: int, shop_id: int, adjustments: list[dict]) -> None:
    """Checkout placed an order with these coupons (in its transaction): each moves available → held by this
    order, or the whole checkout fails — two checkouts racing for one coupon place one order. Budgets in money
    are spent here, never below zero."""
    parts = _coupon_parts(adjustments)
    if not parts:
        return
    now = clock.now()
    for coupon_id, amount in sorted(parts.items()):  # a stable order: concurrent checkouts queue, never deadlock
        moved = Coupon.objects.filter(pk=coupon_id, user_id=user_id, status=CouponStatus.AVAILABLE,
                                      valid_from__lte=now, valid_until__gt=now).update(
            status=CouponStatus.HELD, order_id=order_id, held_amount=amount)
        if not moved:
            raise Conflict(_("A coupon you chose was just used by another order; check out again."),
                           code="coupon_unavailable", fields={"coupons": str(coupon_id)})
    for template_id, amount in _budgeted_amounts(parts).items():
        if not CouponTemplate.objects.filter(pk=template_id, spent_amount__lte=F("budget_amount") - amount).update(
                spent_amount=F("spent_amount") + amount):
            raise Conflict(_("This coupon's budget is used up."), code="coupon_budget_spent", fields={"coupons": "budget"})
    platform = [a for a in adjustments if a["source"] == "coupon" and a["funded_by"] == "platform"]
    CouponOrder.objects.create(order_id=order_id, user_id=user_id, shop_id=shop_id,
                               platform_funded=sum(a["amount"] for a in platform),
                               platform_shipping=sum(a["amount"] for a in platform if a["target"] == "shipping"))


def _budgeted_amounts(parts: dict[int, int]) -> dict[int, int]:
    """The discount per template, for the templates with a budget in money."""
    by_template: dict[int, int] = {}
    for coupon_id, template_id in Coupon.objects.filter(pk__in=parts, template__budget_amount__isnull=False
                                                         ).values_list("pk", "template_id"):
        by_template[template_id] = by_template.get(template_id, 0) + parts[coupon_id]
    return by_template


def release_for_order(*, order_id: int) -> int:
    """The order was cancelled or timed out: its coupons go back to available, and their budget with them —
    exactly once (only held coupons move). Returns how many went back."""
    held = list(Coupon.objects.select_for_update().filter(order_id=order_id, status=CouponStatus.HELD)
                .values_list("pk", "template_id", "held_amount"))
    if not held:
        return 0
    Coupon.objects.filter(pk__in=[c[0] for c in held], status=CouponStatus.HELD).update(
        status=CouponStatus.AVAILABLE, order_id=None, held_amount=0)
    for template_id, amount in _sum_by(held).items():
        CouponTemplate.objects.filter(pk=template_id, budget_amount__isnull=False).update(
            spent_amount=F("spent_amount") - amount)
    CouponOrder.objects.filter(order_id=order_id).delete()
    return len(held)


def _sum_by(rows) -> dict[int, int]:
    out: dict[int, int] = {}
    for _pk, template_id, amount in rows:
        out[template_id] = out.get(template_id, 0) + amount
    return out


def use_for_order(*, order_id: int, total: int) -> None:
    """The order was paid: its coupons are used, their templates count the use, and the platform's share of
    the discount is paid to the merchant's pending balance (one idempotent ledger transaction)."""
    held = list(Coupon.objects.select_for_update().filter(order_id=order_id, status=CouponStatus.HELD)
                .values_list("pk", "template_id", "held_amount"))
    if not held:
        return
    Coupon.objects.filter(pk__in=[c[0] for c in held]).update(status=CouponStatus.USED, used_at=clock.now())
    ShareReward.objects.bulk_create([  # a friend bought with a shared coupon: its sharer's reward waits for settlement
        ShareReward(share_id=share_id, coupon_id=coupon_id, order_id=order_id)
        for coupon_id, share_id in Coupon.objects.filter(pk__in=[c[0] for c in held], share__isnull=False,
                                                         template__share_reward__isnull=False)
        .values_list("pk", "share_id")], ignore_conflicts=True)
    for template_id, amount in _sum_by(held).items():
        CouponTemplate.objects.filter(pk=template_id).update(used_count=F("used_count") + 1,
                                                             used_amount=F("used_amount") + amount,
                                                             gmv=F("gmv") + total)
    record = CouponOrder.objects.select_for_update().filter(order_id=order_id).first()
    if record is None or record.paid:
        return
    record.paid, record.subsidy_posted = True, record.platform_funded
    record.save(update_fields=["paid", "subsidy_posted"])
    if record.platform_funded:
        ledger_post(key=f"coupon-subsidy:{order_id}", kind="coupon.subsidy", ref_type="order", ref_id=order_id,
                    entries=[Entry(acct.COUPON_EXPENSE, record.platform_funded),
                             Entry(acct.merchant_pending(record.shop_id), -record.platform_funded)])


def platform_share_left(lines, *, shipping: int = 0, shipped: bool = False) -> int:
    """The platform's share of the discounts on what the shopper kept: each line keeps its platform-funded
    discount × (units not refunded ÷ units), rounded down; a platform free-shipping benefit (`shipping`) stays
    unless every unit came back before the parcel left (then the shopper's shipping is refunded too)."""
    left = 0
    kept_any = False
    for line in lines:
        kept_any = kept_any or line.refunded_quantity < line.quantity
        funded = sum(d["amount"] for d in line.discounts or () if d.get("funded_by") == "platform")
        if funded:
            left += funded * (line.quantity - line.refunded_quantity) // line.quantity
    return left + (shipping if kept_any or shipped else 0)


def claw_back_for_refund(*, order_id: int, key: str) -> None:
    """Part of the order was refunded: take back from the merchant the platform's share of the discount on
    what was refunded (what is owed is recomputed from the lines, so each refund posts only the difference)."""
    record = CouponOrder.objects.select_for_update().filter(order_id=order_id, paid=True).first()
    if record is None or not record.platform_funded:
        return
    order = orders_by_id(order_ids=[order_id]).get(order_id)
    shipped = order is not None and order.shipped_at is not None
    owed = min(platform_share_left(order_lines_of(order_ids=[order_id]), shipping=record.platform_shipping,
                                   shipped=shipped), record.platform_funded)
    back = record.subsidy_posted - owed
    if back <= 0:
        return
    record.subsidy_posted = owed
    record.save(update_fields=["subsidy_posted"])
    ledger_post(key=f"coupon-subsidy-back:{key}", kind="coupon.subsidy_back", ref_type="order", ref_id=order_id,
                entries=[Entry(acct.merchant_pending(record.shop_id), back), Entry(acct.COUPON_EXPENSE, -back)])


def settlement_subsidies(orders) -> dict[int, int]:
    """For settlement: the platform subsidy each order put into its merchant's pending balance, as a negative
    deduction (settlement moves it on to the merchant with the order's own money)."""
    return {order_id: -posted for order_id, posted in CouponOrder.objects.filter(
        order_id__in=[o.pk for o in orders], subsidy_posted__gt=0).values_list("order_id", "subsidy_posted")}


# ---------------------------------------------------------------- share-a-coupon

SHARE_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _share_code() -> str:
    return "".join(secrets.choice(SHARE_CODE_ALPHABET) for _ in range(10))


def share_link(*, user, template_id: int) -> CouponShare:
    """The shopper's link to a public coupon (one per shopper and coupon: sharing again gives the same link)."""
    now = clock.now()
    template = CouponTemplate.objects.filter(pk=template_id, channel=Channel.PUBLIC, status=TemplateStatus.LIVE,
                                             starts_at__lte=now, ends_at__gt=now).first()
    if template is None:
        raise NotFound(_("This coupon cannot be shared."), code="coupon_not_found")
    existing = CouponShare.objects.filter(template=template, sharer=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return CouponShare.objects.create(template=template, sharer=user, code=_share_code())
    except IntegrityError:  # the same shopper's concurrent share made it first
        return CouponShare.objects.get(template=template, sharer=user)


@transaction.atomic
def coupon_claim_shared(*, user, code: str) -> Coupon:
    """A friend claims the coupon through a shopper's link: an ordinary claim (units, per-shopper limit) that
    remembers the link, so the sharer can be rewarded when the friend's order with it settles."""
    share = CouponShare.objects.filter(code=str(code or "")[:12]).first()
    if share is None:
        raise NotFound(_("This link does not exist."), code="share_not_found")
    if share.sharer_id == user.pk:
        raise BusinessRuleViolation(_("This is your own link: send it to friends."), code="own_share")
    coupon = coupon_claim(user=user, template_id=share.template_id, how="share", share=share)
    CouponShare.objects.filter(pk=share.pk).update(claims=F("claims") + 1)
    return coupon


def rewards_decide(*, order_ids) -> dict[str, int]:
    """Settlement settled these orders (after the return window): each waiting reward on them is granted — one
    unit of the reward coupon to the sharer — unless the order was refunded in full (void). Exactly once: the
    reward row is locked and moved by its state machine."""
    done = {"granted": 0, "void": 0, "gone": 0}
    waiting = list(ShareReward.objects.filter(order_id__in=list(order_ids), status=ShareRewardStatus.WAITING)
                   .values_list("pk", flat=True))
    if not waiting:
        return done
    orders = orders_by_id(order_ids=order_ids)
    for reward_id in waiting:
        status = _decide_one(reward_id, orders)
        if status:
            done[status] += 1
    return done


@transaction.atomic
def _decide_one(reward_id: int, orders: dict) -> str:
    reward = (ShareReward.objects.select_for_update().select_related("share", "share__sharer", "share__template")
              .filter(pk=reward_id, status=ShareRewardStatus.WAITING).first())
    if reward is None:
        return ""
    order = orders.get(reward.order_id)
    target, coupon = ShareRewardStatus.VOID, None
    if order is not None and order.refunded_total < order.total:
        template_id = reward.share.template.share_reward_id
        try:
            coupon = coupon_claim(user=reward.share.sharer, template_id=template_id, how="reward",
                                  channel=Channel.REWARD) if template_id else None
            target = ShareRewardStatus.GRANTED if coupon else ShareRewardStatus.GONE
        except (BusinessRuleViolation, NotFound):
            target = ShareRewardStatus.GONE  # the reward coupon ran out or ended
    SHARE_REWARD.check(reward.status, target)
    reward.status, reward.reward_coupon, reward.decided_at = target, coupon, clock.now()
    reward.save(update_fields=["status", "reward_coupon", "decided_at"])
    if coupon is not None:
        publish(ShareRewarded(sharer_id=reward.share.sharer_id, reward_coupon_id=coupon.pk,
                              reward_name=coupon.template.name, order_id=reward.order_id))
    return str(target)


def rewards_void_for_refunded(*, order_id: int) -> int:
    """A full refund voids the waiting rewards on the order at once (the sharer sees why)."""
    order = orders_by_id(order_ids=[order_id]).get(order_id)
    if order is None or order.refunded_total < order.total:
        return 0
    return ShareReward.objects.filter(order_id=order_id, status=ShareRewardStatus.WAITING).update(
        status=ShareRewardStatus.VOID, decided_at=clock.now())
