"""Commission listens to order facts; orders and settlement know nothing of it.

All the handlers run inside the publisher's transaction: the commission's ledger postings commit
or roll back with the payment, the refund or the settlement that caused them.
"""

from quanzi.commission import (
    services,
    tasks,  # noqa: F401 - registers the tier sweep
)
from quanzi.core.events import Event, subscribe
from quanzi.orders import events as ev
from quanzi.settlement.services import ORDERS_SETTLED, register_settlement_deduction

register_settlement_deduction(services.settlement_deduction, many=services.settlement_deductions)


@subscribe(ev.ORDER_PAID, in_transaction=True)
def accrue(event: Event) -> None:
    services.commission_accrue_order(order_id=event["order_id"])


@subscribe(ev.ORDER_REFUNDED, in_transaction=True)
def reverse(event: Event) -> None:
    services.commission_reverse_for_refund(order_id=event["order_id"], line_id=event["line_id"], key=event["key"])


@subscribe(ev.ORDER_SETTLED, in_transaction=True)
def release(event: Event) -> None:
    services.commission_release_order(order_id=event["order_id"])


@subscribe(ORDERS_SETTLED, in_transaction=True)
def release_many(event: Event) -> None:
    """Batched settlement (`settlement.services.orders_settle`) publishes one event for the batch."""
    services.commission_release_orders(order_ids=event["order_ids"])
