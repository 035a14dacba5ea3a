"""Order reads for the shopper, the merchant console, the operator and settlement."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from quanzi.core import clock
from quanzi.core.http import cursor_page
from quanzi.orders.models import AfterSale, CartLine, Order, OrderEvent, OrderStatus
from quanzi.orders.states import OPEN_AFTERSALE

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


def orders_due_for_settlement(*, limit: int = 500) -> list[int]:
    """Paid orders whose money can go to the merchant: completed with the return window closed,
    or closed (fully refunded) — and no after-sales request still open."""
    now = clock.now()
    qs = Order.objects.filter(paid_at__isnull=False, settled_at__isnull=True).filter(
        Q(status=OrderStatus.COMPLETED, return_window_closes_at__lte=now) | Q(status=OrderStatus.CLOSED)
    ).exclude(after_sales__status__in=OPEN_AFTERSALE)
    return list(qs.values_list("pk", flat=True)[:limit])
