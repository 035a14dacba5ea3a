from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "quanzi.storefront"
    label = "storefront"

    def ready(self) -> None:
        from quanzi.storefront import handlers  # noqa: F401 - subscribe to catalog changes

        self.declare_slots()

    @staticmethod
    def declare_slots() -> None:
        """The places on the shopper pages that other apps fill (docs/web-and-slots.md)."""
        from quanzi.web.slots import LINKS, TEMPLATE, declare_slot

        for name, kind, doc in (
            ("home.sections", TEMPLATE, "Home page: sections under the categories, above New arrivals."),
            ("home.feed", TEMPLATE, "Home page: the endless part at the bottom, after Popular (notes to browse)."),
            ("home.entries", LINKS, "Home page: the row of promotion entries under the banner (秒杀, 拼团, 直播, "
                                    "砍价…); `icon` is an emoji, `extra['hint']` a short line under the label."),
            ("product.share", TEMPLATE, "Product page: actions next to the title in the price card."),
            ("product.buy_box", TEMPLATE, "Product page: blocks under the buy form, above the shop row "
                                          "(promotions, friends who bought)."),
            ("product.sections", TEMPLATE, "Product page: sections under the details, above “More from this shop”."),
            ("shop.header", TEMPLATE, "Shop page: under the shop's name and description."),
            ("category.results_top", TEMPLATE, "Category page: above its goods (`category` in the context); "
                                               "sponsored results, kept apart from the others."),
            ("search.results_top", TEMPLATE, "Search page: above the goods results of a query (`query` in the "
                                             "context); sponsored results, kept apart from the organic ones."),
            ("search.tabs", TEMPLATE, "Search page: tabs after Goods. `key` is the `type=` value, `label` the "
                                      "tab, `extra['placeholder']` the search box hint; the template renders the "
                                      "results of the chosen tab only (`context` fetches them)."),
            ("checkout.offers", TEMPLATE, "Checkout: offers the shopper picks (coupons, points), inside the order "
                                          "form above the totals; a choice that re-prices the page submits the "
                                          "`checkout-refresh` GET form, the chosen value rides in the order form."),
            ("checkout.notices", TEMPLATE, "Checkout: notices under the totals."),
            ("order.line_actions", TEMPLATE, "Order detail: actions of one order line (rendered per line, with `line`)."),
            ("order.panels", TEMPLATE, "Order detail: cards between the order's facts and its timeline."),
            ("me.menu", LINKS, "“Me” page: menu links after the order shortcuts, before addresses; "
                               "`icon` is an emoji."),
            ("me.staff_menu", LINKS, "“Me” page: menu links for the platform's staff, after “Operator admin”."),
        ):
            declare_slot(name, kind=kind, doc=doc, owner="storefront")
