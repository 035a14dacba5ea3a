"""Content services: notes, images, product tags, likes, favourites, comments, shares, reports, moderation.

Visibility rule used everywhere: a note another user cannot see (draft, hidden, deleted, unknown)
answers 404 — never 403 — so its existence is not revealed. Blocks (either direction) answer
403 `blocked` for comment, like and mention: the blocked user can still see a public note.

Every use case that adds or removes a like, a favourite or a comment (or changes a comment's
visibility) keeps the note's engagement counters in the same transaction (content/counters.py).
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from quanzi.content.events import Commented, NoteLiked, NotePublished
from quanzi.core import clock, events
from quanzi.core.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationFailed
from quanzi.core.ratelimit import hit
from quanzi.core.text import written_language

from . import counters, search
from .models import (
    BODY_MAX,
    COMMENT_MAX,
    MAX_IMAGES,
    MAX_TAGS,
    TITLE_MAX,
    Collection,
    Comment,
    CommentStatus,
    Favourite,
    Like,
    Mention,
    ModerationDecision,
    Note,
    NoteImage,
    NoteProductTag,
    NoteStatus,
    Report,
    ReportReason,
    ReportStatus,
    SensitiveWord,
    Share,
    Topic,
)

TOPIC_RE = re.compile(r"#(\w{1,40})")
MENTION_RE = re.compile(r"@([\w\-.·]{1,40})")
MAX_MENTIONS = 5
MASK_CHAR = "＊"

PUBLISH_LIMIT = (10, 3600)
COMMENT_LIMIT = (20, 60)
LIKE_LIMIT = (60, 60)


# ---------------------------------------------------------------- helpers

def _is_blocked(user_a_id: int | None, user_b_id: int | None) -> bool:
    """True when either user blocked the other (social.selectors)."""
    if not user_a_id or not user_b_id or user_a_id == user_b_id:
        return False
    from quanzi.social.selectors import is_blocked

    return bool(is_blocked(user_a_id=user_a_id, user_b_id=user_b_id))


def _blocked_error() -> Forbidden:
    return Forbidden(_("You cannot interact with this user."), code="blocked")


def parse_topics(text: str) -> list[str]:
    seen: list[str] = []
    for name in TOPIC_RE.findall(text or ""):
        if name not in seen:
            seen.append(name)
    return seen


def parse_mentions(text: str) -> dict[str, int]:
    """"@nickname" → {nickname: user id} for nicknames that name exactly one user."""
    from quanzi.accounts.selectors import active_users_by_nickname

    names = list(dict.fromkeys(MENTION_RE.findall(text or "")))
    if not names:
        return {}
    rows = active_users_by_nickname(nicknames=names)
    counts: dict[str, int] = {}
    for nick, _pk in rows:
        counts[nick] = counts.get(nick, 0) + 1
    return {nick: pk for nick, pk in rows if counts[nick] == 1}


def sensitive_filter(*texts: str) -> list[str]:
    """Raise 422 `sensitive_content` for a "block" word; return the texts with "mask" words masked."""
    words = list(SensitiveWord.objects.values_list("word", "action"))
    if not words:
        return list(texts)
    joined = "\n".join(t or "" for t in texts).lower()
    for word, action in words:
        if action == SensitiveWord.Action.BLOCK and word and word.lower() in joined:
            raise BusinessRuleViolation(_("This text contains words we cannot publish. Please edit it."),
                                        code="sensitive_content")
    out = []
    for text in texts:
        for word, action in words:
            if action == SensitiveWord.Action.MASK and word:
                text = re.sub(re.escape(word), MASK_CHAR * len(word), text or "", flags=re.IGNORECASE)
        out.append(text)
    return out


def _own_note(user, note_id: int, *, for_update: bool = True) -> Note:
    qs = Note.objects.select_for_update() if for_update else Note.objects.all()
    note = qs.filter(pk=note_id, author_id=user.pk).exclude(status=NoteStatus.DELETED).first()
    if note is None:
        raise NotFound(_("Note not found."))
    return note


def _public_note(note_id: int, user=None) -> Note:
    """A note the user may interact with: published (its author also sees hidden/draft → 409)."""
    note = Note.objects.filter(pk=note_id).exclude(status=NoteStatus.DELETED).first()
    if note is None:
        raise NotFound(_("Note not found."))
    if note.status != NoteStatus.PUBLISHED:
        if user is not None and note.author_id == user.pk:
            raise Conflict(_("This note is not published."), code="note_not_published")
        raise NotFound(_("Note not found."))
    return note


def _clean_text(title: str | None, body: str | None) -> dict:
    errors = {}
    if title is not None and len(title) > TITLE_MAX:
        errors["title"] = _("At most %(n)d characters.") % {"n": TITLE_MAX}
    if body is not None and len(body) > BODY_MAX:
        errors["body"] = _("At most %(n)d characters.") % {"n": BODY_MAX}
    if errors:
        raise ValidationFailed(_("Some fields are too long."), fields=errors)
    return errors


def _sync_topics(note: Note) -> None:
    names = parse_topics(f"{note.title}\n{note.body}")
    topics = []
    for name in names:
        topic, _created = Topic.objects.get_or_create(name=name)
        topics.append(topic)
    note.topics.set(topics)


def _sync_note_mentions(note: Note) -> list[int]:
    mentioned = parse_mentions(note.body)
    ids = [pk for pk in mentioned.values() if pk != note.author_id and not _is_blocked(note.author_id, pk)]
    Mention.objects.filter(note=note).delete()
    Mention.objects.bulk_create([Mention(note=note, user_id=pk) for pk in ids])
    return ids


# ---------------------------------------------------------------- notes

@transaction.atomic
def note_create_draft(*, author, title: str = "", body: str = "", location: str = "") -> Note:
    title, body = (title or "").strip(), (body or "").strip()
    _clean_text(title, body)
    return Note.objects.create(author=author, title=title, body=body, location=(location or "").strip()[:60],
                               language=written_language(title, body))


@transaction.atomic
def note_update(*, user, note_id: int, title: str | None = None, body: str | None = None,
                location: str | None = None) -> Note:
    note = _own_note(user, note_id)
    if note.status == NoteStatus.HIDDEN:
        raise Conflict(_("A hidden note cannot be edited."), code="note_hidden")
    title = title.strip() if title is not None else None
    body = body.strip() if body is not None else None
    _clean_text(title, body)
    if title is not None:
        note.title = title
    if body is not None:
        note.body = body
    if location is not None:
        note.location = location.strip()[:60]
    note.language = written_language(note.title, note.body)
    if note.status == NoteStatus.PUBLISHED:
        if not note.title or not note.body:
            raise ValidationFailed(_("A published note needs a title and text."),
                                   fields={"title" if not note.title else "body": _("Required.")})
        note.title, note.body = sensitive_filter(note.title, note.body)
        note.save()
        _sync_topics(note)
        _sync_note_mentions(note)
        search.note_reindex(note)
    else:
        note.save()
    return note


@transaction.atomic
def note_add_image(*, user, note_id: int, upload) -> NoteImage:
    from quanzi.core.images import save_product_image

    note = _own_note(user, note_id)
    count = note.images.count()
    if count >= MAX_IMAGES:
        raise BusinessRuleViolation(_("A note has at most %(n)d images.") % {"n": MAX_IMAGES},
                                    code="too_many_images")
    full, thumb = save_product_image(upload, folder="notes")
    top = note.images.aggregate(m=Max("sort"))["m"]
    return NoteImage.objects.create(note=note, image=full, thumb=thumb, sort=(top or 0) + 1)


@transaction.atomic
def note_remove_image(*, user, note_id: int, image_id: int) -> None:
    note = _own_note(user, note_id)
    image = note.images.filter(pk=image_id).first()
    if image is None:
        raise NotFound(_("Image not found."))
    if note.status == NoteStatus.PUBLISHED and note.images.count() <= 1:
        raise BusinessRuleViolation(_("A published note needs at least one image."), code="needs_image")
    image.delete()


@transaction.atomic
def note_tag_product(*, user, note_id: int, product_id: int) -> NoteProductTag:
    from quanzi.catalog.selectors import product_sellable

    note = _own_note(user, note_id)
    if not product_sellable(product_id=product_id):
        raise BusinessRuleViolation(_("This product cannot be tagged: it is not on sale."),
                                    code="product_unavailable", fields={"product_id": "unavailable"})
    existing = note.product_tags.filter(product_id=product_id).first()
    if existing:
        return existing
    if note.product_tags.count() >= MAX_TAGS:
        raise BusinessRuleViolation(_("A note tags at most %(n)d products.") % {"n": MAX_TAGS},
                                    code="too_many_tags")
    top = note.product_tags.aggregate(m=Max("sort"))["m"]
    return NoteProductTag.objects.create(note=note, product_id=product_id, sort=(top or 0) + 1)


@transaction.atomic
def note_untag_product(*, user, note_id: int, product_id: int) -> None:
    note = _own_note(user, note_id)
    note.product_tags.filter(product_id=product_id).delete()


@transaction.atomic
def note_publish(*, user, note_id: int) -> Note:
    note = _own_note(user, note_id)
    if note.status == NoteStatus.PUBLISHED:
        return note
    if note.status != NoteStatus.DRAFT:
        raise Conflict(_("Only a draft can be published."), code="invalid_state")
    errors = {}
    if not note.title.strip():
        errors["title"] = _("Add a title.")
    if not note.body.strip():
        errors["body"] = _("Write some text.")
    images = note.images.count()
    if not 1 <= images <= MAX_IMAGES:
        errors["images"] = _("Add 1 to %(n)d images.") % {"n": MAX_IMAGES}
    if errors:
        raise ValidationFailed(_("The note is not ready to publish."), code="note_incomplete", fields=errors)
    note.title, note.body = sensitive_filter(note.title, note.body)
    hit("content.publish", user.pk, limit=PUBLISH_LIMIT[0], window=PUBLISH_LIMIT[1])
    note.status = NoteStatus.PUBLISHED
    note.published_at = clock.now()
    note.save()
    _sync_topics(note)
    mentioned = _sync_note_mentions(note)
    search.note_reindex(note)
    events.publish(NotePublished(note_id=note.pk, author_id=note.author_id, mentioned_ids=list(mentioned)))
    return note


@transaction.atomic
def note_delete(*, user, note_id: int) -> None:
    note = _own_note(user, note_id)
    note.status = NoteStatus.DELETED
    note.save(update_fields=["status", "updated_at"])
    search.note_unindex(note)


# ---------------------------------------------------------------- likes, favourites, shares

def like(*, user, note_id: int) -> bool:
    """Like a note (idempotent). Returns True when the note is now liked."""
    note = _public_note(note_id, user)
    if _is_blocked(user.pk, note.author_id):
        raise _blocked_error()
    if Like.objects.filter(user=user, note=note).exists():
        return True
    hit("content.like", user.pk, limit=LIKE_LIMIT[0], window=LIKE_LIMIT[1])
    try:
        with transaction.atomic():
            Like.objects.create(user=user, note=note)
            counters.likes_changed(note_id=note.pk, delta=1)
            events.publish(NoteLiked(note_id=note.pk, user_id=user.pk, author_id=note.author_id))
    except IntegrityError:
        pass  # a concurrent double tap: already liked
    return True


@transaction.atomic
def unlike(*, user, note_id: int) -> bool:
    deleted, _n = Like.objects.filter(user=user, note_id=note_id).delete()
    counters.likes_changed(note_id=note_id, delta=-deleted)
    return False


def _collection(user, name: str | None) -> Collection:
    name = (name or "").strip() or Collection.DEFAULT_NAME
    if len(name) > 20:
        raise ValidationFailed(_("A collection name has at most 20 characters."), fields={"collection": "too long"})
    # under the collection's row lock: a favourite is never added while the collection is being deleted
    # (collection_delete recounts exactly the notes its cascade removes)
    collection, _created = Collection.objects.select_for_update().get_or_create(user=user, name=name)
    return collection


@transaction.atomic
def favourite(*, user, note_id: int, collection: str | None = None) -> Favourite:
    note = _public_note(note_id, user)
    target = _collection(user, collection)
    fav, created = Favourite.objects.get_or_create(collection=target, note=note)
    if created:
        counters.favourites_changed(note_id=note.pk, delta=1)
    return fav


@transaction.atomic
def unfavourite(*, user, note_id: int, collection: str | None = None) -> None:
    qs = Favourite.objects.filter(collection__user=user, note_id=note_id)
    if collection:
        qs = qs.filter(collection__name=collection.strip())
    deleted, _n = qs.delete()
    counters.favourites_changed(note_id=note_id, delta=-deleted)


@transaction.atomic
def collection_create(*, user, name: str) -> Collection:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Name the collection."), fields={"name": _("Required.")})
    return _collection(user, name)


@transaction.atomic
def collection_rename(*, user, collection_id: int, name: str) -> Collection:
    collection = Collection.objects.select_for_update().filter(pk=collection_id, user=user).first()
    if collection is None:
        raise NotFound(_("Collection not found."), code="collection_not_found")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Name the collection."), fields={"name": _("Required.")})
    if len(name) > 20:
        raise ValidationFailed(_("A collection name has at most 20 characters."), fields={"name": _("too long")})
    if Collection.objects.filter(user=user, name=name).exclude(pk=collection.pk).exists():
        raise ValidationFailed(_("You already have a collection with this name."), code="collection_exists",
                               fields={"name": _("already used")})
    collection.name = name
    collection.save(update_fields=["name"])
    return collection


@transaction.atomic
def collection_delete(*, user, collection_id: int) -> None:
    """Delete a collection and its favourites (the notes themselves stay, one favourite fewer each)."""
    collection = Collection.objects.select_for_update().filter(pk=collection_id, user=user).first()
    if collection is None:
        raise NotFound(_("Collection not found."), code="collection_not_found")
    note_ids = list(Favourite.objects.filter(collection=collection).values_list("note_id", flat=True))
    collection.delete()
    counters.favourites_recount(note_ids=note_ids)


@transaction.atomic
def collection_remove_note(*, user, collection_id: int, note_id: int) -> None:
    if not Collection.objects.filter(pk=collection_id, user=user).exists():
        raise NotFound(_("Collection not found."), code="collection_not_found")
    deleted, _n = Favourite.objects.filter(collection_id=collection_id, note_id=note_id).delete()
    counters.favourites_changed(note_id=note_id, delta=-deleted)


SHARE_LIMIT = (30, 60)


def note_share(*, user, note_id: int) -> str:
    """Count a share by a signed-in user (rate-limited so counts cannot be pumped) and return the path."""
    note = _public_note(note_id, user)
    if getattr(user, "pk", None):
        hit("content.share", user.pk, limit=SHARE_LIMIT[0], window=SHARE_LIMIT[1])
    Share.objects.create(user=user if getattr(user, "pk", None) else None, note=note)
    return f"/n/{note.pk}/"


# ---------------------------------------------------------------- comments

@transaction.atomic
def comment_create(*, user, note_id: int, body: str, parent_id: int | None = None) -> Comment:
    note = _public_note(note_id, user)
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("Write a comment."), fields={"body": _("Required.")})
    if len(body) > COMMENT_MAX:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": COMMENT_MAX},
                               fields={"body": _("At most %(n)d characters.") % {"n": COMMENT_MAX}})
    if _is_blocked(user.pk, note.author_id):
        raise _blocked_error()
    parent = None
    if parent_id:
        parent = Comment.objects.filter(pk=parent_id, note=note, status=CommentStatus.VISIBLE).first()
        if parent is None:
            raise NotFound(_("The comment you reply to is gone."))
        if parent.parent_id:  # one level of replies: attach to the top-level comment
            parent = Comment.objects.get(pk=parent.parent_id)
        if _is_blocked(user.pk, parent.author_id):
            raise _blocked_error()
    (body,) = sensitive_filter(body)
    mentioned = parse_mentions(body)
    ids = [pk for pk in dict.fromkeys(mentioned.values()) if pk != user.pk]
    if len(ids) > MAX_MENTIONS:
        raise BusinessRuleViolation(_("Mention at most %(n)d people in one comment.") % {"n": MAX_MENTIONS},
                                    code="too_many_mentions")
    if any(_is_blocked(user.pk, pk) for pk in ids):
        raise _blocked_error()
    hit("content.comment", user.pk, limit=COMMENT_LIMIT[0], window=COMMENT_LIMIT[1])
    comment = Comment.objects.create(note=note, author=user, parent=parent, body=body)
    counters.comments_changed(note_id=note.pk)
    Mention.objects.bulk_create([Mention(comment=comment, user_id=pk) for pk in ids])
    events.publish(Commented(comment_id=comment.pk, note_id=note.pk, parent_id=parent.pk if parent else None,
                             author_id=user.pk, mentioned_ids=list(ids), note_author_id=note.author_id))
    return comment


@transaction.atomic
def comment_delete(*, user, comment_id: int) -> None:
    comment = Comment.objects.select_related("note").filter(pk=comment_id).exclude(
        status=CommentStatus.DELETED).first()
    if comment is None:
        raise NotFound(_("Comment not found."))
    if user.pk not in (comment.author_id, comment.note.author_id):
        raise Forbidden(_("Only its author or the note's author can delete a comment."))
    comment.status = CommentStatus.DELETED
    comment.save(update_fields=["status"])
    counters.comments_changed(note_id=comment.note_id)


# ---------------------------------------------------------------- reports and moderation

@transaction.atomic
def report_create(*, user, reason: str, note_id: int | None = None, comment_id: int | None = None,
                  detail: str = "") -> Report:
    if reason not in ReportReason.values:
        raise ValidationFailed(_("Choose a reason."), fields={"reason": _("Required.")})
    if bool(note_id) == bool(comment_id):
        raise ValidationFailed(_("Report a note or a comment."), fields={"target": _("Required.")})
    detail = (detail or "").strip()[:500]
    if note_id:
        note = _public_note(note_id)
        target = {"note": note}
    else:
        comment = Comment.objects.filter(pk=comment_id, status=CommentStatus.VISIBLE,
                                         note__status=NoteStatus.PUBLISHED).first()
        if comment is None:
            raise NotFound(_("Comment not found."))
        target = {"comment": comment}
    if Report.objects.filter(reporter=user, status=ReportStatus.OPEN, **target).exists():
        raise Conflict(_("You already reported this; we are looking at it."), code="already_reported")
    return Report.objects.create(reporter=user, reason=reason, detail=detail, **target)


def _require_operator(operator) -> None:
    if not getattr(operator, "is_staff", False):
        raise Forbidden(_("Only operators can moderate content."))


def _close_reports(operator, target: dict, note: str, status: str) -> None:
    Report.objects.filter(status=ReportStatus.OPEN, **target).update(
        status=status, decided_by=operator, decision_note=note[:500], decided_at=clock.now())


@transaction.atomic
def moderate_hide(*, operator, reason: str, note_id: int | None = None,
                  comment_id: int | None = None) -> ModerationDecision:
    return _moderate(operator=operator, reason=reason, note_id=note_id, comment_id=comment_id, hide=True)


@transaction.atomic
def moderate_restore(*, operator, reason: str, note_id: int | None = None,
                     comment_id: int | None = None) -> ModerationDecision:
    return _moderate(operator=operator, reason=reason, note_id=note_id, comment_id=comment_id, hide=False)


def _moderate(*, operator, reason: str, note_id: int | None, comment_id: int | None,
              hide: bool) -> ModerationDecision:
    """Hide or restore a note or comment, keep the search index in step, and record the decision
    (hiding also closes the open reports on it as actioned)."""
    _require_operator(operator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), fields={"reason": _("Required.")})
    if note_id:
        note = Note.objects.select_for_update().filter(pk=note_id).first()
        if note is None:
            raise NotFound(_("Note not found."))
        if hide and note.status != NoteStatus.PUBLISHED:
            raise Conflict(_("Only a published note can be hidden."), code="invalid_state")
        if not hide and note.status != NoteStatus.HIDDEN:
            raise Conflict(_("Only a hidden note can be restored."), code="invalid_state")
        note.status = NoteStatus.HIDDEN if hide else NoteStatus.PUBLISHED
        note.save(update_fields=["status", "updated_at"])
        (search.note_unindex if hide else search.note_reindex)(note)
        target = {"note": note}
    else:
        comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
        if comment is None:
            raise NotFound(_("Comment not found."))
        if hide and comment.status != CommentStatus.VISIBLE:
            raise Conflict(_("Only a visible comment can be hidden."), code="invalid_state")
        if not hide and comment.status != CommentStatus.HIDDEN:
            raise Conflict(_("Only a hidden comment can be restored."), code="invalid_state")
        comment.status = CommentStatus.HIDDEN if hide else CommentStatus.VISIBLE
        comment.save(update_fields=["status"])
        counters.comments_changed(note_id=comment.note_id)
        target = {"comment": comment}
    if hide:
        _close_reports(operator, target, reason, ReportStatus.ACTIONED)
    action = ModerationDecision.Action.HIDE if hide else ModerationDecision.Action.RESTORE
    return ModerationDecision.objects.create(operator=operator, action=action, reason=reason, **target)


@transaction.atomic
def report_dismiss(*, operator, report_id: int, note: str = "") -> Report:
    _require_operator(operator)
    report = Report.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("Report not found."))
    if report.status != ReportStatus.OPEN:
        raise Conflict(_("This report is already decided."), code="invalid_state")
    report.status, report.decided_by = ReportStatus.DISMISSED, operator
    report.decision_note, report.decided_at = (note or "").strip()[:500], clock.now()
    report.save()
    return report
