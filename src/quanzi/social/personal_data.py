"""Personal data held by social: the profile, the follow graph, blocks. All of it goes on deletion
(follower counts are COUNT queries, so nothing else needs fixing)."""

from quanzi.core.personal_data import declare, rows
from quanzi.social.models import Block, Follow, Profile


def export(user) -> dict:
    return {
        "profile": rows(Profile.objects.filter(user=user), "bio", "avatar"),
        "following": rows(Follow.objects.filter(follower=user), "followee__uid", "shop_id", "created_at"),
        "followers": Follow.objects.filter(followee=user).count(),
        "blocked": rows(Block.objects.filter(blocker=user), "blocked__uid", "created_at"),
    }


def erase(user) -> None:
    Profile.objects.filter(user=user).update(bio="", avatar="")
    Follow.objects.filter(follower=user).delete()
    Follow.objects.filter(followee=user).delete()
    Block.objects.filter(blocker=user).delete()
    Block.objects.filter(blocked=user).delete()


declare(
    app="social",
    personal={
        "social.Profile.user": "link", "social.Profile.bio": "content", "social.Profile.avatar": "identity",
        "social.Follow.follower": "activity", "social.Follow.followee": "activity",
        "social.Block.blocker": "activity", "social.Block.blocked": "activity",
    },
    export=export, erase=erase,
)
