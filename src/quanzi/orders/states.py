"""The order and after-sale state machines: allowed transitions in one table each (core.states).

Services check a move against the table under the row's lock (`ORDER.check(order.status, target)`),
so a repeated or racing call fails with `invalid_order_state` / `invalid_aftersale_state`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quanzi.core.states import StateMachine
from quanzi.orders.constants import OPEN_AFTERSALE  # noqa: F401 - re-exported: the open statuses
from quanzi.orders.constants import AfterSaleStatus as A
from quanzi.orders.constants import OrderStatus as S

ORDER = StateMachine("order", {
    S.PENDING_PAYMENT: {S.PAID, S.AWAITING_RELEASE, S.CANCELLED},
    S.AWAITING_RELEASE: {S.PAID, S.CLOSED},
    S.PAID: {S.SHIPPED, S.CLOSED},
    S.SHIPPED: {S.DELIVERED, S.CLOSED},
    S.DELIVERED: {S.COMPLETED, S.CLOSED},
    S.COMPLETED: {S.CLOSED},
    S.CANCELLED: set(),
    S.CLOSED: set(),
}, code="invalid_order_state", message=_("This order is %(a)s and cannot become %(b)s."))

AFTERSALE = StateMachine("aftersale", {
    A.REQUESTED: {A.APPROVED_AWAITING_RETURN, A.REFUNDED, A.REJECTED, A.CANCELLED, A.CLOSED},
    A.APPROVED_AWAITING_RETURN: {A.RETURN_SHIPPED, A.REFUNDED, A.CANCELLED, A.CLOSED},
    A.RETURN_SHIPPED: {A.REFUNDED, A.REJECTED, A.CLOSED},
    A.REJECTED: {A.ESCALATED, A.CLOSED, A.CANCELLED},
    A.ESCALATED: {A.REFUNDED, A.CLOSED, A.APPROVED_AWAITING_RETURN},
    A.REFUNDED: set(),
    A.CLOSED: set(),
    A.CANCELLED: set(),
}, code="invalid_aftersale_state", message=_("This request is %(a)s and cannot become %(b)s."))

# The tables themselves, for tests and docs that walk them.
ORDER_TRANSITIONS = ORDER.transitions
AFTERSALE_TRANSITIONS = AFTERSALE.transitions
