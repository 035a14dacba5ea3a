"""Demo data of the social graph (quanzi.core.seeding): the creators and their profiles, then the follow
graph — 小圈 follows three creators and two shops and is friends with three shoppers who bought things;
fans follow creators.

Part of the "social" section with content's notes and engagement and the reviews (content/demo.py,
reviews/demo.py): one story, run in this order, that shares the creators and fans it makes through
`ctx.shared`, one random stream and one "already seeded" answer (the first creator's account).
Everything goes through the services, so every rule (blocks, rate limits, profile limits) applies.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanzi.core.seeding import DemoSeeder

SECTION = "social"

# The creators (data.CREATOR_EMAIL numbers them); their notes are content's (content/demo.py).
CREATORS: list[dict[str, Any]] = [
    {"n": 1, "nickname": "茶茶子Tea", "initials": "CC", "hue": 0.30,
     "bio": "每天一杯好茶 🍵 武夷山岩茶爱好者，分享喝茶日常和冲泡小技巧。合作请私信。"},
    {"n": 2, "nickname": "穿搭日记Mia", "initials": "MI", "hue": 0.62,
     "bio": "158cm / 小个子穿搭 👗 基础款也能穿出高级感。每周三更新一周穿搭。"},
    {"n": 3, "nickname": "吃货阿饼", "initials": "AB", "hue": 0.05,
     "bio": "专业干饭人 🍎 测评各种零食水果生鲜，只说真话。"},
    {"n": 4, "nickname": "数码小林", "initials": "XL", "hue": 0.55,
     "bio": "数码博主 ⌨️ 桌面改造 / 耳机 / 键盘。用了才推荐。"},
    {"n": 5, "nickname": "住进温柔里", "initials": "WR", "hue": 0.08,
     "bio": "一个人也要好好生活 🕯️ 家居好物 / 氛围感布置 / 收纳。"},
]
SHOPPER_BIOS = ["认真生活，快乐购物。", "喜欢喝茶和爬山。", "周末烘焙爱好者。"]
DEMO_BIO = "圈子里的小透明 🌱 喜欢好茶和好看的衣服。"


def creator_email(ctx, n: int) -> str:
    return ctx.data.CREATOR_EMAIL.format(n=n)


def social_present(ctx) -> bool:
    """The first creator's account marks the whole social section (creators … reviews)."""
    from quanzi.accounts.selectors import user_get_by_email

    return user_get_by_email(email=creator_email(ctx, 1)) is not None


# ---------------------------------------------------------------- creators

def creator_specs(ctx) -> list[dict[str, Any]]:
    """The creators who write in Chinese, then the two who write in English (demo/data_en.py)."""
    return [*CREATORS, *ctx.data_en.ENGLISH_CREATORS]


def seed_creators(ctx) -> dict[str, Any] | None:
    from django.contrib.auth.hashers import make_password

    from quanzi.accounts.demo import user_create
    from quanzi.social.services import profile_update

    demo = ctx.demo_shopper()
    if demo is None:  # the shop is not seeded: nothing to build on
        return None
    password = make_password(ctx.data.SHOPPER_PASSWORD)  # hashed once, shared by the creators
    creators = []
    specs = creator_specs(ctx)
    for spec in specs:
        user = user_create(email=creator_email(ctx, spec["n"]), phone=f"1370000{spec['n']:04d}",
                           nickname=spec["nickname"], password_hash=password,
                           date_joined=ctx.t0 - dt.timedelta(days=120 - spec["n"]))
        avatar = ctx.images.logo_picture(key=f"creator{spec['n']}", initials=spec["initials"],
                                         name_cjk=spec["nickname"][:1], hue=spec["hue"])
        profile_update(user=user, bio=spec["bio"], avatar=ctx.images.png_upload(avatar.resize((256, 256)),
                                                                                 "avatar.png"))
        creators.append(user)
    profile_update(user=demo, bio=DEMO_BIO)
    ctx.shared.update(demo=demo, creators=creators, creator_hues=[spec["hue"] for spec in specs],
                      products=ctx.products_on_sale())
    return {"creators": len(creators)}


# ---------------------------------------------------------------- follows

def friends(demo) -> list:
    """Three background shoppers (phones 139…) with delivered or completed orders, most such orders
    first: their purchases show in 小圈's friends' circle."""
    from quanzi.accounts.selectors import users_by_phone_prefix
    from quanzi.orders.constants import OrderStatus
    from quanzi.orders.selectors import order_counts_by_user
    from quanzi.shops.selectors import shop_owner_ids

    owners = shop_owner_ids()
    people = [u for u in users_by_phone_prefix(prefix="139") if u.pk != demo.pk and u.pk not in owners]
    done = order_counts_by_user(statuses=[OrderStatus.DELIVERED, OrderStatus.COMPLETED], user_ids=[u.pk for u in people])
    bought = [u for u in people if done.get(u.pk, 0) > 0]
    return sorted(bought, key=lambda u: (-done[u.pk], u.pk))[:3]


def seed_follows(ctx) -> dict[str, Any]:
    from quanzi.accounts.selectors import users_by_phone_prefix
    from quanzi.shops.selectors import shop_list_selling
    from quanzi.social.models import Follow
    from quanzi.social.services import follow_shop, follow_user, profile_update

    me, creators = ctx.shared["demo"], ctx.shared["creators"]
    mutual = friends(me)
    others = [u for u in users_by_phone_prefix(prefix="139") if u not in mutual][:6]
    ctx.reset_rate_limits({"follow": 60}, [me, *creators, *mutual, *others])
    for creator in creators[:3]:
        follow_user(user=me, target=creator)
    for shop in shop_list_selling()[:2]:
        follow_shop(user=me, shop=shop)
    for i, friend in enumerate(mutual):  # mutual: friends
        follow_user(user=me, target=friend)
        follow_user(user=friend, target=me)
        profile_update(user=friend, bio=SHOPPER_BIOS[i % len(SHOPPER_BIOS)])
    # creators follow each other a little, and shoppers follow creators (follower counts)
    for i, creator in enumerate(creators):
        follow_user(user=creator, target=creators[(i + 1) % len(creators)])
    for fan in [*mutual, *others]:
        for creator in ctx.rng.sample(creators, 2):
            follow_user(user=fan, target=creator)
    ctx.shared.update(friends=mutual, fans=[*mutual, *others])
    return {"follows": Follow.objects.count()}


creators = DemoSeeder(key="social.creators", section=SECTION, run=seed_creators, present=social_present,
                      describe=lambda r: f"{r['creators']} creators")
follows = DemoSeeder(key="social.follows", section=SECTION, run=seed_follows, present=None,
                     describe=lambda r: f"{r['follows']} follows")
