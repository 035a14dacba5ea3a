"""Operator pages: placement terms (reserve price, slots, prior) are editable; campaigns can be approved
(the review queue with notes for a rejection is /ops/ads/) or ended (they break the advertising policy); clicks are the invalid-traffic report, and billed ones can be refunded. Balances,
top-ups and impressions are money or traffic records (read-only)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from quanzi.ads import services
from quanzi.ads.models import AdCampaign, AdClick, AdPlacementSetting, AdsBalance, AdTopUp
from quanzi.core.adminkit import ReadOnlyAdmin, yuan
from quanzi.core.errors import DomainError


@admin.register(AdPlacementSetting)
class AdPlacementSettingAdmin(admin.ModelAdmin):
    list_display = ("placement", "reserve_shown", "slots", "prior_clicks", "prior_impressions", "updated_at")
    readonly_fields = ("updated_at",)

    @admin.display(description=_("reserve price"))
    def reserve_shown(self, obj):
        return yuan(obj.reserve_price)

    def save_model(self, request, obj, form, change):
        try:
            services.placement_set(placement=obj.placement, reserve_price=obj.reserve_price, slots=obj.slots,
                                   prior_clicks=obj.prior_clicks, prior_impressions=obj.prior_impressions)
        except DomainError as exc:
            messages.error(request, exc.message)


@admin.register(AdCampaign)
class AdCampaignAdmin(ReadOnlyAdmin):
    list_display = ("number", "name", "shop", "status", "review", "daily_shown", "total_shown", "spent_shown",
                    "created_at")
    list_filter = ("status", "review")
    search_fields = ("number", "name")
    actions = ["approve", "stop"]

    @admin.display(description=_("daily budget"))
    def daily_shown(self, obj):
        return yuan(obj.daily_budget)

    @admin.display(description=_("total budget"))
    def total_shown(self, obj):
        return yuan(obj.total_budget)

    @admin.display(description=_("spent"))
    def spent_shown(self, obj):
        return yuan(obj.spent)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None  # the list and its action, no edit form

    @admin.action(description=_("Approve (reviewed: may be shown)"))
    def approve(self, request, queryset):
        for number in queryset.filter(review="pending").values_list("number", flat=True):
            try:
                services.campaign_review(reviewer=request.user, number=number, decision="approved")
            except DomainError as exc:
                messages.error(request, exc.message)

    @admin.action(description=_("End (breaks the advertising policy)"))
    def stop(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.campaign_stop(campaign_id=pk)


@admin.register(AdClick)
class AdClickAdmin(ReadOnlyAdmin):
    list_display = ("pk", "campaign", "billed", "reason", "price_shown", "ip", "created_at", "refunded_at")
    list_filter = ("billed", "reason")
    actions = ["refund"]

    @admin.display(description=_("price"))
    def price_shown(self, obj):
        return yuan(obj.price)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None

    @admin.action(description=_("Refund (invalid click)"))
    def refund(self, request, queryset):
        for pk in queryset.filter(billed=True, refunded_at__isnull=True).values_list("pk", flat=True):
            try:
                services.click_refund(click_id=pk, note=str(_("refunded by %(user)s") % {"user": request.user}))
            except DomainError as exc:
                messages.error(request, exc.message)


@admin.register(AdsBalance)
class AdsBalanceAdmin(ReadOnlyAdmin):
    list_display = ("shop", "balance_shown", "updated_at")

    @admin.display(description=_("balance"))
    def balance_shown(self, obj):
        return yuan(obj.balance)


@admin.register(AdTopUp)
class AdTopUpAdmin(ReadOnlyAdmin):
    list_display = ("number", "shop", "amount", "status", "payment_number", "created_at", "paid_at")
    list_filter = ("status",)
