from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The shared web layer: view helpers, template tags, the base templates and design
    components, and page slots. Below every app that renders pages; imports no app."""

    name = "quanzi.web"
    label = "web"
    verbose_name = _("Web layer")

    def ready(self) -> None:
        from quanzi.web import (
            checks,  # noqa: F401 - every registered slot entry names a declared slot
            converters,
            page_hooks,  # noqa: F401 - the registries of the shopper pages' hooks
        )

        converters.register()  # `<id:pk>` in URL confs: ids that fit a BIGINT
        from quanzi.web.slots import LINKS, TEMPLATE, declare_slot

        declare_slot("base.topbar", kind=TEMPLATE, owner="web",
                     doc="Widgets in every page's top bar, between the search box and the navigation.")
        declare_slot("base.scripts", kind=TEMPLATE, owner="web",
                     doc="Script tags at the end of every page's body (static files only: the CSP forbids "
                         "inline script).")
        declare_slot("base.topnav", kind=LINKS, owner="web",
                     doc="Links in the top navigation, after Categories, Cart and Orders.")
        declare_slot("base.tabbar", kind=LINKS, owner="web",
                     doc="Tabs of the mobile tab bar between Home and Cart; `icon` names an includes/icon.html "
                         "icon, `active` the URL name that highlights the tab.")
