"""Turn domain events into notifications (through the outbox: a failure never undoes the fact).

Notifications subscribes to other apps' events and reads what a message needs (a note's title, a
comment, an order's number, a review's shop) through those apps' selectors, never their models."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from quanzi.commission.events import CommissionAccrued, CommissionReleased
from quanzi.content.events import Commented, NoteLiked
from quanzi.core.events import subscribe
from quanzi.core.money import format_yuan
from quanzi.coupons.events import ShareRewarded
from quanzi.notifications.constants import Kind
from quanzi.notifications.services import notify
from quanzi.orders.events import OrderDelivered, OrderRefunded, OrderShipped
from quanzi.reviews.events import ReviewReplied
from quanzi.social.events import Followed

EXCERPT = 40

MSG_LIKE = gettext_noop("%(actor)s liked your note “%(title)s”")
MSG_COMMENT = gettext_noop("%(actor)s commented on your note: %(excerpt)s")
MSG_REPLY = gettext_noop("%(actor)s replied to your comment: %(excerpt)s")
MSG_MENTION = gettext_noop("%(actor)s mentioned you in a comment: %(excerpt)s")
MSG_FOLLOW = gettext_noop("%(actor)s started following you")
MSG_SHIPPED = gettext_noop("Your order %(number)s has shipped")
MSG_DELIVERED = gettext_noop("Your order %(number)s was delivered")
MSG_REFUNDED = gettext_noop("A refund of ¥%(amount)s for order %(number)s is on its way")
MSG_REVIEW_REPLY = gettext_noop("%(shop)s replied to your review")
MSG_SHARE_REWARD = gettext_noop("A friend bought with the coupon you shared: “%(name)s” is in your coupons")
MSG_COMMISSION = gettext_noop("A friend bought “%(title)s” through your share: ¥%(amount)s commission, pending until "
                              "the return window closes")
MSG_COMMISSION_TEAM = gettext_noop("Someone in your team sold “%(title)s”: ¥%(amount)s commission, pending")
MSG_COMMISSION_HELD = gettext_noop("¥%(amount)s commission on “%(title)s” is held for a routine review")
MSG_COMMISSION_RELEASED = gettext_noop("¥%(amount)s of commission is now in your wallet")


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


@subscribe(NoteLiked)
def on_note_liked(event: NoteLiked) -> None:
    from quanzi.content.selectors import note_title

    title = note_title(note_id=event.note_id) or ""
    notify(recipient_id=event.author_id, kind=Kind.LIKE, actor_id=event.user_id, message=MSG_LIKE,
           target_type="note", target_id=event.note_id, params={"title": _excerpt(title)}, dedupe=True)


@subscribe(Commented)
def on_commented(event: Commented) -> None:
    from quanzi.content.selectors import comment_summary

    comment = comment_summary(comment_id=event.comment_id)
    if comment is None:
        return
    actor_id = event.author_id
    common = {"actor_id": actor_id, "target_type": "note", "target_id": event.note_id,
              "params": {"excerpt": _excerpt(comment["body"]), "comment_id": comment["id"]}}
    done = {actor_id}
    parent_id = event.parent_id
    if parent_id:
        parent = comment_summary(comment_id=parent_id)
        parent_author = parent["author_id"] if parent else None
        if parent_author and parent_author not in done:
            notify(recipient_id=parent_author, kind=Kind.REPLY, message=MSG_REPLY, **common)
            done.add(parent_author)
    note_author = event.note_author_id
    if note_author and note_author not in done:
        notify(recipient_id=note_author, kind=Kind.COMMENT, message=MSG_COMMENT, **common)
        done.add(note_author)
    for user_id in event.mentioned_ids:
        if user_id not in done:
            notify(recipient_id=user_id, kind=Kind.MENTION, message=MSG_MENTION, **common)
            done.add(user_id)


@subscribe(Followed)
def on_followed(event: Followed) -> None:
    followee = event.followee_user_id
    if not followee:
        return  # a shop follow: the merchant console shows its followers
    notify(recipient_id=followee, kind=Kind.FOLLOW, actor_id=event.follower_id, message=MSG_FOLLOW,
           target_type="user", target_id=event.follower_id, dedupe=True)


def _order_notice(order_id: int, message: str, **extra) -> None:
    from quanzi.orders.selectors import order_get

    order = order_get(order_id=order_id)
    if order is None:
        return
    notify(recipient_id=order.user_id, kind=Kind.ORDER, message=message, target_type="order",
           target_id=order_id, params={"number": order.number, **extra})


@subscribe(OrderShipped)
def on_order_shipped(event: OrderShipped) -> None:
    _order_notice(event.order_id, MSG_SHIPPED)


@subscribe(OrderDelivered)
def on_order_delivered(event: OrderDelivered) -> None:
    _order_notice(event.order_id, MSG_DELIVERED)


@subscribe(OrderRefunded)
def on_order_refunded(event: OrderRefunded) -> None:
    _order_notice(event.order_id, MSG_REFUNDED, amount=format_yuan(event.amount))


@subscribe(ReviewReplied)
def on_review_replied(event: ReviewReplied) -> None:
    from quanzi.reviews.selectors import review_summary

    review = review_summary(review_id=event.review_id)
    if review is None:
        return
    notify(recipient_id=review["author_id"], kind=Kind.REPLY, actor_id=review["shop_owner_id"],
           message=MSG_REVIEW_REPLY, target_type="review", target_id=review["id"],
           params={"shop": review["shop_names"], "product_id": review["product_id"]})


@subscribe(CommissionAccrued)
def on_commission_accrued(event: CommissionAccrued) -> None:
    """The sharer (and their upline) learn about a commission the moment the order is paid."""
    if event.held:
        message = MSG_COMMISSION_HELD
    else:
        message = MSG_COMMISSION if event.level == 1 else MSG_COMMISSION_TEAM
    notify(recipient_id=event.beneficiary_id, kind=Kind.EARNINGS, message=message, target_type="earnings",
           target_id=event.commission_id,
           params={"title": {lang: _excerpt(t) for lang, t in event.titles.items()} or _excerpt(event.title),
                   "amount": format_yuan(event.amount)})


@subscribe(CommissionReleased)
def on_commission_released(event: CommissionReleased) -> None:
    notify(recipient_id=event.beneficiary_id, kind=Kind.EARNINGS, message=MSG_COMMISSION_RELEASED,
           target_type="earnings", target_id=event.order_id, params={"amount": format_yuan(event.amount)})


@subscribe(ShareRewarded)
def on_share_rewarded(event: ShareRewarded) -> None:
    """The sharer of a coupon learns that a friend's order with it earned them the reward coupon."""
    notify(recipient_id=event.sharer_id, kind=Kind.EARNINGS, message=MSG_SHARE_REWARD, target_type="coupons",
           target_id=event.reward_coupon_id, params={"name": event.reward_name})
