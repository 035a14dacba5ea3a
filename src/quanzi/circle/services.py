"""Write side of the circle: purchases recorded from paid orders, sharing settings, per-order hide
and comment. Orders are read through the orders app's selectors."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from quanzi.circle.models import COMMENT_MAX, CirclePurchase, CircleSettings
from quanzi.core.errors import NotFound, ValidationFailed
from quanzi.orders.selectors import order_id_for_user, order_lines_of, orders_by_id


def record_order_purchases(*, order_id: int) -> int:
    """One CirclePurchase per line of a paid order (idempotent). Returns how many were written."""
    order = orders_by_id(order_ids=[order_id]).get(order_id)
    if order is None:
        return 0
    rows = [CirclePurchase(user_id=order.user_id, order_id=order.pk, order_line_id=line.pk, product_id=line.product_id)
            for line in order_lines_of(order_ids=[order_id])]
    if order.paid_at:
        for row in rows:
            row.created_at = order.paid_at
    CirclePurchase.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def settings_update(*, user, share_purchases: bool) -> CircleSettings:
    obj, _created = CircleSettings.objects.update_or_create(user=user, defaults={"share_purchases": bool(share_purchases)})
    return obj


def _own_order_id(user, order_number: str) -> int:
    order_id = order_id_for_user(user=user, number=order_number)
    if order_id is None:
        raise NotFound(_("Order not found."))
    return order_id


@transaction.atomic
def circle_hide_order(*, user, order_number: str, hidden: bool = True) -> int:
    """Hide (or show again) one of the user's own orders in the circle. Another's order → 404."""
    order_id = _own_order_id(user, order_number)
    return CirclePurchase.objects.filter(order_id=order_id, user_id=user.pk).update(hidden=hidden)


@transaction.atomic
def circle_comment_order(*, user, order_number: str, comment: str) -> int:
    order_id = _own_order_id(user, order_number)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        message = _("At most %(n)d characters.") % {"n": COMMENT_MAX}
        raise ValidationFailed(message, fields={"comment": message})
    return CirclePurchase.objects.filter(order_id=order_id, user_id=user.pk).update(comment=comment)
