import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from quanzi.content import services
from quanzi.content.models import Comment, ModerationDecision, Note, NoteStatus, Report

from .conftest import png_upload

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_note_page_escapes_user_text(make_note, reader, make_user):
    make_user(nickname="friend")
    n = make_note(title="<script>alert(1)</script>", body="<b>x</b> #穿搭 @friend & 'q' <script>evil()</script>")
    services.comment_create(user=reader, note_id=n.pk, body="<script>c()</script> @friend")
    html = Client().get(f"/n/{n.pk}/").content.decode()
    assert "<script>alert(1)" not in html and "<script>evil" not in html and "<script>c()" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert f'href="{reverse("content:topic", args=["穿搭"])}"' in html
    assert 'class="mention-link" href="/u/' in html
    assert "#x27" not in html.split('data-testid="note-body"')[1].split("</div>")[0].replace("&#x27;", "")


def test_note_page_shows_products_and_buy_links(make_note, product):
    n = make_note(products=[product])
    html = Client().get(f"/n/{n.pk}/").content.decode()
    assert f"/p/{product.pk}/?from_note={n.pk}" in html


def test_draft_and_hidden_visibility(make_note, author, reader, make_user):
    draft = make_note(publish=False)
    assert login(reader).get(f"/n/{draft.pk}/").status_code == 404
    assert Client().get(f"/n/{draft.pk}/").status_code == 404
    assert login(author).get(f"/n/{draft.pk}/").status_code == 200
    assert login(reader).get(f"/n/{draft.pk}/edit/").status_code == 404
    n = make_note()
    services.moderate_hide(operator=make_user(is_staff=True), note_id=n.pk, reason="spam")
    assert login(reader).get(f"/n/{n.pk}/").status_code == 404
    r = login(author).get(f"/n/{n.pk}/")
    assert r.status_code == 200 and b'data-testid="hidden-banner"' in r.content


def test_htmx_like_returns_updated_button(note, reader):
    c = login(reader)
    r = c.post(reverse("content:like_toggle", args=[note.pk]), {"liked": "0"}, **HX)
    assert r.status_code == 200
    html = r.content.decode()
    assert html.lstrip().startswith("<form") and 'aria-pressed="true"' in html
    assert '<span data-testid="like-count">1</span>' in html
    r = c.post(reverse("content:like_toggle", args=[note.pk]), {"liked": "1"}, **HX)
    assert '<span data-testid="like-count">0</span>' in r.content.decode()
    r = c.post(reverse("content:favourite_toggle", args=[note.pk]), {"favourited": "0"}, **HX)
    assert '<span data-testid="favourite-count">1</span>' in r.content.decode()


def test_htmx_like_anonymous_goes_to_login(note):
    r = Client().post(reverse("content:like_toggle", args=[note.pk]), **HX)
    assert r.status_code == 204 and "/login/" in r["HX-Redirect"]


def test_htmx_like_blocked_shows_error(note, reader, author, block):
    block(author, reader)
    r = login(reader).post(reverse("content:like_toggle", args=[note.pk]), {"liked": "0"}, **HX)
    assert r.status_code == 200 and b'role="alert"' in r.content


def test_htmx_comment_and_reply(note, reader, author):
    c = login(reader)
    r = c.post(reverse("content:comment_create", args=[note.pk]), {"body": "好看！"}, **HX)
    assert r.status_code == 200 and "好看！" in r.content.decode() and 'id="comments"' in r.content.decode()
    top = Comment.objects.get()
    r = login(author).post(reverse("content:comment_create", args=[note.pk]),
                           {"body": "谢谢", "parent_id": top.pk}, **HX)
    assert 'data-testid="reply"' in r.content.decode()
    r = c.post(reverse("content:comment_create", args=[note.pk]), {"body": ""}, **HX)
    assert b'data-testid="comment-error"' in r.content
    r = c.post(reverse("content:comment_delete", args=[top.pk]), **HX)
    assert r.status_code == 200 and Comment.objects.get(pk=top.pk).status == "deleted"


def test_comment_on_deleted_note_404(note, reader, author):
    services.note_delete(user=author, note_id=note.pk)
    r = login(reader).post(reverse("content:comment_create", args=[note.pk]), {"body": "hi"}, **HX)
    assert r.status_code == 404


def test_editor_flow(author, product):
    c = login(author)
    r = c.post(reverse("content:note_new"), {"title": "新笔记", "body": "正文 #新品"})
    n = Note.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/n/{n.pk}/edit/"
    r = c.post(f"/n/{n.pk}/edit/", {"action": "publish", "title": "新笔记", "body": "正文"})
    assert r.status_code == 400 and b"form-error" in r.content
    assert c.post(f"/n/{n.pk}/edit/", {"action": "upload", "images": [png_upload(), png_upload()]}).status_code == 302
    assert n.images.count() == 2
    r = c.post(f"/n/{n.pk}/edit/", {"action": "upload", "images": [png_upload(), png_upload()]})
    r = c.post(f"/n/{n.pk}/edit/", {"action": "tag", "product_id": product.pk})
    assert r.status_code == 302 and n.product_tags.count() == 1
    r = c.get(f"/n/{n.pk}/edit/?q=Cotton")
    assert r.status_code == 200
    r = c.post(f"/n/{n.pk}/edit/", {"action": "publish", "title": "新笔记", "body": "正文 #新品"})
    assert r.status_code == 302 and r["Location"] == f"/n/{n.pk}/"
    n.refresh_from_db()
    assert n.status == NoteStatus.PUBLISHED


def test_editor_rejects_non_image(author):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = login(author)
    c.post(reverse("content:note_new"), {"title": "t", "body": "b"})
    n = Note.objects.get()
    r = c.post(f"/n/{n.pk}/edit/", {"action": "upload", "images": SimpleUploadedFile("x.png", b"nope")})
    assert r.status_code == 400 and b"form-error" in r.content


def test_topic_page_and_product_partial(make_note, product):
    n = make_note(body="#通勤 穿搭", products=[product])
    r = Client().get(reverse("content:topic", args=["通勤"]))
    assert r.status_code == 200 and f"/n/{n.pk}/" in r.content.decode()
    partial = Template('{% include "content/partials/product_notes.html" %}')
    with override("zh-hans"):  # the note is written in Chinese: the product page shows it to Chinese readers
        html = partial.render(Context({"product": product}))
    assert f"/n/{n.pk}/" in html and 'data-testid="product-notes"' in html
    assert f"/n/{n.pk}/" not in partial.render(Context({"product": product}))  # not to English ones


def test_report_page(note, reader):
    c = login(reader)
    assert c.get(reverse("content:report", args=[note.pk])).status_code == 200
    r = c.post(reverse("content:report", args=[note.pk]), {"reason": ""})
    assert r.status_code == 400
    r = c.post(reverse("content:report", args=[note.pk]), {"reason": "spam", "detail": "ad"})
    assert r.status_code == 302 and Report.objects.count() == 1


def test_note_page_queries_flat(make_note, make_user, product, shop, make_product, reader):
    def render_count(n):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = login(reader)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/n/{n.pk}/").status_code == 200
        return len(ctx.captured_queries)

    make_user(nickname="pal")
    small = make_note(images=1, products=[product])
    first = services.comment_create(user=reader, note_id=small.pk, body="x @pal")
    services.comment_create(user=reader, note_id=small.pk, body="y", parent_id=first.pk)
    other = [make_product(shop=shop, title=f"p{i}") for i in range(4)]
    big = make_note(images=5, products=[product, *other], body="#a #b #c")
    for i in range(8):
        u = make_user(nickname=f"u{i}")
        top = services.comment_create(user=u, note_id=big.pk, body=f"@reader c{i}")
        services.comment_create(user=reader, note_id=big.pk, body="reply", parent_id=top.pk)
    assert render_count(big) == render_count(small) <= 17  # 15, +2 the author's follow button (follows, blocks)


def test_author_list_queries_flat(make_note, author):
    from quanzi.content import selectors

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            items, _ = selectors.notes_by_author(author_id=author.pk)
            for n in items:
                list(n.images.all())
                assert n.author.display_name
        return len(ctx.captured_queries)

    make_note()
    one = count()
    for _ in range(4):
        make_note(images=2)
    assert count() == one


def test_admin_hide_and_restore(note, make_user):
    op = make_user(is_staff=True)
    c = login(op)
    url = reverse("admin:content_note_decide", args=[note.pk, "hide"])
    assert c.get(url).status_code == 200
    r = c.post(url, {"apply": "1", "note": ""})
    assert r.status_code == 400
    c.post(url, {"apply": "1", "note": "spam"})
    note.refresh_from_db()
    assert note.status == NoteStatus.HIDDEN
    c.post(reverse("admin:content_note_decide", args=[note.pk, "restore"]), {"apply": "1", "note": "ok"})
    note.refresh_from_db()
    assert note.status == NoteStatus.PUBLISHED
    assert list(ModerationDecision.objects.values_list("action", "operator_id")) == [("hide", op.pk),
                                                                                       ("restore", op.pk)]
    for name in ("note", "comment", "report", "moderationdecision", "sensitiveword"):
        assert c.get(reverse(f"admin:content_{name}_changelist")).status_code == 200
    assert c.get(reverse("admin:content_note_change", args=[note.pk])).status_code == 200


def test_posting_a_comment_updates_the_comment_counter_without_a_reload(note, reader):
    response = login(reader).post(reverse("content:comment_create", args=[note.pk]), {"body": "好看！"}, **HX)

    page = response.content.decode()
    assert f'id="comment-count-{note.pk}"' in page and 'hx-swap-oob="true"' in page
    assert 'hx-swap-oob="true">1</span>' in page


def bought_lines(buyer) -> list:
    """The buyer's order lines, read through the orders app's public selectors."""
    from quanzi.orders.selectors import order_page_for_user

    orders, _cursor = order_page_for_user(user=buyer)
    return [line for order in orders for line in order.lines.all()]


def test_buying_from_a_note_records_the_note_on_the_order_line(make_note, product, make_shopper):
    note = make_note(products=[product])
    buyer = make_shopper()
    client = login(buyer)
    client.get(f"/p/{product.pk}/?from_note={note.pk}")
    sku = product.skus.first()

    response = client.post("/checkout/", {"sku": sku.pk, "qty": 1, "address_id": buyer.addresses.get().pk})

    assert response.status_code == 302
    (line,) = bought_lines(buyer)
    assert line.attribution["note"]["id"] == note.pk and line.attribution["note"]["author_id"] == note.author_id


def test_a_note_that_does_not_tag_the_product_attributes_nothing(note, make_shopper, make_product, shop):
    other = make_product(shop=shop, title="Untagged thing")
    buyer = make_shopper()
    client = login(buyer)
    client.get(f"/p/{other.pk}/?from_note={note.pk}")

    client.post("/checkout/", {"sku": other.skus.first().pk, "qty": 1, "address_id": buyer.addresses.get().pk})

    (line,) = bought_lines(buyer)
    assert "note" not in line.attribution


def test_a_reader_follows_the_author_from_the_note_and_topics_show_once(make_user, make_note):
    from django.test import Client

    note = make_note(images=1, body="好物分享 #a")
    reader = make_user(nickname="reader2")
    client = Client()
    client.force_login(reader)
    html = client.get(f"/n/{note.pk}/").content.decode()
    assert 'data-testid="follow-toggle"' in html and 'data-following="0"' in html
    assert html.count(">#a<") == 1  # linked in the body, not listed again
    client.post(f"/u/{note.author.uid}/follow/")
    assert 'data-following="1"' in client.get(f"/n/{note.pk}/").content.decode()
    # the author sees the edit button instead; a visitor is asked to log in first
    author = Client()
    author.force_login(note.author)
    mine = author.get(f"/n/{note.pk}/").content.decode()
    assert 'data-testid="note-edit"' in mine and 'data-testid="follow-toggle"' not in mine
    assert 'data-testid="follow-login"' in Client().get(f"/n/{note.pk}/").content.decode()
