from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouponsConfig(AppConfig):
    name = "quanzi.coupons"
    label = "coupons"
    verbose_name = _("Coupons")

    def ready(self) -> None:
        from quanzi.coupons import handlers, pricing, services, states  # noqa: F401 - subscribers, state machines
        from quanzi.orders.pricing import order_adjusters
        from quanzi.settlement.services import SettlementDeduction, settlement_deductions

        # The pricing pipeline's coupon steps (docs/promotions.md): shop, then platform, then free shipping.
        order_adjusters.register(pricing.shop_coupons, key="coupons.shop", order=30)
        order_adjusters.register(pricing.platform_coupons, key="coupons.platform", order=35)
        order_adjusters.register(pricing.free_shipping_coupons, key="coupons.shipping", order=80)
        # A platform coupon's subsidy sits in merchant pending with the order's money: settlement moves it on.
        settlement_deductions.register(SettlementDeduction(key="coupons", many=services.settlement_subsidies))

        from quanzi.coupons import checkout_page, slots

        slots.register_page_slots()  # shop, product, "Me", console and operator pages
        checkout_page.register()  # the checkout's coupon picker and the shopper's choice

        from quanzi.core.seeding import seeders
        from quanzi.coupons import demo

        seeders.register(demo.seeder, order=98)  # after the other apps' orders; before reconciliation (99)
