"""Facts recommendation publishes (see core.events)."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("recommend.personalisation_changed")
class PersonalisationChanged(DomainEvent):
    """A person turned personalised recommendations on or off on the recommendation settings page; the
    privacy app records it as their answer for the `personalisation` purpose."""

    user_id: int
    personalised: bool
