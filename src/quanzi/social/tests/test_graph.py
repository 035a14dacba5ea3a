"""The graph's rules through the services and selectors."""

import pytest
from django.core.management import call_command

from quanzi.core.errors import Forbidden, RateLimited, ValidationFailed
from quanzi.social import selectors as sel
from quanzi.social import services
from quanzi.social.models import Block, Follow


def graph_counts(user_id: int) -> dict:
    """The graph's own numbers (other apps add notes, likes received)."""
    counts = sel.profile_counts(user_id=user_id)
    return {"followers": counts["followers"], "following": counts["following"]}

@pytest.fixture
def ann(make_user):
    return make_user(nickname="Ann")


@pytest.fixture
def bob(make_user):
    return make_user(nickname="Bob")


def test_following_twice_is_idempotent(ann, bob):
    first = services.follow_user(user=ann, target=bob)
    second = services.follow_user(user=ann, target=bob)
    assert first.pk == second.pk
    assert Follow.objects.filter(follower=ann, followee=bob).count() == 1
    assert sel.is_following_user(follower_id=ann.pk, user_id=bob.pk) and not sel.is_following_user(follower_id=bob.pk, user_id=ann.pk)
    assert services.unfollow_user(user=ann, target=bob) is True
    assert services.unfollow_user(user=ann, target=bob) is False


def test_following_yourself_is_refused(ann):
    with pytest.raises(ValidationFailed) as exc:
        services.follow_user(user=ann, target=ann)
    assert exc.value.status == 400 and exc.value.code == "cannot_follow_self"


@pytest.mark.parametrize("direction", ["i_blocked", "they_blocked"])
def test_a_block_in_either_direction_forbids_following(ann, bob, direction):
    blocker, blocked = (ann, bob) if direction == "i_blocked" else (bob, ann)
    services.block_user(user=blocker, target=blocked)
    with pytest.raises(Forbidden) as exc:
        services.follow_user(user=ann, target=bob)
    assert exc.value.status == 403 and exc.value.code == "blocked"
    assert sel.is_blocked(user_a_id=ann.pk, user_b_id=bob.pk) and sel.is_blocked(user_a_id=bob.pk, user_b_id=ann.pk)
    assert sel.blocked_ids(user_id=ann.pk) == {bob.pk} and sel.blocked_ids(user_id=bob.pk) == {ann.pk}


def test_blocking_removes_follows_both_ways_and_unblock_does_not_restore_them(ann, bob):
    services.follow_user(user=ann, target=bob)
    services.follow_user(user=bob, target=ann)
    services.block_user(user=ann, target=bob)
    services.block_user(user=ann, target=bob)  # idempotent
    assert not Follow.objects.exists()
    assert Block.objects.count() == 1
    assert services.unblock_user(user=ann, target=bob) is True
    assert not sel.is_blocked(user_a_id=ann.pk, user_b_id=bob.pk)
    assert not Follow.objects.exists()
    services.follow_user(user=ann, target=bob)  # allowed again


def test_friends_are_mutual_follows_minus_blocks(make_user, ann, bob):
    cat, dan = make_user(nickname="Cat"), make_user(nickname="Dan")
    services.follow_user(user=ann, target=bob)
    services.follow_user(user=bob, target=ann)
    services.follow_user(user=ann, target=cat)
    services.follow_user(user=cat, target=ann)
    services.follow_user(user=ann, target=dan)  # one-way
    assert sel.friend_ids(user_id=ann.pk) == {bob.pk, cat.pk}
    assert sel.are_friends(user_a_id=ann.pk, user_b_id=bob.pk) and not sel.are_friends(user_a_id=ann.pk, user_b_id=dan.pk)
    # A block created behind the services' back (e.g. by an operator) still hides the friendship.
    Block.objects.create(blocker=cat, blocked=ann)
    assert sel.friend_ids(user_id=ann.pk) == {bob.pk}
    assert not sel.are_friends(user_a_id=ann.pk, user_b_id=cat.pk)


def test_counters_follow_follow_unfollow_and_block(make_user, ann, bob):
    cat = make_user()
    services.follow_user(user=ann, target=bob)
    services.follow_user(user=cat, target=bob)
    services.follow_user(user=bob, target=ann)
    assert graph_counts(bob.pk) == {"followers": 2, "following": 1}
    assert graph_counts(ann.pk) == {"followers": 1, "following": 1}
    services.unfollow_user(user=cat, target=bob)
    assert sel.profile_counts(user_id=bob.pk)["followers"] == 1
    services.block_user(user=bob, target=ann)
    assert graph_counts(bob.pk) == {"followers": 0, "following": 0}
    assert graph_counts(ann.pk) == {"followers": 0, "following": 0}
    assert sel.follower_ids(user_id=bob.pk) == [] and sel.following_user_ids(user_id=ann.pk) == []


def test_shop_follows(ann, make_shop):
    shop, pending = make_shop(), make_shop(approved=False)
    edge = services.follow_shop(user=ann, shop=shop)
    assert services.follow_shop(user=ann, shop=shop).pk == edge.pk
    assert sel.followed_shop_ids(user_id=ann.pk) == [shop.pk]
    assert sel.is_following_shop(follower_id=ann.pk, shop_id=shop.pk)
    assert sel.shop_follower_count(shop_id=shop.pk) == 1
    # Shop follows do not count as following people.
    assert sel.profile_counts(user_id=ann.pk)["following"] == 0
    from quanzi.core.errors import NotFound
    with pytest.raises(NotFound):
        services.follow_shop(user=ann, shop=pending)
    services.unfollow_shop(user=ann, shop=shop)
    assert sel.shop_follower_count(shop_id=shop.pk) == 0 and not sel.is_following_shop(follower_id=ann.pk, shop_id=shop.pk)


def test_following_is_rate_limited(make_user, ann):
    targets = [make_user() for _ in range(31)]
    for target in targets[:30]:
        services.follow_user(user=ann, target=target)
    with pytest.raises(RateLimited) as exc:
        services.follow_user(user=ann, target=targets[30])
    assert exc.value.status == 429 and int(exc.value.fields["retry_after"]) > 0
    # Re-following someone already followed costs nothing and still answers.
    assert services.follow_user(user=ann, target=targets[0])


def test_follow_publishes_an_event(ann, bob, make_shop, django_capture_on_commit_callbacks):
    from quanzi.core.testing import subscribed
    from quanzi.social.events import Followed

    seen = []
    shop = make_shop()
    with subscribed(Followed, lambda e: seen.append(e.payload())):
        with django_capture_on_commit_callbacks(execute=True):
            services.follow_user(user=ann, target=bob)
            services.follow_user(user=ann, target=bob)
            services.follow_shop(user=ann, shop=shop)
    assert seen == [{"follower_id": ann.pk, "followee_user_id": bob.pk, "shop_id": None},
                    {"follower_id": ann.pk, "followee_user_id": None, "shop_id": shop.pk}]


def test_social_check_finds_and_repairs_bad_edges(ann, bob, make_user, capsys):
    cat = make_user()
    services.follow_user(user=ann, target=cat)  # a good edge
    Block.objects.create(blocker=bob, blocked=ann)
    Follow.objects.create(follower=ann, followee=bob)  # slipped past the services
    Follow.objects.create(follower=bob, followee=ann)
    with pytest.raises(SystemExit):
        call_command("social_check")
    out = capsys.readouterr().out
    assert "follows across a block: 2" in out and "run with --repair" in out
    call_command("social_check", "--repair")
    assert "deleted 2 edge(s)" in capsys.readouterr().out
    assert list(Follow.objects.values_list("follower_id", "followee_id")) == [(ann.pk, cat.pk)]
    call_command("social_check")
    assert "social graph OK" in capsys.readouterr().out


def test_database_refuses_self_follows_and_duplicates(ann, bob):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(follower=ann, followee=ann)
    Follow.objects.create(follower=ann, followee=bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(follower=ann, followee=bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(follower=ann)  # no target


def test_profile_update_bio_and_avatar(ann, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from quanzi.social.tests.conftest import png_bytes

    profile = services.profile_update(user=ann, bio="  hello  ")
    assert profile.bio == "hello"
    with pytest.raises(ValidationFailed) as exc:
        services.profile_update(user=ann, bio="x" * 201)
    assert "bio" in exc.value.fields
    profile = services.profile_update(user=ann, avatar=SimpleUploadedFile("a.png", png_bytes()))
    assert profile.avatar.startswith("avatars/") and profile.avatar.endswith("_t.jpg")
    assert (media / profile.avatar).exists()
    with pytest.raises(ValidationFailed):
        services.profile_update(user=ann, avatar=SimpleUploadedFile("a.png", b"not an image"))
