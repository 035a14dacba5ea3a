from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "quanzi.console"
    label = "console"

    def ready(self) -> None:
        from quanzi.web.slots import LINKS, TEMPLATE, declare_slot

        declare_slot("console.nav", kind=LINKS, owner="console",
                     doc="Merchant console tabs after Overview, Products, Orders and After-sales, before "
                         "Balance; `active` is the page's `console_tab`.")
        declare_slot("console.dashboard", kind=TEMPLATE, owner="console",
                     doc="Merchant console overview: cards under Orders, Money and Low stock, above the quick actions.")
        declare_slot("console.tabbar", kind=LINKS, owner="console",
                     doc="Merchant console's mobile tab bar, before Balance; `icon` names an includes/icon.html icon.")
        declare_slot("admin.todo", kind=LINKS, owner="console",
                     doc="The operator's to-do list on the admin index, after shops, disputes and payouts; "
                         "`extra['count']` is a function returning how many items wait.")
