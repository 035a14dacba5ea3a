"""Seed the demo shop through the real services, so the ledger, stock, sold counts and timelines
are exactly what real use would leave behind.

How history is made: `core.clock.travel` moves the one clock back to the moment a step happened
(an order placed 30 days ago, paid five minutes later, shipped the next day, …). The sandbox
payment provider and the sandbox carrier are driven in-process — the payment notification is
signed by the sandbox and verified by `payments.services.payment_handle_notification`; tracking
events are signed bodies posted to `shipping.services.tracking_webhook` — so no server and no
network is needed. Settlement runs for every order whose return window has closed.

Everything happens in one database transaction: a seed that fails leaves nothing behind, and
the operator account (created first) marks a complete seed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from quanzi.accounts.models import User
from quanzi.accounts.services import address_create, user_register
from quanzi.catalog.models import Banner, Category, Product, ProductStatus, Sku
from quanzi.catalog.services import (
    product_attach_image,
    product_create,
    product_record_sales,
    product_set_status,
    sku_combinations,
    sku_update,
)
from quanzi.core import clock
from quanzi.core.errors import DomainError
from quanzi.demo import data, images
from quanzi.ledger.models import Posting
from quanzi.ledger.selectors import unbalanced_transactions
from quanzi.orders.aftersales import (
    aftersale_approve,
    aftersale_confirm_return,
    aftersale_decide,
    aftersale_escalate,
    aftersale_reject,
    aftersale_request,
    aftersale_ship_return,
)
from quanzi.orders.checkout import checkout_and_pay
from quanzi.orders.models import AfterSale, AfterSaleKind, Order, OrderStatus
from quanzi.orders.selectors import orders_due_for_settlement
from quanzi.orders.services import CheckoutItem, cart_add, order_cancel, order_confirm_receipt
from quanzi.orders.tasks import orders_expire_unpaid
from quanzi.payments.models import Refund, RefundStatus, SandboxTrade
from quanzi.payments.providers.sandbox import SandboxProvider, notification_params
from quanzi.payments.services import payment_handle_notification, refund_submit
from quanzi.settlement.models import Payout, TakeRatePolicy
from quanzi.settlement.services import merchant_balances, order_settle, payout_approve_and_pay, payout_request
from quanzi.shipping.models import SandboxParcel
from quanzi.shipping.services import SANDBOX_ROUTE, carrier_signature, sandbox_event_body, shipment_create
from quanzi.shipping.services import tracking_webhook as post_tracking_event
from quanzi.shops.models import Shop
from quanzi.shops.services import shop_apply, shop_approve, shop_reject

H, D = dt.timedelta(hours=1), dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)


def already_seeded() -> bool:
    return User.objects.filter(email=data.OPERATOR["email"]).exists()


# ---------------------------------------------------------------- plan

# Start of each story (days before now) by the stage it should reach; chosen so that every later
# step still lies in the past and the return window is open or closed as the stage needs.
START_DAYS = {
    "paid": (0.1, 0.9), "refund_requested": (0.15, 0.8), "refund_full": (3, 40),
    "cancelled": (1, 50), "expired": (1, 50), "shipped": (1.6, 2.4), "delivered": (2.6, 6),
    "completed": (3.6, 8), "settled": (10, 60), "refund_partial": (10, 60), "return_awaiting": (3.5, 5),
    "return_shipped": (3.7, 5.5), "dispute": (4.6, 6.5), "return_refunded": (12, 50),
    "dispute_refunded": (14, 50),
}
RANDOM_STAGES = Counter({"settled": 46, "completed": 10, "delivered": 7, "shipped": 6, "paid": 6, "cancelled": 6,
                         "expired": 4, "refund_full": 4, "refund_partial": 3, "return_refunded": 4,
                         "dispute_refunded": 1})


@dataclass
class Plan:
    small: bool

    @property
    def shopper_count(self) -> int:
        return 6 if self.small else 30

    @property
    def orders_per_shopper(self) -> tuple[int, int]:
        return (1, 1) if self.small else (1, 4)


# Products the scripted stories use (all of them exist in --small too).
SCRIPT_KEYS = {"dahongpao", "coldbrew", "longjing", "puer", "heavytee", "hoodie", "linenshirt", "jeans", "socks",
               "apples", "nuts", "steak", "earbuds", "cable", "gan65", "keyboard", "candle", "pillow", "serum",
               "travelset", "cardigan", "cherries", "mouse", "yogurt"}


class Seeder:
    def __init__(self, *, small: bool = False, out=None, seed: int = 2026):
        self.plan = Plan(small=small)
        self.rng = random.Random(seed)
        self.t0 = timezone.now()
        self.out = out
        self.shops: dict[str, Shop] = {}
        self.categories: dict[str, Category] = {}
        self.products: dict[str, Product] = {}
        self.defs: dict[str, dict] = {}
        self.shoppers: list[User] = []
        self.demo: User | None = None
        self.image_count = 0
        self.skipped: list[str] = []

    # ------------------------------------------------------------ time
    def ago(self, days: float = 0, hours: float = 0, minutes: float = 0) -> dt.datetime:
        return self.t0 - dt.timedelta(days=days, hours=hours, minutes=minutes)

    @contextlib.contextmanager
    def at(self, moment: dt.datetime):
        """Run the block with the clock at `moment` (never later than the real now)."""
        moment = min(moment, timezone.now())
        with clock.travel(moment - clock.now()):
            yield

    def log(self, msg: str) -> None:
        if self.out is not None:
            self.out.write(msg)

    # ------------------------------------------------------------ run
    def run(self) -> dict[str, Any]:
        self.platform()
        self.log("  operator, categories and take rates")
        self.merchants()
        self.log(f"  {len(self.shops)} shops")
        self.catalogue()
        self.log(f"  {len(self.products)} products, {self.image_count} generated images")
        self.banners()
        self.people()
        self.log(f"  {len(self.shoppers) + 1} shoppers")
        self.history()
        self.log(f"  {Order.objects.count()} orders" + (f" ({len(self.skipped)} random stories skipped: "
                                                        f"{', '.join(self.skipped)})" if self.skipped else ""))
        self.settle_due()
        self.payouts()
        self.scarcity()
        self.popularity()
        self.carts()
        self.flush_refunds()
        return summary()

    # ------------------------------------------------------------ platform
    def platform(self) -> None:
        op = data.OPERATOR
        User.objects.create_superuser(email=op["email"], password=op["password"], nickname=op["nickname"])
        if not TakeRatePolicy.objects.exists():
            TakeRatePolicy.objects.create(default_bps=data.DEFAULT_TAKE_RATE_BPS)
        for sort, (slug, name, name_en, icon, rate) in enumerate(data.CATEGORIES):
            cat, _ = Category.objects.get_or_create(
                slug=slug, defaults={"name": name, "name_en": name_en, "icon": icon, "sort": sort * 10,
                                     "take_rate_bps": rate})
            self.categories[slug] = cat

    # ------------------------------------------------------------ merchants
    def merchants(self) -> None:
        # One Argon2 hash shared by every merchant login (hashing ~0.1 s each would dominate the seed).
        password = make_password(data.MERCHANT_PASSWORD)
        for spec in data.SHOPS:
            owner = User.objects.create(email=f"merchant{spec['n']}@quanzi.demo", nickname=spec["owner"],
                                        password=password, date_joined=self.ago(days=90 - spec["n"]))
            logo = images.logo_upload(key=spec["key"], initials=spec["initials"], name_cjk=spec["name"][:2],
                                      hue=spec["hue"])
            with self.at(self.ago(days=80 - spec["n"])):
                shop = shop_apply(owner=owner, logo=logo, data={
                    "name": spec["name"], "description": spec["description"], "licence_number": spec["licence"],
                    "contact_name": spec["contact"], "contact_phone": f"1376000{spec['n']:04d}"})
            with self.at(self.ago(days=79 - spec["n"])):
                if spec["status"] == "approved":
                    shop = shop_approve(shop_id=shop.pk, note="资料齐全，欢迎入驻。")
                elif spec["status"] == "rejected":
                    shop = shop_reject(shop_id=shop.pk, note=spec["review_note"])
            if spec.get("take_rate_bps") is not None:  # the operator's per-shop override (set in the admin)
                Shop.objects.filter(pk=shop.pk).update(take_rate_bps=spec["take_rate_bps"])
                shop.take_rate_bps = spec["take_rate_bps"]
            self.shops[spec["key"]] = shop

    # ------------------------------------------------------------ catalogue
    def catalogue(self) -> None:
        brands = {s["key"]: s["brand"] for s in data.SHOPS}
        wanted = data.PRODUCTS
        if self.plan.small:
            firsts = {}
            for p in data.PRODUCTS:
                firsts.setdefault(p["shop"], p["key"])
            wanted = [p for p in data.PRODUCTS if p["key"] in SCRIPT_KEYS or p["key"] in firsts.values()]
        for p in wanted:
            self.defs[p["key"]] = p
            self.products[p["key"]] = self.make_product(p, brands[p["shop"]])

    def make_product(self, p: dict, brand: str) -> Product:
        shop = self.shops[p["shop"]]
        paragraphs = [*p["intro"], *data.CATEGORY_TEXT[p["cat"]], data.SHOP_TEXT[p["shop"]]]
        if not p["returnable"]:
            paragraphs.append("温馨提示：本商品为生鲜易腐品，不支持 7 天无理由退货；质量问题请在签收后 24 小时内联系我们。")
        options = [{"name": name, "values": values} for name, values in p["options"]]
        skus = []
        for i, combo in enumerate(sku_combinations(options)):
            price = p["price"]
            for name, value in combo.items():
                price = p["price_by"].get(name, {}).get(value, price)
            price += sum(p["plus"].get(name, {}).get(value, 0) for name, value in combo.items())
            compare = None
            if p["compare_pct"]:
                compare = (price * (100 + p["compare_pct"]) // 100 // 1000 + 1) * 1000 - 100
            skus.append({"options": combo, "price": price, "compare_at_price": compare,
                         "stock": max(4, round(p["stock"] * self.rng.uniform(0.7, 1.3))),
                         "code": f"{p['key'][:10].upper()}-{i + 1:02d}"})
        product = product_create(shop=shop, options=options, skus=skus, data={
            "title": p["title"], "subtitle": p["subtitle"], "description": "\n\n".join(paragraphs),
            "category_id": self.categories[p["cat"]].pk, "returnable_7day": p["returnable"],
            "max_per_order": p["max_per_order"], "price": p["price"]})
        self.attach_pictures(product, p, brand)
        if p["status"] != ProductStatus.DRAFT:
            product_set_status(product=product, status=ProductStatus.ON_SHELF)
            if p["status"] == ProductStatus.OFF_SHELF:
                product_set_status(product=product, status=ProductStatus.OFF_SHELF)
        return product

    def attach_pictures(self, product: Product, p: dict, brand: str) -> None:
        hue = p["hue"] if p["hue"] is not None else (images._hash(p["key"]) % 360) / 360
        common = {"key": p["key"], "motif": p["motif"], "mark": p["mark"], "brand": brand, "hue": hue}
        colour_name = p["colour_option"]
        if colour_name:
            values = dict(p["options"])[colour_name]
            skus = list(product.skus.all())
            for i, value in enumerate(values):
                full, thumb = images.store_product_picture(f"{p['key']}-c{i}", colour=images.NAMED_COLOURS.get(value),
                                                           **common)
                first = next((s for s in skus if s.option_values.get(colour_name) == value), None)
                product_attach_image(product=product, image=full, thumb=thumb, sku_id=first.pk if first else None)
                self.image_count += 1
        else:
            for variant in (0,) if self.plan.small else (0, 1):
                full, thumb = images.store_product_picture(f"{p['key']}-v{variant}", variant=variant, **common)
                product_attach_image(product=product, image=full, thumb=thumb)
                self.image_count += 1

    def banners(self) -> None:
        for sort, b in enumerate(data.BANNERS):
            name = images.store(f"demo/{images.VERSION}/banners/banner-{sort + 1}.jpg",
                                lambda b=b, sort=sort: images.banner_picture(key=f"banner{sort}", colour=b["color"],
                                                                             motifs=b["motifs"]))
            Banner.objects.create(title=b["title"], title_en=b["title_en"], subtitle=b["subtitle"], image=name,
                                  link=b["link"], color=b["color"], sort=sort * 10)

    # ------------------------------------------------------------ people
    def people(self) -> None:
        d = data.DEMO_SHOPPER
        self.demo = user_register(identifier=d["phone"], password=d["password"], nickname=d["nickname"])
        for address, default in data.DEMO_ADDRESSES:
            address_create(user=self.demo, data=address, is_default=default)
        password = make_password(data.SHOPPER_PASSWORD)  # shared by the background shoppers, hashed once
        phones = self.rng.sample(range(10_000_000, 99_999_999), self.plan.shopper_count)
        for i in range(self.plan.shopper_count):
            nickname = data.SHOPPER_NICKNAMES[i % len(data.SHOPPER_NICKNAMES)]
            user = User.objects.create(phone=f"139{phones[i]:08d}", nickname=nickname, password=password,
                                       date_joined=self.ago(days=self.rng.uniform(61, 200)))
            province, city, district, street, postcode = self.rng.choice(data.PLACES)
            address_create(user=user, data={
                "recipient": data.RECIPIENTS[i % len(data.RECIPIENTS)], "phone": user.phone, "province": province,
                "city": city, "district": district, "postal_code": postcode,
                "detail": street.format(n=self.rng.randint(1, 999)) + f" {self.rng.randint(1, 30)} 栋"
                          f" {self.rng.randint(1, 28)}{self.rng.randint(1, 4):02d} 室"})
            self.shoppers.append(user)

    # ------------------------------------------------------------ picking goods
    def sku(self, key: str, **option_values) -> Sku:
        product = self.products[key]
        for sku in product.skus.all():
            if all(sku.option_values.get(k) == v for k, v in option_values.items()):
                return sku
        raise LookupError(f"{key} has no SKU {option_values}")

    def sellable(self, key: str, qty: int) -> Sku | None:
        p = self.defs[key]
        if p["status"] != ProductStatus.ON_SHELF or p["scarcity"]:
            return None
        skus = list(Sku.objects.filter(product=self.products[key], is_active=True, stock__gte=qty + 2))
        return self.rng.choice(skus) if skus else None

    def random_lines(self) -> list[tuple[Sku, int]]:
        shop_keys = [s["key"] for s in data.SHOPS if s["status"] == "approved"]
        shops = self.rng.sample(shop_keys, 2 if self.rng.random() < 0.2 else 1)
        lines: list[tuple[Sku, int]] = []
        for shop_key in shops:
            keys = [k for k, p in self.defs.items() if p["shop"] == shop_key]
            for key in self.rng.sample(keys, min(len(keys), 1 if self.rng.random() < 0.6 else 2)):
                qty = 1 if self.rng.random() < 0.75 else 2
                max_qty = self.defs[key]["max_per_order"]
                qty = min(qty, max_qty) if max_qty else qty
                sku = self.sellable(key, qty)
                if sku is not None:
                    lines.append((sku, qty))
        return lines

    def start_for(self, stage: str) -> dt.datetime:
        lo, hi = START_DAYS[stage]
        return self.ago(days=self.rng.uniform(lo, hi))

    # ------------------------------------------------------------ the sandbox's hands
    def pay(self, payment, when: dt.datetime) -> None:
        """The shopper pays on the sandbox cashier; the sandbox's signed notification is verified
        and applied by the platform (in-process instead of over HTTP)."""
        with self.at(when), transaction.atomic():
            trade = SandboxProvider().pay(out_trade_no=payment.number)
            answer = payment_handle_notification(provider="sandbox", data=notification_params(trade))
            if answer != "success":
                raise RuntimeError(f"sandbox notification for {payment.number} was refused: {answer}")
            # the notification was delivered (above), so the sandbox does not send it again after commit
            SandboxTrade.objects.filter(pk=trade.pk).update(notified=True, notify_attempts=1, next_notify_at=None)

    def carrier_report(self, shipment, moments: list[dt.datetime], next_at: dt.datetime | None = None) -> None:
        """The sandbox carrier posts its route's first len(moments) events, each signed."""
        parcel = SandboxParcel.objects.get(tracking_number=shipment.tracking_number)
        for step, moment in enumerate(moments):
            with self.at(moment):
                body = sandbox_event_body(parcel, step)
                post_tracking_event(carrier="sandbox", body=body, signature=carrier_signature(body))
        done = len(moments) >= len(SANDBOX_ROUTE)
        # the carrier's own schedule: a parcel still on its way reports its next step later on
        SandboxParcel.objects.filter(pk=parcel.pk).update(step=len(moments), next_event_at=None if done else next_at)

    def flush_refunds(self) -> None:
        """Send pending refunds to the sandbox now (normally after commit), at the current clock."""
        for refund_id in Refund.objects.filter(status=RefundStatus.PENDING).values_list("pk", flat=True):
            refund_submit(refund_id=refund_id)

    # ------------------------------------------------------------ one checkout's story
    def story(self, user: User, lines: list[tuple[Sku, int]], stages: str | list[str], start: dt.datetime, *,
              address=None, source: str = "list", ref: str = "", note: str = "") -> list[Order]:
        if not lines:
            return []
        address = address or user.addresses.order_by("-is_default", "id").first()
        items = [CheckoutItem(sku.pk, qty, source, ref) for sku, qty in lines]
        shop_ids = list(dict.fromkeys(sku.product.shop_id for sku, _ in lines))
        notes = {shop_ids[0]: note} if note else None
        with self.at(start):
            orders, payment = checkout_and_pay(user=user, items=items, address_id=address.pk, notes=notes,
                                               clear_cart=False)
        stages = [stages] * len(orders) if isinstance(stages, str) else stages
        first = stages[0]
        if first == "unpaid":
            return orders
        if first == "cancelled":
            with self.at(start + 3 * MINUTE):
                for order in orders:
                    order_cancel(order_id=order.pk, user=user, reason=self.rng.choice(
                        ["不想要了", "地址填错了，重新下单", "买多了", "想换个颜色"]))
            return orders
        if first == "expired":
            with self.at(start + 16 * MINUTE):
                orders_expire_unpaid()  # the payment-timeout sweep, at the moment it would have run
            return orders
        paid_at = start + self.rng.uniform(1, 12) * MINUTE
        self.pay(payment, paid_at)
        for order, stage in zip(orders, stages, strict=True):
            order.refresh_from_db()
            self.fulfil(order, stage, paid_at)
        return orders

    def fulfil(self, order: Order, stage: str, t: dt.datetime) -> None:
        lines = list(order.lines.all())
        shop = order.shop
        if stage == "paid":
            return
        if stage == "refund_requested":
            reason, text = ("changed_mind", "拍错了规格，麻烦退款。")
            with self.at(t + H):
                aftersale_request(user=order.user, order_id=order.pk, line_id=lines[0].pk,
                                  kind=AfterSaleKind.REFUND_ONLY, quantity=lines[0].quantity, reason=reason,
                                  description=text)
            return
        if stage == "refund_full" or (stage == "refund_partial" and len(lines) > 1):
            for line in lines if stage == "refund_full" else lines[:1]:
                with self.at(t + H):
                    after_sale = aftersale_request(user=order.user, order_id=order.pk, line_id=line.pk,
                                                   kind=AfterSaleKind.REFUND_ONLY, quantity=line.quantity,
                                                   reason="changed_mind", description="不想要了，还没发货请退款。")
                with self.at(t + 3 * H):
                    aftersale_approve(shop=shop, after_sale_id=after_sale.pk, note="已退款，欢迎再来。")
                    self.flush_refunds()
            if stage == "refund_full":
                return
        shipped = t + self.rng.uniform(6, 26) * H
        with self.at(shipped):
            shipment = shipment_create(shop=shop, order_number=order.number, carrier="sandbox")
        route = [shipped + 3 * H, shipped + 15 * H, shipped + 28 * H, shipped + 31 * H]
        if stage == "shipped":
            self.carrier_report(shipment, route[:2], next_at=self.t0 + self.rng.uniform(14, 30) * H)
            return
        self.carrier_report(shipment, route)
        delivered = route[-1]
        if stage == "delivered":
            return
        if stage in ("return_awaiting", "return_shipped", "return_refunded", "dispute", "dispute_refunded"):
            self.return_story(order, lines, stage, delivered)
            order.refresh_from_db()
            if stage not in ("return_refunded", "dispute_refunded") or order.status != OrderStatus.DELIVERED:
                return
            with self.at(delivered + 5 * D):
                order_confirm_receipt(order_id=order.pk, user=order.user)
            return
        # completed, settled, refund_partial: the shopper confirms, or the system after 10 days
        if self.rng.random() < 0.8:
            with self.at(delivered + self.rng.uniform(4, 60) * H):
                order_confirm_receipt(order_id=order.pk, user=order.user)
        else:
            with self.at(delivered + 10 * D + 2 * MINUTE):
                order_confirm_receipt(order_id=order.pk, actor="system")

    def return_story(self, order: Order, lines: list, stage: str, delivered: dt.datetime) -> None:
        line = lines[0]
        qty = 1
        story = "quality" if stage.startswith("dispute") else self.rng.choice(["size", "not_as_described",
                                                                               "changed_mind"])
        if not line.returnable_7day and story == "changed_mind":
            story = "damaged"
        reason, text = data.AFTERSALE_STORIES[story]
        t = delivered + self.rng.uniform(10, 30) * H
        with self.at(t):
            after_sale = aftersale_request(user=order.user, order_id=order.pk, line_id=line.pk,
                                           kind=AfterSaleKind.RETURN_REFUND, quantity=qty, reason=reason,
                                           description=text)
        if stage.startswith("dispute"):
            with self.at(t + 4 * H):
                aftersale_reject(shop=order.shop, after_sale_id=after_sale.pk,
                                 note="商品出库前已质检，照片看不出问题，请补充细节图。")
            with self.at(t + 20 * H):
                aftersale_escalate(user=order.user, after_sale_id=after_sale.pk,
                                   note="已补充照片，商家不回复，请平台处理。")
            if stage == "dispute_refunded":
                with self.at(t + 2 * D):
                    aftersale_decide(after_sale_id=after_sale.pk, refund=True,
                                     note="照片显示确有质量问题，支持退货退款。")
                    self.flush_refunds()
            return
        with self.at(t + 2 * H):
            aftersale_approve(shop=order.shop, after_sale_id=after_sale.pk, note="同意退货，请寄回并填写单号。")
        if stage == "return_awaiting":
            return
        with self.at(t + 7 * H):
            aftersale_ship_return(user=order.user, after_sale_id=after_sale.pk, carrier="顺丰速运",
                                  tracking_number=f"SF{self.rng.randint(10**11, 10**12 - 1)}")
        if stage == "return_shipped":
            return
        with self.at(t + 2 * D):
            aftersale_confirm_return(shop=order.shop, after_sale_id=after_sale.pk)
            self.flush_refunds()

    # ------------------------------------------------------------ history
    def history(self) -> None:
        self.demo_shopper_story()
        self.merchant_stories()
        lo, hi = self.plan.orders_per_shopper
        stages = list(RANDOM_STAGES.elements())
        for user in self.shoppers:
            for _ in range(self.rng.randint(lo, hi)):
                stage = self.rng.choice(stages)
                try:
                    with transaction.atomic():
                        self.story(user, self.random_lines(), stage, self.start_for(stage))
                except DomainError as exc:  # an unlucky pick (stock, a limit) is skipped, and counted
                    self.skipped.append(f"{stage}: {exc.code}")

    def demo_shopper_story(self) -> None:
        """小圈 has orders in every tab of the order list."""
        me, sku = self.demo, self.sku
        office = me.addresses.filter(is_default=False).first()
        # closed: cancelled, expired, fully refunded
        self.story(me, [(sku("keyboard", 轴体="茶轴"), 1)], "cancelled", self.ago(days=7, hours=3))
        self.story(me, [(sku("serum", 规格="30ml"), 1)], "expired", self.ago(days=12, hours=5))
        self.story(me, [(sku("steak", 规格="4 片装"), 1)], "refund_full", self.ago(days=9, hours=2))
        # completed long ago (settled), one with a returned pair of socks
        self.story(me, [(sku("longjing", 规格="50g 罐装"), 1)], "settled", self.ago(days=25))
        self.story(me, [(sku("puer"), 1)], "settled", self.ago(days=40), note="送人的，麻烦不要放发票")
        self.story(me, [(sku("candle", 香型="雪松"), 1), (sku("pillow"), 1)], "settled", self.ago(days=18),
                   address=office)
        self.story(me, [(sku("socks", 规格="女款 5 双"), 2), (sku("heavytee", 颜色="白", 尺码="M"), 1)],
                   "return_refunded", self.ago(days=30))
        # completed recently (the return window is still open)
        self.story(me, [(sku("cable", 规格="2 米"), 2), (sku("gan65"), 1)], "completed", self.ago(days=6))
        # after-sales in progress: a return approved (send it back), and a dispute with the platform
        self.story(me, [(sku("hoodie", 颜色="灰", 尺码="L"), 1)], "return_awaiting", self.ago(days=4, hours=6))
        self.story(me, [(sku("jeans", 颜色="浅蓝", 尺码="27"), 1)], "dispute", self.ago(days=6, hours=2))
        # delivered (confirm receipt, or try a return), shipped, and one checkout across two shops
        self.story(me, [(sku("linenshirt", 颜色="浅蓝", 尺码="M"), 1)], "delivered", self.ago(days=3, hours=4))
        self.story(me, [(sku("earbuds", 颜色="白"), 1), (sku("nuts", 规格="30 包"), 1)], ["shipped", "delivered"],
                   self.ago(days=2, hours=8), note="")
        # to ship: paid (her group-buy orders come from demo/groupbuy_seed.py)
        self.story(me, [(sku("heavytee", 颜色="黑", 尺码="L"), 2)], "paid", self.ago(hours=20),
                   note="麻烦发顺丰，谢谢")
        # unpaid (pays within 15 minutes of the seed, or expires like any unpaid order)
        self.story(me, [(sku("dahongpao", 规格="100g 礼盒"), 1), (sku("coldbrew", 规格="白桃茉莉"), 2)], "unpaid",
                   self.ago(minutes=1))

    def merchant_stories(self) -> None:
        """Every approved shop gets work waiting in its console: an order to ship, a refund
        request, a return on its way back."""
        people = self.shoppers
        jobs = [("paid", 0), ("paid", 1), ("refund_requested", 2), ("return_shipped", 3), ("shipped", 4),
                ("delivered", 5)]
        for i, (shop_key, _shop) in enumerate(self.shops.items()):
            if _shop.status != "approved":
                continue
            keys = [k for k, p in self.defs.items() if p["shop"] == shop_key]
            for stage, j in jobs:
                user = people[(i * 5 + j) % len(people)]
                for _attempt in range(4):
                    sku = self.sellable(self.rng.choice(keys), 1)
                    if sku is not None:
                        break
                if sku is None:
                    continue
                self.story(user, [(sku, 1)], stage, self.start_for(stage))
        # one more unpaid order, from someone else, so merchants see "awaiting payment"
        user = people[-1]
        self.story(user, [(self.sku("nuts", 规格="15 包"), 1)], "unpaid", self.ago(minutes=4))
        # an escalated dispute from another shopper too
        self.story(people[1], [(self.sku("heavytee", 颜色="燕麦", 尺码="M"), 1)], "dispute", self.ago(days=5, hours=4))

    # ------------------------------------------------------------ settlement and payouts
    def settle_due(self) -> None:
        """Settle every order whose return window has closed (or that was closed), at the moment
        the settlement sweep would have run."""
        for order_id in orders_due_for_settlement(limit=10_000):
            order = Order.objects.get(pk=order_id)
            last = order.events.order_by("-created_at").values_list("created_at", flat=True).first()
            when = (order.return_window_closes_at or last or self.t0) + H
            with self.at(max(when, last or when)):
                order_settle(order_id=order_id)

    def payouts(self) -> None:
        plan = {"tea": [("paid", 3.0), ("requested", 0.2)], "apparel": [("paid", 2.0)],
                "kitchen": [("requested", 0.3)], "digital": [("paid", 5.0), ("requested", 0.05)],
                "home": [("paid", 1.0)]}
        for key, steps in plan.items():
            shop = self.shops[key]
            for status, days in steps:
                available = merchant_balances(shop_id=shop.pk)["available"]
                amount = available * (6 if status == "paid" else 5) // 10 // 100 * 100
                if amount < 1000:
                    continue
                spec = next(s for s in data.SHOPS if s["key"] == key)
                with self.at(self.ago(days=days)):
                    payout = payout_request(shop=shop, amount=amount, bank_account=spec["bank"])
                if status == "paid":
                    with self.at(self.ago(days=days) + 3 * H):
                        payout_approve_and_pay(payout_id=payout.pk, note="已打款")

    # ------------------------------------------------------------ finishing touches
    def scarcity(self) -> None:
        """Low stock and sold-out goods, set the way a merchant does it (after the history, so old
        orders could still buy them)."""
        for key, p in self.defs.items():
            if not p["scarcity"]:
                continue
            product = self.products[key]
            skus = list(product.skus.all())
            if p["scarcity"] == "soldout":
                targets = {s.pk: 0 for s in skus}
            else:
                chosen = self.rng.sample(skus, max(1, len(skus) // 2))
                targets = {s.pk: self.rng.randint(1, 5) for s in chosen}
            for sku_id, stock in targets.items():
                sku_update(product=product, sku_id=sku_id, stock=stock)

    def popularity(self) -> None:
        """`add_sales_before_the_demo`: products had sales before this shop's order history begins;
        add a believable number so the "popular" sort has something to sort."""
        hot = {"heavytee", "earbuds", "coldbrew", "apples", "nuts", "dahongpao", "gan65", "candle"}
        extra = {}
        for key, product in self.products.items():
            if self.defs[key]["status"] != ProductStatus.ON_SHELF:
                continue
            if key in hot:
                extra[product.pk] = self.rng.randint(1500, 9000)
            elif self.defs[key]["scarcity"] == "soldout":
                extra[product.pk] = self.rng.randint(300, 2000)
            else:
                extra[product.pk] = self.rng.randint(5, 600)
        product_record_sales(quantities=extra)

    def carts(self) -> None:
        me = self.demo
        for key, opts, qty in (("coldbrew", {"规格": "蜜桃乌龙"}, 2), ("mouse", {"颜色": "粉"}, 1),
                               ("travelset", {}, 1), ("cardigan", {}, 1), ("yogurt", {}, 1)):
            if key not in self.products:
                continue
            candidates = [s for s in self.products[key].skus.all()
                          if all(s.option_values.get(k) == v for k, v in opts.items())]
            for sku in sorted(candidates, key=lambda s: -s.stock):
                with contextlib.suppress(DomainError), transaction.atomic():
                    cart_add(user=me, sku_id=sku.pk, quantity=qty)
                    break
        for user in self.shoppers[:5]:
            lines = self.random_lines()[:2]
            for sku, qty in lines:
                with contextlib.suppress(DomainError), transaction.atomic():
                    cart_add(user=user, sku_id=sku.pk, quantity=qty)


# ---------------------------------------------------------------- reporting

def summary() -> dict[str, Any]:
    from quanzi.shops.models import ShopStatus

    statuses = Counter(Order.objects.values_list("status", flat=True))
    return {
        "users": User.objects.count(),
        "shops": {s: Shop.objects.filter(status=s).count() for s in ShopStatus.values},
        "products_on_shelf": Product.objects.filter(status=ProductStatus.ON_SHELF).count(),
        "products": Product.objects.count(),
        "skus": Sku.objects.count(),
        "orders": {s: statuses.get(s, 0) for s in OrderStatus.values},
        "after_sales": dict(Counter(AfterSale.objects.values_list("status", flat=True))),
        "payouts": dict(Counter(Payout.objects.values_list("status", flat=True))),
        "ledger_unbalanced": len(unbalanced_transactions()),
        "ledger_total": Posting.objects.aggregate(s=Sum("amount"))["s"] or 0,
    }


# The features' demo data, in order. Each seeds itself once and returns None when its data is already
# there, so a database seeded before a feature existed gets that feature's data on the next seed_demo.
FEATURE_SEEDS = (
    ("social", "quanzi.demo.social_seed", "seed_social"),  # issue 3: creators, notes, follows, reviews
    ("distribution", "quanzi.demo.distribution_seed", "seed_distribution"),  # issue 4: share-to-earn
    ("groupbuy", "quanzi.demo.groupbuy_seed", "seed_groupbuy"),  # issue 5: succeeded, failed, open groups
    ("bargain", "quanzi.demo.bargain_seed", "seed_bargain"),  # issue 5: 小圈's bargain with two cuts
    ("flash", "quanzi.demo.flash_seed", "seed_flash"),  # issue 5: a session on now, one starting soon
    ("live", "quanzi.demo.live_seed", "seed_live"),  # issue 6: a room live now, one tomorrow, one ended
    ("livesales", "quanzi.demo.livesales_seed", "seed_livesales"),  # issue 6: live price, gifts, tips (after live)
)


def seed_features(*, out=None) -> dict[str, Any]:
    """Seed every feature whose demo data is missing; {feature: what it added}."""
    import importlib

    added = {}
    for name, module, function in FEATURE_SEEDS:
        result = getattr(importlib.import_module(module), function)(out=out)
        if result:
            added[name] = result
    return added


def seed(*, small: bool = False, out=None) -> dict[str, Any]:
    with transaction.atomic():
        result = Seeder(small=small, out=out).run()
        result.update(seed_features(out=out))
        fresh = summary()  # again, with the features' orders and commission books
        for key in ("orders", "ledger_unbalanced", "ledger_total"):
            result[key] = fresh[key]
        return result


def refresh_unpaid(*, out=None) -> bool:
    """Give the demo shopper a fresh unpaid order if the last one expired (opt-in)."""
    me = User.objects.filter(phone=data.DEMO_SHOPPER["phone"]).first()
    if me is None or Order.objects.filter(user=me, status=OrderStatus.PENDING_PAYMENT,
                                          pay_deadline__gt=clock.now()).exists():
        return False
    sku = Sku.objects.filter(product__shop__name=data.SHOPS[0]["name"], product__status=ProductStatus.ON_SHELF,
                             is_active=True, stock__gte=5).order_by("id").first()
    address = me.addresses.order_by("-is_default", "id").first()
    if sku is None or address is None:
        return False
    checkout_and_pay(user=me, items=[CheckoutItem(sku.pk, 1)], address_id=address.pk, clear_cart=False)
    return True

