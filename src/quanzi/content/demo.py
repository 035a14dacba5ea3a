"""Demo data of content (quanzi.core.seeding): the creators' notes — covers, photos, tagged products,
topics, one draft each — and the engagement around them: likes, favourites (小圈's own collection),
shares, comments with a reply and an @mention of 小圈, and a spam comment reported and its author
blocked.

Part of the "social" section (social/demo.py makes the creators and fans first, reviews/demo.py
follows): the notes run between the creators and the follows, the engagement after the follows,
exactly as the story was written. Everything goes through the content services, at past moments of
the clock, so topics, mentions, counters and notifications are what real use would leave behind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanzi.core.seeding import DemoSeeder

SECTION = "social"

# Each creator's notes (by the creator's number in social/demo.py): title, body (topics as "#话题 " at the
# end), product keys to tag (data.PRODUCTS keys; products missing from a --small seed or not on sale are
# skipped), image count, days ago.
NOTES: dict[int, list[tuple[str, str, list[str], int, float]]] = {
    1: [
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
    2: [
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
    3: [
        ("一口爆汁的脆苹果🍎", "收到就迫不及待啃了一个，脆甜多汁，个头很均匀，10 斤装一家人一周刚好。"
         "\n\n冷藏后更好吃！\n\n#水果测评 #秋天的第一口 #干饭人 ", ["apples"], 3, 1.2),
        ("办公室囤货｜每日坚果", "每天一包刚刚好，腰果和蓝莓干是我的最爱，独立小包装不容易受潮。"
         "\n\n#办公室零食 #干饭人 #健康零食 ", ["nuts"], 2, 6),
        ("在家煎牛排的 3 个小技巧", "1. 提前 30 分钟回温 2. 锅要烧到冒烟 3. 每面 90 秒后静置 5 分钟。"
         "\n\n这家原切牛排油花漂亮，七分熟刚刚好。\n\n#在家做饭 #牛排 #干饭人 ", ["steak"], 4, 10),
    ],
    4: [
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
    5: [
        ("雪松香薰｜下班回家的仪式感", "点上雪松香薰蜡烛，木质香很干净，不冲鼻，燃烧均匀不黑烟。"
         "\n\n配一盏暖光灯，整个房间都安静下来了。\n\n#氛围感 #香薰 #独居生活 ", ["candle"], 3, 2.8),
        ("换了枕头睡眠变好了", "慢回弹记忆枕，侧睡也不压肩膀，枕套可拆洗。连续用了两周，早上脖子不酸了。"
         "\n\n#好物分享 #睡眠 #独居生活 ", ["pillow", "candle"], 2, 6.5),
        ("出差护肤小套装", "旅行装小瓶刚好过安检，精华质地清爽，一周出差用量刚好。"
         "\n\n#出差必备 #护肤 #好物分享 ", ["travelset", "serum"], 3, 12),
    ],
}
DRAFTS: dict[int, tuple[str, str]] = {
    1: ("茶具清单（整理中）", "盖碗、公道杯、茶漏……下次一起分享给大家。"),
    2: ("开衫怎么穿不显胖", "还在拍图……"),
    3: ("车厘子到底值不值", "等货到了再写～"),
    4: ("显示器挂灯体验", "草稿：还差一张夜景图。"),
    5: ("小户型收纳思路", "先列个提纲：门后、床底、墙面。"),
}

COMMENTS = ["太实用了，收藏了！", "求链接～已经在购物车里了", "同款！真的好用", "拍得好好看，滤镜是什么？",
            "请问尺码偏大还是偏小？", "看完立刻下单了哈哈", "这个颜色绝了", "已关注，等更新！"]
REPLIES = ["谢谢喜欢～", "正常码就可以哦", "链接在笔记里标的商品上，点一下就能买", "下期安排！"]


def note_cover(images, *, key: str, title: str, hue: float, motif: str):
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


# ---------------------------------------------------------------- notes

def seed_notes(ctx) -> dict[str, Any]:
    from quanzi.content.services import note_create_draft, note_publish

    creators, products, hues = ctx.shared["creators"], ctx.shared["products"], ctx.shared["creator_hues"]
    ctx.reset_rate_limits({"content.publish": 3600}, creators)
    notes, images_made = [], 0
    for n, user in enumerate(creators, start=1):
        for i, (title, body, keys, n_images, days) in enumerate(NOTES.get(n) or ctx.data_en.ENGLISH_NOTES[n]):
            tagged = [products[k] for k in keys if k in products]
            with ctx.at(ctx.t0 - dt.timedelta(days=days)):
                note = note_create_draft(author=user, title=title, body=body)
                _illustrate(ctx, user, note, (n, i, hues[n - 1]), title, tagged, n_images)
                images_made += n_images
                notes.append(note_publish(user=user, note_id=note.pk))
        title, body = DRAFTS.get(n) or ctx.data_en.ENGLISH_DRAFTS[n]
        note_create_draft(author=user, title=title, body=body)
    ctx.shared["notes"] = notes
    return {"notes_published": len(notes), "note_images": images_made}


def _illustrate(ctx, user, note, place: tuple[int, int, float], title: str, tagged: list, n_images: int) -> None:
    """A cover, `n_images - 1` photos of the tagged products, and up to three product tags. `place` is
    (creator number, note index, creator's hue): it names the pictures and colours them."""
    from quanzi.content.services import note_add_image, note_tag_product

    images, (n, i, hue) = ctx.images, place
    motif = tagged[0][1]["motif"] if tagged else "box"
    cover = note_cover(images, key=f"note{n}-{i}", title=title, hue=hue, motif=motif)
    note_add_image(user=user, note_id=note.pk, upload=images.jpeg_upload(cover, "cover.jpg"))
    for j in range(n_images - 1):
        _product, p = tagged[j % len(tagged)] if tagged else (None, {"key": "misc", "motif": "box", "mark": "Quanzi"})
        pic = images.product_picture(key=f"{p['key']}-note{n}{i}{j}", motif=p["motif"],
                                     variant=(j + 1) % 2, hue=(hue + 0.07 * j) % 1)
        note_add_image(user=user, note_id=note.pk, upload=images.jpeg_upload(pic, f"photo{j}.jpg"))
    for product, _p in tagged[:3]:
        note_tag_product(user=user, note_id=note.pk, product_id=product.pk)


# ---------------------------------------------------------------- likes, favourites, comments

def seed_engagement(ctx) -> dict[str, Any]:
    from quanzi.content.models import Comment, Favourite, Like
    from quanzi.content.services import favourite, like, note_share

    me, creators, fans, notes = ctx.shared["demo"], ctx.shared["creators"], ctx.shared["fans"], ctx.shared["notes"]
    people = [me, *creators, *fans]
    ctx.reset_rate_limits({"content.like": 60, "content.comment": 60}, people)
    for note in notes:
        for user in ctx.rng.sample(people, ctx.rng.randint(2, min(7, len(people)))):
            if user.pk != note.author_id:
                like(user=user, note_id=note.pk)
    for note in notes[::3]:
        favourite(user=me, note_id=note.pk)
    for note in notes[1:4]:  # the demo shopper's own named collection (收藏夹)
        favourite(user=me, note_id=note.pk, collection="想买")
    for note in notes[::5]:
        note_share(user=me, note_id=note.pk)
    for note in notes[1::4]:
        fan = ctx.rng.choice(fans)
        favourite(user=fan, note_id=note.pk, collection="种草清单")
    _comments(ctx, me, creators, fans, notes)
    return {"likes": Like.objects.count(), "favourites": Favourite.objects.count(),
            "comments": Comment.objects.count()}


def _comments(ctx, me, creators: list, fans: list, notes: list) -> None:
    """Comments on several notes, one reply by the author, one @mention of 小圈, and a spam comment
    reported by the note's author, who then blocks the spammer."""
    from quanzi.content.services import comment_create, report_create
    from quanzi.social.services import block_user

    for k, note in enumerate(notes[::2]):
        author = next(u for u in creators if u.pk == note.author_id)
        english = note.language == "en"  # people answer a note in its language
        said, answers = (ctx.data_en.COMMENTS_EN, ctx.data_en.REPLIES_EN) if english else (COMMENTS, REPLIES)
        for j in range(2 if k % 2 == 0 else 1):
            user = fans[(k + j) % len(fans)]
            comment = comment_create(user=user, note_id=note.pk, body=said[(k + j) % len(said)])
        if k == 0 or (english and k % 2 == 0):
            comment_create(user=author, note_id=note.pk, parent_id=comment.pk, body=answers[0])
    friends = ctx.shared["friends"]
    friend = friends[0] if friends else fans[0]
    mention = comment_create(user=friend, note_id=notes[0].pk, body=f"@{me.nickname} 你上次说想买的就是这个吧？")
    comment_create(user=me, note_id=notes[0].pk, parent_id=mention.pk, body="是的！已经加购物车了 😄")
    spammer = fans[-1]
    if spammer not in friends:
        spam = comment_create(user=spammer, note_id=notes[1].pk, body="加V看更多内部优惠券，低价代购！")
        author = next(u for u in creators if u.pk == notes[1].author_id)
        report_create(user=author, reason="spam", comment_id=spam.pk, detail="广告引流")
        block_user(user=author, target=spammer)


notes = DemoSeeder(key="content.notes", section=SECTION, run=seed_notes, present=None,
                   describe=lambda r: f"{r['notes_published']} notes ({r['note_images']} images)")
engagement = DemoSeeder(key="content.engagement", section=SECTION, run=seed_engagement, present=None,
                        describe=lambda r: f"{r['likes']} likes, {r['comments']} comments")
