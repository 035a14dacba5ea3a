"""Operator pages: campaigns (the operator-only auto-complete switch lives here), groups and members,
read-only except for that switch."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from quanzi.groupbuy import services
from quanzi.groupbuy.models import CampaignSku, Group, GroupCampaign, GroupMember


class CampaignSkuInline(admin.TabularInline):
    model = CampaignSku
    extra = 0
    can_delete = False
    readonly_fields = ("sku", "group_price", "stock")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(GroupCampaign)
class GroupCampaignAdmin(admin.ModelAdmin):
    list_display = ("pk", "title", "shop", "group_size", "status", "auto_complete_at_deadline", "starts_at", "ends_at")
    list_filter = ("status", "auto_complete_at_deadline")
    search_fields = ("title",)
    inlines = [CampaignSkuInline]
    actions = ["allow_auto_complete", "forbid_auto_complete"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in GroupCampaign._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Allow auto-complete at deadline"))
    def allow_auto_complete(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.campaign_set_auto_complete(campaign_id=pk, enabled=True)
        messages.success(request, _("Auto-complete allowed."))

    @admin.action(description=_("Turn auto-complete off"))
    def forbid_auto_complete(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.campaign_set_auto_complete(campaign_id=pk, enabled=False)
        messages.success(request, _("Auto-complete turned off."))


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    can_delete = False
    fields = ("user", "order", "status", "paid", "amount", "is_leader", "joined_at", "paid_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("number", "campaign", "leader", "size", "joined_count", "paid_count", "status", "deadline")
    list_filter = ("status",)
    search_fields = ("number",)
    inlines = [GroupMemberInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Group._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
