"""One purchase attempt, from token to order: the pipeline the API endpoint and the ASGI fast path share.

    token (signature, no I/O) → window (process cache, no I/O) → quantity → gate (Redis Lua / cache)
      → reservation (one short DB transaction: the only place a unit is won)
      → order + payment (its own transaction; on failure the units go back)

`purchase()` is the synchronous pipeline (the Django endpoint, the no-JavaScript form, tests, the
embedded default): it answers with the order and its payment.

`apurchase()` is the pipeline of the ASGI fast path. With the Redis gate every refusal is answered on
the event loop, with no thread and no database connection. A winner's reservation is committed before
the answer, and the answer goes out at once with `pay_url` = /flash/r/<number>/pay/: the order is
written by whoever comes first — the buyer's pay page (the page's script goes there at once), or the
`flashsale_orders` sweep, which writers in processes of their own run every half second
(queue-based order writing; the reservations table is the queue and its row lock makes each order
exactly-once). Writing orders never holds up the next attempts, and a process that dies mid-way only
leaves a reservation that the pay page, the sweep or the expiry finishes.
"""

from __future__ import annotations

import dataclasses
import logging
import threading

from asgiref.sync import sync_to_async
from django.db import connections

from quanzi.core import clock
from quanzi.core.errors import DomainError, Forbidden
from quanzi.flashsale import gate as g
from quanzi.flashsale import services

logger = logging.getLogger("quanzi.flashsale")


@dataclasses.dataclass
class Purchase:
    reservation: object
    order: object | None = None  # None: written by the pay page or the order sweep (fast path)
    payment: object | None = None

    def as_dict(self) -> dict:
        from django.urls import reverse

        from quanzi.payments.services import payment_pay_url

        r = self.reservation
        out = {"reservation": r.number, "item_id": r.item_id, "quantity": r.quantity,
               "expires_at": r.expires_at.isoformat(), "order_number": None, "total": None, "payment_number": None,
               "pay_url": reverse("flashsale:reservation_pay", args=[r.number])}
        if self.order is not None:
            out.update(order_number=self.order.number, total={"amount": self.order.total, "currency": "CNY"},
                       payment_number=self.payment.number, pay_url=payment_pay_url(payment=self.payment))
        return out


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
        from django.db import connection

        # SQLite has one writer at a time: more would only wait for its lock (and time out under a rush).
        _writers = threading.BoundedSemaphore(1 if connection.vendor == "sqlite" else int(g.conf("FLASH_DB_WRITERS")))
    return _writers


def _reserve(meta: g.ItemMeta, claims: g.Claims, quantity: int, ip: str, gate):
    """After the gate admitted the request: the reservation, then the gate is told how it went."""
    try:
        reservation = services.reservation_create(meta=meta, user_id=claims.user_id, quantity=quantity,
                                                  nonce=claims.nonce, ip=ip, address_id=claims.address_id)
    except BaseException as exc:
        gate.settle(meta, claims, quantity, won=False, error=exc if isinstance(exc, DomainError) else None)
        raise
    gate.settle(meta, claims, quantity, won=True, error=None)
    return reservation


def _admit_and_reserve(meta, claims, quantity, ip, gate):
    with writers():
        if isinstance(gate, g.DbGate):  # the database is the gate: every attempt reaches it
            gate.admit(meta, claims, quantity, ip)
        return _reserve(meta, claims, quantity, ip, gate)


def purchase(*, token, quantity, ip: str, user_id: int | None = None) -> Purchase:
    """The whole attempt, answered with the order and its payment (or a refusal)."""
    claims, meta, quantity = _front(token, quantity, user_id=user_id)
    gate = g.current_gate()
    if not isinstance(gate, g.DbGate):
        gate.admit(meta, claims, quantity, ip)
    reservation = _admit_and_reserve(meta, claims, quantity, ip, gate)
    with writers():
        reservation, order, payment = services.reservation_place_order(reservation_id=reservation.pk,
                                                                       address_id=claims.address_id)
    return Purchase(reservation, order, payment)


# ---------------------------------------------------------------- the fast path (event loop)

def _in_thread(fn):
    """Run `fn` in a pool thread. The pool's threads outlive requests, so each keeps its connection
    (whatever CONN_MAX_AGE says for requests: a connection per reservation would cost more than the
    reservation); one that failed is replaced."""
    def run(*args):
        conn = connections["default"]
        if conn.connection is not None and conn.errors_occurred and not conn.is_usable():
            conn.close()
        conn.errors_occurred = False
        return fn(*args)
    return run


_reserve_async = sync_to_async(_in_thread(_admit_and_reserve), thread_sensitive=False)
_meta_async = sync_to_async(_in_thread(g.load_meta), thread_sensitive=False)
_load_async = sync_to_async(_in_thread(lambda gate, item_id: gate.load(item_id)), thread_sensitive=False)

async def apurchase(*, token, quantity, ip: str) -> Purchase:
    claims = g.token_read(token)
    fresh, meta = g.fresh_meta(claims.item_id)
    if not fresh:
        meta = await _meta_async(claims.item_id)
        g.remember_meta(claims.item_id, meta)
    meta = g.check_window(meta, now=clock.epoch())
    quantity = g.check_quantity(quantity, meta)
    gate = g.current_gate()
    if isinstance(gate, g.RedisGate) and not await gate.aadmit(meta, claims, quantity, ip):
        await _load_async(gate, meta.item_id)
        if not await gate.aadmit(meta, claims, quantity, ip):
            raise g.sold_out()
    reservation = await _reserve_async(meta, claims, quantity, ip, gate)
    return Purchase(reservation)  # the order: the buyer's pay page or the flashsale_orders sweep
