"""Facts of share links and invitations (see core.events)."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("share.created")
class ShareCreated(DomainEvent):
    link_id: int
    sharer_id: int
    target_type: str
    target_id: int


@event("share.clicked")
class ShareClicked(DomainEvent):
    link_id: int
    click_id: int
    user_id: int | None
    self_click: bool


@event("upline.bound")
class UplineBound(DomainEvent):
    user_id: int
    upline_id: int
    via: str
