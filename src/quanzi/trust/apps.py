from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrustConfig(AppConfig):
    name = "quanzi.trust"
    label = "trust"
    verbose_name = _("Trust and safety")

    def ready(self) -> None:
        from quanzi.trust import handlers, states, tasks  # noqa: F401 - subscribers, state machine, sweeps
        from quanzi.web.slots import SlotEntry, slots, staff_only

        slots.register(SlotEntry(slot="me.staff_menu", key="trust.queue", label=_("Risk review queue"),
                                 url="trust:queue", icon="🛡️", testid="me-ops-trust"))
        slots.register(SlotEntry(slot="analytics.ops_dashboard", key="trust", order=10,
                                 template="trust/partials/ops_dashboard.html", visible=staff_only,
                                 context=dashboard_context, stylesheets=("trust/css/trust.css",)))

        from quanzi.core.seeding import seeders
        from quanzi.trust import demo

        seeders.register(demo.seeder, order=96)  # after analytics (94), before reconciliation (99): real signals and payments


def dashboard_context(context) -> dict:
    """The dashboard's range (`overview.since` … `overview.until`) → the risk indicators."""
    import datetime as dt

    from quanzi.core.dates import SHANGHAI
    from quanzi.trust.selectors import risk_indicators

    overview = context.get("overview")
    since, until = getattr(overview, "since", None), getattr(overview, "until", None)
    if not isinstance(since, dt.date) or not isinstance(until, dt.date):
        return {"risk": None}
    start = dt.datetime.combine(since, dt.time.min, tzinfo=SHANGHAI)  # China days, both ends inclusive
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)
    return {"risk": risk_indicators(since=start, until=end)}
