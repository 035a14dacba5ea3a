"""Commission listens to order facts; orders and settlement know nothing of it.

All the handlers run inside the publisher's transaction: the commission's ledger postings commit
or roll back with the payment, the refund or the settlement that caused them.
"""

from quanzi.commission import (
    services,
    tasks,  # noqa: F401 - registers the tier sweep
)
from quanzi.commission.models import Commission, CommissionStatus
from quanzi.core.events import Event, publish, subscribe
from quanzi.orders import events as ev
from quanzi.settlement.services import ORDERS_SETTLED, register_settlement_deduction

register_settlement_deduction(services.settlement_deduction, many=services.settlement_deductions)


# Facts other apps (notifications) subscribe to: published by the per-order handlers only, so batch
# runs (backfills, the bench) do not flood anyone's inbox.
COMMISSION_ACCRUED = "commission.accrued"    # commission_id, beneficiary_id, amount, level, held, title
COMMISSION_RELEASED = "commission.released"  # order_id, beneficiary_id, amount (sum released for that order)


@subscribe(ev.ORDER_PAID, in_transaction=True)
def accrue(event: Event) -> None:
    for c in services.commission_accrue_order(order_id=event["order_id"]):
        if c.amount > 0:
            publish(COMMISSION_ACCRUED, commission_id=c.pk, beneficiary_id=c.beneficiary_id, amount=c.amount,
                    level=c.level, held=c.status == CommissionStatus.HELD, title=c.order_line.title)


@subscribe(ev.ORDER_REFUNDED, in_transaction=True)
def reverse(event: Event) -> None:
    services.commission_reverse_for_refund(order_id=event["order_id"], line_id=event["line_id"], key=event["key"])


@subscribe(ev.ORDER_SETTLED, in_transaction=True)
def release(event: Event) -> None:
    pending = list(Commission.objects.filter(order_id=event["order_id"], status=CommissionStatus.PENDING)
                   .values_list("beneficiary_id", "amount", "reversed"))
    if not services.commission_release_order(order_id=event["order_id"]):
        return
    totals: dict[int, int] = {}
    for beneficiary_id, amount, reversed_ in pending:
        totals[beneficiary_id] = totals.get(beneficiary_id, 0) + amount - reversed_
    for beneficiary_id, total in totals.items():
        if total > 0:
            publish(COMMISSION_RELEASED, order_id=event["order_id"], beneficiary_id=beneficiary_id, amount=total)


@subscribe(ORDERS_SETTLED, in_transaction=True)
def release_many(event: Event) -> None:
    """Batched settlement (`settlement.services.orders_settle`) publishes one event for the batch."""
    services.commission_release_orders(order_ids=event["order_ids"])
