from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def may_see_mismatches(context) -> bool:
    """The to-do links show to the operators who may open the mismatches (not to every staff member)."""
    user = context.get("user")
    return bool(user is not None and user.is_active and user.is_staff
                and user.has_perm("reconciliation.view_mismatch"))


def may_see_runs(context) -> bool:
    user = context.get("user")
    return bool(user is not None and user.is_active and user.is_staff
                and user.has_perm("reconciliation.view_reconciliationrun"))


class ReconciliationConfig(AppConfig):
    name = "quanzi.reconciliation"
    label = "reconciliation"
    verbose_name = _("Reconciliation")

    def ready(self) -> None:
        from quanzi.core.seeding import seeders
        from quanzi.reconciliation import demo, states, tasks  # noqa: F401 - registers the state machines and the sweep

        seeders.register(demo.seeder, order=99)  # yesterday's sandbox bill, after every payment of the seed (last)

        # The operator's to-do list on the admin index (console's `admin.todo` slot; docs/web-and-slots.md)
        from quanzi.reconciliation.constants import MismatchStatus, RunStatus
        from quanzi.reconciliation.selectors import mismatch_count_open, run_count_failed
        from quanzi.web.slots import SlotEntry, slots

        slots.register(SlotEntry(slot="admin.todo", key="reconciliation.mismatches",
                                 label=_("Reconciliation mismatches to resolve"),
                                 url="admin:reconciliation_mismatch_changelist",
                                 query=f"status__exact={MismatchStatus.OPEN}", testid="todo-reconciliation",
                                 order=60, visible=may_see_mismatches,
                                 extra={"count": mismatch_count_open}))
        slots.register(SlotEntry(slot="admin.todo", key="reconciliation.failed",
                                 label=_("Provider bills that could not be fetched"),
                                 url="admin:reconciliation_reconciliationrun_changelist",
                                 query=f"status__exact={RunStatus.FAILED}", testid="todo-reconciliation-failed",
                                 order=61, visible=may_see_runs,
                                 extra={"count": run_count_failed}))
