"""Demo data of sharing: share-link visits at past moments (quanzi.core.seeding).

The share-to-earn story itself (commission/demo.py) goes through the sharing services (links,
invitations, bindings); a visit is recorded by `record_click` only from a live request (cookies,
session, rate limits), so the seed writes its backdated clicks here.
"""

from __future__ import annotations

from quanzi.sharing.models import ShareClick


def share_click_create(*, link, ip: str, device: str, user=None, session_key: str = "", at=None) -> ShareClick:
    """One visit through `link`, by a signed-in `user` or an anonymous session, at `at` (default now)."""
    fields = {"at": at} if at is not None else {}
    return ShareClick.objects.create(link=link, user=user, session_key=session_key, ip=ip, device=device, **fields)
