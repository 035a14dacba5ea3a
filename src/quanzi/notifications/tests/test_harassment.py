"""Harassment controls: a muted sender reaches nobody who muted them; caps per sender, per recipient and
per day on mentions, comments, replies and live notices (exact under concurrency); reports against a
sender shrink their caps and, from three reporters, silence them; the API and pages; hostile input."""

import pytest
from django.test import Client

from quanzi.core.testing import subscribed
from quanzi.notifications import harassment, selectors, services
from quanzi.notifications.constants import Kind
from quanzi.notifications.events import HarassmentReported
from quanzi.notifications.models import HarassmentReport, Notification, SenderDailyCount

pytestmark = pytest.mark.django_db


def mention(sender, recipient, n=1):
    return [services.notify(recipient_id=recipient.pk, kind=Kind.MENTION, actor_id=sender.pk,
                            message="%(actor)s mentioned you in a comment: %(excerpt)s", target_type="note",
                            target_id=i, params={"excerpt": "hi"}) for i in range(n)]


def test_mentions_are_capped_per_recipient_per_day_and_the_rest_is_counted_as_withheld(make_user):
    sender, a, b = make_user(), make_user(), make_user()
    sent = mention(sender, a, 5)
    assert sum(n is not None for n in sent) == 3
    assert sum(n is not None for n in mention(sender, b, 2)) == 2  # another recipient has their own cap
    row = SenderDailyCount.objects.get(sender_id=sender.pk, recipient_id=a.pk, kind=Kind.MENTION)
    assert (row.count, row.withheld) == (3, 2)
    likes = [services.notify(recipient_id=a.pk, kind=Kind.LIKE, actor_id=sender.pk, message="x", target_type="note",
                             target_id=i) for i in range(5)]
    assert all(likes)  # likes are not capped (they carry no words)


def test_a_sender_has_a_daily_cap_over_everyone(make_user, monkeypatch):
    monkeypatch.setitem(harassment.CAPS, Kind.MENTION, (3, 4))
    sender = make_user()
    delivered = [mention(sender, make_user())[0] for _ in range(6)]
    assert sum(n is not None for n in delivered) == 4


def test_a_muted_sender_reaches_nobody_who_muted_them_until_unmuted(make_user):
    sender, me = make_user(), make_user()
    services.sender_mute(user=me, sender_uid=sender.uid)
    services.sender_mute(user=me, sender_uid=sender.uid)  # idempotent
    assert mention(sender, me) == [None]
    assert services.notify(recipient_id=me.pk, kind=Kind.FOLLOW, actor_id=sender.pk, message="x") is None
    assert [u.pk for u in selectors.muted_senders(user=me)] == [sender.pk]
    services.sender_unmute(user=me, sender_uid=sender.uid)
    assert mention(sender, me)[0] is not None


def test_reports_shrink_the_senders_caps_and_three_reporters_silence_them(make_user):
    sender = make_user()
    assert harassment.caps_for(Kind.MENTION, 0) == (3, 30)
    assert harassment.caps_for(Kind.MENTION, 1) == (1, 15)
    assert harassment.caps_for(Kind.MENTION, 2) == (1, 7)
    assert harassment.caps_for(Kind.MENTION, 3) == (0, 0)
    assert harassment.caps_for(Kind.LIKE, 5) is None
    seen = []
    with subscribed(HarassmentReported, seen.append, in_transaction=True):
        for _ in range(3):
            reporter = make_user()
            [n] = mention(sender, reporter)
            services.harassment_report(user=reporter, notification_id=n.pk, reason="spam")
            services.harassment_report(user=reporter, notification_id=n.pk)  # once per notification
    assert HarassmentReport.objects.filter(sender=sender).count() == 3 and len(seen) == 3
    assert harassment.reporters_against(sender_id=sender.pk) == 3
    assert mention(sender, make_user()) == [None]  # silenced for mentions …
    stranger = make_user()
    assert services.notify(recipient_id=stranger.pk, kind=Kind.FOLLOW, actor_id=sender.pk, message="x")  # … not banned


def test_only_your_own_notification_with_a_sender_can_be_reported(make_user, expect_error):
    from quanzi.core.errors import NotFound, ValidationFailed

    sender, me, other = make_user(), make_user(), make_user()
    [theirs] = mention(sender, other)
    with pytest.raises(NotFound):
        services.harassment_report(user=me, notification_id=theirs.pk)
    system = services.notify(recipient_id=me.pk, kind=Kind.ORDER, message="Your order %(number)s has shipped",
                             params={"number": "1"})
    with pytest.raises(ValidationFailed):
        services.harassment_report(user=me, notification_id=system.pk)


def test_the_api_mutes_unmutes_and_reports(api, make_user, expect_error):
    sender, me = make_user(), make_user()
    [n] = mention(sender, me)
    client = api(me)
    r = client.post(f"/api/v1/notifications/{n.pk}/report", {"reason": "每天@我"}, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"reported": True, "sender_muted": True}
    assert client.get("/api/v1/notifications/mutes").json()["muted"][0]["uid"] == sender.uid
    assert client.delete(f"/api/v1/notifications/mutes/{sender.uid}").json() == {"muted": []}
    assert client.post("/api/v1/notifications/mutes", {"uid": sender.uid},
                       content_type="application/json").json()["muted"][0]["uid"] == sender.uid
    expect_error(client.post("/api/v1/notifications/mutes", {"uid": me.uid}, content_type="application/json"),
                 400, "cannot_mute_self")
    expect_error(client.post("/api/v1/notifications/mutes", {"uid": "nobody"}, content_type="application/json"),
                 404, "user_not_found")
    [theirs] = mention(sender, make_user())
    expect_error(client.post(f"/api/v1/notifications/{theirs.pk}/report", {}, content_type="application/json"),
                 404, "notification_not_found")
    r = client.post(f"/api/v1/notifications/{n.pk}/report", '{"reason": "\\ud800"}', content_type="application/json")
    assert r.status_code == 400


def test_the_pages_mute_report_and_unmute(make_user):
    sender, me = make_user(nickname="烦人的人"), make_user()
    [n] = mention(sender, me)
    client = Client()
    client.force_login(me)
    page = client.get("/notifications/").content.decode()
    assert 'data-testid="notification-mute"' in page and "烦人的人" in page
    assert client.post(f"/notifications/{n.pk}/report/").status_code == 302
    settings = client.get("/me/notifications/settings/").content.decode()
    assert 'data-testid="muted-sender"' in settings and "烦人的人" in settings
    client.post("/me/notifications/unmute/", {"uid": sender.uid})
    assert selectors.muted_senders(user=me) == []
    other = make_user()
    [theirs] = mention(sender, other)
    assert client.post(f"/notifications/{theirs.pk}/mute/").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_never_pass_a_cap(make_user):
    from quanzi.core.testing import run_pool

    sender, me = make_user(), make_user()
    results = run_pool([lambda: mention(sender, me)[0] is not None for _ in range(20)], threads=10)
    assert [r[0] for r in results] == ["ok"] * 20
    assert sum(r[1] for r in results) == 3
    assert Notification.objects.filter(recipient=me).count() == 3
