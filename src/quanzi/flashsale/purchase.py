"""One purchase attempt, from token to order: the pipeline the API endpoint and the ASGI fast path share.

    token (signature, no I/O) → window (process cache, no I/O) → quantity → gate (Redis Lua / cache)
      → reservation (one short DB transaction: the only place a unit is won)
      → order + payment (its own transaction; on failure the units go back)

`purchase()` is the synchronous pipeline (Django views, tests, the embedded default). `apurchase()`
is the same pipeline for the ASGI fast path (flashsale.asgi): with the Redis gate every refusal is
answered on the event loop without a thread or a database connection; only admitted requests go to
a worker thread for the two transactions.
"""

from __future__ import annotations

import dataclasses
import threading

from asgiref.sync import sync_to_async
from django.db import close_old_connections

from quanzi.core import clock
from quanzi.core.errors import DomainError, Forbidden
from quanzi.flashsale import gate as g
from quanzi.flashsale import services


@dataclasses.dataclass
class Purchase:
    reservation: object
    order: object
    payment: object

    def as_dict(self) -> dict:
        from quanzi.payments.services import payment_pay_url

        r, order = self.reservation, self.order
        return {"reservation": r.number, "item_id": r.item_id, "quantity": r.quantity,
                "expires_at": r.expires_at.isoformat(), "order_number": order.number,
                "total": {"amount": order.total, "currency": "CNY"},
                "payment_number": self.payment.number, "pay_url": payment_pay_url(payment=self.payment)}


def _front(token, quantity, *, user_id: int | None) -> tuple[g.Claims, g.ItemMeta, int]:
    claims = g.token_read(token)
    if user_id is not None and user_id != claims.user_id:
        raise Forbidden(_msg_not_yours(), code="invalid_token", fields={"token": "not yours"})
    meta = g.check_window(g.cached_meta(claims.item_id), now=clock.epoch())
    return claims, meta, g.check_quantity(quantity, meta)


def _msg_not_yours() -> str:
    from django.utils.translation import gettext as _

    return _("This purchase token belongs to another account.")


_writers: threading.BoundedSemaphore | None = None


def writers() -> threading.BoundedSemaphore:
    """At most FLASH_DB_WRITERS attempts of this process in the database at once: a rush queues here for
    a moment instead of opening a connection per request (PostgreSQL allows a hundred or so)."""
    global _writers
    if _writers is None:
        _writers = threading.BoundedSemaphore(int(g.conf("FLASH_DB_WRITERS")))
    return _writers


def _win(meta: g.ItemMeta, claims: g.Claims, quantity: int, ip: str, gate) -> Purchase:
    """After the gate admitted the request: reserve, then write the order. Settles the gate either way."""
    with writers():
        return _reserve_and_order(meta, claims, quantity, ip, gate)


def _reserve_and_order(meta: g.ItemMeta, claims: g.Claims, quantity: int, ip: str, gate) -> Purchase:
    try:
        reservation = services.reservation_create(meta=meta, user_id=claims.user_id, quantity=quantity,
                                                  nonce=claims.nonce, ip=ip)
    except BaseException as exc:
        gate.settle(meta, claims, quantity, won=False, error=exc if isinstance(exc, DomainError) else None)
        raise
    gate.settle(meta, claims, quantity, won=True, error=None)
    reservation, order, payment = services.reservation_place_order(reservation_id=reservation.pk,
                                                                   address_id=claims.address_id)
    return Purchase(reservation, order, payment)


def purchase(*, token, quantity, ip: str, user_id: int | None = None) -> Purchase:
    claims, meta, quantity = _front(token, quantity, user_id=user_id)
    gate = g.current_gate()
    if isinstance(gate, g.DbGate):
        with writers():  # the database is the gate: every attempt reaches it
            gate.admit(meta, claims, quantity, ip)
            return _reserve_and_order(meta, claims, quantity, ip, gate)
    gate.admit(meta, claims, quantity, ip)
    return _win(meta, claims, quantity, ip, gate)


def _win_in_thread(meta, claims, quantity, ip, gate) -> Purchase:
    close_old_connections()  # a thread of the pool: drop a connection the database has closed
    return _win(meta, claims, quantity, ip, gate)


_win_async = sync_to_async(_win_in_thread, thread_sensitive=False)
_purchase_async = sync_to_async(purchase, thread_sensitive=False)
_meta_async = sync_to_async(g.load_meta, thread_sensitive=False)
_load_async = sync_to_async(lambda gate, item_id: gate.load(item_id), thread_sensitive=False)


async def apurchase(*, token, quantity, ip: str) -> Purchase:
    claims = g.token_read(token)
    fresh, meta = g.fresh_meta(claims.item_id)
    if not fresh:
        meta = await _meta_async(claims.item_id)
        g.remember_meta(claims.item_id, meta)
    meta = g.check_window(meta, now=clock.epoch())
    quantity = g.check_quantity(quantity, meta)
    gate = g.current_gate()
    if not isinstance(gate, g.RedisGate):
        return await _purchase_async(token=token, quantity=quantity, ip=ip)
    if not await gate.aadmit(meta, claims, quantity, ip):
        await _load_async(gate, meta.item_id)
        if not await gate.aadmit(meta, claims, quantity, ip):
            raise g.sold_out()
    return await _win_async(meta, claims, quantity, ip, gate)
