"""Operator pages: gifts and each room's host commission are editable; live prices, host commissions,
tips, balances and top-ups are money records (read-only). The declaration can be corrected."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from quanzi.core.adminkit import ReadOnlyAdmin, yuan
from quanzi.core.errors import DomainError
from quanzi.livesales import services
from quanzi.livesales.models import (
    Gift,
    HostCommission,
    LivePrice,
    LivePriceStatus,
    RoomSalesTerms,
    Tip,
    TipBalance,
    TipperDeclaration,
    TopUp,
)


@admin.register(Gift)
class GiftAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "icon", "price_shown", "sort", "is_active")
    list_editable = ("sort", "is_active")

    @admin.display(description=_("price"))
    def price_shown(self, obj):
        return yuan(obj.price)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # tips refer to gifts: switch one off instead


@admin.register(RoomSalesTerms)
class RoomSalesTermsAdmin(admin.ModelAdmin):
    list_display = ("room", "host_commission_bps", "updated_at")
    raw_id_fields = ("room",)
    readonly_fields = ("updated_at",)

    def save_model(self, request, obj, form, change):
        services.terms_set(room_id=obj.room_id, host_commission_bps=obj.host_commission_bps)


@admin.register(LivePrice)
class LivePriceAdmin(ReadOnlyAdmin):
    list_display = ("pk", "room", "sku", "price_shown", "stock", "per_user_limit", "status", "starts_at", "ends_at")
    list_filter = ("status",)
    actions = ["end_now"]

    @admin.display(description=_("live price"))
    def price_shown(self, obj):
        return yuan(obj.price)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None  # the list and its action, no edit form

    @admin.action(description=_("End now (stock goes back to the SKU)"))
    def end_now(self, request, queryset):
        for pk in queryset.filter(status=LivePriceStatus.ACTIVE).values_list("pk", flat=True):
            try:
                services.live_price_end(live_price_id=pk)
            except DomainError as exc:
                messages.error(request, exc.message)


@admin.register(HostCommission)
class HostCommissionAdmin(ReadOnlyAdmin):
    list_display = ("pk", "order", "room", "host", "base", "rate_bps", "amount", "reversed", "status", "created_at")
    list_filter = ("status",)


@admin.register(Tip)
class TipAdmin(ReadOnlyAdmin):
    list_display = ("pk", "room", "tipper", "host", "gift", "count", "amount", "host_share", "platform_share",
                    "created_at")


@admin.register(TipBalance)
class TipBalanceAdmin(ReadOnlyAdmin):
    list_display = ("user", "balance", "updated_at")
    search_fields = ("user__phone", "user__nickname")


@admin.register(TopUp)
class TopUpAdmin(ReadOnlyAdmin):
    list_display = ("number", "user", "amount", "status", "payment_number", "created_at", "paid_at")
    list_filter = ("status",)


@admin.register(TipperDeclaration)
class TipperDeclarationAdmin(admin.ModelAdmin):
    list_display = ("user", "real_name", "birth_date", "declared_at")
    search_fields = ("user__phone", "real_name")
    raw_id_fields = ("user",)
