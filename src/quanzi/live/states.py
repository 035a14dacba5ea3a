"""The live room state machine: every allowed transition in one table.

scheduled ──start (host, or the media server's publish callback)──▶ live ──end (host, unpublish
    │                                                                       callback, operator)──▶ ended
    └──cancel (host / operator before it started)───────────────────────────────────────────────▶ ended

"Replay" is an ended room that was live: its chat (and the recording when the media server made one)
stays watchable, and its products stay purchasable at normal prices.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quanzi.core.states import StateMachine
from quanzi.live.constants import RoomStatus as R

ROOM = StateMachine("live_room", {
    R.SCHEDULED: {R.LIVE, R.ENDED},
    R.LIVE: {R.ENDED},
    R.ENDED: set(),
}, code="invalid_room_state", message=_("This room cannot change from %(a)s to %(b)s."))
