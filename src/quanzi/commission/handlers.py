"""Commission listens to order facts; orders and settlement know nothing of it.

All the handlers run inside the publisher's transaction: the commission's ledger postings commit
or roll back with the payment, the refund or the settlement that caused them.
"""

from quanzi.commission import (
    services,
    tasks,  # noqa: F401 - registers the tier sweep
)
from quanzi.commission.constants import CommissionStatus
from quanzi.commission.events import CommissionAccrued
from quanzi.core.events import publish, subscribe
from quanzi.core.translated_columns import texts_by_language
from quanzi.orders.events import OrderPaid, OrderRefunded
from quanzi.settlement.events import OrdersSettled


@subscribe(OrderPaid, in_transaction=True)
def accrue(event: OrderPaid) -> None:
    if "share" not in event.attributions:
        return  # commission is earned only on lines bought through a share link
    for c in services.commission_accrue_order(order_id=event.order_id):
        if c.amount > 0:
            publish(CommissionAccrued(commission_id=c.pk, beneficiary_id=c.beneficiary_id, amount=c.amount,
                                      level=c.level, held=c.status == CommissionStatus.HELD, title=c.order_line.title,
                                      titles=texts_by_language(c.order_line, "title")))


@subscribe(OrderRefunded, in_transaction=True)
def reverse(event: OrderRefunded) -> None:
    services.commission_reverse_for_refund(order_id=event.order_id, line_id=event.line_id, key=event.key)


@subscribe(OrdersSettled, in_transaction=True)
def release(event: OrdersSettled) -> None:
    """Pending commissions of settled orders become withdrawable (publishes CommissionReleased)."""
    services.commission_release_orders(order_ids=event.order_ids)
