"""Facts the privacy app publishes (see core.events)."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("privacy.consent_changed")
class ConsentChanged(DomainEvent):
    """A person answered for one purpose (`granted` yes or no). Apps that act on a purpose subscribe: the
    recommend app follows `personalisation`."""

    user_id: int
    purpose: str
    granted: bool
