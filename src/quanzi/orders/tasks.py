"""Order sweeps: payment timeout, auto-confirm, after-sale timeouts (see core.sweeps)."""

from django.db import transaction
from django.utils.translation import gettext_noop

from quanzi.core import clock
from quanzi.core.errors import Conflict, NotFound
from quanzi.core.sweeps import sweeps
from quanzi.orders.aftersales import aftersale_sweep_timeouts
from quanzi.orders.constants import OPEN_AFTERSALE, OrderStatus
from quanzi.orders.models import Order
from quanzi.orders.services import order_cancel, order_confirm_receipt

BATCH = 500


@sweeps.register(key="orders_expire_unpaid")
def orders_expire_unpaid() -> int:
    """Cancel unpaid orders past `pay_deadline` (created + QUANZI_PAYMENT_TIMEOUT_SECONDS, 15 min): stock
    goes back and their payment is closed."""
    due = Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, pay_deadline__lte=clock.now())
    done = 0
    for order_id in list(due.values_list("pk", flat=True)[:BATCH]):
        try:
            order_cancel(order_id=order_id, reason=gettext_noop("Not paid in time"), actor="system")
            done += 1
        except (Conflict, NotFound):
            continue  # paid or cancelled meanwhile
    return done


@sweeps.register(key="orders_auto_confirm")
def orders_auto_confirm() -> int:
    """Confirm receipt of delivered orders past `auto_confirm_at` (delivered + QUANZI_AUTO_CONFIRM_DAYS,
    10 days) that have no open after-sale."""
    due = Order.objects.filter(status=OrderStatus.DELIVERED, auto_confirm_at__lte=clock.now()) \
        .exclude(after_sales__status__in=OPEN_AFTERSALE)
    done = 0
    for order_id in list(due.values_list("pk", flat=True)[:BATCH]):
        try:
            with transaction.atomic():
                order_confirm_receipt(order_id=order_id, actor="system")
            done += 1
        except Conflict:
            continue
    return done


sweeps.register(aftersale_sweep_timeouts, key="aftersales_timeouts")
