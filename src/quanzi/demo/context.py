"""The demo's `SeedContext`: the fixture data, the lookups every seeder needs, and the hands that
take an order through its life (checkout, the sandbox cashier, the sandbox carrier, after-sales,
settlement) at past moments of the clock.

How history is made: `ctx.at(moment)` moves the one clock back to the moment a step happened (an
order placed 30 days ago, paid five minutes later, shipped the next day, …). The sandbox payment
provider and the sandbox carrier are driven in-process — the payment notification is signed by the
sandbox and verified by `payments.services.payment_handle_notification`; tracking events are signed
bodies posted to `shipping.services.tracking_webhook` — so no server and no network is needed.

Only the demo app (the shell, above every other app) may drive orders, shipping and settlement
together, so these drivers live here and reach the feature apps' seeders through the context.
Everything goes through services and selectors; the few rows the sandbox's own books need written
directly are written by the owning app's `demo.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from quanzi.core.seeding import SeedContext
from quanzi.demo import data, data_en
from quanzi.orders.constants import AfterSaleKind, OrderStatus

H, D = dt.timedelta(hours=1), dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)

# Start of each story (days before now) by the stage it should reach; chosen so that every later
# step still lies in the past and the return window is open or closed as the stage needs.
START_DAYS = {
    "paid": (0.1, 0.9), "refund_requested": (0.15, 0.8), "refund_full": (3, 40),
    "cancelled": (1, 50), "expired": (1, 50), "shipped": (1.6, 2.4), "delivered": (2.6, 6),
    "completed": (3.6, 8), "settled": (10, 60), "refund_partial": (10, 60), "return_awaiting": (3.5, 5),
    "return_shipped": (3.7, 5.5), "dispute": (4.6, 6.5), "return_refunded": (12, 50),
    "dispute_refunded": (14, 50),
}
RETURN_STAGES = ("return_awaiting", "return_shipped", "return_refunded", "dispute", "dispute_refunded")


class DemoContext(SeedContext):
    def __init__(self, *, small: bool = False, out=None, seed: int = 2026):
        super().__init__(small=small, out=out, seed=seed, data=data, data_en=data_en)

    @property
    def images(self):
        """demo/images.py, imported when a seeder first draws (Pillow is not needed to find out that
        everything is seeded already)."""
        from quanzi.demo import images

        return images

    # ------------------------------------------------------------ lookups
    def demo_shopper(self):
        from quanzi.accounts.selectors import user_get_by_phone

        return user_get_by_phone(phone=data.DEMO_SHOPPER["phone"])

    def demo_shop_ids(self) -> set[int]:
        from quanzi.accounts.selectors import user_get_by_email
        from quanzi.shops.selectors import shop_for_owner

        if "demo_shop_ids" not in self.shared:
            ids = set()
            for spec in data.SHOPS:
                owner = user_get_by_email(email=f"merchant{spec['n']}@quanzi.demo")
                shop = shop_for_owner(user=owner) if owner is not None else None
                if shop is not None:
                    ids.add(shop.pk)
            self.shared["demo_shop_ids"] = ids
        return self.shared["demo_shop_ids"]

    def demo_people(self) -> list:
        from quanzi.accounts.demo import seeded_people
        from quanzi.accounts.selectors import user_get_by_email
        from quanzi.shops.selectors import shop_owner_ids

        if "demo_people" not in self.shared:
            operator = user_get_by_email(email=data.OPERATOR["email"])  # made first: the moment of the seed
            demo = self.demo_shopper()
            self.shared["demo_people"] = [] if operator is None else seeded_people(
                joined_before=operator.date_joined, exclude_ids={demo.pk if demo else 0, *shop_owner_ids()})
        return self.shared["demo_people"]

    def products_on_sale(self) -> dict[str, tuple[Any, dict]]:
        """data.PRODUCTS key → (Product, its definition), for the products the shop has on sale."""
        from quanzi.catalog.selectors import product_list

        shop_names = {s["key"]: s["name"] for s in data.SHOPS}
        by_title = {(p.shop.name, p.title): p for p in product_list(limit=100_000)}
        out = {}
        for p in data.PRODUCTS:
            product = by_title.get((shop_names[p["shop"]], p["title"]))
            if product is not None:
                out[p["key"]] = (product, p)
        return out

    # ------------------------------------------------------------ the sandbox's hands
    def pay(self, payment, when: dt.datetime) -> None:
        """The shopper pays on the sandbox cashier; the sandbox's signed notification is verified
        and applied by the platform (in-process instead of over HTTP)."""
        from quanzi.payments.demo import sandbox_trade_mark_notified
        from quanzi.payments.providers.sandbox import SandboxProvider, notification_params
        from quanzi.payments.services import payment_handle_notification

        with self.at(when), transaction.atomic():
            trade = SandboxProvider().pay(out_trade_no=payment.number)
            answer = payment_handle_notification(provider="sandbox", data=notification_params(trade))
            if answer != "success":
                raise RuntimeError(f"sandbox notification for {payment.number} was refused: {answer}")
            # the notification was delivered (above), so the sandbox does not send it again after commit
            sandbox_trade_mark_notified(trade_id=trade.pk)

    def carrier_report(self, shipment, moments: list[dt.datetime], next_at: dt.datetime | None = None) -> None:
        """The sandbox carrier posts its route's first len(moments) events, each signed."""
        from quanzi.shipping.demo import sandbox_parcel_set_progress
        from quanzi.shipping.selectors import sandbox_parcel_get
        from quanzi.shipping.services import (
            SANDBOX_ROUTE,
            carrier_signature,
            sandbox_event_body,
            tracking_webhook,
        )

        parcel = sandbox_parcel_get(tracking_number=shipment.tracking_number)
        for step, moment in enumerate(moments):
            with self.at(moment):
                body = sandbox_event_body(parcel, step)
                tracking_webhook(carrier="sandbox", body=body, signature=carrier_signature(body))
        done = len(moments) >= len(SANDBOX_ROUTE)
        # the carrier's own schedule: a parcel still on its way reports its next step later on
        sandbox_parcel_set_progress(parcel_id=parcel.pk, step=len(moments), next_event_at=None if done else next_at)

    def flush_refunds(self) -> None:
        """Send pending refunds to the sandbox now (normally after commit), at the current clock."""
        from quanzi.payments.services import refunds_submit_pending

        refunds_submit_pending()

    # ------------------------------------------------------------ one checkout's story
    def start_for(self, stage: str) -> dt.datetime:
        lo, hi = START_DAYS[stage]
        return self.ago(days=self.rng.uniform(lo, hi))

    def story(self, user, lines: list, stages: str | list[str], start: dt.datetime, *,
              address=None, source: str = "list", ref: str = "", note: str = "") -> list:
        from quanzi.orders.checkout import checkout_and_pay
        from quanzi.orders.services import CheckoutItem, order_cancel
        from quanzi.orders.tasks import orders_expire_unpaid

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

    def fulfil(self, order, stage: str, t: dt.datetime) -> None:
        from quanzi.orders.services import order_confirm_receipt
        from quanzi.shipping.services import shipment_create

        lines = list(order.lines.all())
        if stage == "paid":
            return
        if stage == "refund_requested":
            self._refund_requested(order, lines, t)
            return
        if stage == "refund_full" or (stage == "refund_partial" and len(lines) > 1):
            self._refunded_before_shipping(order, lines if stage == "refund_full" else lines[:1], t)
            if stage == "refund_full":
                return
        shipped = t + self.rng.uniform(6, 26) * H
        with self.at(shipped):
            shipment = shipment_create(shop=order.shop, order_number=order.number, carrier="sandbox")
        route = [shipped + 3 * H, shipped + 15 * H, shipped + 28 * H, shipped + 31 * H]
        if stage == "shipped":
            self.carrier_report(shipment, route[:2], next_at=self.t0 + self.rng.uniform(14, 30) * H)
            return
        self.carrier_report(shipment, route)
        delivered = route[-1]
        if stage == "delivered":
            return
        if stage in RETURN_STAGES:
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

    def _refund_requested(self, order, lines: list, t: dt.datetime) -> None:
        from quanzi.orders.aftersales import aftersale_request

        with self.at(t + H):
            aftersale_request(user=order.user, order_id=order.pk, line_id=lines[0].pk, kind=AfterSaleKind.REFUND_ONLY,
                              quantity=lines[0].quantity, reason="changed_mind", description="拍错了规格，麻烦退款。")

    def _refunded_before_shipping(self, order, lines: list, t: dt.datetime) -> None:
        from quanzi.orders.aftersales import aftersale_approve, aftersale_request

        for line in lines:
            with self.at(t + H):
                after_sale = aftersale_request(user=order.user, order_id=order.pk, line_id=line.pk,
                                               kind=AfterSaleKind.REFUND_ONLY, quantity=line.quantity,
                                               reason="changed_mind", description="不想要了，还没发货请退款。")
            with self.at(t + 3 * H):
                aftersale_approve(shop=order.shop, after_sale_id=after_sale.pk, note="已退款，欢迎再来。")
                self.flush_refunds()

    def return_story(self, order, lines: list, stage: str, delivered: dt.datetime) -> None:
        from quanzi.orders.aftersales import aftersale_approve, aftersale_confirm_return, aftersale_request

        line = lines[0]
        story = "quality" if stage.startswith("dispute") else self.rng.choice(["size", "not_as_described",
                                                                               "changed_mind"])
        if not line.returnable_7day and story == "changed_mind":
            story = "damaged"
        reason, text = data.AFTERSALE_STORIES[story]
        t = delivered + self.rng.uniform(10, 30) * H
        with self.at(t):
            after_sale = aftersale_request(user=order.user, order_id=order.pk, line_id=line.pk,
                                           kind=AfterSaleKind.RETURN_REFUND, quantity=1, reason=reason, description=text)
        if stage.startswith("dispute"):
            self._dispute(order, after_sale, stage, t)
            return
        with self.at(t + 2 * H):
            aftersale_approve(shop=order.shop, after_sale_id=after_sale.pk, note="同意退货，请寄回并填写单号。")
        if stage == "return_awaiting":
            return
        self._ship_return(order, after_sale, t + 7 * H)
        if stage == "return_shipped":
            return
        with self.at(t + 2 * D):
            aftersale_confirm_return(shop=order.shop, after_sale_id=after_sale.pk)
            self.flush_refunds()

    def _ship_return(self, order, after_sale, when: dt.datetime) -> None:
        from quanzi.orders.aftersales import aftersale_ship_return

        with self.at(when):
            aftersale_ship_return(user=order.user, after_sale_id=after_sale.pk, carrier="顺丰速运",
                                  tracking_number=f"SF{self.rng.randint(10**11, 10**12 - 1)}")

    def _dispute(self, order, after_sale, stage: str, t: dt.datetime) -> None:
        """The merchant rejects, the shopper escalates, and (dispute_refunded) the platform refunds."""
        from quanzi.orders.aftersales import aftersale_decide, aftersale_escalate, aftersale_reject

        with self.at(t + 4 * H):
            aftersale_reject(shop=order.shop, after_sale_id=after_sale.pk,
                             note="商品出库前已质检，照片看不出问题，请补充细节图。")
        with self.at(t + 20 * H):
            aftersale_escalate(user=order.user, after_sale_id=after_sale.pk, note="已补充照片，商家不回复，请平台处理。")
        if stage == "dispute_refunded":
            with self.at(t + 2 * D):
                aftersale_decide(after_sale_id=after_sale.pk, refund=True, note="照片显示确有质量问题，支持退货退款。")
                self.flush_refunds()

    # ------------------------------------------------------------ settlement
    def settle_due(self) -> None:
        """Settle every order whose return window has closed (or that was closed), at the moment
        the settlement sweep would have run."""
        from quanzi.orders.selectors import order_get, orders_due_for_settlement
        from quanzi.settlement.services import order_settle

        for order_id in orders_due_for_settlement(limit=10_000):
            order = order_get(order_id=order_id)
            last = order.events.order_by("-created_at").values_list("created_at", flat=True).first()
            when = (order.return_window_closes_at or last or self.t0) + H
            with self.at(max(when, last or when)):
                order_settle(order_id=order_id)
