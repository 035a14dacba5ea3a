"""Order sweeps: payment timeout, auto-confirm, after-sale timeouts (see core.sweeps)."""

from django.db import transaction
from django.utils.translation import gettext_noop

from quanzi.core import clock
from quanzi.core.errors import Conflict, NotFound
from quanzi.core.sweeps import sweeps
from quanzi.orders.aftersales import aftersale_sweep_timeouts
from quanzi.orders.models import Order, OrderStatus
from quanzi.orders.services import order_cancel, order_confirm_receipt
from quanzi.orders.states import OPEN_AFTERSALE

BATCH = 500


@sweeps.register(key="orders_expire_unpaid")
def orders_expire_unpaid() -> int:
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
