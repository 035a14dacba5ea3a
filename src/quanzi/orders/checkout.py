"""Checkout → payment: place the orders and open one payment for all of them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import Conflict, NotFound
from quanzi.orders.constants import OrderStatus
from quanzi.orders.models import Order
from quanzi.orders.services import CheckoutItem, order_attach_payment, place_orders
from quanzi.payments.constants import PaymentStatus
from quanzi.payments.selectors import payment_get
from quanzi.payments.services import payment_close, payment_create, payment_lock, payment_number_reserve


def _subject(orders: list[Order]) -> str:
    lines = list(orders[0].lines.all())
    first = lines[0].title if lines else "Quanzi"
    return first if len(orders) == 1 else _("%(t)s and more (%(n)d shops)") % {"t": first[:60], "n": len(orders)}


def checkout_and_pay(*, user, items: list[CheckoutItem], address_id: int, notes: dict | None = None,
                     context: dict | None = None, clear_cart: bool = True,
                     savepoint: bool = True) -> tuple[list[Order], object]:
    """Place the orders and open one payment (a payments.Payment) for all of them.

    `savepoint=False` joins a transaction the caller opened for this alone and aborts as a whole on
    any error (the checkout endpoint inside its Idempotency-Key transaction): two statements fewer."""
    with transaction.atomic(savepoint=savepoint):
        return _place_and_open_payment(user=user, items=items, address_id=address_id, notes=notes, context=context,
                                       clear_cart=clear_cart)


def _place_and_open_payment(*, user, items: list[CheckoutItem], address_id: int, notes: dict | None,
                            context: dict | None, clear_cart: bool) -> tuple[list[Order], object]:
    number = payment_number_reserve()  # stamped on the orders as they are written
    orders = place_orders(user=user, items=items, address_id=address_id, notes=notes, context=context,
                          clear_cart=clear_cart, payment_number=number)
    payment = payment_create(user=user, purpose="orders", subject=_subject(orders), number=number,
                             items=[{"ref": o.number, "amount": o.total} for o in orders],
                             expires_at=orders[0].pay_deadline)
    return orders, payment


@transaction.atomic
def order_payment_start(*, user, order_number: str):
    """Pay (again) for one unpaid order: reuse its open payment if it covers only unpaid orders of
    this user, else close it and open a new payment for this order alone."""
    current_number = Order.objects.filter(user=user, number=order_number).values_list("payment_number", flat=True).first()
    if current_number:
        payment_lock(payment_number=current_number)  # payment before order, as a capture does
    order = Order.objects.select_for_update().filter(user=user, number=order_number).first()
    if order is None:
        raise NotFound(_("Order not found."), code="order_not_found")
    if order.status != OrderStatus.PENDING_PAYMENT or order.pay_deadline <= clock.now():
        raise Conflict(_("This order can no longer be paid."), code="order_not_payable",
                       fields={"status": order.status})
    current = payment_get(number=order.payment_number)
    if current is not None and current.status == PaymentStatus.CREATED:
        refs = {i["ref"] for i in current.items}
        if Order.objects.filter(number__in=refs, status=OrderStatus.PENDING_PAYMENT).count() == len(refs):
            return current
        payment_close(payment_number=current.number)
    payment = payment_create(user=user, purpose="orders", subject=_subject([order]),
                             items=[{"ref": order.number, "amount": order.total}], expires_at=order.pay_deadline)
    order_attach_payment(order_ids=[order.pk], payment_number=payment.number)
    return payment
