"""Event subscribers and the login hook of this app.

- `OrderPaid` (outbox): one ShareConversion per attributed line, and the "first_order" upline
  rule. Through the outbox, because link statistics must never undo or delay a payment.
- login (accounts' `login_hooks`, on login and signup): the anonymous session's bindings move to
  the user, and an invite link opened before signing up binds the inviter.
"""

from __future__ import annotations

import logging

from quanzi.core.events import subscribe
from quanzi.orders.events import OrderPaid

log = logging.getLogger("quanzi.sharing")


@subscribe(OrderPaid)
def record_conversions(event: OrderPaid) -> None:
    if "share" not in event.attributions:
        return  # conversions (and the first-order upline rule) need a line bought through a share link
    from quanzi.sharing.services import record_conversions as record

    record(order_id=event.order_id)


def on_login(*, request, user) -> None:
    from quanzi.sharing.services import bind_invite_from_session, move_session_bindings

    session = getattr(request, "session", None)
    if session is None:
        return
    try:
        move_session_bindings(user=user, session=session)
        bind_invite_from_session(user=user, session=session)
    except Exception:  # noqa: BLE001 - attribution must never break a login
        log.exception("sharing: could not move the session's share data to user %s", user.pk)
