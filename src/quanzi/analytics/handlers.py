"""Facts from the domain event stream, through the outbox: each subscriber turns one event into one
analytics fact with a natural idempotency key, so an event delivered twice is stored once, and takes the
time the fact happened from the outbox envelope (not the time of delivery, which a backlog delays).

Analytics' log never runs inside a publisher's transaction: a slow or failing analytics write retries on
its own and can never slow down or fail an order, a payment or a follow. The one in-transaction subscriber
is the data plan's activation, which books money and must commit with the payment.
"""

from __future__ import annotations

import uuid

from quanzi.accounts.events import UserRegistered
from quanzi.ads.events import AdOrderAttributed
from quanzi.analytics import constants as names
from quanzi.analytics.services import Fact, actor_of_user, channel_of, record
from quanzi.content.events import Commented, NoteLiked, NotePublished
from quanzi.core import clock
from quanzi.core.events import current_envelope, subscribe
from quanzi.groupbuy.events import GroupJoined
from quanzi.orders.events import CartItemAdded, OrderCreated, OrderPaid, OrderRefunded
from quanzi.payments.events import PaymentCaptured
from quanzi.reviews.events import ReviewCreated
from quanzi.sharing.events import ShareClicked, ShareCreated
from quanzi.social.events import Followed


def _when():
    envelope = current_envelope()
    return envelope.created_at if envelope is not None else clock.now()


def _order(order_id: int):
    from quanzi.orders.selectors import orders_by_id

    return orders_by_id(order_ids=[order_id]).get(order_id)


@subscribe(UserRegistered)
def signed_up(event: UserRegistered) -> None:
    record([Fact(key=f"account.signup:{event.user_id}", name=names.SIGNED_UP, occurred_at=_when(),
                 actor=actor_of_user(event.user_id))])


@subscribe(CartItemAdded)
def cart_added(event: CartItemAdded) -> None:
    """Each add to the cart is a fact (the outbox event's id keys it: adding twice is two adds)."""
    envelope = current_envelope()
    key = f"cart.added:{envelope.outbox_id}" if envelope is not None else f"cart.added:{uuid.uuid4().hex}"
    record([Fact(key=key, name=names.CART_ADDED, occurred_at=_when(), actor=actor_of_user(event.user_id),
                 shop_id=event.shop_id, object_type="product", object_id=event.product_id,
                 props={"quantity": event.quantity})])


@subscribe(OrderCreated)
def order_created(event: OrderCreated) -> None:
    record([Fact(key=f"order.created:{event.order_id}", name=names.ORDER_CREATED, occurred_at=_when(),
                 actor=actor_of_user(event.user_id), shop_id=event.shop_id, object_type="order",
                 object_id=event.order_id, channel=channel_of(price_sources=event.price_sources))])


@subscribe(OrderPaid)
def order_paid(event: OrderPaid) -> None:
    order = _order(event.order_id)
    if order is None:
        return
    from quanzi.orders.selectors import order_lines_of

    when, actor = order.paid_at or _when(), actor_of_user(order.user_id)
    channel = channel_of(attributions=event.attributions, price_sources=event.price_sources)
    paid_lines = order_lines_of(order_ids=[event.order_id])
    lines = [Fact(key=f"order.line_paid:{line.pk}", name=names.LINE_PAID, occurred_at=when, actor=actor,
                  shop_id=event.shop_id, object_type="product", object_id=line.product_id, amount=line.line_total,
                  channel=channel, props={"quantity": line.quantity, "category": line.category_id})
             for line in paid_lines]
    campaigns = campaign_facts(paid_lines, order_id=event.order_id,
                               shop_id=event.shop_id, when=when, actor=actor)
    record([Fact(key=f"order.paid:{event.order_id}", name=names.ORDER_PAID, occurred_at=when, actor=actor,
                 shop_id=event.shop_id, object_type="order", object_id=event.order_id, amount=event.total,
                 channel=channel), *lines, *campaigns])


def _campaigns_of(line) -> set[str]:
    found = {line.price_source} & names.PRICED_CAMPAIGNS
    return found | (set(line.attribution or {}) & names.ATTRIBUTED_CAMPAIGNS)


def campaign_facts(lines, *, order_id: int, shop_id: int, when, actor: str) -> list[Fact]:
    """Per campaign type the order's lines touched (their price source, their attribution): what it sold
    and, when its prices were below list, what it gave away — the two sides of campaign ROI."""
    sold: dict[str, int] = {}
    given: dict[str, int] = {}
    for line in lines:
        for campaign in _campaigns_of(line):
            sold[campaign] = sold.get(campaign, 0) + line.line_total
            given[campaign] = given.get(campaign, 0) + max(0, line.list_price * line.quantity - line.line_total)
    facts = []
    for campaign in sorted(sold):
        common = {"occurred_at": when, "actor": actor, "shop_id": shop_id, "object_type": "order",
                  "object_id": order_id, "channel": campaign}
        facts.append(Fact(key=f"campaign.sale:{order_id}:{campaign}", name=names.CAMPAIGN_SALE,
                          amount=sold[campaign], **common))
        if given[campaign]:
            facts.append(Fact(key=f"campaign.discount:{order_id}:{campaign}", name=names.CAMPAIGN_DISCOUNT,
                              amount=given[campaign], **common))
    return facts


@subscribe(AdOrderAttributed)
def ad_order_attributed(event: AdOrderAttributed) -> None:
    """Lines of an order bought after a sponsored click: the ads campaigns' sales (one fact per order, keyed
    by its first newly attributed line, so an event delivered twice counts once)."""
    if not event.lines:
        return
    first = min(int(line["line_id"]) for line in event.lines)
    record([Fact(key=f"campaign.sale:ad:{event.order_id}:{first}", name=names.CAMPAIGN_SALE, occurred_at=_when(),
                 actor=actor_of_user(event.user_id), shop_id=event.shop_id, object_type="order",
                 object_id=event.order_id, amount=sum(int(line["amount"]) for line in event.lines),
                 channel=names.CampaignType.ADS.value,
                 props={"campaigns": sorted({int(line["campaign_id"]) for line in event.lines})})])


@subscribe(OrderRefunded)
def order_refunded(event: OrderRefunded) -> None:
    order = _order(event.order_id)
    if order is None:
        return
    record([Fact(key=f"order.refunded:{event.key}"[:80], name=names.ORDER_REFUNDED, occurred_at=_when(),
                 actor=actor_of_user(order.user_id), shop_id=order.shop_id, object_type="order",
                 object_id=event.order_id, amount=event.amount)])


@subscribe(ShareCreated)
def share_created(event: ShareCreated) -> None:
    record([Fact(key=f"share.created:{event.link_id}", name=names.SHARE_CREATED, occurred_at=_when(),
                 actor=actor_of_user(event.sharer_id), object_type="share", object_id=event.link_id,
                 props={"target": event.target_type, "target_id": event.target_id})])


@subscribe(ShareClicked)
def share_clicked(event: ShareClicked) -> None:
    """A share link was opened by someone else (a sharer opening their own link invites nobody: not
    recorded). A visitor who is not signed in is an actor of this one click."""
    if event.self_click:
        return
    actor = actor_of_user(event.user_id) if event.user_id else f"c{event.click_id}"
    record([Fact(key=f"share.clicked:{event.click_id}", name=names.SHARE_CLICKED, occurred_at=_when(),
                 actor=actor, object_type="share", object_id=event.link_id)])


@subscribe(Followed)
def followed(event: Followed) -> None:
    target = f"shop{event.shop_id}" if event.shop_id else f"user{event.followee_user_id}"
    record([Fact(key=f"social.followed:{event.follower_id}:{target}", name=names.FOLLOWED, occurred_at=_when(),
                 actor=actor_of_user(event.follower_id), shop_id=event.shop_id,
                 object_type="shop" if event.shop_id else "user",
                 object_id=event.shop_id or event.followee_user_id)])


@subscribe(NotePublished)
def note_published(event: NotePublished) -> None:
    record([Fact(key=f"note.published:{event.note_id}", name=names.NOTE_PUBLISHED, occurred_at=_when(),
                 actor=actor_of_user(event.author_id), object_type="note", object_id=event.note_id)])


@subscribe(NoteLiked)
def note_liked(event: NoteLiked) -> None:
    record([Fact(key=f"note.liked:{event.note_id}:{event.user_id}", name=names.NOTE_LIKED, occurred_at=_when(),
                 actor=actor_of_user(event.user_id), object_type="note", object_id=event.note_id)])


@subscribe(Commented)
def commented(event: Commented) -> None:
    record([Fact(key=f"note.commented:{event.comment_id}", name=names.COMMENTED, occurred_at=_when(),
                 actor=actor_of_user(event.author_id), object_type="note", object_id=event.note_id)])


@subscribe(ReviewCreated)
def reviewed(event: ReviewCreated) -> None:
    record([Fact(key=f"review.created:{event.review_id}", name=names.REVIEWED, occurred_at=_when(),
                 actor=actor_of_user(event.author_id), object_type="product", object_id=event.product_id)])


@subscribe(GroupJoined)
def group_joined(event: GroupJoined) -> None:
    """A spot taken in a group buy (the outbox event's id keys it: a member who left and joins again has
    joined twice)."""
    envelope = current_envelope()
    key = f"group.joined:{envelope.outbox_id}" if envelope is not None else f"group.joined:{uuid.uuid4().hex}"
    record([Fact(key=key, name=names.GROUP_JOINED, occurred_at=_when(), actor=actor_of_user(event.user_id),
                 shop_id=event.shop_id, object_type="product", object_id=event.product_id, channel="group",
                 props={"group": event.group_number, "leader": event.leader})])


@subscribe(PaymentCaptured, in_transaction=True)
def activate_plan(event: PaymentCaptured) -> None:
    """A data plan paid: it runs, and its price is booked, in the payment's own transaction."""
    if event.purpose != names.PLAN_PURPOSE:
        return
    from quanzi.analytics.plans import plan_activate

    for item in event.items:
        plan_activate(plan_number=item["ref"], payment_number=event.payment_number, amount=int(item["amount"]))
