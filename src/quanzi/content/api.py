"""Content API under /api/v1/content. Another user's draft (or a hidden/deleted note) → 404."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from quanzi.accounts.auth import auth, optional_auth
from quanzi.core.errors import NotFound, ValidationFailed
from quanzi.core.images import media_url

from . import search as content_search
from . import selectors, services
from .models import COMMENT_MAX, TITLE_MAX, Comment, Note

router = Router(tags=["content"], auth=auth)


def _viewer(request):
    user = getattr(request, "auth", None)
    return user if getattr(user, "pk", None) else None


# ---------------------------------------------------------------- schemas

class NoteIn(Schema):
    title: str = Field("", max_length=TITLE_MAX)
    body: str = Field("", max_length=2000)
    location: str = Field("", max_length=60)


class NotePatch(Schema):
    title: str | None = Field(None, max_length=TITLE_MAX)
    body: str | None = Field(None, max_length=2000)
    location: str | None = Field(None, max_length=60)


class ImageOut(Schema):
    id: int
    url: str
    thumb_url: str


class TagOut(Schema):
    product_id: int
    title: str
    price: int
    cover_url: str
    url: str


class NoteOut(Schema):
    id: int
    author_uid: str
    author_name: str
    title: str
    body: str
    status: str
    location: str
    topics: list[str]
    images: list[ImageOut]
    products: list[TagOut]
    like_count: int
    comment_count: int
    favourite_count: int
    liked: bool
    favourited: bool
    url: str
    published_at: str | None
    created_at: str


class NoteCardOut(Schema):
    id: int
    title: str
    status: str
    cover_url: str
    like_count: int
    url: str


class NotePageOut(Schema):
    items: list[NoteCardOut]
    next_cursor: str | None


class TagIn(Schema):
    product_id: int


class FavouriteIn(Schema):
    collection: str = Field("", max_length=20)


class CollectionIn(Schema):
    name: str = Field(..., max_length=20)


class CollectionOut(Schema):
    id: int
    name: str
    note_count: int


class NoteCommentIn(Schema):
    body: str = Field(..., max_length=COMMENT_MAX)
    parent_id: int | None = None


class CommentOut(Schema):
    id: int
    note_id: int
    parent_id: int | None
    author_uid: str
    author_name: str
    body: str
    created_at: str
    replies: list[dict] = []


class CommentPageOut(Schema):
    items: list[CommentOut]
    next_cursor: str | None


class ReportIn(Schema):
    reason: str
    note_id: int | None = None
    comment_id: int | None = None
    detail: str = Field("", max_length=500)


class ReportOut(Schema):
    id: int
    status: str


class StateOut(Schema):
    liked: bool | None = None
    favourited: bool | None = None
    like_count: int | None = None


class ShareOut(Schema):
    url: str


class UserHitOut(Schema):
    uid: str
    nickname: str
    display_name: str
    avatar_url: str
    follower_count: int
    url: str


class TopicHitOut(Schema):
    name: str
    note_count: int
    url: str


class SearchOut(Schema):
    type: str
    notes: list[NoteCardOut] = []
    users: list[UserHitOut] = []
    topics: list[TopicHitOut] = []
    next_offset: int | None = None


# ---------------------------------------------------------------- builders

def _iso(v) -> str | None:
    return v.isoformat() if v else None


def note_out(n: Note) -> dict:
    return {
        "id": n.pk, "author_uid": n.author.uid, "author_name": n.author.display_name,
        "title": n.title, "body": n.body, "status": n.status, "location": n.location,
        "topics": [t.name for t in n.topics.all()],
        "images": [{"id": i.pk, "url": media_url(i.image), "thumb_url": media_url(i.thumb)} for i in n.images.all()],
        "products": [{"product_id": t.product_id, "title": t.product.title, "price": t.product.min_price,
                      "cover_url": media_url(t.product.cover_thumb or t.product.cover),
                      "url": f"/p/{t.product_id}/?from_note={n.pk}"} for t in n.product_tags.all()],
        "like_count": getattr(n, "like_count", 0), "comment_count": getattr(n, "comment_count", 0),
        "favourite_count": getattr(n, "favourite_count", 0), "liked": bool(getattr(n, "viewer_liked", False)),
        "favourited": bool(getattr(n, "viewer_favourited", False)), "url": n.get_absolute_url(),
        "published_at": _iso(n.published_at), "created_at": _iso(n.created_at),
    }


def card_out(n: Note) -> dict:
    images = list(n.images.all())
    return {"id": n.pk, "title": n.title, "status": n.status,
            "cover_url": media_url(images[0].thumb) if images else "",
            "like_count": getattr(n, "like_count", 0), "url": n.get_absolute_url()}


def comment_out(c: Comment) -> dict:
    return {"id": c.pk, "note_id": c.note_id, "parent_id": c.parent_id, "author_uid": c.author.uid,
            "author_name": c.author.display_name, "body": c.body, "created_at": _iso(c.created_at),
            "replies": [comment_out(r) for r in getattr(c, "visible_replies", [])]}


def _detail(note_id: int, viewer) -> dict:
    note = selectors.note_detail(note_id=note_id, viewer=viewer)
    if note is None:
        raise NotFound(_("Note not found."))
    return note_out(note)


# ---------------------------------------------------------------- notes

@router.post("/notes", response={201: NoteOut})
def note_create(request, payload: NoteIn):
    note = services.note_create_draft(author=request.auth, **payload.dict())
    return 201, _detail(note.pk, request.auth)


@router.get("/notes/{note_id}", response=NoteOut, auth=optional_auth)
def note_get(request, note_id: int):
    return _detail(note_id, _viewer(request))


@router.patch("/notes/{note_id}", response=NoteOut)
def note_patch(request, note_id: int, payload: NotePatch):
    services.note_update(user=request.auth, note_id=note_id, **payload.dict())
    return _detail(note_id, request.auth)


@router.delete("/notes/{note_id}", response={204: None})
def note_delete(request, note_id: int):
    services.note_delete(user=request.auth, note_id=note_id)
    return 204, None


@router.post("/notes/{note_id}/images", response={201: ImageOut})
def image_upload(request, note_id: int, image: File[UploadedFile]):
    img = services.note_add_image(user=request.auth, note_id=note_id, upload=image)
    return 201, {"id": img.pk, "url": media_url(img.image), "thumb_url": media_url(img.thumb)}


@router.delete("/notes/{note_id}/images/{image_id}", response={204: None})
def image_delete(request, note_id: int, image_id: int):
    services.note_remove_image(user=request.auth, note_id=note_id, image_id=image_id)
    return 204, None


@router.post("/notes/{note_id}/tags", response={201: NoteOut})
def tag_add(request, note_id: int, payload: TagIn):
    services.note_tag_product(user=request.auth, note_id=note_id, product_id=payload.product_id)
    return 201, _detail(note_id, request.auth)


@router.delete("/notes/{note_id}/tags/{product_id}", response=NoteOut)
def tag_remove(request, note_id: int, product_id: int):
    services.note_untag_product(user=request.auth, note_id=note_id, product_id=product_id)
    return _detail(note_id, request.auth)


@router.post("/notes/{note_id}/publish", response=NoteOut)
def publish(request, note_id: int):
    services.note_publish(user=request.auth, note_id=note_id)
    return _detail(note_id, request.auth)


@router.get("/users/{author_id}/notes", response=NotePageOut, auth=optional_auth)
def author_notes(request, author_id: int, cursor: str | None = None, limit: int = 20):
    items, nxt = selectors.notes_by_author(author_id=author_id, viewer=_viewer(request), cursor=cursor, limit=limit)
    return {"items": [card_out(n) for n in items], "next_cursor": nxt}


@router.get("/topics/{name}/notes", response=NotePageOut, auth=optional_auth)
def topic_notes(request, name: str, cursor: str | None = None, limit: int = 20):
    items, nxt = selectors.topic_notes(name=name, viewer=_viewer(request), cursor=cursor, limit=limit)
    return {"items": [card_out(n) for n in items], "next_cursor": nxt}


# ---------------------------------------------------------------- likes, favourites, shares

def _state(note_id: int, user) -> dict:
    n = selectors.annotated_notes(viewer=user).filter(pk=note_id).first()
    if n is None:  # un-liking or un-favouriting a note that does not exist (or that the viewer cannot see)
        raise NotFound(_("Note not found."))
    return {"liked": bool(n.viewer_liked), "favourited": bool(n.viewer_favourited), "like_count": n.like_count}


@router.post("/notes/{note_id}/like", response=StateOut)
def like(request, note_id: int):
    services.like(user=request.auth, note_id=note_id)
    return _state(note_id, request.auth)


@router.delete("/notes/{note_id}/like", response=StateOut)
def unlike(request, note_id: int):
    services.unlike(user=request.auth, note_id=note_id)
    return _state(note_id, request.auth)


@router.post("/notes/{note_id}/favourite", response=StateOut)
def favourite(request, note_id: int, payload: FavouriteIn | None = None):
    services.favourite(user=request.auth, note_id=note_id, collection=payload.collection if payload else "")
    return _state(note_id, request.auth)


@router.delete("/notes/{note_id}/favourite", response=StateOut)
def unfavourite(request, note_id: int, collection: str = ""):
    services.unfavourite(user=request.auth, note_id=note_id, collection=collection)
    return _state(note_id, request.auth)


@router.get("/collections", response=list[CollectionOut])
def collections(request):
    return [{"id": c.pk, "name": c.name, "note_count": c.note_count}
            for c in selectors.collections_for_user(user=request.auth)]


@router.post("/collections", response={201: CollectionOut})
def collection_create(request, payload: CollectionIn):
    c = services.collection_create(user=request.auth, name=payload.name)
    return 201, {"id": c.pk, "name": c.name, "note_count": c.favourites.count()}


@router.get("/collections/{collection_id}", response=NotePageOut, summary="Notes in one of my collections")
def collection_detail(request, collection_id: int, cursor: str | None = None, limit: int = 20):
    item = selectors.collection_of(user=request.auth, collection_id=collection_id)
    if item is None:
        raise NotFound(_("Collection not found."), code="collection_not_found")
    notes, next_cursor = selectors.collection_notes(collection=item, viewer=request.auth, cursor=cursor, limit=limit)
    return {"items": [card_out(n) for n in notes], "next_cursor": next_cursor}


@router.patch("/collections/{collection_id}", response=CollectionOut)
def collection_rename(request, collection_id: int, payload: CollectionIn):
    c = services.collection_rename(user=request.auth, collection_id=collection_id, name=payload.name)
    return {"id": c.pk, "name": c.name, "note_count": c.favourites.count()}


@router.delete("/collections/{collection_id}", response={204: None})
def collection_delete(request, collection_id: int):
    services.collection_delete(user=request.auth, collection_id=collection_id)
    return 204, None


@router.delete("/collections/{collection_id}/notes/{note_id}", response={204: None})
def collection_remove_note(request, collection_id: int, note_id: int):
    services.collection_remove_note(user=request.auth, collection_id=collection_id, note_id=note_id)
    return 204, None


@router.post("/notes/{note_id}/share", response=ShareOut)
def share(request, note_id: int):
    return {"url": services.note_share(user=request.auth, note_id=note_id)}


# ---------------------------------------------------------------- comments and reports

@router.get("/notes/{note_id}/comments", response=CommentPageOut, auth=optional_auth)
def comments(request, note_id: int, cursor: str | None = None, limit: int = 20):
    if selectors.note_detail(note_id=note_id, viewer=_viewer(request)) is None:
        raise NotFound(_("Note not found."))
    items, nxt = selectors.comments_for_note(note_id=note_id, cursor=cursor, limit=limit)
    return {"items": [comment_out(c) for c in items], "next_cursor": nxt}


@router.post("/notes/{note_id}/comments", response={201: CommentOut})
def comment_create(request, note_id: int, payload: NoteCommentIn):
    c = services.comment_create(user=request.auth, note_id=note_id, body=payload.body, parent_id=payload.parent_id)
    return 201, comment_out(c)


@router.delete("/comments/{comment_id}", response={204: None})
def comment_delete(request, comment_id: int):
    services.comment_delete(user=request.auth, comment_id=comment_id)
    return 204, None


@router.post("/reports", response={201: ReportOut})
def report(request, payload: ReportIn):
    r = services.report_create(user=request.auth, reason=payload.reason, note_id=payload.note_id,
                               comment_id=payload.comment_id, detail=payload.detail)
    return 201, {"id": r.pk, "status": r.status}


# ---------------------------------------------------------------- search

SEARCH_TYPES = ("notes", "users", "topics")


@router.get("/search", response=SearchOut, auth=optional_auth)
def search(request, q: str = "", type: str = "notes", limit: int = 20, offset: int = 0):  # noqa: A002
    """Search notes (jieba terms: all must match), users (nickname) or topics (name). Blocked users are left out."""
    if type not in SEARCH_TYPES:
        raise ValidationFailed(_("Unknown search type."), fields={"type": " | ".join(SEARCH_TYPES)})
    viewer = _viewer(request)
    limit = max(1, min(limit, 50))
    out: dict = {"type": type}
    if type == "notes":
        notes = content_search.search_notes(query=q, viewer=viewer, limit=limit + 1, offset=max(0, offset))
        out["notes"] = [card_out(n) for n in notes[:limit]]
        out["next_offset"] = max(0, offset) + limit if len(notes) > limit else None
    elif type == "users":
        out["users"] = [{"uid": u.uid, "nickname": u.nickname, "display_name": u.display_name,
                         "avatar_url": u.avatar_url, "follower_count": u.follower_count, "url": f"/u/{u.uid}/"}
                        for u in content_search.search_users(query=q, viewer=viewer, limit=limit)]
    else:
        out["topics"] = [{"name": t.name, "note_count": t.note_count, "url": reverse("content:topic", args=[t.name])}
                         for t in content_search.search_topics(query=q, limit=limit)]
    return out
