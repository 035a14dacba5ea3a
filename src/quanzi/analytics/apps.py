from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "quanzi.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from quanzi.analytics import handlers, tasks, tracking  # noqa: F401 - subscribers, the rollup sweep
        from quanzi.web.page_hooks import product_visit_hooks
        from quanzi.web.slots import TEMPLATE, SlotEntry, declare_slot, slots

        declare_slot("analytics.ops_dashboard", kind=TEMPLATE, owner="analytics",
                     doc="Operator's data dashboard, sections after the platform's own reports (risk indicators, "
                         "community stats): the range is `overview.since` … `overview.until`.")
        product_visit_hooks.register(tracking.record_product_view, key="analytics.product_view")
        slots.register(SlotEntry(slot="base.scripts", key="analytics.beacon",
                                 template="analytics/partials/beacon_script.html"))
        slots.register(SlotEntry(slot="console.nav", key="analytics", label=_("Data centre"),
                                 url="analytics:merchant_data", active="data", testid="console-nav-data", order=80))
        slots.register(SlotEntry(slot="me.staff_menu", key="analytics.dashboard", label=_("Data dashboard"),
                                 url="analytics:ops_dashboard", icon="📈", testid="me-ops-analytics"))

        from quanzi.analytics.constants import PLAN_PURPOSE
        from quanzi.payments.returns import return_urls

        return_urls.register(plan_return, key=PLAN_PURPOSE)  # after paying for a plan: back to the data centre

        # Demo data (analytics/demo.py): 90 days of history and a data plan, after the other shops' data
        from quanzi.analytics import demo
        from quanzi.core.seeding import seeders

        seeders.register(demo.seeder, order=94)  # after the other data, before reconciliation (99) reads the payments


def plan_return(payment) -> str:
    from django.urls import reverse

    return reverse("analytics:merchant_data")
