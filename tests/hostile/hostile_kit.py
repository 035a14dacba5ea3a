"""A small shop with one of everything, for driving hostile input through every operation and page: a
shopper and a merchant (with bearer tokens), paid, shipped and unpaid orders, an open after-sale, a
note with a comment, a collection, a review, a live room with a live price and a gift, a group-buy, a
bargain, a flash sale, a distribution plan, a share link, a wallet with money and a withdrawal.

`build()` returns a `World` whose `ids` fill path parameters by name (`product_id`, `number`…) with
objects that exist, so junk reaches the services instead of stopping at a 404.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import re
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from PIL import Image

_seq = itertools.count(1)


def png(name: str = "p.png", size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@dataclass
class World:
    shopper: object
    merchant: object
    friend: object
    tokens: dict[str, str]
    ids: dict[str, object] = field(default_factory=dict)


def _user(nickname: str, *, staff: bool = False):
    from quanzi.accounts.services import address_create
    from quanzi.accounts.testing import make_user

    n = next(_seq)
    user = make_user(phone=f"1370000{n:04d}", nickname=nickname, password="Str0ngPass!x", is_staff=staff)
    address_create(user=user, data={"recipient": "张三", "phone": "13800138000", "province": "上海", "city": "上海",
                                    "district": "黄浦区", "detail": "人民路 1 号"})
    return user


def build() -> World:
    from quanzi.accounts.selectors import address_default
    from quanzi.accounts.services import api_token_create
    from quanzi.catalog.services import product_create, product_set_status
    from quanzi.catalog.testing import make_category
    from quanzi.core import clock
    from quanzi.orders.testing import place_order
    from quanzi.shops.testing import make_shop

    shopper, friend = _user("买家 Shopper"), _user("朋友 Friend")
    merchant = _user("商家 Merchant", staff=True)
    shop = make_shop(owner=merchant, name="好物店 Hostile", approved=True)
    category = make_category(name="服饰", name_en="Apparel", slug=f"hostile-{next(_seq)}")

    def product(title: str, *, price: int = 5900, stock: int = 200):
        p = product_create(shop=shop, data={"title": title, "category_id": category.pk, "price": price, "stock": stock,
                                            "returnable_7day": True, "max_per_order": 0}, options=[])
        product_set_status(product=p, status="on_shelf")
        return p

    main = product("纯棉T恤 Cotton tee")
    sku = main.skus.get()
    now = clock.now()
    ids: dict[str, object] = {"product_id": main.pk, "sku_id": sku.pk, "shop_id": shop.pk, "category_id": category.pk,
                              "address_id": address_default(user=shopper).pk, "uid": friend.uid, "user_id": friend.pk,
                              "author_id": friend.pk, "name": "穿搭", "provider": "sandbox", "carrier": "sandbox"}

    # orders: paid (with an open after-sale), shipped, delivered (reviewed), unpaid
    paid, payment = place_order(user=shopper, items=[(sku, 2)], pay=True)
    shipped, _p = place_order(user=shopper, items=[(sku, 1)], pay=True)
    delivered, _p = place_order(user=shopper, items=[(sku, 1)], pay=True)
    unpaid, unpaid_payment = place_order(user=shopper, items=[(sku, 1)])
    from quanzi.orders.aftersales import aftersale_request
    from quanzi.orders.services import order_mark_delivered
    from quanzi.shipping.services import shipment_create

    after_sale = aftersale_request(user=shopper, order_id=paid[0].pk, line_id=paid[0].lines.get().pk, kind="refund_only",
                                   quantity=1, reason="other")
    for order in (shipped[0], delivered[0]):
        shipment_create(shop=shop, order_number=order.number, carrier="sf", tracking_number=f"SF{order.pk:08d}")
    order_mark_delivered(order_id=delivered[0].pk)
    ids.update(number=paid[0].number, order_number=paid[0].number, to_ship=shipped[0].number,
               delivered=delivered[0].number, unpaid=unpaid[0].number, payment=payment.number,
               unpaid_payment=unpaid_payment.number, after_sale=after_sale.number,
               line_id=paid[0].lines.get().pk, delivered_line_id=delivered[0].lines.get().pk)

    from quanzi.reviews.services import review_create

    review = review_create(user=shopper, order_line_id=delivered[0].lines.get().pk, rating=5, text="很好 good")
    ids["review_id"] = review.pk

    # content: a published note by the friend (with an image, a comment), a collection of the shopper's
    from quanzi.content import services as content

    note = content.note_create_draft(author=friend, title="夏日穿搭", body="今天的 #穿搭 分享")
    image = content.note_add_image(user=friend, note_id=note.pk, upload=png())
    content.note_tag_product(user=friend, note_id=note.pk, product_id=main.pk)
    content.note_publish(user=friend, note_id=note.pk)
    comment = content.comment_create(user=shopper, note_id=note.pk, body="好看")
    content.favourite(user=shopper, note_id=note.pk, collection="收藏夹")
    collection = content.collection_create(user=shopper, name="夏天")
    own = content.note_create_draft(author=shopper, title="我的草稿", body="草稿")
    ids.update(note_id=note.pk, image_id=image.pk, comment_id=comment.pk, collection_id=collection.pk,
               own_note_id=own.pk)

    # live: a room of the shop, live, the product on its shelf, a live price, a gift; a scheduled one
    from quanzi.live import testing as live_testing
    from quanzi.live.services import chat_post
    from quanzi.livesales.services import declaration_submit, live_price_start
    from quanzi.livesales.testing import gift_ensure

    live_product = product("直播款 Live tee", price=10000, stock=100)
    room = live_testing.make_room(host=merchant, shop=shop, live=True, products=[live_product, main])
    later = live_testing.make_room(host=merchant, shop=shop, live=False, products=[main],
                                   scheduled_at=now + dt.timedelta(hours=2))
    chat = chat_post(room_id=room.pk, user=shopper, text="大家好")
    live_price = live_price_start(user=merchant, room_number=room.number, sku_id=live_product.skus.get().pk,
                                  price=5900, stock=10, per_user_limit=2, duration_seconds=600)
    gift = gift_ensure(name="小心心", name_en="Heart", icon="💗", price=100)
    declaration_submit(user=shopper, real_name="张三", birth_date=dt.date(1990, 5, 1))
    ids.update(room=room.number, room_number=room.number, scheduled_room=later.number, seq=chat.seq,
               price_id=live_price.pk, gift_id=gift.pk, kind="mute")

    # promotions: a group-buy campaign with an open group, a bargain campaign with a bargain, a flash sale
    from quanzi.bargain.services import bargain_start
    from quanzi.bargain.services import campaign_activate as bargain_activate
    from quanzi.bargain.services import campaign_create as bargain_create
    from quanzi.flashsale.services import sale_create, sale_publish
    from quanzi.groupbuy.services import campaign_activate, campaign_create, group_open

    group_product = product("拼团款 Group tee", stock=50)
    campaign = campaign_create(shop=shop, product_id=group_product.pk, group_size=3, fill_seconds=24 * 3600,
                               skus=[{"sku_id": group_product.skus.get().pk, "group_price": 3900, "stock": 10}],
                               per_user_limit=2, starts_at=now - dt.timedelta(minutes=1),
                               ends_at=now + dt.timedelta(days=7))
    campaign = campaign_activate(campaign_id=campaign.pk, shop=shop)
    group, _order, _payment = group_open(user=friend, campaign_id=campaign.pk, sku_id=group_product.skus.get().pk,
                                         address_id=address_default(user=friend).pk)
    bargain_product = product("砍价款 Bargain tee", stock=50)
    bcampaign = bargain_create(shop=shop, sku_id=bargain_product.skus.get().pk, floor_price=990, expected_helps=5,
                               stock=10, time_limit_seconds=24 * 3600, starts_at=now - dt.timedelta(minutes=1),
                               ends_at=now + dt.timedelta(days=7), new_user_bonus=False)
    bcampaign = bargain_activate(campaign_id=bcampaign.pk, shop=shop)
    bargain = bargain_start(user=friend, campaign_id=bcampaign.pk)
    flash_product = product("秒杀款 Flash tee", stock=50)
    sale = sale_create(shop=shop, title="整点秒杀", starts_at=now - dt.timedelta(minutes=1),
                       ends_at=now + dt.timedelta(hours=1), reservation_seconds=300,
                       items=[{"sku_id": flash_product.skus.get().pk, "price": 990, "stock": 5, "per_user_limit": 1}])
    sale = sale_publish(sale_id=sale.pk, shop=shop)
    ids.update(campaign_id=campaign.pk, group=group.number, group_product_id=group_product.pk,
               bargain_campaign_id=bcampaign.pk, bargain=bargain.number, bargain_product_id=bargain_product.pk,
               sale_id=sale.pk, item_id=sale.items.get().pk)

    # share and earn: a plan, a share link; a wallet with money and a withdrawal
    from quanzi.commission.services import plan_create
    from quanzi.sharing.services import share_link_for

    plan = plan_create(shop=shop, rate_bps=1000, product_id=main.pk)
    link, _target = share_link_for(sharer=shopper, target_type="product", target_id=main.pk)
    ids.update(plan_id=plan.pk, code=link.code, commission_id=1)
    _fund_wallet(shopper, 50_000)
    from quanzi.wallet.services import withdrawal_request

    withdrawal = withdrawal_request(user=shopper, amount=1000, account_type="alipay", account_number="13800138000",
                                    account_name="张三")
    ids["withdrawal"] = withdrawal.number

    from quanzi.notifications.selectors import unread_count  # noqa: F401 - the app is there

    tokens = {who: api_token_create(user=user) for who, user in
              (("shopper", shopper), ("merchant", merchant), ("friend", friend))}
    return World(shopper=shopper, merchant=merchant, friend=friend, tokens=tokens, ids=ids)


def _fund_wallet(user, amount: int) -> None:
    from quanzi.ledger.services import Entry, ledger_post
    from quanzi.wallet.accounts import wallet_available

    ledger_post(key=f"hostile-seed:{user.pk}", kind="test.seed", ref_type="user", ref_id=user.pk,
                entries=[Entry("expense:test:wallet_seed", amount), Entry(wallet_available(user.pk), -amount)])


# ---------------------------------------------------------------- driving requests

class _Rollback(Exception):
    pass


def isolated(call):
    """Run `call()` in a savepoint that is rolled back afterwards; returns what it returned."""
    box = []
    try:
        with transaction.atomic():
            box.append(call())
            raise _Rollback
    except _Rollback:
        pass
    return box[0]


def client(world: World, who: str | None) -> Client:
    """An API client with `who`'s bearer token (None: anonymous)."""
    if who is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[who]}")


def browser(world: World, who: str | None) -> Client:
    """A logged-in browser session (CSRF not enforced, as for Django's test client)."""
    c = Client()
    if who is not None:
        c.force_login(getattr(world, who))
    return c


# which object a `{number}` (or another ambiguous name) means, by the path around it
_NUMBER_BY_PATH = [
    (r"after-sales/", "after_sale"), (r"/payments/|/pay/return/|/sandbox/pay/", "payment"),
    (r"/groupbuy/groups/|^/g/", "group"), (r"/bargain/bargains/|^/b/", "bargain"),
    (r"/live/|/livesales/", "room"), (r"withdrawals/", "withdrawal"), (r"/merchant/orders/", "to_ship"),
]


def value_for(world: World, path: str, name: str):
    ids = world.ids
    if name in ("number", "out_trade_no"):
        for pattern, key in _NUMBER_BY_PATH:
            if re.search(pattern, path):
                return ids[key]
        return ids["number"]
    if name == "campaign_id" and "bargain" in path:
        return ids["bargain_campaign_id"]
    if name == "product_id" and "/groupbuy/" in path:
        return ids["group_product_id"]
    if name == "product_id" and "bargain" in path:
        return ids["bargain_product_id"]
    if name == "note_id" and ("/images" in path or "/tags" in path or "/publish" in path or "edit" in path):
        return ids["own_note_id"]
    if name == "action":
        return "approve"
    if name == "slug":
        return "apparel"
    return ids.get(name, 1)


def fill(world: World, path: str, override: dict | None = None) -> str:
    """The path with its `{name}` (OpenAPI) or `<conv:name>` (URL conf) parameters filled."""
    override = override or {}

    def sub(match):
        name = match.group("name")
        return str(override[name] if name in override else value_for(world, path, name))

    path = re.sub(r"\{(?P<name>[^}]+)\}", sub, path)
    return re.sub(r"<(?:[^:>]+:)?(?P<name>[^>]+)>", sub, path)


def assert_handled(response, what: str = ""):
    """No server error, and any 4xx in the one error shape (when the answer is JSON)."""
    assert response.status_code < 500, (what, response.status_code, response.content[:400])
    if response.status_code >= 400 and response.get("Content-Type", "").startswith("application/json"):
        body = json.loads(response.content)
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, (what, body)
