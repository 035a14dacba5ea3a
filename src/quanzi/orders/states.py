"""The order and after-sale state machines: allowed transitions in one table each."""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanzi.core.errors import InvalidTransition
from quanzi.orders.models import AfterSaleStatus as A
from quanzi.orders.models import OrderStatus as S

ORDER_TRANSITIONS: dict[str, set[str]] = {
    S.PENDING_PAYMENT: {S.PAID, S.AWAITING_RELEASE, S.CANCELLED},
    S.AWAITING_RELEASE: {S.PAID, S.CLOSED},
    S.PAID: {S.SHIPPED, S.CLOSED},
    S.SHIPPED: {S.DELIVERED, S.CLOSED},
    S.DELIVERED: {S.COMPLETED, S.CLOSED},
    S.COMPLETED: {S.CLOSED},
    S.CANCELLED: set(),
    S.CLOSED: set(),
}

AFTERSALE_TRANSITIONS: dict[str, set[str]] = {
    A.REQUESTED: {A.APPROVED_AWAITING_RETURN, A.REFUNDED, A.REJECTED, A.CANCELLED, A.CLOSED},
    A.APPROVED_AWAITING_RETURN: {A.RETURN_SHIPPED, A.REFUNDED, A.CANCELLED, A.CLOSED},
    A.RETURN_SHIPPED: {A.REFUNDED, A.REJECTED, A.CLOSED},
    A.REJECTED: {A.ESCALATED, A.CLOSED, A.CANCELLED},
    A.ESCALATED: {A.REFUNDED, A.CLOSED, A.APPROVED_AWAITING_RETURN},
    A.REFUNDED: set(),
    A.CLOSED: set(),
    A.CANCELLED: set(),
}

OPEN_AFTERSALE = {A.REQUESTED, A.APPROVED_AWAITING_RETURN, A.RETURN_SHIPPED, A.REJECTED, A.ESCALATED}


def check_order_transition(current: str, target: str) -> None:
    if target not in ORDER_TRANSITIONS.get(current, set()):
        raise InvalidTransition(_("This order is %(a)s and cannot become %(b)s.") % {"a": current, "b": target},
                                code="invalid_order_state", fields={"status": current})


def check_aftersale_transition(current: str, target: str) -> None:
    if target not in AFTERSALE_TRANSITIONS.get(current, set()):
        raise InvalidTransition(_("This request is %(a)s and cannot become %(b)s.") % {"a": current, "b": target},
                                code="invalid_aftersale_state", fields={"status": current})
