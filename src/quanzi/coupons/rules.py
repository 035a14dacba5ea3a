"""What a coupon is worth on an order, and why not: pure functions of the coupon and the priced order.

Nothing here reads the database. `pricing.py` feeds it the shopper's coupons and the checkout's shop groups
(orders.services.ShopGroup, already carrying the earlier pipeline steps' discounts), `selectors.py` uses it
for the checkout's list of applicable and inapplicable coupons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from quanzi.core.money import format_yuan
from quanzi.coupons.constants import Issuer, Kind, Scope


@dataclass(frozen=True)
class Offer:
    """One claimed coupon and its template's terms, read once per checkout."""

    coupon_id: int
    template_id: int
    name: str
    kind: str
    amount_off: int
    percent_off: int
    max_discount: int
    min_spend: int
    scope: str
    scope_ids: frozenset[int]
    shop_id: int | None  # a shop's coupon: only that shop's goods
    shop_name: str
    new_users_only: bool
    funded_by: str
    stacking_group: str
    valid_from: datetime
    valid_until: datetime

    @classmethod
    def of(cls, coupon) -> Offer:
        t = coupon.template
        return cls(coupon_id=coupon.pk, template_id=t.pk, name=t.name, kind=t.kind, amount_off=t.amount_off,
                   percent_off=t.percent_off, max_discount=t.max_discount, min_spend=t.min_spend, scope=t.scope,
                   scope_ids=frozenset(int(i) for i in t.scope_ids or ()),
                   shop_id=t.shop_id if t.issuer == Issuer.SHOP else None,
                   shop_name=t.shop.name if t.issuer == Issuer.SHOP and t.shop_id else "",
                   new_users_only=t.new_users_only, funded_by=t.funded_by, stacking_group=t.stacking_group,
                   valid_from=coupon.valid_from, valid_until=coupon.valid_until)

    @property
    def is_shipping(self) -> bool:
        return self.kind == Kind.FREE_SHIPPING

    @property
    def step(self) -> str:
        """Which pipeline step uses it: shop coupons, then platform coupons, then free shipping."""
        if self.is_shipping:
            return "shipping"
        return "shop" if self.shop_id else "platform"


def describe(*, kind: str, amount_off: int, percent_off: int, max_discount: int, min_spend: int) -> str:
    """“¥10 off orders over ¥99”, “15% off (up to ¥20)”, “Free shipping”: the coupon's headline."""
    if kind == Kind.FREE_SHIPPING:
        text = _("Free shipping")
    elif kind == Kind.PERCENT:
        text = _("%(p)d%% off") % {"p": percent_off}
        if max_discount:
            text += " " + _("(up to ¥%(c)s)") % {"c": format_yuan(max_discount)}
    else:
        text = _("¥%(a)s off") % {"a": format_yuan(amount_off)}
    if min_spend:
        text += " · " + _("over ¥%(m)s") % {"m": format_yuan(min_spend)}
    return text


def covered_lines(offer: Offer, group) -> list[int]:
    """Indexes of the group's lines the coupon's scope covers (campaign-priced lines that allow no coupons
    are left out by the pricing pipeline itself)."""
    shop_id = group.shop.pk
    if offer.shop_id is not None and offer.shop_id != shop_id:
        return []
    if offer.scope == Scope.SHOPS and shop_id not in offer.scope_ids:
        return []
    out = []
    for i, line in enumerate(group.lines):
        product = line.sku.product
        if offer.scope == Scope.CATEGORIES and product.category_id not in offer.scope_ids:
            continue
        if offer.scope == Scope.PRODUCTS and product.pk not in offer.scope_ids:
            continue
        out.append(i)
    return out


@dataclass(frozen=True)
class Verdict:
    """A coupon on one shop's order: what it saves there, or the reason it cannot be used."""

    offer: Offer
    shop_id: int
    lines: tuple[int, ...]
    saving: int
    code: str = ""
    reason: str = ""

    @property
    def applies(self) -> bool:
        return self.saving > 0


def judge(offer: Offer, group, *, now: datetime, is_new_user: bool) -> Verdict:
    """Can `offer` take money off this shop's order, and how much? The reasons are what the shopper sees."""
    shop_id = group.shop.pk

    def no(code: str, reason: str, lines: tuple[int, ...] = ()) -> Verdict:
        return Verdict(offer, shop_id, lines, 0, code, reason)

    if now < offer.valid_from:
        return no("not_started", _("Usable from %(d)s.") % {"d": offer.valid_from.strftime("%Y-%m-%d %H:%M")})
    if now >= offer.valid_until:
        return no("expired", _("This coupon has expired."))
    if offer.new_users_only and not is_new_user:
        return no("new_users_only", _("For a first order only."))
    if offer.shop_id is not None and offer.shop_id != shop_id:
        return no("other_shop", _("Only for goods of %(s)s.") % {"s": offer.shop_name})
    lines = covered_lines(offer, group)
    if not lines:
        return no("out_of_scope", _("None of these goods is covered."))
    usable = tuple(i for i in lines if group.lines[i].quote.discountable)
    if not usable:
        return no("campaign_price", _("Goods at a campaign price take no coupons."), tuple(lines))
    base = sum(group.lines[i].net for i in usable)
    if base < offer.min_spend:
        return no("below_min_spend", _("Spend ¥%(m)s more on the goods it covers.")
                  % {"m": format_yuan(offer.min_spend - base)}, usable)
    saving = _saving(offer, base, group)
    if saving <= 0:
        code, reason = (("no_shipping_fee", _("Shipping is already free.")) if offer.is_shipping
                        else ("nothing_to_take", _("Nothing left to take off.")))
        return no(code, reason, usable)
    return Verdict(offer, shop_id, usable, saving)


def _saving(offer: Offer, base: int, group) -> int:
    if offer.kind == Kind.FREE_SHIPPING:
        return max(0, group.shipping_fee - group.shipping_discount)
    if offer.kind == Kind.PERCENT:
        off = base * offer.percent_off // 100
        return min(off, offer.max_discount) if offer.max_discount else off
    return min(offer.amount_off, base)


def best_plan(verdicts: list[Verdict], *, taken: set[tuple[int, str]] | None = None) -> list[Verdict]:
    """The coupons to use at one pipeline step: the largest savings first, each coupon once, at most one coupon
    of a stacking group per shop's order. Greedy — exact for one order (the common case), and close for a
    platform coupon that several shops' orders could use. Ties: the coupon that expires first, then the oldest."""
    taken = set(taken or ())
    used: set[int] = set()
    plan = []
    for verdict in sorted((v for v in verdicts if v.applies),
                          key=lambda v: (-v.saving, v.offer.valid_until, v.offer.coupon_id)):
        slot = (verdict.shop_id, verdict.offer.stacking_group)
        if verdict.offer.coupon_id in used or slot in taken:
            continue
        used.add(verdict.offer.coupon_id)
        taken.add(slot)
        plan.append(verdict)
    return plan
