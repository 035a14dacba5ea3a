"""The search page's tabs (goods | notes | users | topics) and the profile page's note list."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def png():
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 60)).save(buf, "PNG")
    return SimpleUploadedFile("a.png", buf.getvalue(), content_type="image/png")


@pytest.fixture
def author(make_user):
    return make_user(nickname="茶小白")


@pytest.fixture
def make_note(author):
    from quanzi.content import services

    def make(title="春茶品鉴", body="西湖龙井 #喝茶", publish=True, user=None):
        user = user or author
        note = services.note_create_draft(author=user, title=title, body=body)
        services.note_add_image(user=user, note_id=note.pk, upload=png())
        if publish:
            services.note_publish(user=user, note_id=note.pk)
        return note

    return make


def test_goods_is_the_default_tab_and_still_works(client, make_product, shop):
    make_product(shop=shop, title="真丝连衣裙 Silk dress")
    page = text(client.get("/search/?q=连衣裙"))
    assert "真丝连衣裙 Silk dress" in page
    assert 'data-testid="search-tab-goods"' in page and 'aria-current="page" data-testid="search-tab-goods"' in page
    assert "type=notes" in page  # the other tabs keep the query
    assert "真丝连衣裙 Silk dress" in text(client.get("/search/?q=连衣裙&type=goods"))
    assert "真丝连衣裙 Silk dress" in text(client.get("/search/?q=连衣裙&type=nonsense"))
    assert "No goods match your search" in text(client.get("/search/?q=zzzqqq"))
    assert "All categories" in text(client.get("/search/"))


def test_notes_tab_lists_matching_notes_as_cards(client, make_note, make_product, shop):
    make_product(shop=shop, title="龙井茶叶礼盒")
    note = make_note()
    make_note(title="草稿龙井", publish=False)
    page = text(client.get("/search/?q=龙井&type=notes"))
    assert f'href="/n/{note.pk}/"' in page and 'data-testid="note-card"' in page
    assert "草稿龙井" not in page and "龙井茶叶礼盒" not in page  # no drafts, no goods here
    assert 'aria-current="page" data-testid="search-tab-notes"' in page
    assert 'name="type" value="notes"' in page  # searching again stays on this tab
    empty = text(client.get("/search/?q=zzzqqq&type=notes"))
    assert 'data-testid="empty-state"' in empty and "No notes match your search" in empty
    assert 'data-testid="empty-state"' in text(client.get("/search/?type=notes"))


def test_notes_tab_escapes_user_text(client, make_note):
    make_note(title="<script>alert(1)</script> 抹茶", body="抹茶")
    page = text(client.get("/search/?q=抹茶&type=notes"))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    page = text(client.get("/search/", {"q": "<b>抹茶</b>", "type": "notes"}))
    assert "<b>抹茶</b>" not in page


def test_notes_tab_hides_blocked_authors(client, make_note, author, make_user):
    from quanzi.social.testing import make_block

    make_note()
    viewer = make_user()
    make_block(blocker=viewer, blocked=author)
    client.force_login(viewer)
    assert "No notes match your search" in text(client.get("/search/?q=龙井&type=notes"))


def test_notes_tab_query_count_is_flat(client, make_note, make_user):
    client.force_login(make_user())
    make_note(title="火锅 1")
    with CaptureQueriesContext(connection) as few:
        text(client.get("/search/?q=火锅&type=notes"))
    for i in range(4):
        make_note(title=f"火锅 {i + 2}")
    with CaptureQueriesContext(connection) as many:
        page = text(client.get("/search/?q=火锅&type=notes"))
    assert page.count('data-testid="note-card"') == 5
    assert len(many) == len(few)


def test_users_tab_links_profiles(client, author, make_user):
    make_user(nickname="<i>茶</i>")
    page = text(client.get("/search/?q=茶&type=users"))
    assert f'href="/u/{author.uid}/"' in page and "茶小白" in page
    assert "<i>茶</i>" not in page and "&lt;i&gt;" in page
    assert "No users match your search" in text(client.get("/search/?q=zzzqqq&type=users"))


def test_topics_tab_links_topic_pages(client, make_note):
    make_note()
    page = text(client.get("/search/?q=喝&type=topics"))
    assert 'href="/t/%E5%96%9D%E8%8C%B6/"' in page and "#喝茶" in page and "1 note" in page
    assert "No topics match your search" in text(client.get("/search/?q=zzzqqq&type=topics"))


def test_profile_lists_published_notes_and_drafts_only_for_the_owner(client, make_note, author, make_user):
    old = make_note(title="第一篇")
    new = make_note(title="第二篇")
    draft = make_note(title="没写完", publish=False)
    page = text(client.get(f"/u/{author.uid}/"))
    assert page.index(f'href="/n/{new.pk}/"') < page.index(f'href="/n/{old.pk}/"')  # newest first
    assert "没写完" not in page and 'data-testid="draft-tag"' not in page
    client.force_login(author)
    mine = text(client.get(f"/u/{author.uid}/"))
    assert "没写完" in mine and 'data-testid="draft-tag"' in mine and f"/n/{draft.pk}/edit/" in mine
    client.force_login(make_user())
    assert "No notes yet." in text(client.get(f"/u/{make_user().uid}/"))


def test_profile_notes_page_with_a_cursor(client, make_note, author):
    from quanzi.content import selectors

    notes = [make_note(title=f"笔记{i}") for i in range(3)]
    _items, cursor = selectors.notes_by_author(author_id=author.pk, viewer=None, limit=2)
    page = text(client.get(f"/u/{author.uid}/?cursor={cursor}"))
    assert f'href="/n/{notes[0].pk}/"' in page and f'href="/n/{notes[2].pk}/"' not in page
    assert f'href="/n/{notes[2].pk}/"' in text(client.get(f"/u/{author.uid}/?cursor=garbage"))
