"""Personal data held by feed: the person's inbox (notes pushed to them). Deleted on erasure."""

from quanzi.core.personal_data import declare
from quanzi.feed.models import InboxEntry


def export(user) -> dict:
    return {"inbox_entries": InboxEntry.objects.filter(user=user).count()}


def erase(user) -> None:
    InboxEntry.objects.filter(user=user).delete()


declare(app="feed", personal={"feed.InboxEntry.user": "activity"}, export=export, erase=erase)
