"""The operator's to-do list on the admin index: what waits for a decision.

The core items (shops, disputes, payouts) are the console's own; other apps add theirs to the
`admin.todo` link slot, each with `extra["count"]`, a function of theirs that counts what waits.
"""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from quanzi.orders.selectors import aftersale_count_escalated
from quanzi.settlement.constants import PayoutStatus
from quanzi.settlement.selectors import payout_count_requested
from quanzi.shops.constants import ShopStatus
from quanzi.shops.selectors import shop_count_waiting_review
from quanzi.web.templatetags.slots import slot_links

register = template.Library()


@register.inclusion_tag("admin/quanzi/todo.html", takes_context=True)
def operator_todo(context):
    return {"items": [*_core_items(), *_slot_items(context)]}


def _core_items() -> list[dict]:
    return [
        {"label": _("Shops waiting for review"), "testid": "todo-shops", "count": shop_count_waiting_review(),
         "url": reverse("admin:shops_shop_changelist") + f"?status__exact={ShopStatus.APPLIED}"},
        {"label": _("After-sales disputes for the platform"), "testid": "todo-escalated",
         "count": aftersale_count_escalated(),
         "url": reverse("admin:orders_aftersale_changelist") + "?escalated=yes"},
        {"label": _("Payout requests"), "testid": "todo-payouts", "count": payout_count_requested(),
         "url": reverse("admin:settlement_payout_changelist") + f"?status__exact={PayoutStatus.REQUESTED}"},
    ]


def _slot_items(context) -> list[dict]:
    return [{"label": link["label"], "testid": link["testid"], "url": link["url"],
             "count": link["extra"]["count"]() if "count" in link["extra"] else ""}
            for link in slot_links(context, "admin.todo")]
