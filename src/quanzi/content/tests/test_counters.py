"""Engagement counters on notes follow every use case that adds or removes rows (the services keep
them, there are no signals), and a write that bypasses the services never drifts unseen."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quanzi.content import services
from quanzi.content.models import Collection, Comment, Favourite, Like, Note, NoteStatus
from quanzi.core import clock

pytestmark = pytest.mark.django_db


def totals(note) -> tuple[int, int, int]:
    note.refresh_from_db()
    return note.likes_total, note.comments_total, note.favourites_total


@pytest.fixture
def note(make_user):
    return Note.objects.create(author=make_user(), title="t", body="b", status=NoteStatus.PUBLISHED,
                               published_at=clock.now())


def test_services_cascades_and_moderation_keep_counters(make_user, note):
    a, b = make_user(), make_user()
    services.like(user=a, note_id=note.pk)
    services.like(user=a, note_id=note.pk)  # idempotent: counted once
    services.like(user=b, note_id=note.pk)
    services.favourite(user=a, note_id=note.pk, collection="x")
    services.favourite(user=a, note_id=note.pk, collection="y")
    comment = services.comment_create(user=b, note_id=note.pk, body="hi")
    reply = services.comment_create(user=a, note_id=note.pk, body="reply", parent_id=comment.pk)
    assert totals(note) == (2, 2, 2)
    services.unlike(user=a, note_id=note.pk)
    services.comment_delete(user=b, comment_id=comment.pk)
    services.collection_delete(user=a, collection_id=Collection.objects.get(user=a, name="x").pk)  # a cascade
    assert totals(note) == (1, 1, 1)
    services.like(user=a, note_id=note.pk)  # liked again after an unlike
    services.collection_remove_note(user=a, collection_id=Collection.objects.get(user=a, name="y").pk,
                                    note_id=note.pk)
    assert totals(note) == (2, 1, 0)
    services.favourite(user=a, note_id=note.pk)
    services.unfavourite(user=a, note_id=note.pk)
    assert totals(note) == (2, 1, 0)
    operator = make_user(is_staff=True)
    services.moderate_hide(operator=operator, comment_id=reply.pk, reason="spam")
    assert totals(note) == (2, 0, 0)
    services.moderate_restore(operator=operator, comment_id=reply.pk, reason="not spam")
    assert totals(note) == (2, 1, 0)
    call_command("content_check", stdout=io.StringIO())  # consistent: no error


def test_check_reports_drift_and_repair_rebuilds(note, make_user):
    Like.objects.bulk_create([Like(user=make_user(), note=note) for _ in range(3)])  # bulk: no signals
    Comment.objects.bulk_create([Comment(note=note, author=make_user(), body="x")])
    with pytest.raises(CommandError, match="1 notes with drifted counters"):
        call_command("content_check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("content_check", "--repair", stdout=out)
    assert "rebuilt" in out.getvalue()
    assert totals(note) == (3, 1, 0)
    call_command("content_check", stdout=io.StringIO())
    assert Favourite.objects.count() == 0
