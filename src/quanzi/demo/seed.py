"""The demo shop itself — merchants, products with generated images, shoppers, and an order history
in every state — made through the real services, so the ledger, stock, sold counts and timelines
are exactly what real use would leave behind.

Consistent on purpose: a product's sold count is exactly the units its seeded orders paid for (no
made-up "sold before the demo" figure), and its rating is the mean of its seeded reviews
(reviews/demo.py reviews the best-selling products first), so "已售 N" and the stars agree with the
orders and reviews a visitor can open.

This is the first registered seeder (`order=0`): every feature's demo data builds on its shops,
products and shoppers. The drivers of an order's life (checkout, pay, ship, return, settle) are
`DemoContext`'s (demo/context.py); the features' own demo data lives in each feature app's `demo.py`
(see `quanzi.core.seeding`). The operator account (created first) marks a seeded shop.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from quanzi.catalog.constants import ProductStatus
from quanzi.core.errors import DomainError
from quanzi.core.seeding import DemoSeeder
from quanzi.demo import data, data_en

if TYPE_CHECKING:
    from quanzi.demo.context import DemoContext

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


def already_seeded(ctx=None) -> bool:
    """The operator account (created first) marks a seeded shop."""
    from quanzi.accounts.selectors import user_get_by_email

    return user_get_by_email(email=data.OPERATOR["email"]) is not None


class ShopSeeder:
    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.plan = Plan(small=ctx.small)
        self.shops: dict[str, Any] = {}
        self.categories: dict[str, Any] = {}
        self.products: dict[str, Any] = {}
        self.defs: dict[str, dict] = {}
        self.shoppers: list = []
        self.demo = None
        self.image_count = 0
        self.skipped: list[str] = []

    @property
    def rng(self):
        return self.ctx.rng

    # ------------------------------------------------------------ run
    def run(self) -> dict[str, Any]:
        from quanzi.orders.selectors import order_counts_by_status

        log = self.ctx.log
        self.platform()
        log("  operator, categories and take rates")
        self.merchants()
        log(f"  {len(self.shops)} shops")
        self.catalogue()
        log(f"  {len(self.products)} products, {self.image_count} generated images")
        self.banners()
        self.people()
        log(f"  {len(self.shoppers) + 1} shoppers")
        self.history()
        log(f"  {sum(order_counts_by_status().values())} orders" + (
            f" ({len(self.skipped)} random stories skipped: {', '.join(self.skipped)})" if self.skipped else ""))
        self.ctx.settle_due()
        self.payouts()
        self.scarcity()
        self.carts()
        self.ctx.flush_refunds()
        return summary()

    # ------------------------------------------------------------ platform
    def platform(self) -> None:
        from quanzi.accounts.demo import operator_create
        from quanzi.catalog.demo import category_ensure
        from quanzi.settlement.demo import take_rate_policy_ensure

        op = data.OPERATOR
        operator_create(email=op["email"], password=op["password"], nickname=op["nickname"])
        take_rate_policy_ensure(default_bps=data.DEFAULT_TAKE_RATE_BPS)
        for sort, (slug, name, name_en, icon, rate) in enumerate(data.CATEGORIES):
            self.categories[slug] = category_ensure(slug=slug, name=name, name_en=name_en, icon=icon, sort=sort * 10,
                                                    take_rate_bps=rate)

    # ------------------------------------------------------------ merchants
    def merchants(self) -> None:
        from quanzi.accounts.demo import user_create
        from quanzi.demo import images
        from quanzi.shops.demo import shop_set_take_rate
        from quanzi.shops.services import shop_apply, shop_approve, shop_reject, shop_translate

        at, ago = self.ctx.at, self.ctx.ago
        # One Argon2 hash shared by every merchant login (hashing ~0.1 s each would dominate the seed).
        password = make_password(data.MERCHANT_PASSWORD)
        for spec in data.SHOPS:
            owner = user_create(email=f"merchant{spec['n']}@quanzi.demo", nickname=spec["owner"],
                                password_hash=password, date_joined=ago(days=90 - spec["n"]))
            logo = images.logo_upload(key=spec["key"], initials=spec["initials"], name_cjk=spec["name"][:2],
                                      hue=spec["hue"])
            with at(ago(days=80 - spec["n"])):
                shop = shop_apply(owner=owner, logo=logo, data={
                    "name": spec["name"], "description": spec["description"], "licence_number": spec["licence"],
                    "contact_name": spec["contact"], "contact_phone": f"1376000{spec['n']:04d}"})
            with at(ago(days=79 - spec["n"])):
                if spec["status"] == "approved":
                    shop = shop_approve(shop_id=shop.pk, note="资料齐全，欢迎入驻。")
                elif spec["status"] == "rejected":
                    shop = shop_reject(shop_id=shop.pk, note=spec["review_note"])
            shop = shop_translate(shop=shop, language="en", data={
                "name": spec["brand"], "description": data_en.SHOP_DESCRIPTIONS[spec["key"]],
                "review_note": data_en.SHOP_REVIEW_NOTES.get(spec["key"], "")})
            if spec.get("take_rate_bps") is not None:  # the operator's per-shop override (set in the admin)
                shop = shop_set_take_rate(shop=shop, take_rate_bps=spec["take_rate_bps"])
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

    def make_product(self, p: dict, brand: str):
        from quanzi.catalog.services import product_create, product_set_status, sku_combinations

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
        self.translate_product(product, p)
        self.attach_pictures(product, p, brand)
        if p["status"] != ProductStatus.DRAFT:
            product_set_status(product=product, status=ProductStatus.ON_SHELF)
            if p["status"] == ProductStatus.OFF_SHELF:
                product_set_status(product=product, status=ProductStatus.OFF_SHELF)
        return product

    @staticmethod
    def translate_product(product, p: dict) -> None:
        """The shop's English version (demo/data_en.py), through the service a merchant's translation card uses."""
        from quanzi.catalog.services import product_translate

        en = data_en.PRODUCTS[p["key"]]
        paragraphs = [*en["intro"], *data_en.CATEGORY_TEXT[p["cat"]], data_en.SHOP_TEXT[p["shop"]]]
        if not p["returnable"]:
            paragraphs.append(data_en.PERISHABLE_NOTE)
        options = [{"name": data_en.OPTION_NAMES.get(name, name),
                    "values": [data_en.OPTION_VALUES.get(v, v) for v in values]} for name, values in p["options"]]
        product_translate(product=product, language="en", options=options or None, data={
            "title": en["title"], "subtitle": en["subtitle"], "description": "\n\n".join(paragraphs)})

    def attach_pictures(self, product, p: dict, brand: str) -> None:
        from quanzi.catalog.services import product_attach_image
        from quanzi.demo import images

        hue = p["hue"] if p["hue"] is not None else (images._hash(p["key"]) % 360) / 360
        common = {"key": p["key"], "motif": p["motif"], "brand": brand, "hue": hue}
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
        from quanzi.catalog.demo import banner_create
        from quanzi.demo import images

        for sort, b in enumerate(data.BANNERS):
            name = images.store(f"demo/{images.VERSION}/banners/banner-{sort + 1}.jpg",
                                lambda b=b, sort=sort: images.banner_picture(key=f"banner{sort}", colour=b["color"],
                                                                             motifs=b["motifs"]))
            banner_create(title=b["title"], title_en=b["title_en"], subtitle=b["subtitle"],
                          subtitle_en=data_en.BANNER_SUBTITLES[b["title"]], image=name, link=b["link"],
                          color=b["color"], sort=sort * 10)

    # ------------------------------------------------------------ people
    def people(self) -> None:
        from quanzi.accounts.demo import user_create
        from quanzi.accounts.services import address_create, user_register

        d = data.DEMO_SHOPPER
        self.demo = user_register(identifier=d["phone"], password=d["password"], nickname=d["nickname"])
        for address, default in data.DEMO_ADDRESSES:
            address_create(user=self.demo, data=address, is_default=default)
        password = make_password(data.SHOPPER_PASSWORD)  # shared by the background shoppers, hashed once
        phones = self.rng.sample(range(10_000_000, 99_999_999), self.plan.shopper_count)
        for i in range(self.plan.shopper_count):
            nickname = data.SHOPPER_NICKNAMES[i % len(data.SHOPPER_NICKNAMES)]
            user = user_create(phone=f"139{phones[i]:08d}", nickname=nickname, password_hash=password,
                               date_joined=self.ctx.ago(days=self.rng.uniform(61, 200)))
            province, city, district, street, postcode = self.rng.choice(data.PLACES)
            address_create(user=user, data={
                "recipient": data.RECIPIENTS[i % len(data.RECIPIENTS)], "phone": user.phone, "province": province,
                "city": city, "district": district, "postal_code": postcode,
                "detail": street.format(n=self.rng.randint(1, 999)) + f" {self.rng.randint(1, 30)} 栋"
                          f" {self.rng.randint(1, 28)}{self.rng.randint(1, 4):02d} 室"})
            self.shoppers.append(user)

    # ------------------------------------------------------------ picking goods
    def sku(self, key: str, **option_values):
        product = self.products[key]
        for sku in product.skus.all():
            if all(sku.option_values.get(k) == v for k, v in option_values.items()):
                return sku
        raise LookupError(f"{key} has no SKU {option_values}")

    def sellable(self, key: str, qty: int):
        p = self.defs[key]
        if p["status"] != ProductStatus.ON_SHELF or p["scarcity"]:
            return None
        skus = list(self.products[key].skus.filter(is_active=True, stock__gte=qty + 2))
        return self.rng.choice(skus) if skus else None

    def random_lines(self) -> list[tuple[Any, int]]:
        shop_keys = [s["key"] for s in data.SHOPS if s["status"] == "approved"]
        shops = self.rng.sample(shop_keys, 2 if self.rng.random() < 0.2 else 1)
        lines: list[tuple[Any, int]] = []
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
                        self.ctx.story(user, self.random_lines(), stage, self.ctx.start_for(stage))
                except DomainError as exc:  # an unlucky pick (stock, a limit) is skipped, and counted
                    self.skipped.append(f"{stage}: {exc.code}")

    def demo_shopper_story(self) -> None:
        """小圈 has orders in every tab of the order list."""
        me, sku, story, ago = self.demo, self.sku, self.ctx.story, self.ctx.ago
        office = me.addresses.filter(is_default=False).first()
        # closed: cancelled, expired, fully refunded
        story(me, [(sku("keyboard", 轴体="茶轴"), 1)], "cancelled", ago(days=7, hours=3))
        story(me, [(sku("serum", 规格="30ml"), 1)], "expired", ago(days=12, hours=5))
        story(me, [(sku("steak", 规格="4 片装"), 1)], "refund_full", ago(days=9, hours=2))
        # completed long ago (settled), one with a returned pair of socks
        story(me, [(sku("longjing", 规格="50g 罐装"), 1)], "settled", ago(days=25))
        story(me, [(sku("puer"), 1)], "settled", ago(days=40), note="送人的，麻烦不要放发票")
        story(me, [(sku("candle", 香型="雪松"), 1), (sku("pillow"), 1)], "settled", ago(days=18), address=office)
        story(me, [(sku("socks", 规格="女款 5 双"), 2), (sku("heavytee", 颜色="白", 尺码="M"), 1)],
              "return_refunded", ago(days=30))
        # completed recently (the return window is still open)
        story(me, [(sku("cable", 规格="2 米"), 2), (sku("gan65"), 1)], "completed", ago(days=6))
        # after-sales in progress: a return approved (send it back), and a dispute with the platform
        story(me, [(sku("hoodie", 颜色="灰", 尺码="L"), 1)], "return_awaiting", ago(days=4, hours=6))
        story(me, [(sku("jeans", 颜色="浅蓝", 尺码="27"), 1)], "dispute", ago(days=6, hours=2))
        # delivered (confirm receipt, or try a return), shipped, and one checkout across two shops
        story(me, [(sku("linenshirt", 颜色="浅蓝", 尺码="M"), 1)], "delivered", ago(days=3, hours=4))
        story(me, [(sku("earbuds", 颜色="白"), 1), (sku("nuts", 规格="30 包"), 1)], ["shipped", "delivered"],
              ago(days=2, hours=8), note="")
        # to ship: paid (her group-buy orders come from groupbuy/demo.py)
        story(me, [(sku("heavytee", 颜色="黑", 尺码="L"), 2)], "paid", ago(hours=20), note="麻烦发顺丰，谢谢")
        # unpaid (pays within 15 minutes of the seed, or expires like any unpaid order)
        story(me, [(sku("dahongpao", 规格="100g 礼盒"), 1), (sku("coldbrew", 规格="白桃茉莉"), 2)], "unpaid",
              ago(minutes=1))

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
                self.ctx.story(user, [(sku, 1)], stage, self.ctx.start_for(stage))
        # one more unpaid order, from someone else, so merchants see "awaiting payment"
        user = people[-1]
        self.ctx.story(user, [(self.sku("nuts", 规格="15 包"), 1)], "unpaid", self.ctx.ago(minutes=4))
        # an escalated dispute from another shopper too
        self.ctx.story(people[1], [(self.sku("heavytee", 颜色="燕麦", 尺码="M"), 1)], "dispute",
                       self.ctx.ago(days=5, hours=4))

    # ------------------------------------------------------------ payouts
    def payouts(self) -> None:
        from quanzi.demo.context import H
        from quanzi.settlement.services import merchant_balances, payout_approve_and_pay, payout_request

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
                with self.ctx.at(self.ctx.ago(days=days)):
                    payout = payout_request(shop=shop, amount=amount, bank_account=spec["bank"])
                if status == "paid":
                    with self.ctx.at(self.ctx.ago(days=days) + 3 * H):
                        payout_approve_and_pay(payout_id=payout.pk, note="已打款")

    # ------------------------------------------------------------ finishing touches
    def scarcity(self) -> None:
        """Low stock and sold-out goods, set the way a merchant does it (after the history, so old
        orders could still buy them)."""
        from quanzi.catalog.services import sku_update

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

    def carts(self) -> None:
        from quanzi.orders.services import cart_add

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
    """What the shop holds now (seed_demo's report), read through each app's selectors."""
    from quanzi.accounts.selectors import user_count
    from quanzi.catalog.selectors import catalog_counts
    from quanzi.ledger.selectors import postings_sum, unbalanced_transactions
    from quanzi.orders.selectors import aftersale_counts_by_status, order_counts_by_status
    from quanzi.settlement.selectors import payout_counts_by_status
    from quanzi.shops.selectors import shop_counts_by_status

    catalog = catalog_counts()
    return {
        "users": user_count(),
        "shops": shop_counts_by_status(),
        "products_on_shelf": catalog["products_on_shelf"],
        "products": catalog["products"],
        "skus": catalog["skus"],
        "orders": order_counts_by_status(),
        "after_sales": aftersale_counts_by_status(),
        "payouts": payout_counts_by_status(),
        "ledger_unbalanced": len(unbalanced_transactions()),
        "ledger_total": postings_sum(),
    }


def seed_shop(ctx: DemoContext) -> dict[str, Any]:
    """The shop seeder's entry point (registered from DemoConfig.ready())."""
    return ShopSeeder(ctx).run()


seeder = DemoSeeder(key="shop", run=seed_shop, present=already_seeded)


def refresh_unpaid() -> bool:
    """Give the demo shopper a fresh unpaid order if the last one expired (opt-in)."""
    from quanzi.accounts.selectors import user_get_by_email, user_get_by_phone
    from quanzi.catalog.selectors import sku_list_selling
    from quanzi.orders.checkout import checkout_and_pay
    from quanzi.orders.selectors import has_payable_order
    from quanzi.orders.services import CheckoutItem
    from quanzi.shops.selectors import shop_for_owner

    me = user_get_by_phone(phone=data.DEMO_SHOPPER["phone"])
    if me is None or has_payable_order(user=me):
        return False
    owner = user_get_by_email(email=f"merchant{data.SHOPS[0]['n']}@quanzi.demo")
    shop = shop_for_owner(user=owner) if owner is not None else None
    skus = sku_list_selling(shop_id=shop.pk, min_stock=5) if shop is not None else []
    address = me.addresses.order_by("-is_default", "id").first()
    if not skus or address is None:
        return False
    checkout_and_pay(user=me, items=[CheckoutItem(skus[0].pk, 1)], address_id=address.pk, clear_cart=False)
    return True
