import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quanzi.content import selectors, services
from quanzi.content.events import Commented, NoteLiked
from quanzi.content.models import (
    Collection,
    Comment,
    CommentStatus,
    Favourite,
    Like,
    Mention,
    ModerationDecision,
    NoteStatus,
    Report,
    ReportStatus,
    SensitiveWord,
    Share,
)
from quanzi.core.errors import (
    BusinessRuleViolation,
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    ValidationFailed,
)
from quanzi.core.testing import subscribed

from .conftest import png_upload

pytestmark = pytest.mark.django_db


def test_publish_parses_topics_and_sets_state(make_note):
    n = make_note(body="好看 #穿搭 和 #夏日 还有 #穿搭")
    assert n.status == NoteStatus.PUBLISHED and n.published_at
    assert {t.name for t in n.topics.all()} == {"穿搭", "夏日"}


def test_publish_needs_title_text_and_images(author):
    n = services.note_create_draft(author=author, title="", body="")
    with pytest.raises(ValidationFailed) as exc:
        services.note_publish(user=author, note_id=n.pk)
    assert set(exc.value.fields) == {"title", "body", "images"}


def test_more_than_nine_images_refused(make_note, author):
    n = make_note(images=9, publish=False)
    with pytest.raises(BusinessRuleViolation) as exc:
        services.note_add_image(user=author, note_id=n.pk, upload=png_upload())
    assert exc.value.code == "too_many_images"


def test_non_image_and_oversized_uploads_refused(make_note, author, settings):
    n = make_note(images=0, publish=False)
    with pytest.raises(ValidationFailed) as exc:
        services.note_add_image(user=author, note_id=n.pk,
                                upload=SimpleUploadedFile("x.png", b"not an image", content_type="image/png"))
    assert exc.value.code == "not_an_image"
    settings.QUANZI = {**settings.QUANZI, "MAX_UPLOAD_BYTES": 10}
    with pytest.raises(ValidationFailed) as exc:
        services.note_add_image(user=author, note_id=n.pk, upload=png_upload())
    assert exc.value.code == "upload_too_large"


def test_over_long_text_refused(author):
    with pytest.raises(ValidationFailed):
        services.note_create_draft(author=author, title="x" * 61)
    with pytest.raises(ValidationFailed):
        services.note_create_draft(author=author, body="x" * 2001)


def test_tagging_off_shelf_or_unknown_product(make_note, author, make_product, make_shop):
    n = make_note(publish=False)
    off = make_product(shop=make_shop(), on_shelf=False)
    suspended_shop = make_shop()
    unapproved = make_product(shop=suspended_shop)
    suspended_shop.status = "suspended"
    suspended_shop.save()
    for pid in (off.pk, unapproved.pk, 999999):
        with pytest.raises(BusinessRuleViolation) as exc:
            services.note_tag_product(user=author, note_id=n.pk, product_id=pid)
        assert exc.value.code == "product_unavailable"


def test_tag_at_most_nine(make_note, author, make_product, shop):
    products = [make_product(shop=shop, title=f"p{i}") for i in range(10)]
    n = make_note(publish=False, products=products[:9])
    services.note_tag_product(user=author, note_id=n.pk, product_id=products[0].pk)  # idempotent
    with pytest.raises(BusinessRuleViolation) as exc:
        services.note_tag_product(user=author, note_id=n.pk, product_id=products[9].pk)
    assert exc.value.code == "too_many_tags"


def test_another_users_draft_is_not_found(make_note, reader):
    n = make_note(publish=False)
    with pytest.raises(NotFound):
        services.note_update(user=reader, note_id=n.pk, title="mine")
    with pytest.raises(NotFound):
        services.like(user=reader, note_id=n.pk)
    assert selectors.note_detail(note_id=n.pk, viewer=reader) is None
    assert selectors.note_detail(note_id=n.pk, viewer=n.author) is not None


def test_sensitive_block_and_mask(make_note, author, reader, note):
    SensitiveWord.objects.create(word="badword", action="block")
    SensitiveWord.objects.create(word="傻瓜", action="mask")
    draft = make_note(body="this has BadWord in it", publish=False)
    with pytest.raises(BusinessRuleViolation) as exc:
        services.note_publish(user=author, note_id=draft.pk)
    assert exc.value.code == "sensitive_content" and "badword" not in exc.value.message.lower()
    masked = make_note(body="你这个傻瓜")
    assert masked.body == "你这个＊＊"
    c = services.comment_create(user=reader, note_id=note.pk, body="傻瓜 哈哈")
    assert c.body == "＊＊ 哈哈"
    with pytest.raises(BusinessRuleViolation):
        services.comment_create(user=reader, note_id=note.pk, body="badword")


def test_like_twice_is_idempotent_and_unlike(note, reader):
    seen = []
    with subscribed(NoteLiked, seen.append, in_transaction=True):
        services.like(user=reader, note_id=note.pk)
        services.like(user=reader, note_id=note.pk)
    assert Like.objects.filter(note=note).count() == 1
    assert seen == [NoteLiked(note_id=note.pk, user_id=reader.pk, author_id=note.author_id)]  # the second tap says nothing
    services.unlike(user=reader, note_id=note.pk)
    services.unlike(user=reader, note_id=note.pk)
    assert not Like.objects.exists()


def test_favourite_creates_default_collection(note, reader):
    services.favourite(user=reader, note_id=note.pk)
    services.favourite(user=reader, note_id=note.pk)
    assert Collection.objects.get(user=reader).name == "收藏"
    assert Favourite.objects.count() == 1
    services.favourite(user=reader, note_id=note.pk, collection="夏天")
    assert Favourite.objects.count() == 2
    services.unfavourite(user=reader, note_id=note.pk)
    assert Favourite.objects.count() == 0
    with pytest.raises(ValidationFailed):
        services.favourite(user=reader, note_id=note.pk, collection="x" * 21)


def test_comment_on_hidden_deleted_or_draft_note(make_note, note, reader, author, make_user):
    op = make_user(is_staff=True)
    services.moderate_hide(operator=op, note_id=note.pk, reason="spam")
    with pytest.raises(NotFound):
        services.comment_create(user=reader, note_id=note.pk, body="hi")
    with pytest.raises(Conflict):  # its author sees it, but it is closed
        services.comment_create(user=author, note_id=note.pk, body="hi")
    other = make_note()
    services.note_delete(user=author, note_id=other.pk)
    with pytest.raises(NotFound):
        services.comment_create(user=reader, note_id=other.pk, body="hi")
    draft = make_note(publish=False)
    with pytest.raises(NotFound):
        services.comment_create(user=reader, note_id=draft.pk, body="hi")


def test_comment_empty_or_too_long(note, reader):
    for body in ("", "   ", "x" * 501):
        with pytest.raises(ValidationFailed):
            services.comment_create(user=reader, note_id=note.pk, body=body)


def test_replies_are_one_level(note, reader, author):
    top = services.comment_create(user=reader, note_id=note.pk, body="top")
    reply = services.comment_create(user=author, note_id=note.pk, body="reply", parent_id=top.pk)
    nested = services.comment_create(user=reader, note_id=note.pk, body="nested", parent_id=reply.pk)
    assert reply.parent_id == top.pk and nested.parent_id == top.pk
    items, _ = selectors.comments_for_note(note_id=note.pk)
    assert [c.pk for c in items] == [top.pk]
    assert [r.pk for r in items[0].visible_replies] == [reply.pk, nested.pk]


def test_mentions_parsed_and_event_published(note, reader, make_user):
    friend = make_user(nickname="阿花")
    seen = []
    with subscribed(Commented, seen.append, in_transaction=True):
        c = services.comment_create(user=reader, note_id=note.pk, body="@阿花 看看这个 @nobody")
    assert list(Mention.objects.filter(comment=c).values_list("user_id", flat=True)) == [friend.pk]
    assert [(e.comment_id, e.mentioned_ids) for e in seen] == [(c.pk, [friend.pk])]


def test_at_most_five_mentions(note, reader, make_user):
    for i in range(6):
        make_user(nickname=f"f{i}")
    with pytest.raises(BusinessRuleViolation) as exc:
        services.comment_create(user=reader, note_id=note.pk, body=" ".join(f"@f{i}" for i in range(6)))
    assert exc.value.code == "too_many_mentions"
    services.comment_create(user=reader, note_id=note.pk, body=" ".join(f"@f{i}" for i in range(5)))


def test_blocked_users_cannot_interact(note, reader, author, block, make_user):
    block(author, reader)
    with pytest.raises(Forbidden) as exc:
        services.comment_create(user=reader, note_id=note.pk, body="hi")
    assert exc.value.code == "blocked"
    with pytest.raises(Forbidden):
        services.like(user=reader, note_id=note.pk)
    third = make_user(nickname="third")
    block(third, make_user(nickname="enemy"))
    with pytest.raises(Forbidden):  # mentioning someone who blocked you
        services.comment_create(user=third, note_id=note.pk, body="@enemy hi")
    with pytest.raises(Forbidden):  # replying to a blocked user's comment
        services.comment_create(user=author, note_id=note.pk, body="x",
                                parent_id=Comment.objects.create(note=note, author=reader, body="old").pk)
    Comment.objects.all().delete()
    assert not Comment.objects.exists()


def test_comment_delete_by_author_or_note_author(note, reader, author, make_user):
    c1 = services.comment_create(user=reader, note_id=note.pk, body="one")
    c2 = services.comment_create(user=reader, note_id=note.pk, body="two")
    with pytest.raises(Forbidden):
        services.comment_delete(user=make_user(), comment_id=c1.pk)
    services.comment_delete(user=reader, comment_id=c1.pk)
    services.comment_delete(user=author, comment_id=c2.pk)
    assert set(Comment.objects.values_list("status", flat=True)) == {CommentStatus.DELETED}


def test_rate_limits(note, reader, author, make_note):
    services.COMMENT_LIMIT = (20, 60)
    for i in range(20):
        services.comment_create(user=reader, note_id=note.pk, body=f"c{i}")
    with pytest.raises(RateLimited) as exc:
        services.comment_create(user=reader, note_id=note.pk, body="one more")
    assert int(exc.value.fields["retry_after"]) > 0
    for _ in range(9):
        make_note()
    with pytest.raises(RateLimited):
        make_note()


def test_share_and_report(note, reader):
    assert services.note_share(user=reader, note_id=note.pk) == f"/n/{note.pk}/"
    assert Share.objects.count() == 1
    with pytest.raises(ValidationFailed):
        services.report_create(user=reader, note_id=note.pk, reason="")
    services.report_create(user=reader, note_id=note.pk, reason="spam")
    with pytest.raises(Conflict):
        services.report_create(user=reader, note_id=note.pk, reason="abuse")


def test_moderation_hide_restore_recorded(note, reader, make_user, author):
    op = make_user(is_staff=True)
    report = services.report_create(user=reader, note_id=note.pk, reason="spam")
    with pytest.raises(Forbidden):
        services.moderate_hide(operator=reader, note_id=note.pk, reason="x")
    with pytest.raises(ValidationFailed):
        services.moderate_hide(operator=op, note_id=note.pk, reason="")
    services.moderate_hide(operator=op, note_id=note.pk, reason="spam link")
    note.refresh_from_db()
    report.refresh_from_db()
    assert note.status == NoteStatus.HIDDEN
    assert report.status == ReportStatus.ACTIONED and report.decided_by == op
    assert selectors.note_detail(note_id=note.pk, viewer=reader) is None
    assert selectors.note_detail(note_id=note.pk, viewer=author).status == NoteStatus.HIDDEN
    services.moderate_restore(operator=op, note_id=note.pk, reason="appeal ok")
    note.refresh_from_db()
    assert note.status == NoteStatus.PUBLISHED
    assert list(ModerationDecision.objects.order_by("id").values_list("action", "operator_id")) == [
        ("hide", op.pk), ("restore", op.pk)]
    c = services.comment_create(user=reader, note_id=note.pk, body="hmm")
    services.moderate_hide(operator=op, comment_id=c.pk, reason="rude")
    assert Comment.objects.get(pk=c.pk).status == CommentStatus.HIDDEN
    assert Report.objects.count() == 1


def test_counts_annotated(note, reader, make_user):
    services.like(user=reader, note_id=note.pk)
    services.like(user=make_user(), note_id=note.pk)
    services.favourite(user=reader, note_id=note.pk)
    services.comment_create(user=reader, note_id=note.pk, body="x")
    n = selectors.note_detail(note_id=note.pk, viewer=reader)
    assert (n.like_count, n.favourite_count, n.comment_count, n.viewer_liked) == (2, 1, 1, True)
