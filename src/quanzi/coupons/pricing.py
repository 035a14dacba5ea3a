"""Coupons in the pricing pipeline (orders.pricing.order_adjusters): three steps, in the pipeline's order —
shop coupons (30), then platform coupons (35) on what the shop coupons left, then free-shipping coupons (80)
once every goods discount is known and with it the shipping fee (docs/promotions.md).

The shopper's choice travels in the checkout context: `coupons` absent → the best combination; `"none"` → no
coupon; `"12,15"` → exactly those, each applied where it saves most, or a clear reason and nothing placed.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, NotFound, ValidationFailed
from quanzi.coupons import rules, selectors
from quanzi.coupons.constants import CouponStatus
from quanzi.orders.pricing import ITEMS, SHIPPING, Adjustment, shipping_fee
from quanzi.orders.selectors import user_has_paid_order

CHOICE = "coupons"
_STATE = "_coupons"  # per-checkout working data, kept in the pipeline's own copy of the context
MAX_CHOSEN = 10


def parse_choice(raw) -> list[int] | None:
    """None: let checkout choose; []: no coupons; else the chosen coupon ids (at most MAX_CHOSEN)."""
    if raw is None:
        return None
    items = raw if isinstance(raw, list | tuple) else str(raw).split(",")
    if len(items) == 1 and str(items[0]).strip().lower() in ("", "none"):
        return []
    ids: list[int] = []
    for item in items[:MAX_CHOSEN + 1]:
        text = str(item).strip()
        if not (text.isascii() and text.isdigit() and len(text) < 19):
            raise ValidationFailed(_("Unknown coupon."), code="invalid_coupon", fields={CHOICE: "invalid"})
        if int(text) not in ids:
            ids.append(int(text))
    if len(ids) > MAX_CHOSEN:
        raise ValidationFailed(_("Choose at most %(n)d coupons.") % {"n": MAX_CHOSEN}, code="too_many_coupons",
                               fields={CHOICE: "too many"})
    return ids


class _Checkout:
    """What the coupon steps of one checkout share: the shopper's coupons (one query), their choice, whether
    they are a new customer (asked only if a coupon needs it), and the (shop, stacking group) slots taken."""

    def __init__(self, user, context: dict):
        self.now = clock.now()
        self.chosen = parse_choice(context.get(CHOICE))
        self.offers = [] if self.chosen == [] else [rules.Offer.of(c) for c in selectors.usable_coupons(user=user,
                                                                                                       now=self.now)]
        if self.chosen:
            self._check_chosen(user)
            self.offers = [o for o in self.offers if o.coupon_id in self.chosen]
        self.is_new_user = (not user_has_paid_order(user_id=user.pk)
                            if any(o.new_users_only for o in self.offers) else False)
        self.taken: set[tuple[int, str]] = set()

    def _check_chosen(self, user) -> None:
        mine = {o.coupon_id for o in self.offers}
        missing = [i for i in self.chosen if i not in mine]
        if not missing:
            return
        found = selectors.coupons_of_user(user=user, ids=missing)
        for coupon_id in missing:
            coupon = found.get(coupon_id)
            if coupon is None:  # not the shopper's: the same answer as for a coupon that does not exist
                raise NotFound(_("Coupon not found."), code="coupon_not_found", fields={CHOICE: str(coupon_id)})
            if coupon.status == CouponStatus.HELD:
                raise Conflict(_("“%(n)s” is held by an unpaid order; cancel that order to use it here.")
                               % {"n": coupon.template.name}, code="coupon_held", fields={CHOICE: str(coupon_id)})
            if coupon.status == CouponStatus.USED:
                raise BusinessRuleViolation(_("“%(n)s” has been used.") % {"n": coupon.template.name},
                                            code="coupon_used", fields={CHOICE: str(coupon_id)})
            raise BusinessRuleViolation(_("“%(n)s” has expired.") % {"n": coupon.template.name},
                                        code="expired", fields={CHOICE: str(coupon_id)})

    def verdicts(self, offer, groups) -> list[rules.Verdict]:
        return [rules.judge(offer, g, now=self.now, is_new_user=self.is_new_user) for g in groups]


def _state(user, context: dict) -> _Checkout | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if _STATE not in context:
        context[_STATE] = _Checkout(user, context)
    return context[_STATE]


def _step(step: str, *, user, groups, context) -> list[Adjustment]:
    state = _state(user, context)
    if state is None or not state.offers:
        return []
    offers = [o for o in state.offers if o.step == step]
    if state.chosen is None:
        plan = rules.best_plan([v for o in offers for v in state.verdicts(o, groups)], taken=state.taken)
    else:
        plan = [_place_chosen(state, offer, groups) for offer in sorted(offers, key=lambda o: state.chosen.index(o.coupon_id))]
    state.taken.update((v.shop_id, v.offer.stacking_group) for v in plan)
    return [Adjustment(amount=v.saving, label=v.offer.name, source="coupon", ref=str(v.offer.coupon_id),
                       shop_id=v.shop_id, lines=v.lines, target=SHIPPING if v.offer.is_shipping else ITEMS,
                       funded_by=v.offer.funded_by) for v in plan]


def _place_chosen(state: _Checkout, offer, groups) -> rules.Verdict:
    """A coupon the shopper chose goes to the shop's order where it saves most; if none can take it, the
    reason (for the order that came closest) stops the checkout."""
    verdicts = state.verdicts(offer, groups)
    free = [v for v in verdicts if v.applies and (v.shop_id, offer.stacking_group) not in state.taken]
    if free:
        best = max(free, key=lambda v: v.saving)
        state.taken.add((best.shop_id, offer.stacking_group))
        return best
    if any(v.applies for v in verdicts):
        raise BusinessRuleViolation(_("“%(n)s” cannot be combined with another coupon of its kind on one order.")
                                    % {"n": offer.name}, code="coupon_stacking", fields={CHOICE: str(offer.coupon_id)})
    closest = max(verdicts, key=lambda v: len(v.lines))
    raise BusinessRuleViolation(f"“{offer.name}”: {closest.reason}", code=closest.code or "coupon_not_applicable",
                                fields={CHOICE: str(offer.coupon_id)})


def shop_coupons(*, user, groups, context) -> list[Adjustment]:
    return _step("shop", user=user, groups=groups, context=context)


def platform_coupons(*, user, groups, context) -> list[Adjustment]:
    return _step("platform", user=user, groups=groups, context=context)


def free_shipping_coupons(*, user, groups, context) -> list[Adjustment]:
    return _step("shipping", user=user, groups=groups, context=context)


class _LineWithoutCoupons:
    def __init__(self, line):
        self.sku, self.quote, self.quantity = line.sku, line.quote, line.quantity
        self.net = line.subtotal - sum(d["amount"] for d in line.discounts if d["source"] != "coupon")


class _WithoutCoupons:
    """A shop's order as the coupon steps found it (the other steps' discounts kept, no coupon's): what the
    checkout's coupon list judges each coupon against, so a reason never counts another coupon's discount."""

    def __init__(self, group):
        self.shop = group.shop
        self.lines = [_LineWithoutCoupons(line) for line in group.lines]
        self.shipping_fee = shipping_fee(sum(line.net for line in self.lines))
        self.shipping_discount = min(self.shipping_fee, sum(a["amount"] for a in group.applied
                                                            if a["target"] == SHIPPING and a["source"] != "coupon"))


def checkout_options(*, user, quote, context: dict) -> dict:
    """Every coupon of the shopper for the checkout page and API: the ones used (with what each saved), the
    others that could be used instead, and the ones that cannot, each with its reason."""
    applied = {int(a["ref"]): a["amount"] for g in quote.groups for a in g.applied if a["source"] == "coupon"}
    coupons = selectors.usable_coupons(user=user)
    is_new = (not user_has_paid_order(user_id=user.pk)) if any(c.template.new_users_only for c in coupons) else False
    now, rows = clock.now(), []
    before = [_WithoutCoupons(g) for g in quote.groups]  # judged as the coupon steps found the orders
    for coupon in coupons:
        offer = rules.Offer.of(coupon)
        verdicts = [rules.judge(offer, g, now=now, is_new_user=is_new) for g in before]
        best = max(verdicts, key=lambda v: (v.saving, len(v.lines)), default=None)
        rows.append({"coupon": coupon, "offer": offer, "applied": offer.coupon_id in applied,
                     "saving": applied.get(offer.coupon_id, best.saving if best else 0),
                     "applicable": bool(best and best.applies),
                     "code": "" if best is None else best.code, "reason": "" if best is None else best.reason})
    rows.sort(key=lambda r: (not r["applied"], not r["applicable"], -r["saving"], r["coupon"].valid_until))
    return {"rows": rows, "chosen": parse_choice(context.get(CHOICE)), "applied_ids": sorted(applied),
            "saving": sum(applied.values())}
