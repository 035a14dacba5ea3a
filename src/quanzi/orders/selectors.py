"""Order reads for the shopper, the merchant console, the operator and settlement."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from quanzi.core import clock
from quanzi.core.http import cursor_page
from quanzi.orders.constants import OPEN_AFTERSALE, OrderStatus
from quanzi.orders.models import AfterSale, CartLine, Order, OrderEvent

STATUS_TABS = {
    "unpaid": [OrderStatus.PENDING_PAYMENT],
    "to_ship": [OrderStatus.PAID, OrderStatus.AWAITING_RELEASE],
    "shipped": [OrderStatus.SHIPPED],
    "delivered": [OrderStatus.DELIVERED],
    "completed": [OrderStatus.COMPLETED],
    "closed": [OrderStatus.CANCELLED, OrderStatus.CLOSED],
}


def _with_lines(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.select_related("shop").prefetch_related("lines")


def _filter_tab(qs: QuerySet[Order], tab: str | None) -> QuerySet[Order]:
    if tab in STATUS_TABS:
        return qs.filter(status__in=STATUS_TABS[tab])
    if tab == "aftersale":
        return qs.filter(after_sales__status__in=OPEN_AFTERSALE).distinct()
    return qs


def order_page_for_user(*, user, tab: str | None = None, cursor: str | None = None, limit: int = 20):
    return cursor_page(_with_lines(_filter_tab(Order.objects.filter(user=user), tab)), cursor=cursor, limit=limit)


def order_page_for_shop(*, shop, tab: str | None = None, cursor: str | None = None, limit: int = 20):
    return cursor_page(_with_lines(_filter_tab(Order.objects.filter(shop=shop), tab)), cursor=cursor, limit=limit)


def _detail(qs: QuerySet[Order], number: str) -> Order | None:
    return qs.select_related("shop", "user").prefetch_related(
        "lines", Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id")),
        Prefetch("after_sales", queryset=AfterSale.objects.select_related("line"))).filter(number=number).first()


def order_for_user(*, user, number: str) -> Order | None:
    return _detail(Order.objects.filter(user=user), number)


def order_for_shop(*, shop, number: str) -> Order | None:
    return _detail(Order.objects.filter(shop=shop), number)


def orders_for_checkout(*, user, numbers: list[str]) -> list[Order]:
    return list(Order.objects.filter(user=user, number__in=numbers).select_related("shop"))


def shop_order_counts(*, shop) -> dict[str, int]:
    counts = Order.objects.filter(shop=shop).aggregate(**{
        tab: Count("id", filter=Q(status__in=statuses)) for tab, statuses in STATUS_TABS.items()})
    counts["aftersale"] = AfterSale.objects.filter(order__shop=shop, status__in=OPEN_AFTERSALE).count()
    return counts


def user_order_counts(*, user) -> dict[str, int]:
    """How many of the shopper's orders sit in each tab (one query) plus open after-sales."""
    counts = Order.objects.filter(user=user).aggregate(all=Count("id"), **{
        tab: Count("id", filter=Q(status__in=statuses)) for tab, statuses in STATUS_TABS.items()})
    counts["aftersale"] = AfterSale.objects.filter(order__user=user, status__in=OPEN_AFTERSALE).count()
    return counts


def cart_lines(*, user) -> list[CartLine]:
    return list(CartLine.objects.filter(user=user).select_related("sku", "sku__product", "sku__product__shop"))


def cart_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return CartLine.objects.filter(user=user).count()


def aftersales_for_shop(*, shop, open_only: bool = True) -> list[AfterSale]:
    qs = AfterSale.objects.filter(order__shop=shop).select_related("order", "line")
    if open_only:
        qs = qs.filter(status__in=OPEN_AFTERSALE)
    return list(qs.order_by("-id")[:200])


def aftersale_for_user(*, user, number: str) -> AfterSale | None:
    return AfterSale.objects.filter(order__user=user, number=number).select_related("order", "line").first()


def aftersale_for_shop(*, shop, number: str) -> AfterSale | None:
    return AfterSale.objects.filter(order__shop=shop, number=number).select_related("order", "line").first()


def order_id_for_shop(*, shop, number: str) -> int | None:
    """The id of the shop's order with this number (a light read), or None: the shop's other orders and
    other shops' orders are not found."""
    return Order.objects.filter(shop=shop, number=number).values_list("pk", flat=True).first()


def order_shop_ids(*, order_ids) -> dict[int, int]:
    """{order id: its shop id} in one query."""
    return dict(Order.objects.filter(pk__in=set(order_ids)).values_list("id", "shop_id"))


def order_number_subquery(*, order_id_field: str = "order_id") -> Subquery:
    """The number of the order whose id is in `order_id_field` of the outer query, for the admin pages of
    apps that keep an order id (settlements, shipments): `.annotate(order_number=order_number_subquery())`."""
    return Subquery(Order.objects.filter(pk=OuterRef(order_id_field)).values("number")[:1])


def orders_due_for_settlement(*, limit: int = 500) -> list[int]:
    """Paid orders whose money can go to the merchant: completed with the return window closed,
    or closed (fully refunded) — and no after-sales request still open."""
    now = clock.now()
    qs = Order.objects.filter(paid_at__isnull=False, settled_at__isnull=True).filter(
        Q(status=OrderStatus.COMPLETED, return_window_closes_at__lte=now) | Q(status=OrderStatus.CLOSED)
    ).exclude(after_sales__status__in=OPEN_AFTERSALE)
    return list(qs.values_list("pk", flat=True)[:limit])


# ---- public interface used by sharing, commission

def orders_by_id(*, order_ids, paid_only: bool = False) -> dict[int, Order]:
    """Orders by id with their shop and buyer (one query); `paid_only` keeps those with `paid_at` set.
    For apps that book something per paid order (share conversions, commission)."""
    qs = Order.objects.select_related("shop", "user").filter(pk__in=set(order_ids))
    if paid_only:
        qs = qs.filter(paid_at__isnull=False)
    return {o.pk: o for o in qs}


def order_lines_of(*, order_ids) -> list:
    """Every line of these orders, by order then line id (one query), with its attribution snapshot."""
    from quanzi.orders.models import OrderLine

    return list(OrderLine.objects.filter(order_id__in=set(order_ids)).order_by("order_id", "id"))


def order_lines_by_id(*, line_ids) -> dict:
    """Order lines by id (one query), as they are now (refunded amounts included)."""
    from quanzi.orders.models import OrderLine

    return OrderLine.objects.in_bulk(set(line_ids))


# ---- public interface used by groupbuy, bargain, flashsale, livesales

def order_statuses(*, order_ids) -> dict[int, str]:
    """{order id: status} in one query (unknown ids are left out)."""
    return dict(Order.objects.filter(pk__in=set(order_ids)).values_list("pk", "status"))


def order_hold_key(*, order_id: int) -> str:
    """The order's hold key ("" when it is not held), in one query: a holder app's event handlers use it
    to tell their own orders from the rest."""
    return Order.objects.filter(pk=order_id).values_list("hold_key", flat=True).first() or ""


def order_line_refs(*, order_id: int, price_source: str) -> list[str]:
    """The `price_source_ref`s of the order's lines priced by one price source (one query)."""
    from quanzi.orders.models import OrderLine

    return list(OrderLine.objects.filter(order_id=order_id, price_source=price_source)
                .values_list("price_source_ref", flat=True))


def user_has_paid_order(*, user_id: int) -> bool:
    """Whether the user ever paid an order (refunded or not)."""
    return Order.objects.filter(user_id=user_id, paid_at__isnull=False).exists()


def units_held_at_price(*, user_id: int, price_source: str, price_source_ref: str) -> int:
    """Units the user holds at one price (a live price, a campaign): lines of their orders that are not
    cancelled, paid or awaiting payment. Refunded units still count, so a refund never frees the limit."""
    from django.db.models import Sum

    from quanzi.orders.models import OrderLine

    return OrderLine.objects.filter(order__user_id=user_id, price_source=price_source,
                                    price_source_ref=str(price_source_ref)) \
        .exclude(order__status=OrderStatus.CANCELLED).aggregate(n=Sum("quantity"))["n"] or 0


def attributed_sales(*, source: str, field: str, value: str) -> dict:
    """Paid lines whose attribution names `{source: {field: value}}` (a live room): orders, GMV (what
    buyers kept after refunds), units, and the buyers' user ids, in two queries."""
    from django.db.models import Count, F, Sum

    from quanzi.orders.models import OrderLine

    lines = OrderLine.objects.filter(**{f"attribution__{source}__{field}": value}, order__paid_at__isnull=False)
    agg = lines.aggregate(orders=Count("order_id", distinct=True), gmv=Sum(F("line_total") - F("refunded_amount")),
                          units=Sum("quantity"))
    buyers = set(lines.values_list("order__user_id", flat=True).distinct())
    return {"orders": agg["orders"] or 0, "gmv": agg["gmv"] or 0, "units": agg["units"] or 0, "buyer_ids": buyers}


# ---- public interface used by console (the operator's to-do list)

def aftersale_count_escalated() -> int:
    """After-sales disputes the shopper escalated to the platform, waiting for the operator."""
    from quanzi.orders.constants import AfterSaleStatus

    return AfterSale.objects.filter(status=AfterSaleStatus.ESCALATED).count()


# ---- public interface used by demo data, bench/ and the project's tests

def order_get(*, order_id: int) -> Order | None:
    """One order with its shop and buyer."""
    return Order.objects.select_related("shop", "user").filter(pk=order_id).first()


def order_counts_by_status() -> dict[str, int]:
    """Every order status (in OrderStatus order, zeros included) → number of orders."""
    found = dict(Order.objects.values_list("status").annotate(n=Count("pk")))
    return {s: found.get(s, 0) for s in OrderStatus.values}


def aftersale_counts_by_status() -> dict[str, int]:
    """After-sales status → number of requests (only the statuses that occur)."""
    return dict(AfterSale.objects.values_list("status").annotate(n=Count("pk")).order_by())


def has_payable_order(*, user) -> bool:
    """Whether the user has an order still waiting for payment within its deadline."""
    return Order.objects.filter(user=user, status=OrderStatus.PENDING_PAYMENT, pay_deadline__gt=clock.now()).exists()


def order_counts_by_user(*, statuses, user_ids=None) -> dict[int, int]:
    """Buyer id → number of their orders in `statuses` (buyers without any are left out)."""
    qs = Order.objects.filter(status__in=list(statuses))
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    return dict(qs.values_list("user_id").annotate(n=Count("pk")).order_by())


def units_paid_by_province(*, since, limit: int = 200_000) -> list[tuple[str, int, int, int]]:
    """(province, product id, units, buyers) of the lines of orders paid since `since` and not cancelled or
    closed, from the shipping address's province: what regional trending is made of (recommend). One query."""
    from django.db.models import Sum
    from django.db.models.fields.json import KeyTextTransform

    from quanzi.orders.models import OrderLine

    rows = (OrderLine.objects.filter(order__paid_at__gte=since)
            .exclude(order__status__in=[OrderStatus.CANCELLED, OrderStatus.CLOSED])
            .annotate(province=KeyTextTransform("province", "order__address"))
            .values_list("province", "product_id").annotate(units=Sum("quantity"), buyers=Count("order__user_id",
                                                                                              distinct=True))
            .order_by()[:limit])
    return [(str(province or "")[:40], int(pk), int(units or 0), int(buyers)) for province, pk, units, buyers in rows
            if province]


def order_lines_received() -> list:
    """Lines of delivered or completed orders, earliest delivery first, with order, shop and buyer
    loaded (what a shopper could review)."""
    from quanzi.orders.models import OrderLine

    return list(OrderLine.objects.select_related("order", "order__shop", "order__user")
                .filter(order__status__in=[OrderStatus.DELIVERED, OrderStatus.COMPLETED])
                .order_by("order__delivered_at", "pk"))


# ---- public interface used by social, content, reviews, feed, circle, notifications

def order_line_for_buyer(*, user, line_id: int):
    """One line of the user's own orders, with its order and the order's shop (None for a line of
    anybody else's order): a shopper acting on something they bought (a review)."""
    from quanzi.orders.models import OrderLine

    return OrderLine.objects.select_related("order", "order__shop").filter(pk=line_id, order__user=user).first()


def order_lines_received_by(*, user, exclude_line_ids=None, limit: int = 100) -> list:
    """The user's lines in delivered or completed orders that are not fully refunded, newest first,
    with their order; `exclude_line_ids` (ids, or a lazy query of ids) leaves some out."""
    from django.db.models import F

    from quanzi.orders.models import OrderLine

    lines = OrderLine.objects.filter(order__user=user, order__status__in=[OrderStatus.DELIVERED,
                                                                          OrderStatus.COMPLETED])
    if exclude_line_ids is not None:
        lines = lines.exclude(pk__in=exclude_line_ids)
    return list(lines.exclude(refunded_quantity__gte=F("quantity")).select_related("order").order_by("-id")[:limit])


def order_id_for_user(*, user, number: str) -> int | None:
    """The id of the user's own order with this number (a light read), or None for anybody else's."""
    return Order.objects.filter(user=user, number=number).values_list("pk", flat=True).first()


def order_status_q(*, statuses, prefix: str = "") -> Q:
    """"The order is in one of these statuses" as a filter, for a query over another model that
    reaches orders through a foreign key: `.exclude(order_status_q(statuses=…, prefix="order"))`."""
    return Q(**{f"{prefix}__status__in" if prefix else "status__in": list(statuses)})
