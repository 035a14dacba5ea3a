"""Event subscribers of live-room sales (registrations of its extension points are in apps.py).

Money handlers run inside the publisher's transaction (`in_transaction=True`): the host commission's
postings commit or roll back with the payment, refund or settlement that caused them. Broadcasts to
the room and the end of a room's prices go through the outbox.
"""

from __future__ import annotations

from quanzi.core.events import subscribe
from quanzi.live.events import RoomEnded
from quanzi.livesales import services
from quanzi.orders.events import OrderPaid, OrderRefunded
from quanzi.payments.events import PaymentCaptured
from quanzi.settlement.events import OrdersSettled


def topup_return(payment) -> str:
    from django.urls import reverse

    return reverse("livesales:my_tips")


@subscribe(PaymentCaptured, in_transaction=True)
def credit_topup(event: PaymentCaptured) -> None:
    if event.purpose != services.TOPUP_PURPOSE:
        return
    for item in event.items:
        services.topup_credit(topup_number=item["ref"], payment_number=event.payment_number,
                              amount=int(item["amount"]))


@subscribe(OrderPaid, in_transaction=True)
def accrue_host_commission(event: OrderPaid) -> None:
    if "live" not in event.attributions:
        return  # host commission is earned only on lines bought in a live room
    services.host_commission_accrue_order(order_id=event.order_id)


@subscribe(OrderPaid)  # outbox: "Y just bought …" to everyone in the room
def announce_purchase(event: OrderPaid) -> None:
    if "live" not in event.attributions:
        return
    from quanzi.live.realtime import broadcast
    from quanzi.livesales.rules import mask_nickname
    from quanzi.orders.selectors import orders_by_id

    lines = services.live_lines(order_id=event.order_id)
    if not lines:
        return
    order = orders_by_id(order_ids=[event.order_id])[event.order_id]
    for room_id in sorted({ln.attribution["live"].get("room_id") for ln in lines} - {None}):
        title = next(ln.title for ln in lines if ln.attribution["live"].get("room_id") == room_id)
        broadcast(room_id, "purchase", {"nickname": mask_nickname(order.user.display_name), "product_title": title})


@subscribe(OrderRefunded, in_transaction=True)
def reverse_host_commission(event: OrderRefunded) -> None:
    services.host_commission_reverse(order_id=event.order_id, line_id=event.line_id, key=event.key)


@subscribe(OrdersSettled, in_transaction=True)
def release_host_commissions(event: OrdersSettled) -> None:
    services.host_commission_release(order_ids=event.order_ids)


@subscribe(RoomEnded)  # outbox: the room's live prices end and their stock goes back
def end_room_prices(event: RoomEnded) -> None:
    services.live_prices_end_for_room(room_id=event.room_id)
