from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quanzi.core.adminkit import Decision, DecisionAdmin
from quanzi.shops import services
from quanzi.shops.constants import ShopStatus
from quanzi.shops.models import Shop

PILL = {ShopStatus.APPROVED: "ok", ShopStatus.APPLIED: "warn", ShopStatus.REJECTED: "bad",
        ShopStatus.SUSPENDED: "muted"}


@admin.register(Shop)
class ShopAdmin(DecisionAdmin):
    list_display = ("name", "owner_display", "status_pill", "take_rate_bps", "licence_number", "created_at",
                    "reviewed_at")
    list_display_links = ("name",)
    list_filter = ("status",)
    search_fields = ("name", "licence_number", "contact_name", "contact_phone", "owner__phone", "owner__email",
                     "owner__nickname")
    list_select_related = ("owner",)
    list_editable = ("take_rate_bps",)
    ordering = ("-id",)
    date_hierarchy = "created_at"
    readonly_fields = ("name", "owner_display", "status_pill", "review_note", "logo_preview", "description",
                       "licence_number", "contact_name", "contact_phone", "created_at", "reviewed_at")
    fieldsets = (
        (None, {"fields": ("name", "status_pill", "review_note", "owner_display", "logo_preview", "description")}),
        (_("Business licence and contact"), {"fields": ("licence_number", "contact_name", "contact_phone")}),
        (_("Take rate"), {"fields": ("take_rate_bps",)}),
        (_("Dates"), {"fields": ("created_at", "reviewed_at")}),
    )
    decisions = (
        Decision("approve", _("Approve"), lambda shop, note: services.shop_approve(shop_id=shop.pk, note=note),
                 applies=lambda s: s.status != ShopStatus.APPROVED, ask_note=False),
        Decision("reject", _("Reject (with note)"),
                 lambda shop, note: services.shop_reject(shop_id=shop.pk, note=note),
                 applies=lambda s: s.status == ShopStatus.APPLIED, note_required=True, danger=True,
                 help=_("The merchant sees this note on their application page.")),
        Decision("suspend", _("Suspend"), lambda shop, note: services.shop_suspend(shop_id=shop.pk, note=note),
                 applies=lambda s: s.status == ShopStatus.APPROVED, note_required=True, danger=True,
                 help=_("A suspended shop stops selling until it is approved again.")),
    )

    def has_add_permission(self, request) -> bool:
        return False  # merchants apply from the console

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("owner"), ordering="owner__nickname")
    def owner_display(self, shop):
        owner = shop.owner
        return format_html("{}<br><small>{}</small>", owner.display_name, owner.masked_phone or owner.email or owner.uid)

    @admin.display(description=_("status"), ordering="status")
    def status_pill(self, shop):
        return format_html('<span class="qz-pill {}">{}</span>', PILL.get(shop.status, ""), shop.get_status_display())

    @admin.display(description=_("logo"))
    def logo_preview(self, shop):
        if not shop.logo:
            return "—"
        return format_html('<img src="{}" alt="" width="64" height="64" style="border-radius:12px">', shop.logo.url)
