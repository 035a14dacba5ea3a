import pytest
from django.urls import reverse

from quanzi.content.models import Like, Note, NoteStatus
from quanzi.core import clock
from quanzi.social.selectors import profile_counts

pytestmark = pytest.mark.django_db


def test_profile_counts_notes_and_likes_received_are_derived(make_user, client, api):
    author, fan = make_user(), make_user()
    published = Note.objects.create(author=author, title="a", body="b", status=NoteStatus.PUBLISHED,
                                    published_at=clock.now())
    Note.objects.create(author=author, title="draft", body="b", status=NoteStatus.DRAFT)
    hidden = Note.objects.create(author=author, title="h", body="b", status=NoteStatus.HIDDEN,
                                 published_at=clock.now())
    Like.objects.create(user=fan, note=published)
    Like.objects.create(user=fan, note=hidden)  # likes on hidden notes do not count
    counts = profile_counts(user_id=author.pk)
    assert (counts["notes"], counts["likes_received"]) == (1, 1)
    page = client.get(reverse("social:profile", args=[author.uid])).content.decode()
    assert 'data-testid="notes-count">1<' in page and 'data-testid="likes-received-count">1<' in page
    body = api(fan).get(f"/api/v1/social/users/{author.uid}").json()
    assert (body["notes"], body["likes_received"]) == (1, 1)
