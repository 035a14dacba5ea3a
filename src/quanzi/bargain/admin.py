"""Operator pages: campaigns, bargains and their helps, read-only (money and cuts change only
through the services)."""

from __future__ import annotations

from django.contrib import admin

from quanzi.bargain.models import Bargain, BargainCampaign, BargainHelp


class _ReadOnly(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BargainCampaign)
class BargainCampaignAdmin(_ReadOnly):
    list_display = ("pk", "title", "shop", "original_price", "floor_price", "expected_helps", "status", "starts_at",
                    "ends_at")
    list_filter = ("status", "new_user_bonus")
    search_fields = ("title",)


class BargainHelpInline(admin.TabularInline):
    model = BargainHelp
    extra = 0
    can_delete = False
    fields = ("helper", "amount", "slots", "is_new_user", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Bargain)
class BargainAdmin(_ReadOnly):
    list_display = ("number", "campaign", "starter", "current_price", "helps_count", "status", "expires_at")
    list_filter = ("status",)
    search_fields = ("number",)
    inlines = [BargainHelpInline]
