"""Facts accounts publishes (see core.events). Payloads carry ids, never personal data."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("account.registered")
class UserRegistered(DomainEvent):
    """A new account was created (not a sign-in through the registration form)."""

    user_id: int
