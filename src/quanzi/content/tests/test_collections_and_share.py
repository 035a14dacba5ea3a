"""Collections (收藏夹) pages and API, and the note page's share button."""

import pytest
from django.urls import reverse

from quanzi.content import services
from quanzi.content.models import Collection, Favourite, Note, NoteStatus, Share
from quanzi.core import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(make_user):
    return Note.objects.create(author=make_user(), title="Tea notes", body="b", status=NoteStatus.PUBLISHED,
                               published_at=clock.now())


def test_collection_pages_create_save_rename_remove_delete(make_user, note, client):
    me = make_user()
    client.force_login(me)
    resp = client.post(reverse("content:collections"), {"name": "茶"})
    tea = Collection.objects.get(user=me, name="茶")
    assert resp.status_code == 302 and resp["Location"].endswith(reverse("content:collection", args=[tea.pk]))
    client.post(reverse("content:favourite_toggle", args=[note.pk]), {"favourited": "1", "collection": "茶"})
    assert Favourite.objects.filter(collection=tea, note=note).exists()  # "Save to…" always adds
    page = client.get(reverse("content:collection", args=[tea.pk])).content.decode()
    assert "Tea notes" in page
    listing = client.get(reverse("content:collections")).content.decode()
    assert "1 note" in listing
    client.post(reverse("content:collection", args=[tea.pk]), {"action": "rename", "name": "好茶"})
    tea.refresh_from_db()
    assert tea.name == "好茶"
    client.post(reverse("content:collection", args=[tea.pk]), {"action": "remove", "note_id": note.pk})
    assert not Favourite.objects.filter(collection=tea).exists()
    resp = client.post(reverse("content:collection", args=[tea.pk]), {"action": "delete"})
    assert resp.status_code == 302 and not Collection.objects.filter(pk=tea.pk).exists()
    assert Note.objects.filter(pk=note.pk).exists()


def test_collection_unhappy_paths(make_user, client):
    me, other = make_user(), make_user()
    theirs = Collection.objects.create(user=other, name="secret")
    client.force_login(me)
    assert client.get(reverse("content:collection", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("content:collection", args=[theirs.pk]), {"action": "delete"}).status_code == 404
    assert Collection.objects.filter(pk=theirs.pk).exists()
    resp = client.post(reverse("content:collections"), {"name": "x" * 21})
    assert resp.status_code == 400 and 'data-testid="collection-error"' in resp.content.decode()
    resp = client.post(reverse("content:collections"), {"name": "  "})
    assert resp.status_code == 400
    mine = Collection.objects.create(user=me, name="a")
    Collection.objects.create(user=me, name="b")
    resp = client.post(reverse("content:collection", args=[mine.pk]), {"action": "rename", "name": "b"})
    assert resp.status_code == 400 and Collection.objects.get(pk=mine.pk).name == "a"
    resp = client.post(reverse("content:collection", args=[mine.pk]), {"action": "explode"})
    assert resp.status_code == 400
    client.logout()
    assert client.get(reverse("content:collections")).status_code == 302


def test_collection_api(make_user, note, api, expect_error):
    me, other = make_user(), make_user()
    c = api(me).post("/api/v1/content/collections", {"name": "旅行"}, content_type="application/json").json()
    api(me).post(f"/api/v1/content/notes/{note.pk}/favourite", {"collection": "旅行"}, content_type="application/json")
    body = api(me).get(f"/api/v1/content/collections/{c['id']}").json()
    assert [i["id"] for i in body["items"]] == [note.pk]
    renamed = api(me).patch(f"/api/v1/content/collections/{c['id']}", {"name": "远方"},
                            content_type="application/json").json()
    assert renamed["name"] == "远方" and renamed["note_count"] == 1
    expect_error(api(other).get(f"/api/v1/content/collections/{c['id']}"), 404, "collection_not_found")
    expect_error(api(other).delete(f"/api/v1/content/collections/{c['id']}"), 404, "collection_not_found")
    assert api(me).delete(f"/api/v1/content/collections/{c['id']}/notes/{note.pk}").status_code == 204
    assert api(me).delete(f"/api/v1/content/collections/{c['id']}").status_code == 204
    assert not Collection.objects.filter(pk=c["id"]).exists()


def test_collection_page_queries_stay_flat(make_user, client, django_assert_max_num_queries):
    me = make_user()
    col = Collection.objects.create(user=me, name="c")
    for k in range(3):
        n = Note.objects.create(author=make_user(), title=f"n{k}", body="b", status=NoteStatus.PUBLISHED,
                                published_at=clock.now())
        Favourite.objects.create(collection=col, note=n)
    client.force_login(me)
    url = reverse("content:collection", args=[col.pk])
    client.get(url)
    with django_assert_max_num_queries(12) as ctx:
        client.get(url)
    baseline = len(ctx.captured_queries)
    for k in range(10):
        n = Note.objects.create(author=make_user(), title=f"m{k}", body="b", status=NoteStatus.PUBLISHED,
                                published_at=clock.now())
        Favourite.objects.create(collection=col, note=n)
    with django_assert_max_num_queries(baseline):
        client.get(url)


def test_share_button_records_and_shows_link(make_user, note, client):
    me = make_user()
    client.force_login(me)
    page = client.get(reverse("content:note", args=[note.pk])).content.decode()
    assert 'data-testid="share-button"' in page
    resp = client.post(reverse("content:share", args=[note.pk]), HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert resp.status_code == 200 and f"/n/{note.pk}/" in body and 'data-testid="share-copy"' in body
    assert Share.objects.filter(note=note, user=me).count() == 1
    resp = client.post(reverse("content:share", args=[note.pk]))  # no JS: redirect to the panel
    assert resp.status_code == 302 and "shared=1" in resp["Location"]
    assert 'data-testid="share-panel"' in client.get(resp["Location"]).content.decode()
    client.logout()
    resp = client.post(reverse("content:share", args=[note.pk]), HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and Share.objects.filter(note=note).count() == 2  # anonymous: not counted


def test_share_unhappy_paths(make_user, client):
    me = make_user()
    draft = Note.objects.create(author=make_user(), title="d", body="b", status=NoteStatus.DRAFT)
    client.force_login(me)
    assert client.post(reverse("content:share", args=[draft.pk])).status_code == 404
    assert client.get(reverse("content:share", args=[draft.pk])).status_code == 405
    note = Note.objects.create(author=make_user(), title="t", body="b", status=NoteStatus.PUBLISHED,
                               published_at=clock.now())
    for _ in range(services.SHARE_LIMIT[0]):
        services.note_share(user=me, note_id=note.pk)
    resp = client.post(reverse("content:share", args=[note.pk]), HTTP_HX_REQUEST="true")
    assert 'role="alert"' in resp.content.decode()
    assert Share.objects.filter(note=note).count() == services.SHARE_LIMIT[0]
