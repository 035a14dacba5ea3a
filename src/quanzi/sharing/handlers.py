"""Event and signal subscribers of this app.

- `order.paid` (after commit): one ShareConversion per attributed line, and the "first_order" upline
  rule. After commit, because link statistics must never undo or delay a payment.
- `user_logged_in` (login and signup): the anonymous session's bindings move to the user, and an
  invite link opened before signing up binds the inviter.
"""

from __future__ import annotations

import logging

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from quanzi.core.events import Event, subscribe
from quanzi.orders.events import ORDER_PAID

log = logging.getLogger("quanzi.sharing")


@subscribe(ORDER_PAID)
def record_conversions(event: Event) -> None:
    from quanzi.sharing.services import record_conversions as record

    record(order_id=event["order_id"])


@receiver(user_logged_in, dispatch_uid="sharing-login")
def on_login(sender, request, user, **kwargs) -> None:
    from quanzi.sharing.services import bind_invite_from_session, move_session_bindings

    session = getattr(request, "session", None)
    if session is None:
        return
    try:
        move_session_bindings(user=user, session=session)
        bind_invite_from_session(user=user, session=session)
    except Exception:  # noqa: BLE001 - attribution must never break a login
        log.exception("sharing: could not move the session's share data to user %s", user.pk)
