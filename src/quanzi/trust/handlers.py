"""Signals from the domain event stream, through the outbox (never in the publisher's transaction: a slow or
failing trust write retries on its own and never slows an order down). Each records what the detectors read,
idempotently, at the time the fact happened (the outbox envelope's `created_at`)."""

from __future__ import annotations

from quanzi.accounts.events import UserRegistered
from quanzi.core import clock
from quanzi.core.events import current_envelope, subscribe
from quanzi.orders.events import OrderDelivered, OrderPaid, OrderRefunded
from quanzi.reviews.events import ReviewCreated
from quanzi.sharing.events import UplineBound
from quanzi.trust import services


def _when():
    envelope = current_envelope()
    return envelope.created_at if envelope is not None else clock.now()


@subscribe(UserRegistered)
def joined(event: UserRegistered) -> None:
    services.joined_record(user_id=event.user_id, at=_when())


@subscribe(UplineBound)
def invited(event: UplineBound) -> None:
    services.invited_record(user_id=event.user_id, inviter_id=event.upline_id, at=_when())


@subscribe(OrderPaid)
def order_paid(event: OrderPaid) -> None:
    services.order_paid_record(order_id=event.order_id)


@subscribe(OrderRefunded)
def order_refunded(event: OrderRefunded) -> None:
    services.order_refunded_record(order_id=event.order_id, key=event.key, at=_when())


@subscribe(OrderDelivered)
def order_delivered(event: OrderDelivered) -> None:
    services.order_delivered_record(order_id=event.order_id, at=_when())


@subscribe(ReviewCreated)
def reviewed(event: ReviewCreated) -> None:
    services.review_record(review_id=event.review_id, author_id=event.author_id, at=_when())
