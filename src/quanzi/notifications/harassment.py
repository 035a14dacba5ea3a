"""Harassment controls on what one person can make another receive (issue 20, "Harassment").

Every notification another person causes goes through `notifications.services.notify`, which asks here:

* **mutes** — a recipient stopped a sender ("stop sharing to me"): nothing of that sender reaches them;
* **frequency caps** per sender, per recipient and per day (and per sender per day overall) on the kinds
  that carry the sender's words — @mentions, comments and replies — and on live notices; a notification
  over a cap is withheld (counted, not stored);
* **reports that count against the sender**: each distinct person who reported the sender as harassment in
  the last 30 days halves the sender's caps; from `SILENCED_AFTER` reporters on, nothing capped of theirs is
  delivered until the reports age out (or an operator deletes them). Never a ban: the sender can still
  post, buy and sell — they only lose the power to make strangers' phones buzz.

Caps are counted with a conditional UPDATE (`count < cap`) on a per-day row, so concurrent deliveries (the
outbox runs subscribers in parallel workers) never pass a cap.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F

from quanzi.core import clock, dates
from quanzi.notifications.constants import Kind
from quanzi.notifications.models import HarassmentReport, SenderDailyCount, SenderMute

# kind → (per recipient per day, per sender per day)
CAPS = {
    Kind.MENTION: (3, 30),
    Kind.COMMENT: (10, 200),
    Kind.REPLY: (10, 200),
    Kind.LIVE: (2, 10_000),  # live notices go to people who asked for them: per recipient only
}
REPORT_WINDOW = dt.timedelta(days=30)
SILENCED_AFTER = 3  # distinct reporters in the window
EVERYONE = 0


def is_muted(*, recipient_id: int, sender_id: int) -> bool:
    return SenderMute.objects.filter(user_id=recipient_id, sender_id=sender_id).exists()


def reporters_against(*, sender_id: int, now: dt.datetime | None = None) -> int:
    since = (now or clock.now()) - REPORT_WINDOW
    return (HarassmentReport.objects.filter(sender_id=sender_id, created_at__gte=since)
            .values("reporter_id").distinct().count())


def caps_for(kind: str, reporters: int) -> tuple[int, int] | None:
    """The (per recipient, per sender) caps of a kind for a sender with this many reporters; None when the
    kind is not capped. Each reporter halves them (never below 1); `SILENCED_AFTER` reporters make them zero."""
    caps = CAPS.get(kind)
    if caps is None:
        return None
    if reporters >= SILENCED_AFTER:
        return (0, 0)
    return tuple(max(1, cap >> reporters) for cap in caps)  # type: ignore[return-value]


def _take(*, day: dt.date, sender_id: int, recipient_id: int, kind: str, cap: int) -> bool:
    """Count one more notification if the counter is below `cap`; exact under concurrency."""
    key = {"day": day, "sender_id": sender_id, "recipient_id": recipient_id, "kind": kind}
    if not SenderDailyCount.objects.filter(**key).exists():
        try:
            with transaction.atomic():
                SenderDailyCount.objects.create(**key)
        except IntegrityError:
            pass  # another delivery made it first
    taken = SenderDailyCount.objects.filter(**key, count__lt=cap).update(count=F("count") + 1)
    if not taken:
        SenderDailyCount.objects.filter(**key).update(withheld=F("withheld") + 1)
    return bool(taken)


def admit(*, recipient_id: int, sender_id: int, kind: str) -> bool:
    """Whether a notification of `kind` caused by `sender_id` may reach `recipient_id` now (and count it)."""
    if is_muted(recipient_id=recipient_id, sender_id=sender_id):
        return False
    caps = caps_for(kind, reporters_against(sender_id=sender_id)) if kind in CAPS else None
    if caps is None:
        return True
    per_recipient, per_sender = caps
    day = dates.today()
    return (_take(day=day, sender_id=sender_id, recipient_id=EVERYONE, kind=kind, cap=per_sender)
            and _take(day=day, sender_id=sender_id, recipient_id=recipient_id, kind=kind, cap=per_recipient))
