import json

import pytest

from quanzi.content.models import Note, NoteStatus

from .conftest import png_upload

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_note_crud_publish_flow(api, author, product):
    c = api(author)
    r = post(c, "/api/v1/content/notes", {"title": "好物", "body": "推荐 #好物 给大家"})
    assert r.status_code == 201, r.content
    nid = r.json()["id"]
    r = c.post(f"/api/v1/content/notes/{nid}/images", {"image": png_upload()})
    assert r.status_code == 201, r.content
    r = post(c, f"/api/v1/content/notes/{nid}/tags", {"product_id": product.pk})
    assert r.status_code == 201
    assert r.json()["products"][0]["url"] == f"/p/{product.pk}/?from_note={nid}"
    r = c.patch(f"/api/v1/content/notes/{nid}", json.dumps({"title": "好物分享"}), content_type="application/json")
    assert r.status_code == 200 and r.json()["title"] == "好物分享"
    r = post(c, f"/api/v1/content/notes/{nid}/publish")
    assert r.status_code == 200 and r.json()["status"] == "published" and r.json()["topics"] == ["好物"]
    r = api(None).get(f"/api/v1/content/notes/{nid}")
    assert r.status_code == 200 and r.json()["like_count"] == 0
    r = api(None).get(f"/api/v1/content/users/{author.pk}/notes")
    assert [n["id"] for n in r.json()["items"]] == [nid]
    r = c.delete(f"/api/v1/content/notes/{nid}")
    assert r.status_code == 204 and Note.objects.get(pk=nid).status == NoteStatus.DELETED


def test_another_users_draft_404(api, make_note, reader):
    n = make_note(publish=False)
    c = api(reader)
    for r in (c.get(f"/api/v1/content/notes/{n.pk}"),
              c.patch(f"/api/v1/content/notes/{n.pk}", "{}", content_type="application/json"),
              post(c, f"/api/v1/content/notes/{n.pk}/publish"),
              c.post(f"/api/v1/content/notes/{n.pk}/images", {"image": png_upload()}),
              post(c, f"/api/v1/content/notes/{n.pk}/like")):
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "not_found"


def test_like_idempotent_and_favourite_api(api, note, reader):
    c = api(reader)
    assert post(c, f"/api/v1/content/notes/{note.pk}/like").json() == {
        "liked": True, "favourited": False, "like_count": 1}
    assert post(c, f"/api/v1/content/notes/{note.pk}/like").json()["like_count"] == 1
    assert c.delete(f"/api/v1/content/notes/{note.pk}/like").json()["like_count"] == 0
    assert post(c, f"/api/v1/content/notes/{note.pk}/favourite", {"collection": "夏天"}).json()["favourited"]
    assert c.get("/api/v1/content/collections").json() == [
        {"id": c.get("/api/v1/content/collections").json()[0]["id"], "name": "夏天", "note_count": 1}]


def test_upload_errors(api, make_note, author):
    n = make_note(images=9, publish=False)
    c = api(author)
    r = c.post(f"/api/v1/content/notes/{n.pk}/images", {"image": png_upload()})
    assert r.status_code == 422 and r.json()["error"]["code"] == "too_many_images"
    n2 = make_note(images=0, publish=False)
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = c.post(f"/api/v1/content/notes/{n2.pk}/images", {"image": SimpleUploadedFile("a.jpg", b"<?php")})
    assert r.status_code == 400 and r.json()["error"]["code"] == "not_an_image"


def test_tag_unavailable_422(api, make_note, author, make_product, shop):
    n = make_note(publish=False)
    off = make_product(shop=shop, on_shelf=False)
    r = post(api(author), f"/api/v1/content/notes/{n.pk}/tags", {"product_id": off.pk})
    assert r.status_code == 422 and r.json()["error"]["code"] == "product_unavailable"


def test_comments_api_and_blocked(api, note, reader, author, block):
    c = api(reader)
    r = post(c, f"/api/v1/content/notes/{note.pk}/comments", {"body": "好看"})
    assert r.status_code == 201
    top = r.json()["id"]
    r = post(api(author), f"/api/v1/content/notes/{note.pk}/comments", {"body": "谢谢", "parent_id": top})
    r = c.get(f"/api/v1/content/notes/{note.pk}/comments")
    assert len(r.json()["items"]) == 1 and len(r.json()["items"][0]["replies"]) == 1
    r = post(c, f"/api/v1/content/notes/{note.pk}/comments", {"body": "x" * 501})
    assert r.status_code == 400
    r = post(c, f"/api/v1/content/notes/{note.pk}/comments", {"body": "  "})
    assert r.status_code == 400
    block(author, reader)
    r = post(c, f"/api/v1/content/notes/{note.pk}/comments", {"body": "hi"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "blocked"
    r = post(c, f"/api/v1/content/notes/{note.pk}/like")
    assert r.status_code == 403 and r.json()["error"]["code"] == "blocked"
    assert c.delete(f"/api/v1/content/comments/{top}").status_code == 204


def test_rate_limit_429_with_retry_after(api, note, reader):
    c = api(reader)
    for i in range(20):
        assert post(c, f"/api/v1/content/notes/{note.pk}/comments", {"body": f"c{i}"}).status_code == 201
    r = post(c, f"/api/v1/content/notes/{note.pk}/comments", {"body": "flood"})
    assert r.status_code == 429
    assert int(r.json()["error"]["fields"]["retry_after"]) > 0


def test_like_rate_limit(api, make_note, reader):
    notes = [make_note(images=1) for _ in range(1)]
    from quanzi.content import services

    c = api(reader)
    old = services.LIKE_LIMIT
    services.LIKE_LIMIT = (2, 60)
    try:
        extra = [make_note(user=None, images=1) for _ in range(2)]
        ids = [n.pk for n in notes + extra]
        assert [post(c, f"/api/v1/content/notes/{i}/like").status_code for i in ids] == [200, 200, 429]
    finally:
        services.LIKE_LIMIT = old


def test_share_and_report_api(api, note, reader):
    c = api(reader)
    assert post(c, f"/api/v1/content/notes/{note.pk}/share").json() == {"url": f"/n/{note.pk}/"}
    r = post(c, "/api/v1/content/reports", {"note_id": note.pk, "reason": "spam"})
    assert r.status_code == 201 and r.json()["status"] == "open"
    r = post(c, "/api/v1/content/reports", {"note_id": note.pk, "reason": "spam"})
    assert r.status_code == 409
    r = post(c, "/api/v1/content/reports", {"note_id": note.pk, "reason": ""})
    assert r.status_code == 400


def test_anonymous_cannot_write(api, note):
    r = post(api(None), f"/api/v1/content/notes/{note.pk}/like")
    assert r.status_code == 401
