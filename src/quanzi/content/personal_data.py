"""Personal data held by content: what the person wrote (notes, comments, reports) and did (likes,
favourites, shares, mentions). Their notes and comments are deleted through content's own services (so
counters and the search index follow) and their text emptied; likes and collections go."""

from quanzi.content import services
from quanzi.content.constants import CommentStatus, NoteStatus
from quanzi.content.models import (
    Collection,
    Comment,
    Like,
    Mention,
    Note,
    NoteImage,
    NoteSearchTerm,
    Report,
    Share,
)
from quanzi.core.personal_data import declare, rows


def export(user) -> dict:
    return {
        "notes": [dict(n, images=list(NoteImage.objects.filter(note_id=n["id"]).values_list("image", flat=True)))
                  for n in rows(Note.objects.filter(author=user).exclude(status=NoteStatus.DELETED),
                                "id", "title", "body", "location", "status", "created_at")],
        "comments": rows(Comment.objects.filter(author=user).exclude(status=CommentStatus.DELETED),
                         "note_id", "body", "created_at"),
        "likes": rows(Like.objects.filter(user=user), "note_id", "created_at"),
        "collections": [{"name": c.name, "notes": list(c.favourites.values_list("note_id", flat=True))}
                        for c in Collection.objects.filter(user=user)],
        "reports": rows(Report.objects.filter(reporter=user), "reason", "detail", "status", "created_at"),
    }


def erase(user) -> None:
    for note_id in Note.objects.filter(author=user).exclude(status=NoteStatus.DELETED).values_list("pk", flat=True):
        services.note_delete(user=user, note_id=note_id)
    for comment_id in Comment.objects.filter(author=user).exclude(status=CommentStatus.DELETED).values_list("pk", flat=True):
        services.comment_delete(user=user, comment_id=comment_id)
    for note_id in Like.objects.filter(user=user).values_list("note_id", flat=True):
        services.unlike(user=user, note_id=note_id)
    for collection_id in Collection.objects.filter(user=user).values_list("pk", flat=True):
        services.collection_delete(user=user, collection_id=collection_id)
    notes = Note.objects.filter(author=user)
    NoteImage.objects.filter(note__in=notes).delete()
    NoteSearchTerm.objects.filter(note__in=notes).delete()
    notes.update(title="", body="", location="")
    Comment.objects.filter(author=user).update(body="")
    Mention.objects.filter(user=user).delete()
    Share.objects.filter(user=user).update(user=None)
    Report.objects.filter(reporter=user).update(detail="")


declare(
    app="content",
    personal={
        "content.Note.author": "link", "content.Note.title": "content", "content.Note.body": "content",
        "content.Note.location": "address", "content.Like.user": "activity", "content.Collection.user": "activity",
        "content.Collection.name": "content", "content.Comment.author": "link", "content.Comment.body": "content",
        "content.Mention.user": "activity", "content.Share.user": "activity", "content.Report.reporter": "link",
        "content.Report.detail": "content",
        "content.Report.decided_by": "link", "content.ModerationDecision.operator": "link",
    },
    not_personal={
        "content.Topic.name": "a hashtag shared by everyone who uses it",
        "content.Report.reason": "a reason code picked from a list",
        "content.Report.decision_note": "the operator's decision on a report",
        "content.ModerationDecision.reason": "the operator's reason for hiding or restoring",
    },
    export=export, erase=erase,
)
