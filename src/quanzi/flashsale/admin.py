"""Operator pages: sessions with their items (an operator may end a session at once), reservations.
Read-only otherwise: units and limits change only through the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from quanzi.core.errors import DomainError
from quanzi.flashsale import services
from quanzi.flashsale.models import FlashItem, FlashSale, Reservation


class FlashItemInline(admin.TabularInline):
    model = FlashItem
    extra = 0
    can_delete = False
    fields = ("sku", "price", "stock", "per_user_limit")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FlashSale)
class FlashSaleAdmin(admin.ModelAdmin):
    list_display = ("pk", "title", "shop", "status", "starts_at", "ends_at", "reservation_seconds")
    list_filter = ("status",)
    search_fields = ("title", "shop__name")
    inlines = [FlashItemInline]
    actions = ["end_now"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in FlashSale._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("End now (units left go back to the products)"))
    def end_now(self, request, queryset):
        ended = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                services.sale_end(sale_id=pk)
                ended += 1
            except DomainError:
                pass  # already ended
        messages.success(request, _("%(n)d flash sales ended.") % {"n": ended})


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = ("number", "item", "user", "quantity", "status", "order_number", "created_at", "expires_at")
    list_filter = ("status",)
    search_fields = ("number", "order_number", "user__phone")
    list_select_related = ("item", "user")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Reservation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
