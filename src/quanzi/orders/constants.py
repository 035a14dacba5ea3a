"""Order constants other apps may use: the order and after-sale statuses and kinds.

The allowed moves between the statuses are the state machines in `orders/states.py`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    AWAITING_RELEASE = "awaiting_release", _("Paid, waiting (e.g. for the group)")
    PAID = "paid", _("Paid, to be shipped")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    CLOSED = "closed", _("Closed (refunded)")  # every line refunded; a shipping fee may have been kept


class AfterSaleKind(models.TextChoices):
    REFUND_ONLY = "refund_only", _("Refund only")
    RETURN_REFUND = "return_refund", _("Return and refund")


class AfterSaleStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the merchant")
    APPROVED_AWAITING_RETURN = "awaiting_return", _("Approved, send the goods back")
    RETURN_SHIPPED = "return_shipped", _("Goods on the way back")
    REJECTED = "rejected", _("Rejected by the merchant")
    ESCALATED = "escalated", _("With the platform")
    REFUNDED = "refunded", _("Refunded")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Withdrawn")


# An after-sales request someone still has to act on (it blocks settlement and auto-confirmation).
OPEN_AFTERSALE = frozenset({AfterSaleStatus.REQUESTED, AfterSaleStatus.APPROVED_AWAITING_RETURN,
                            AfterSaleStatus.RETURN_SHIPPED, AfterSaleStatus.REJECTED, AfterSaleStatus.ESCALATED})
