"""Seed the social side of the demo (issue 3): creators and their notes, the follow graph, likes,
favourites and comments, and verified-purchase reviews — all through the services of the social,
content and reviews apps, so every rule (verified purchase, one review per line, blocks, topics,
mentions) is exactly what real use would enforce.

It runs after the commerce seed (it needs its shops, products, shoppers and delivered orders) and
is idempotent on its own: the first creator's account marks a complete social seed, so a database
seeded before issue 3 gets its social data on the next `seed_demo`, and a second run adds nothing.
Everything happens in one transaction.

Rate limits (core.ratelimit) are counted per actor in the cache. Each actor does far fewer actions
per phase than any limit allows, but a seed run (or a test that seeds twice in one process) can
land in the same window as an earlier run with the same user ids — so before each phase the
counters of the actions that phase uses are reset for its actors. Only those keys are deleted
(never `cache.clear()`), so a shared cache (Redis) keeps its sessions and other counters.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import random
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from quanzi.accounts.models import User
from quanzi.demo import data, images

CREATOR_PASSWORD = data.SHOPPER_PASSWORD
H, D = dt.timedelta(hours=1), dt.timedelta(days=1)

# ---------------------------------------------------------------- creators and their notes
# Each note: title, body (topics as "#话题 " at the end), product keys to tag (data.PRODUCTS keys;
# products missing from a --small seed or not on sale are skipped), image count, days ago.

CREATORS: list[dict[str, Any]] = [
    {"n": 1, "nickname": "茶茶子Tea", "initials": "CC", "hue": 0.30,
     "bio": "每天一杯好茶 🍵 武夷山岩茶爱好者，分享喝茶日常和冲泡小技巧。合作请私信。",
     "notes": [
         ("新手也能喝懂的大红袍｜岩韵到底是什么", "第一次喝大红袍的时候只觉得苦，后来学会了 100℃ 沸水快出汤，"
          "前三泡 5 秒出汤，才喝出那股桂皮香和回甘。\n\n干茶乌润，汤色橙黄，第六泡还有味道，性价比很高。"
          "\n\n#岩茶 #喝茶日常 #大红袍 ", ["dahongpao"], 3, 2.2),
         ("明前龙井开箱｜豆花香太明显了", "玻璃杯 + 80℃ 水，先注水再投茶，看芽叶一根根立起来，治愈。"
          "\n\n入口鲜爽，豆花香很足，适合办公室下午来一杯。\n\n#龙井 #绿茶 #办公室好物 ", ["longjing"], 2, 5.5),
         ("夏天的冷泡茶公式", "冷泡茶真的太省事：一袋茶包 + 500ml 冷水，冰箱放 6 小时。"
          "白桃茉莉和蜜桃乌龙是我的夏日双子星。\n\n#冷泡茶 #夏日饮品 #喝茶日常 ", ["coldbrew"], 3, 9),
         ("熟普洱的正确打开方式", "熟普要醒茶！开汤前用沸水快速洗茶一次，再闷泡 15 秒，汤色红浓透亮，"
          "口感顺滑没有堆味。\n\n冬天一壶普洱，暖胃又暖心。\n\n#普洱 #冬日暖饮 #岩茶 ", ["puer", "dahongpao"], 2,
          13),
     ],
     "draft": ("茶具清单（整理中）", "盖碗、公道杯、茶漏……下次一起分享给大家。")},
    {"n": 2, "nickname": "穿搭日记Mia", "initials": "MI", "hue": 0.62,
     "bio": "158cm / 小个子穿搭 👗 基础款也能穿出高级感。每周三更新一周穿搭。",
     "notes": [
         ("一件重磅白T的 5 种穿法", "260g 重磅纯棉，领口不易变形，洗了十几次依然挺括。"
          "\n\n配牛仔裤、配半裙、叠穿衬衫都好看，小个子建议选 M 码塞一角。\n\n#基础款 #小个子穿搭 #每日穿搭 ",
          ["heavytee", "jeans"], 4, 1.5),
         ("秋冬卫衣挑选指南", "选卫衣看三点：克重、版型、袖口。这件加绒卫衣不起球不掉色，"
          "灰色超级百搭。\n\n#秋冬穿搭 #卫衣 #每日穿搭 ", ["hoodie"], 3, 4),
         ("亚麻衬衫｜通勤也能很松弛", "亚麻的垂感和透气性太适合春夏通勤了，浅蓝色显白，"
          "解开两颗扣子当外套也好看。\n\n#通勤穿搭 #亚麻 #基础款 ", ["linenshirt", "jeans"], 3, 8),
         ("袜子也要认真挑！", "一次买了女款 5 双装，中筒不勒腿，颜色很温柔，和小白鞋绝配。"
          "\n\n#小物分享 #每日穿搭 ", ["socks", "heavytee"], 2, 12),
     ],
     "draft": ("开衫怎么穿不显胖", "还在拍图……")},
    {"n": 3, "nickname": "吃货阿饼", "initials": "AB", "hue": 0.05,
     "bio": "专业干饭人 🍎 测评各种零食水果生鲜，只说真话。",
     "notes": [
         ("一口爆汁的脆苹果🍎", "收到就迫不及待啃了一个，脆甜多汁，个头很均匀，10 斤装一家人一周刚好。"
          "\n\n冷藏后更好吃！\n\n#水果测评 #秋天的第一口 #干饭人 ", ["apples"], 3, 1.2),
         ("办公室囤货｜每日坚果", "每天一包刚刚好，腰果和蓝莓干是我的最爱，独立小包装不容易受潮。"
          "\n\n#办公室零食 #干饭人 #健康零食 ", ["nuts"], 2, 6),
         ("在家煎牛排的 3 个小技巧", "1. 提前 30 分钟回温 2. 锅要烧到冒烟 3. 每面 90 秒后静置 5 分钟。"
          "\n\n这家原切牛排油花漂亮，七分熟刚刚好。\n\n#在家做饭 #牛排 #干饭人 ", ["steak"], 4, 10),
     ],
     "draft": ("车厘子到底值不值", "等货到了再写～")},
    {"n": 4, "nickname": "数码小林", "initials": "XL", "hue": 0.55,
     "bio": "数码博主 ⌨️ 桌面改造 / 耳机 / 键盘。用了才推荐。",
     "notes": [
         ("百元降噪耳机实测", "通勤地铁上开降噪，人声基本听不到，续航一周一充。白色颜值很高。"
          "\n\n缺点是游戏模式延迟一般，听歌足够。\n\n#数码测评 #降噪耳机 #通勤好物 ", ["earbuds"], 3, 0.8),
         ("我的桌面改造清单", "机械键盘 + 静音鼠标 + 一根好线，桌面一下子清爽了。茶轴打字不吵同事，手感段落清晰。"
          "\n\n#桌面改造 #数码好物 #打工人 ", ["keyboard", "mouse", "cable"], 4, 3.5),
         ("65W 氮化镓｜一个头充全家", "手机、平板、笔记本一个充电头搞定，出差只带它。配 2 米线躺着充电刚好。"
          "\n\n#出差必备 #数码好物 #氮化镓 ", ["gan65", "cable"], 3, 7),
         ("键盘轴体怎么选", "红轴轻、青轴响、茶轴居中。第一把机械键盘我推荐茶轴，不容易踩雷。"
          "\n\n#机械键盘 #数码测评 #桌面改造 ", ["keyboard"], 2, 11),
         ("给爸妈的数码礼物", "耳机 + 充电头，实用又不贵，爸妈用得很开心。"
          "\n\n#送礼指南 #数码好物 ", ["earbuds", "gan65"], 2, 15),
     ],
     "draft": ("显示器挂灯体验", "草稿：还差一张夜景图。")},
    {"n": 5, "nickname": "住进温柔里", "initials": "WR", "hue": 0.08,
     "bio": "一个人也要好好生活 🕯️ 家居好物 / 氛围感布置 / 收纳。",
     "notes": [
         ("雪松香薰｜下班回家的仪式感", "点上雪松香薰蜡烛，木质香很干净，不冲鼻，燃烧均匀不黑烟。"
          "\n\n配一盏暖光灯，整个房间都安静下来了。\n\n#氛围感 #香薰 #独居生活 ", ["candle"], 3, 2.8),
         ("换了枕头睡眠变好了", "慢回弹记忆枕，侧睡也不压肩膀，枕套可拆洗。连续用了两周，早上脖子不酸了。"
          "\n\n#好物分享 #睡眠 #独居生活 ", ["pillow", "candle"], 2, 6.5),
         ("出差护肤小套装", "旅行装小瓶刚好过安检，精华质地清爽，一周出差用量刚好。"
          "\n\n#出差必备 #护肤 #好物分享 ", ["travelset", "serum"], 3, 12),
     ],
     "draft": ("小户型收纳思路", "先列个提纲：门后、床底、墙面。")},
]

SHOPPER_BIOS = ["认真生活，快乐购物。", "喜欢喝茶和爬山。", "周末烘焙爱好者。"]
DEMO_BIO = "圈子里的小透明 🌱 喜欢好茶和好看的衣服。"

COMMENTS = ["太实用了，收藏了！", "求链接～已经在购物车里了", "同款！真的好用", "拍得好好看，滤镜是什么？",
            "请问尺码偏大还是偏小？", "看完立刻下单了哈哈", "这个颜色绝了", "已关注，等更新！"]
REPLIES = ["谢谢喜欢～", "正常码就可以哦", "链接在笔记里标的商品上，点一下就能买", "下期安排！"]

REVIEW_TEXTS = {
    5: ["质量很好，和描述一致，物流也快，会回购。", "包装很用心，东西超出预期，推荐！", "第二次买了，一如既往的好。"],
    4: ["整体不错，性价比高，就是快递慢了一天。", "东西挺好的，颜色比图片稍深一点。"],
    3: ["中规中矩，能用，期待改进包装。"],
}
MERCHANT_REPLIES = ["感谢您的认可！欢迎常来～", "谢谢反馈，我们会继续改进包装和物流，期待再次光临。"]
FOLLOWUP_TEXT = "用了两周来追评：依然很满意，已经推荐给朋友了。"


def products_by_key() -> dict[str, Any]:
    """data.PRODUCTS key → (Product, its definition), for the products the commerce seed has on sale."""
    from quanzi.catalog.models import Product, ProductStatus
    from quanzi.shops.models import ShopStatus

    shop_names = {s["key"]: s["name"] for s in data.SHOPS}
    by_title = {(p.shop.name, p.title): p for p in Product.objects.select_related("shop").filter(
        status=ProductStatus.ON_SHELF, shop__status=ShopStatus.APPROVED)}
    out = {}
    for p in data.PRODUCTS:
        product = by_title.get((shop_names[p["shop"]], p["title"]))
        if product is not None:
            out[p["key"]] = (product, p)
    return out


def already_seeded() -> bool:
    return User.objects.filter(email=creator_email(1)).exists()


def creator_email(n: int) -> str:
    return f"creator{n}@quanzi.demo"


def _jpeg_upload(img, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _png_upload(img, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buf = io.BytesIO()
    img.save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def note_cover(*, key: str, title: str, hue: float, motif: str):
    """A Xiaohongshu-style cover: soft gradient, the note's title in big type, a product motif."""
    from PIL import Image, ImageDraw

    size = images.SIZE
    pal = images.palette(key, hue)
    img = images.gradient(size, size, pal["bg1"], pal["bg2"], 60)
    img = images._blobs(img, key, [pal["soft"], (255, 255, 255), pal["accent"]])
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    images.MOTIFS.get(motif, images._box)(ImageDraw.Draw(layer), pal["accent"], pal["deep"])
    layer = layer.resize((size // 2, size // 2))
    img = img.convert("RGBA")
    img.alpha_composite(layer, (size // 2 - 20, size // 2 - 20))
    img = img.convert("RGB")
    d = ImageDraw.Draw(img)
    cjk = images.cjk_available()
    text = title.split("｜")[0] if cjk else key.upper()
    lines = [text[i:i + 8] for i in range(0, len(text), 8)][:3] if cjk else [text]
    y = 70
    for line in lines:
        f, w, h, top = images._fit_text(d, line, size - 140, 76, cjk=cjk)
        d.rounded_rectangle((50, y - 10, 50 + w + 40, y + h + 24), 18, fill=(255, 255, 255))
        d.text((70, y + 7 - top), line, font=f, fill=pal["deep"])
        y += h + 50
    return img


class SocialSeeder:
    def __init__(self, *, out=None, seed: int = 2026):
        self.rng = random.Random(seed)
        self.out = out
        self.t0 = timezone.now()
        self.timings: dict[str, float] = {}
        self.creators: list[User] = []
        self.notes: list = []  # published notes
        self.counts: dict[str, int] = {}

    def log(self, msg: str) -> None:
        if self.out is not None:
            self.out.write(msg)

    @contextlib.contextmanager
    def at(self, moment: dt.datetime):
        from quanzi.core import clock

        moment = min(moment, timezone.now())
        with clock.travel(moment - clock.now()):
            yield

    def reset_limits(self, actions: dict[str, int], users) -> None:
        """Delete this window's rate-limit counters of `actions` ({action: window}) for `users`."""
        from django.core.cache import cache

        now = int(time.time())
        keys = [f"rl:{action}:{u.pk}:{now - now % window}" for action, window in actions.items() for u in users]
        cache.delete_many(keys)

    def phase(self, name: str, fn) -> None:
        started = time.monotonic()
        fn()
        self.timings[name] = round(time.monotonic() - started, 2)

    # ------------------------------------------------------------ run
    def run(self) -> dict[str, Any]:
        self.demo = User.objects.get(phone=data.DEMO_SHOPPER["phone"])
        self.products = self._products()
        self.phase("creators", self.make_creators)
        self.phase("notes", self.make_notes)
        self.phase("follows", self.make_follows)
        self.phase("engagement", self.make_engagement)
        self.phase("reviews", self.make_reviews)
        self.log(f"  social: {self.counts} in {self.timings}")
        return {**self.counts, "timings": self.timings}

    def _products(self) -> dict[str, Any]:
        return products_by_key()

    # ------------------------------------------------------------ creators
    def make_creators(self) -> None:
        from django.contrib.auth.hashers import make_password

        from quanzi.social.services import profile_update

        password = make_password(CREATOR_PASSWORD)  # hashed once, shared by the creators
        for spec in CREATORS:
            user = User.objects.create(email=creator_email(spec["n"]), phone=f"1370000{spec['n']:04d}",
                                       nickname=spec["nickname"], password=password,
                                       date_joined=self.t0 - dt.timedelta(days=120 - spec["n"]))
            avatar = images.logo_picture(key=f"creator{spec['n']}", initials=spec["initials"],
                                         name_cjk=spec["nickname"][:1], hue=spec["hue"])
            profile_update(user=user, bio=spec["bio"], avatar=_png_upload(avatar.resize((256, 256)), "avatar.png"))
            self.creators.append(user)
        profile_update(user=self.demo, bio=DEMO_BIO)
        self.counts["creators"] = len(self.creators)

    # ------------------------------------------------------------ notes
    def make_notes(self) -> None:
        from quanzi.content.services import note_add_image, note_create_draft, note_publish, note_tag_product

        self.reset_limits({"content.publish": 3600}, self.creators)
        images_made = 0
        for spec, user in zip(CREATORS, self.creators, strict=True):
            for i, (title, body, keys, n_images, days) in enumerate(spec["notes"]):
                tagged = [self.products[k] for k in keys if k in self.products]
                with self.at(self.t0 - dt.timedelta(days=days)):
                    note = note_create_draft(author=user, title=title, body=body)
                    motif = tagged[0][1]["motif"] if tagged else "box"
                    cover = note_cover(key=f"note{spec['n']}-{i}", title=title, hue=spec["hue"], motif=motif)
                    note_add_image(user=user, note_id=note.pk, upload=_jpeg_upload(cover, "cover.jpg"))
                    for j in range(n_images - 1):
                        product, p = tagged[j % len(tagged)] if tagged else (None, {"key": "misc", "motif": "box",
                                                                                    "mark": "Quanzi"})
                        pic = images.product_picture(key=f"{p['key']}-note{spec['n']}{i}{j}", motif=p["motif"],
                                                     mark=p["mark"], variant=(j + 1) % 2,
                                                     hue=(spec["hue"] + 0.07 * j) % 1)
                        note_add_image(user=user, note_id=note.pk, upload=_jpeg_upload(pic, f"photo{j}.jpg"))
                    images_made += n_images
                    for product, _p in tagged[:3]:
                        note_tag_product(user=user, note_id=note.pk, product_id=product.pk)
                    self.notes.append(note_publish(user=user, note_id=note.pk))
            title, body = spec["draft"]
            note_create_draft(author=user, title=title, body=body)
        self.counts["notes_published"] = len(self.notes)
        self.counts["note_images"] = images_made

    # ------------------------------------------------------------ follows
    def friends(self) -> list[User]:
        """Three background shoppers with delivered/completed orders (their purchases show in 小圈's
        friends' circle)."""
        from django.db.models import Count, Q

        from quanzi.orders.models import OrderStatus

        done = Q(orders__status__in=[OrderStatus.DELIVERED, OrderStatus.COMPLETED])
        qs = (User.objects.filter(phone__startswith="139", is_staff=False, shop__isnull=True)
              .exclude(pk=self.demo.pk).annotate(n=Count("orders", filter=done)).filter(n__gt=0)
              .order_by("-n", "pk"))
        return list(qs[:3])

    def make_follows(self) -> None:
        from quanzi.shops.models import Shop, ShopStatus
        from quanzi.social.services import follow_shop, follow_user, profile_update

        self.shoppers = self.friends()
        others = list(User.objects.filter(phone__startswith="139", is_staff=False)
                      .exclude(pk__in=[u.pk for u in self.shoppers]).order_by("pk")[:6])
        self.reset_limits({"follow": 60}, [self.demo, *self.creators, *self.shoppers, *others])
        me = self.demo
        for creator in self.creators[:3]:
            follow_user(user=me, target=creator)
        shops = list(Shop.objects.filter(status=ShopStatus.APPROVED).order_by("pk")[:2])
        for shop in shops:
            follow_shop(user=me, shop=shop)
        for i, friend in enumerate(self.shoppers):  # mutual: friends
            follow_user(user=me, target=friend)
            follow_user(user=friend, target=me)
            profile_update(user=friend, bio=SHOPPER_BIOS[i % len(SHOPPER_BIOS)])
        # creators follow each other a little, and shoppers follow creators (follower counts)
        for i, creator in enumerate(self.creators):
            follow_user(user=creator, target=self.creators[(i + 1) % len(self.creators)])
        for fan in [*self.shoppers, *others]:
            for creator in self.rng.sample(self.creators, 2):
                follow_user(user=fan, target=creator)
        self.fans = [*self.shoppers, *others]
        from quanzi.social.models import Follow

        self.counts["follows"] = Follow.objects.count()

    # ------------------------------------------------------------ likes, favourites, comments
    def make_engagement(self) -> None:
        from quanzi.content.services import comment_create, favourite, like, report_create
        from quanzi.social.services import block_user

        people = [self.demo, *self.creators, *self.fans]
        self.reset_limits({"content.like": 60, "content.comment": 60}, people)
        me = self.demo
        for note in self.notes:
            for user in self.rng.sample(people, self.rng.randint(2, min(7, len(people)))):
                if user.pk != note.author_id:
                    like(user=user, note_id=note.pk)
        for note in self.notes[::3]:
            favourite(user=me, note_id=note.pk)
        for note in self.notes[1:4]:  # the demo shopper's own named collection (收藏夹)
            favourite(user=me, note_id=note.pk, collection="想买")
        from quanzi.content.services import note_share

        for note in self.notes[::5]:
            note_share(user=me, note_id=note.pk)
        for note in self.notes[1::4]:
            fan = self.rng.choice(self.fans)
            favourite(user=fan, note_id=note.pk, collection="种草清单")
        # comments on several notes, one reply by the author, one @mention of 小圈
        commented = self.notes[::2]
        for k, note in enumerate(commented):
            author = next(u for u in self.creators if u.pk == note.author_id)
            for j in range(2 if k % 2 == 0 else 1):
                user = self.fans[(k + j) % len(self.fans)]
                comment = comment_create(user=user, note_id=note.pk, body=COMMENTS[(k + j) % len(COMMENTS)])
            if k == 0:
                comment_create(user=author, note_id=note.pk, parent_id=comment.pk, body=REPLIES[0])
        friend = self.shoppers[0] if self.shoppers else self.fans[0]
        mention = comment_create(user=friend, note_id=self.notes[0].pk,
                                 body=f"@{me.nickname} 你上次说想买的就是这个吧？")
        comment_create(user=me, note_id=self.notes[0].pk, parent_id=mention.pk, body="是的！已经加购物车了 😄")
        # a spam comment, reported by the note's author, who then blocks the spammer
        spammer = self.fans[-1]
        if spammer not in self.shoppers:
            spam = comment_create(user=spammer, note_id=self.notes[1].pk, body="加V看更多内部优惠券，低价代购！")
            author = next(u for u in self.creators if u.pk == self.notes[1].author_id)
            report_create(user=author, reason="spam", comment_id=spam.pk, detail="广告引流")
            block_user(user=author, target=spammer)
        from quanzi.content.models import Comment, Favourite, Like

        self.counts.update(likes=Like.objects.count(), favourites=Favourite.objects.count(),
                           comments=Comment.objects.count())

    # ------------------------------------------------------------ reviews
    def make_reviews(self) -> None:
        from quanzi.orders.models import OrderLine, OrderStatus
        from quanzi.reviews.models import Review
        from quanzi.reviews.services import followup_create, helpful_mark, merchant_reply, review_create

        lines = list(OrderLine.objects.select_related("order", "order__shop", "order__user")
                     .filter(order__status__in=[OrderStatus.DELIVERED, OrderStatus.COMPLETED],
                             review__isnull=True)
                     .order_by("order__delivered_at", "pk"))
        lines = [ln for ln in lines
                 if ln.refunded_quantity < ln.quantity and ln.order.shop.owner_id != ln.order.user_id]
        mine = [ln for ln in lines if ln.order.user_id == self.demo.pk]
        theirs = [ln for ln in lines if ln.order.user_id != self.demo.pk]
        chosen = mine[:4] + theirs[:max(8, min(16, len(theirs) * 2 // 3))]  # keeps the full seed fast
        authors = {ln.order.user for ln in chosen}
        self.reset_limits({"review": 3600, "review_followup": 3600}, authors)
        by_title = {p["title"]: p for p in data.PRODUCTS}
        reviews = []
        for i, line in enumerate(chosen):
            rating = 5 if i % 4 else (4 if i % 8 else 3)
            text = self.rng.choice(REVIEW_TEXTS[rating])
            photos = []
            p = by_title.get(line.title)
            if i % 3 == 0:
                motif = p["motif"] if p else "box"
                mark = "买家秀" if images.cjk_available() else "Photo"
                pic = images.product_picture(key=f"review{line.pk}", motif=motif, mark=mark, variant=1,
                                             hue=(i * 0.13) % 1)
                photos.append(_jpeg_upload(pic, "photo.jpg"))
            delivered = line.order.delivered_at or self.t0 - 2 * D
            with self.at(delivered + dt.timedelta(hours=6 + 5 * (i % 7))):
                reviews.append(review_create(user=line.order.user, order_line_id=line.pk, rating=rating, text=text,
                                             images=photos))
        if reviews:
            first = reviews[0]
            with self.at(first.created_at + 3 * D):
                followup_create(user=first.author, review_id=first.pk, text=FOLLOWUP_TEXT)
            for k, review in enumerate(reviews[1:3]):
                merchant_reply(shop=review.shop, review_id=review.pk, text=MERCHANT_REPLIES[k % 2])
            merchant_reply(shop=first.shop, review_id=first.pk, text=MERCHANT_REPLIES[0])
            markers = [self.demo, *self.creators, *self.fans]
            for review in reviews[::2]:
                for user in self.rng.sample(markers, 3):
                    if user.pk != review.author_id:
                        helpful_mark(user=user, review_id=review.pk)
        self.counts["reviews"] = Review.objects.count()


def seed_social(*, out=None) -> dict[str, Any] | None:
    """Seed the social demo data once; None when it is already there (or the commerce seed is not)."""
    if already_seeded() or not User.objects.filter(phone=data.DEMO_SHOPPER["phone"]).exists():
        return None
    with transaction.atomic():
        return SocialSeeder(out=out).run()
