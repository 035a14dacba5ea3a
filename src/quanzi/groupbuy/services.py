"""Group-buy use cases: every state change of campaigns, groups and members.

Lock order (see docs/group-buy.md): whatever holds an order lock takes the group lock after it
(payment → order → group → member), and nothing holding a group lock waits for a pending order.
Joining locks the group row first and then only creates new orders and takes pool stock.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from quanzi.catalog import selectors as catalog
from quanzi.catalog.services import pool_release, pool_set_aside
from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, DomainError, NotFound, ValidationFailed
from quanzi.core.events import publish
from quanzi.core.translated_columns import texts_per_language
from quanzi.core.validation import whole_number
from quanzi.groupbuy.events import GroupJoined
from quanzi.groupbuy.models import (
    MAX_GROUP_SIZE,
    MIN_GROUP_SIZE,
    CampaignSku,
    CampaignStatus,
    Group,
    GroupCampaign,
    GroupMember,
    GroupStatus,
    MemberStatus,
)
from quanzi.groupbuy.states import CAMPAIGN, GROUP, HOLDING_A_SPOT, MEMBER
from quanzi.orders.checkout import checkout_and_pay
from quanzi.orders.constants import OrderStatus
from quanzi.orders.selectors import order_statuses
from quanzi.orders.services import CheckoutItem, order_cancel, order_refund_all, order_release_hold

PRICE_SOURCE = "group"
MAX_FILL_SECONDS = 7 * 24 * 3600
MIN_FILL_SECONDS = 60
MAX_PER_USER = 99


# ---------------------------------------------------------------- campaigns (merchant)



@transaction.atomic
def campaign_create(*, shop, product_id: int, skus: list[dict], group_size: int, starts_at: dt.datetime,
                    ends_at: dt.datetime, fill_seconds: int = 24 * 3600, per_user_limit: int = 1,
                    leader_discount: int = 0, title: str = "") -> GroupCampaign:
    """A draft campaign of the merchant's own product. `skus` = [{"sku_id", "group_price", "stock"}]."""
    product = catalog.product_detail(product_id=product_id, include_unlisted_for_shop_id=shop.pk) \
        if isinstance(product_id, int) and not isinstance(product_id, bool) else None
    if product is None or product.shop_id != shop.pk:
        raise NotFound(_("Product not found."), code="product_not_found", fields={"product_id": str(product_id)})
    whole_number(group_size, "group_size", low=MIN_GROUP_SIZE, high=MAX_GROUP_SIZE, code="invalid_group_size")
    whole_number(fill_seconds, "fill_seconds", low=MIN_FILL_SECONDS, high=MAX_FILL_SECONDS, code="invalid_fill_window")
    whole_number(per_user_limit, "per_user_limit", low=1, high=MAX_PER_USER, code="invalid_per_user_limit")
    whole_number(leader_discount, "leader_discount", low=0, high=10**9, code="invalid_leader_discount")
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime) \
            or starts_at.tzinfo is None or ends_at.tzinfo is None or ends_at <= starts_at or ends_at <= clock.now():
        raise ValidationFailed(_("The campaign must end after it starts, and in the future."),
                               code="invalid_campaign_window", fields={"ends_at": "invalid"})
    if not skus:
        raise ValidationFailed(_("Choose at least one SKU."), code="campaign_no_sku", fields={"skus": "required"})
    own = {s.pk: s for s in product.skus.all()}  # its active SKUs
    rows, seen = [], set()
    for i, item in enumerate(skus):
        sku = own.get(item.get("sku_id"))
        if sku is None or sku.pk in seen:
            raise ValidationFailed(_("Unknown or repeated SKU."), code="sku_not_found", fields={f"skus.{i}.sku_id": "invalid"})
        seen.add(sku.pk)
        price = item.get("group_price")
        if isinstance(price, bool) or not isinstance(price, int) or not 0 < price < sku.price:
            raise ValidationFailed(_("The group price must be above zero and below the list price."),
                                   code="invalid_group_price", fields={f"skus.{i}.group_price": "invalid"})
        if leader_discount >= price:
            raise ValidationFailed(_("The leader discount must leave a price above zero."),
                                   code="invalid_leader_discount", fields={"leader_discount": "invalid"})
        stock = item.get("stock")
        if isinstance(stock, bool) or not isinstance(stock, int) or stock <= 0:
            raise ValidationFailed(_("Set aside at least one unit for the campaign."), code="campaign_no_stock",
                                   fields={f"skus.{i}.stock": "invalid"})
        if stock > sku.stock:
            raise BusinessRuleViolation(_("Not enough stock to set aside."), code="out_of_stock",
                                        fields={f"skus.{i}.stock": "invalid"})
        rows.append((sku, price, stock))
    titles = {"title": str(title)[:120]} if title else texts_per_language(product, "title")  # each reader's language
    campaign = GroupCampaign.objects.create(shop=shop, product=product, **titles,
                                            group_size=group_size, fill_seconds=fill_seconds,
                                            per_user_limit=per_user_limit, leader_discount=leader_discount,
                                            starts_at=starts_at, ends_at=ends_at)
    CampaignSku.objects.bulk_create([CampaignSku(campaign=campaign, sku=s, group_price=p, stock=n) for s, p, n in rows])
    return campaign


def _lock_campaign(campaign_id: int, shop=None) -> GroupCampaign:
    qs = GroupCampaign.objects.select_for_update().filter(pk=campaign_id)
    if shop is not None:
        qs = qs.filter(shop=shop)
    campaign = qs.first()
    if campaign is None:
        raise NotFound(_("Campaign not found."), code="campaign_not_found")
    return campaign


@transaction.atomic
def campaign_activate(*, campaign_id: int, shop=None) -> GroupCampaign:
    """Draft → active: the stock is moved into the campaign's pool (out_of_stock if it is gone)."""
    campaign = _lock_campaign(campaign_id, shop)
    CAMPAIGN.check(campaign.status, CampaignStatus.ACTIVE)
    if campaign.ends_at <= clock.now():
        raise Conflict(_("This campaign has already ended."), code="campaign_ended")
    for row in campaign.skus.all():
        pool_set_aside(pool=campaign.stock_pool, sku_id=row.sku_id, quantity=row.stock)
    campaign.status = CampaignStatus.ACTIVE
    campaign.save(update_fields=["status"])
    return campaign


@transaction.atomic
def campaign_end(*, campaign_id: int, shop=None) -> GroupCampaign:
    """Active (or draft) → ended: no new groups or joins; what is left in the pool returns to the SKUs.
    Groups already open run to their deadline; units their refunds bring back are returned by the sweep."""
    campaign = _lock_campaign(campaign_id, shop)
    CAMPAIGN.check(campaign.status, CampaignStatus.ENDED)
    was_active = campaign.status == CampaignStatus.ACTIVE
    campaign.save(update_fields=campaign.mark_ended(clock.now()))
    if was_active:
        pool_release(pool=campaign.stock_pool)
    return campaign


@transaction.atomic
def campaign_set_auto_complete(*, campaign_id: int, enabled: bool) -> GroupCampaign:
    """Operator only: let unfilled groups with at least two paid members succeed at their deadline."""
    campaign = _lock_campaign(campaign_id)
    campaign.auto_complete_at_deadline = bool(enabled)
    campaign.save(update_fields=["auto_complete_at_deadline"])
    return campaign


# ---------------------------------------------------------------- groups (shoppers)

def group_share_target(group_id: int):
    """What a share link, poster and copy-text of a group show (the `sharing` app's "group" target)."""
    from django.urls import reverse

    from quanzi.sharing.targets import ShareTarget

    group = Group.objects.select_related("campaign__product").filter(pk=group_id).first()
    if group is None:
        return None
    product = group.campaign.product
    price = min(group.campaign.skus.values_list("group_price", flat=True), default=product.min_price)
    return ShareTarget(type="group", id=group.pk, title=product.title, url=reverse("groupbuy:group", args=[group.number]),
                       price=price, image=product.cover or "", product_id=product.pk,
                       version=f"{group.status}-{product.updated_at.timestamp():.0f}")


def group_share_link(*, user, group: Group):
    """The member's share link to the group (reused), or None when sharing refuses (rate limit)."""
    from quanzi.sharing import selectors as share_selectors
    from quanzi.sharing.services import share_link_for

    link = share_selectors.my_link_for_target(user_id=user.pk, target_type="group", target_id=group.pk)
    if link is not None and link.is_active():
        return link
    try:
        link, _target = share_link_for(sharer=user, target_type="group", target_id=group.pk)
    except DomainError:
        return None
    return link


def _check_open_for_joining(campaign: GroupCampaign, now) -> None:
    if not campaign.is_running(now):
        raise Conflict(_("This group buy is not running."), code="campaign_not_running")


def _check_user_limit(*, user, campaign: GroupCampaign, quantity: int) -> None:
    whole_number(quantity, "quantity", low=1, high=MAX_PER_USER, code="invalid_quantity")
    taken = GroupMember.objects.filter(group__campaign=campaign, user=user, status__in=HOLDING_A_SPOT) \
        .aggregate(n=Sum("quantity"))["n"] or 0
    if taken + quantity > campaign.per_user_limit:
        raise BusinessRuleViolation(_("You have reached this group buy's limit per person."),
                                    code="group_limit_reached", fields={"quantity": str(campaign.per_user_limit - taken)})


def _checkout(*, user, member: GroupMember, group: Group, address_id: int):
    orders, payment = checkout_and_pay(user=user, address_id=address_id, clear_cart=False,
                                       items=[CheckoutItem(member.sku_id, member.quantity, PRICE_SOURCE, group.number)])
    member.order, member.amount = orders[0], orders[0].total
    member.save(update_fields=["order", "amount"])
    return orders[0], payment


def _campaign_sku(campaign: GroupCampaign, sku_id) -> CampaignSku:
    row = CampaignSku.objects.filter(campaign=campaign, sku_id=sku_id).first() if isinstance(sku_id, int) else None
    if row is None:
        raise ValidationFailed(_("This SKU is not in the group buy."), code="sku_not_found", fields={"sku_id": "invalid"})
    return row


@transaction.atomic
def group_open(*, user, campaign_id: int, sku_id: int, address_id: int, quantity: int = 1):
    """Open a group as its leader: place the order at the group price. Returns (group, order, payment).
    The paid order waits (`awaiting_release`) until the group fills."""
    now = clock.now()
    campaign = GroupCampaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("Campaign not found."), code="campaign_not_found")
    _check_open_for_joining(campaign, now)
    _campaign_sku(campaign, sku_id)
    _check_user_limit(user=user, campaign=campaign, quantity=quantity)
    deadline = min(now + dt.timedelta(seconds=campaign.fill_seconds), campaign.ends_at)
    group = Group.objects.create(campaign=campaign, leader=user, size=campaign.group_size, deadline=deadline,
                                 joined_count=1, created_at=now)
    member = GroupMember.objects.create(group=group, user=user, sku_id=sku_id, quantity=quantity, is_leader=True,
                                        joined_at=now)
    order, payment = _checkout(user=user, member=member, group=group, address_id=address_id)
    _publish_joined(group, member, campaign)
    return group, order, payment


def _publish_joined(group: Group, member: GroupMember, campaign: GroupCampaign) -> None:
    publish(GroupJoined(group_number=group.number, member_id=member.pk, user_id=member.user_id,
                        shop_id=campaign.shop_id, product_id=campaign.product_id, campaign_id=campaign.pk,
                        leader=member.is_leader))


def _lock_group(number: str) -> Group:
    group = Group.objects.select_for_update().filter(number=str(number)[:12]).first()
    if group is None:
        raise NotFound(_("Group not found."), code="group_not_found")
    return group


@transaction.atomic
def group_join(*, user, number: str, sku_id: int, address_id: int, quantity: int = 1):
    """Take a spot in an open group and place the order. The group row is locked while the spot is
    counted, so of any number of concurrent joiners only as many as there are spots get one; the
    rest get `group_full` and no order. Returns (group, order, payment)."""
    group = _lock_group(number)
    now = clock.now()
    campaign = group.campaign
    if group.status != GroupStatus.OPEN or group.deadline <= now:
        raise Conflict(_("This group has closed. Open a new one or join another."), code="group_closed",
                       fields={"status": group.status})
    _check_open_for_joining(campaign, now)
    member = GroupMember.objects.select_for_update().filter(group=group, user=user).first()
    if member is not None and member.status != MemberStatus.LEFT:
        raise Conflict(_("You are already in this group."), code="already_joined")
    if group.joined_count >= group.size:
        raise Conflict(_("This group is full. Open a new one or join another."), code="group_full")
    _campaign_sku(campaign, sku_id)
    _check_user_limit(user=user, campaign=campaign, quantity=quantity)
    if member is None:
        member = GroupMember.objects.create(group=group, user=user, sku_id=sku_id, quantity=quantity, joined_at=now)
    else:
        MEMBER.check(member.status, MemberStatus.PENDING)
        member.status, member.sku_id, member.quantity, member.joined_at = MemberStatus.PENDING, sku_id, quantity, now
        member.order, member.paid, member.paid_at, member.amount = None, False, None, 0
        member.save()
    Group.objects.filter(pk=group.pk).update(joined_count=F("joined_count") + 1)
    group.joined_count += 1
    order, payment = _checkout(user=user, member=member, group=group, address_id=address_id)
    _publish_joined(group, member, campaign)
    return group, order, payment


# ---------------------------------------------------------------- payments and cancellations (events)

def _set_member(member: GroupMember, target: str, **fields) -> None:
    MEMBER.check(member.status, target)
    member.status = target
    for name, value in fields.items():
        setattr(member, name, value)
    member.save(update_fields=["status", *fields])


def _succeed(group: Group, now) -> None:
    GROUP.check(group.status, GroupStatus.SUCCEEDED)
    group.status, group.succeeded_at = GroupStatus.SUCCEEDED, now
    group.save(update_fields=["status", "succeeded_at"])
    paid = GroupMember.objects.filter(group=group, status=MemberStatus.PAID).values_list("order_id", flat=True)
    statuses = order_statuses(order_ids=list(paid))
    for order_id in sorted(pk for pk, status in statuses.items() if status == OrderStatus.AWAITING_RELEASE):
        order_release_hold(order_id=order_id)


@transaction.atomic
def member_payment_confirmed(*, order_id: int) -> bool:
    """A held group order was paid (called in the payment's transaction, the order row locked).
    Confirms the member, and the N-th confirmation succeeds the group and releases every member's
    order at once. A payment the group cannot take (closed, past its deadline, spot given up) is
    refunded in full, exactly once (`order-full:<order id>`). Returns whether the member counts."""
    member = GroupMember.objects.filter(order_id=order_id).first()
    if member is None:
        order_refund_all(order_id=order_id, reason=gettext_noop("Group not found: refunded"))
        return False
    group = Group.objects.select_for_update().get(pk=member.group_id)
    member = GroupMember.objects.select_for_update().get(pk=member.pk)
    now = clock.now()
    if group.status != GroupStatus.OPEN or group.deadline <= now or member.status != MemberStatus.PENDING \
            or member.order_id != order_id:
        order_refund_all(order_id=order_id, reason=gettext_noop("The group closed before the payment arrived: refunded"))
        if member.status == MemberStatus.PENDING and member.order_id == order_id:
            _set_member(member, MemberStatus.LEFT)
            if group.status == GroupStatus.OPEN:
                Group.objects.filter(pk=group.pk).update(joined_count=F("joined_count") - 1)
        return False
    _set_member(member, MemberStatus.PAID, paid=True, paid_at=now)
    group.paid_count += 1
    Group.objects.filter(pk=group.pk).update(paid_count=F("paid_count") + 1)
    if group.paid_count >= group.size:
        _succeed(group, now)
    return True


@transaction.atomic
def member_order_cancelled(*, order_id: int) -> None:
    """An unpaid member order was cancelled (payment timeout, the shopper): the spot is free again."""
    member = GroupMember.objects.select_related("group").filter(order_id=order_id, status=MemberStatus.PENDING).first()
    if member is None:
        return
    if member.group.status != GroupStatus.OPEN:  # a closed group's sweep: no counter to fix, no group lock
        GroupMember.objects.filter(pk=member.pk, status=MemberStatus.PENDING).update(status=MemberStatus.LEFT)
        return
    group = Group.objects.select_for_update().get(pk=member.group_id)
    member = GroupMember.objects.select_for_update().get(pk=member.pk)
    if member.status != MemberStatus.PENDING or member.order_id != order_id:
        return
    _set_member(member, MemberStatus.LEFT)
    if group.status == GroupStatus.OPEN:
        Group.objects.filter(pk=group.pk).update(joined_count=F("joined_count") - 1)


@transaction.atomic
def member_order_refunded(*, order_id: int) -> None:
    """A paid member's order was refunded in full outside the group's own flow (an operator's
    `order_refund_all`): while the group is open the member leaves and the spot is free again. Runs
    after the refund commits, in its own transaction (group → member): inside the refund it would
    hold the pool row while waiting for the group, the reverse of a payment's order. Until it runs,
    a succeeding group does not release the closed order (`_succeed` releases held orders only)."""
    member = GroupMember.objects.filter(order_id=order_id, status=MemberStatus.PAID,
                                        group__status=GroupStatus.OPEN).first()
    if member is None:  # the group's own refunds (failed group) end here without a lock
        return
    group = Group.objects.select_for_update().get(pk=member.group_id)
    member = GroupMember.objects.select_for_update().get(pk=member.pk)
    if member.status != MemberStatus.PAID or group.status != GroupStatus.OPEN:
        return
    _set_member(member, MemberStatus.REFUNDED)
    Group.objects.filter(pk=group.pk).update(joined_count=F("joined_count") - 1, paid_count=F("paid_count") - 1)


# ---------------------------------------------------------------- deadlines

@transaction.atomic
def group_expire(*, group_id: int) -> bool:
    """At the deadline an open group fails (or, when the campaign allows it and at least two members
    paid, succeeds with them). Only the first of concurrent callers acts: the group row is locked and
    the status re-checked. Members' orders are settled afterwards by `member_settle`, each in its
    own transaction (an order lock is never awaited while the group lock is held)."""
    group = Group.objects.select_for_update().filter(pk=group_id).first()
    now = clock.now()
    if group is None or group.status != GroupStatus.OPEN or group.deadline > now:
        return False
    if group.campaign.auto_complete_at_deadline and group.paid_count >= MIN_GROUP_SIZE:
        _succeed(group, now)
        return True
    GROUP.check(group.status, GroupStatus.FAILED)
    group.status, group.failed_at = GroupStatus.FAILED, now
    group.save(update_fields=["status", "failed_at"])
    return True


def member_settle(*, member_id: int) -> bool:
    """Finish one member of a closed group: an unpaid order is cancelled (a payment arriving later is
    refunded by the core as unpayable), a paid member of a failed group is refunded in full. Safe to
    repeat and to run concurrently: `order_refund_all` locks the order and refunds once."""
    member = GroupMember.objects.select_related("group").filter(pk=member_id).first()
    if member is None or member.group.status == GroupStatus.OPEN or member.order_id is None:
        return False
    status = order_statuses(order_ids=[member.order_id]).get(member.order_id)
    if member.status == MemberStatus.PENDING and status == OrderStatus.PENDING_PAYMENT:
        try:
            order_cancel(order_id=member.order_id, reason=gettext_noop("The group closed"), actor="system")
            return True
        except Conflict:  # paid meanwhile: the payment handler refunded it
            return False
    if member.status == MemberStatus.PAID and member.group.status == GroupStatus.FAILED:
        with transaction.atomic():
            order_refund_all(order_id=member.order_id, reason=gettext_noop("The group did not fill in time: refunded"))
            locked = GroupMember.objects.select_for_update().get(pk=member.pk)
            if locked.status == MemberStatus.PAID:
                _set_member(locked, MemberStatus.REFUNDED)
                return True
    return False
