"""The privacy centre's answer for `personalisation` is the recommendation switch: a yes turns it on, a no
turns it off (without announcing it back: the answer came from there)."""

from __future__ import annotations

from quanzi.core.events import subscribe
from quanzi.privacy.events import ConsentChanged

PURPOSE = "personalisation"


@subscribe(ConsentChanged)
def follow_the_consent(event: ConsentChanged) -> None:
    if event.purpose != PURPOSE:
        return
    from quanzi.accounts.selectors import user_get
    from quanzi.recommend.services import preference_set

    user = user_get(user_id=event.user_id)
    if user is not None:
        preference_set(user=user, personalised=event.granted, announce=False)
