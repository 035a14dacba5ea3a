"""The live room state machine: every allowed transition in one table.

scheduled ──start (host, or the media server's publish callback)──▶ live ──end (host, unpublish
    │                                                                       callback, operator)──▶ ended
    └──cancel (host / operator before it started)───────────────────────────────────────────────▶ ended

"Replay" is an ended room that was live: its chat (and the recording when the media server made one)
stays watchable, and its products stay purchasable at normal prices.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanzi.core.errors import InvalidTransition
from quanzi.live.models import RoomStatus as R

ROOM_TRANSITIONS: dict[str, frozenset[str]] = {
    R.SCHEDULED: frozenset({R.LIVE, R.ENDED}),
    R.LIVE: frozenset({R.ENDED}),
    R.ENDED: frozenset(),
}


def check_room_transition(current: str, target: str) -> None:
    if target not in ROOM_TRANSITIONS.get(current, frozenset()):
        raise InvalidTransition(_("This room cannot change from %(a)s to %(b)s.") % {"a": current, "b": target},
                                code="invalid_room_state", fields={"status": current})
