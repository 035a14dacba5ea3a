"""Facts payments publishes (see core.events). Payments knows no orders: `purpose` and `items`
say what was paid for, and the owner of the purpose reacts."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("payment.captured")
class PaymentCaptured(DomainEvent):
    payment_id: int
    payment_number: str
    purpose: str
    items: list[dict]  # [{"ref": "<order number>", "amount": fen}]
    user_id: int


@event("refund.succeeded")
class RefundSucceeded(DomainEvent):
    refund_id: int
    payment_number: str
    reference: str
    amount: int
