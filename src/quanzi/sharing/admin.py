"""Operator admin for sharing: the programme settings (one row), and read-only links, clicks,
bindings, conversions, invitation codes and uplines. An upline never changes, so it is read-only too."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from quanzi.core.adminkit import ReadOnlyAdmin, yuan
from quanzi.sharing.models import (
    AttributionBinding,
    Invitation,
    ShareClick,
    ShareConversion,
    ShareLink,
    SharingSettings,
    Upline,
)


@admin.register(SharingSettings)
class SharingSettingsAdmin(admin.ModelAdmin):
    """One row (pk=1). The list page opens it directly; without a row the defaults apply."""

    list_display = ("window_days", "click_rule", "upline_rule", "link_ttl_days", "signup_window_hours")

    def has_add_permission(self, request) -> bool:
        return not SharingSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        if SharingSettings.objects.filter(pk=1).exists():
            return HttpResponseRedirect(reverse("admin:sharing_sharingsettings_change", args=[1]))
        return HttpResponseRedirect(reverse("admin:sharing_sharingsettings_add"))


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnlyAdmin):
    list_display = ("code", "sharer", "target_type", "target_id", "created_at", "expires_at")
    list_filter = ("target_type",)
    search_fields = ("code", "sharer__phone", "sharer__nickname", "sharer__uid")
    list_select_related = ("sharer",)
    ordering = ("-id",)


@admin.register(ShareClick)
class ShareClickAdmin(ReadOnlyAdmin):
    list_display = ("link", "user", "ip", "device", "self_click", "at")
    list_filter = ("self_click",)
    search_fields = ("link__code", "ip", "device")
    list_select_related = ("link", "user")
    ordering = ("-id",)
    date_hierarchy = "at"


@admin.register(AttributionBinding)
class AttributionBindingAdmin(ReadOnlyAdmin):
    list_display = ("user", "product_id", "sharer", "link", "clicked_at", "expires_at", "self_purchase")
    search_fields = ("link__code", "user__phone", "sharer__phone")
    list_select_related = ("user", "sharer", "link")
    ordering = ("-id",)


@admin.register(ShareConversion)
class ShareConversionAdmin(ReadOnlyAdmin):
    list_display = ("link", "sharer", "buyer", "order_id", "line_id", "amount_display", "self_purchase", "at")
    list_filter = ("self_purchase",)
    search_fields = ("link__code", "order_id")
    list_select_related = ("link", "sharer", "buyer")
    ordering = ("-id",)

    @admin.display(description=_("amount"))
    def amount_display(self, obj):
        return yuan(obj.amount)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("code", "user", "created_at")
    search_fields = ("code", "user__phone", "user__nickname")
    list_select_related = ("user",)


@admin.register(Upline)
class UplineAdmin(ReadOnlyAdmin):
    list_display = ("user", "upline", "via", "code", "bound_at")
    list_filter = ("via",)
    search_fields = ("user__phone", "user__nickname", "upline__phone", "upline__nickname", "code")
    list_select_related = ("user", "upline")
    ordering = ("-id",)
