import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from quanzi.content import services as content
from quanzi.notifications import selectors, services
from quanzi.notifications.models import Notification
from quanzi.social import services as social
from quanzi.social.testing import make_block

pytestmark = pytest.mark.django_db


def png_upload():
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 60)).save(buf, "PNG")
    return SimpleUploadedFile("a.png", buf.getvalue(), content_type="image/png")


@pytest.fixture
def author(make_user):
    return make_user(nickname="author")


@pytest.fixture
def fan(make_user):
    return make_user(nickname="fan")


@pytest.fixture
def note(author):
    n = content.note_create_draft(author=author, title="夏日穿搭", body="今天的分享")
    content.note_add_image(user=author, note_id=n.pk, upload=png_upload())
    content.note_publish(user=author, note_id=n.pk)
    return n


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def go(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return go


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_like_notifies_author_once_and_never_self(run, note, author, fan):
    run(content.like, user=fan, note_id=note.pk)
    n = Notification.objects.get(recipient=author)
    assert n.kind == "like" and n.actor == fan and n.link() == f"/n/{note.pk}/"
    assert n.text() == "fan liked your note “夏日穿搭”"
    run(content.unlike, user=fan, note_id=note.pk)
    run(content.like, user=fan, note_id=note.pk)
    assert Notification.objects.filter(recipient=author).count() == 1  # unread duplicate folded
    run(content.like, user=author, note_id=note.pk)
    assert Notification.objects.filter(recipient=author).count() == 1


def test_comment_reply_mention(run, note, author, fan, make_user):
    third = make_user(nickname="third")
    top = run(content.comment_create, user=fan, note_id=note.pk, body="好看 @third")
    assert kinds(author) == ["comment"]
    assert kinds(third) == ["mention"]
    assert kinds(fan) == []
    run(content.comment_create, user=third, note_id=note.pk, body="同意", parent_id=top.pk)
    assert kinds(fan) == ["reply"]
    assert kinds(author) == ["comment", "comment"]
    # the author replying on their own note: the commenter gets a reply, the author nothing
    run(content.comment_create, user=author, note_id=note.pk, body="谢谢 @fan", parent_id=top.pk)
    assert kinds(fan) == ["reply", "reply"]  # reply and mention fold into one notice
    assert kinds(author) == ["comment", "comment"]
    text = Notification.objects.filter(recipient=third).get().text()
    assert text == "fan mentioned you in a comment: 好看 @third"


def test_follow_notice_and_block(run, author, fan, make_user):
    run(social.follow_user, user=fan, target=author)
    n = Notification.objects.get(recipient=author)
    assert n.kind == "follow" and n.link() == f"/u/{fan.uid}/"
    from quanzi.notifications.services import notify

    make_block(blocker=author, blocked=fan)
    assert notify(recipient_id=author.pk, kind="follow", actor_id=fan.pk, message="x") is None
    assert notify(recipient_id=fan.pk, kind="follow", actor_id=author.pk, message="x") is None


def test_no_notice_across_block_for_mention(run, note, author, fan, make_user):
    third = make_user(nickname="third")
    make_block(blocker=third, blocked=author)
    # the block stops the comment itself in content; the handler double-checks
    from quanzi.content.events import Commented
    from quanzi.notifications.handlers import on_commented

    c = run(content.comment_create, user=fan, note_id=note.pk, body="hi")
    Notification.objects.all().delete()
    on_commented(Commented(comment_id=c.pk, note_id=note.pk, parent_id=None, author_id=author.pk,
                           mentioned_ids=[third.pk], note_author_id=author.pk))
    assert Notification.objects.count() == 0


def test_preferences_respected(run, note, author, fan, api):
    services.set_preference(user=author, kind="like", enabled=False)
    run(content.like, user=fan, note_id=note.pk)
    assert kinds(author) == []
    run(content.comment_create, user=fan, note_id=note.pk, body="nice")
    assert kinds(author) == ["comment"]
    prefs = api(author).get("/api/v1/notifications/preferences").json()["preferences"]
    assert prefs["like"] is False and prefs["comment"] is True
    r = api(author).put("/api/v1/notifications/preferences", {"preferences": {"like": True, "comment": False}},
                        content_type="application/json")
    assert r.json()["preferences"]["comment"] is False and r.json()["preferences"]["like"] is True
    r = api(author).put("/api/v1/notifications/preferences", {"preferences": {"nope": True}},
                        content_type="application/json")
    assert r.status_code == 400


def test_order_notices(run, place_order, sku, shopper):
    from quanzi.orders.services import order_mark_delivered, order_refund_all
    from quanzi.shipping.services import shipment_create

    orders, _ = run(place_order, [(sku, 1)], pay=True)
    order = orders[0]
    run(shipment_create, shop=order.shop, order_number=order.number, carrier="sf", tracking_number="SF123")
    run(order_mark_delivered, order_id=order.pk)
    notices = list(Notification.objects.filter(recipient=shopper).order_by("id"))
    assert [n.kind for n in notices] == ["order", "order"]
    assert notices[0].text() == f"Your order {order.number} has shipped"
    assert notices[1].link() == f"/orders/{order.number}/"
    orders, _ = run(place_order, [(sku, 1)], pay=True)
    run(order_refund_all, order_id=orders[0].pk, reason="test")
    last = Notification.objects.filter(recipient=shopper).latest("id")
    assert "refund" in last.text() and orders[0].number in last.text()


def test_review_reply_notice(run, place_order, sku, shopper, shop):
    from quanzi.orders.services import order_mark_delivered
    from quanzi.reviews.services import merchant_reply, review_create
    from quanzi.shipping.services import shipment_create

    orders, _ = place_order([(sku, 1)], pay=True)
    order = orders[0]
    shipment_create(shop=order.shop, order_number=order.number, carrier="sf", tracking_number="SF9")
    order_mark_delivered(order_id=order.pk)
    review = review_create(user=shopper, order_line_id=order.lines.get().pk, rating=5, text="很好很好很好")
    Notification.objects.all().delete()
    run(merchant_reply, shop=shop, review_id=review.pk, text="谢谢")
    n = Notification.objects.get(recipient=shopper)
    assert n.kind == "reply" and shop.name in n.text() and n.link() == f"/p/{review.product_id}/"


def test_unread_count_mark_read_and_api(run, note, author, fan, make_user, api):
    for _ in range(3):
        u = make_user()
        run(social.follow_user, user=u, target=author)
    assert selectors.unread_count(user=author) == 3
    first = Notification.objects.filter(recipient=author).first()
    assert services.mark_read(user=fan, ids=[first.pk]) == 0  # not yours
    assert services.mark_read(user=author, ids=[first.pk]) == 1
    assert api(author).get("/api/v1/notifications/unread-count").json() == {"unread": 2}
    page = api(author).get("/api/v1/notifications?limit=2").json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = api(author).get(f"/api/v1/notifications?cursor={page['next_cursor']}").json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    r = api(author).post("/api/v1/notifications/read", {"all": True}, content_type="application/json")
    assert r.json() == {"updated": 2, "unread": 0}
    assert api().get("/api/v1/notifications").status_code == 401
    assert api(fan).get("/api/v1/notifications").json()["items"] == []


def test_list_query_count_is_flat(run, author, make_user, note):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            items, _ = selectors.notifications_page(user=author, cursor=None, limit=50)
            [(n.text(), n.link()) for n in items]
        return len(ctx.captured_queries)

    u = make_user()
    run(social.follow_user, user=u, target=author)
    few = count()
    for _ in range(5):
        v = make_user()
        run(social.follow_user, user=v, target=author)
        run(content.like, user=v, note_id=note.pk)
    assert count() == few


def test_pages_and_bell(run, author, fan, note, rf):
    from django.template.loader import render_to_string

    run(content.comment_create, user=fan, note_id=note.pk, body="<b>hi</b>")
    c = Client()
    c.force_login(author)
    html = c.get("/notifications/").content.decode()
    assert 'data-testid="notification-item"' in html and "&lt;b&gt;hi&lt;/b&gt;" in html
    request = rf.get("/")
    request.user = author
    bell = render_to_string("notifications/partials/bell.html", {"request": request})
    assert 'data-testid="notifications-unread"' in bell and ">1<" in bell
    n = Notification.objects.get(recipient=author)
    r = c.get(f"/notifications/{n.pk}/open/")
    assert r.status_code == 302 and r["Location"] == f"/n/{note.pk}/"
    assert selectors.unread_count(user=author) == 0
    c2 = Client()
    c2.force_login(fan)
    assert c2.get(f"/notifications/{n.pk}/open/").status_code == 404
    assert c.post("/notifications/read-all/").status_code == 302
    assert c.get("/me/notifications/settings/").status_code == 200
    c.post("/me/notifications/settings/", {"comment": "on"})
    assert selectors.preferences(user=author) == {"like": False, "comment": True, "reply": False, "mention": False,
                                             "follow": False, "order": False, "earnings": False, "live": False}
    assert Client().get("/notifications/").status_code == 302


def test_a_notification_names_the_product_in_the_readers_language(make_user):
    from django.utils.translation import override

    from quanzi.notifications.handlers import MSG_COMMISSION
    from quanzi.notifications.models import Notification

    note = Notification.objects.create(recipient=make_user(), kind="earnings", message=MSG_COMMISSION,
                                       text_params={"title": {"zh-hans": "重磅纯棉T恤", "en": "Heavyweight Cotton Tee"},
                                                    "amount": "7.90"})
    with override("en"):
        assert "“Heavyweight Cotton Tee”" in note.text() and "纯棉" not in note.text()
    with override("zh-hans"):
        assert "重磅纯棉T恤" in note.text() and "Cotton" not in note.text()
