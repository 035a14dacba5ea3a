from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quanzi.catalog import services
from quanzi.catalog.constants import ProductStatus
from quanzi.catalog.models import Banner, Category, Product, Sku
from quanzi.core.adminkit import Decision, DecisionAdmin, ReadOnlyAdmin, ReadOnlyInline, yuan
from quanzi.core.images import media_url

PILL = {ProductStatus.ON_SHELF: "ok", ProductStatus.DRAFT: "muted", ProductStatus.OFF_SHELF: "warn"}


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name_zh_hans", "name_en", "slug", "parent", "icon", "sort", "take_rate_bps")
    list_editable = ("icon", "sort", "take_rate_bps")
    list_select_related = ("parent",)
    search_fields = ("name_zh_hans", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    fields = ("name_zh_hans", "name_en", "slug", "parent", "icon", "sort", "take_rate_bps")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # products point at categories; rename or re-sort instead


class SkuInline(ReadOnlyInline):
    model = Sku
    fields = ("label", "code", "price_display", "stock", "is_active")
    readonly_fields = fields

    @admin.display(description=_("price"))
    def price_display(self, sku):
        return yuan(sku.price)


@admin.register(Product)
class ProductAdmin(DecisionAdmin, ReadOnlyAdmin):
    """Read-mostly: merchants edit their products in the console; the operator can take one off the shelf."""

    list_display = ("thumb", "title", "shop", "category", "status_pill", "price_display", "sold_count",
                    "updated_at")
    list_display_links = ("thumb", "title")
    list_filter = ("status", "category")
    search_fields = ("title", "subtitle", "shop__name")
    list_select_related = ("shop", "category")
    ordering = ("-id",)
    inlines = [SkuInline]
    fields = ("title", "subtitle", "shop", "category", "status", "price_display", "sold_count",
              "returnable_7day", "max_per_order", "cover_preview", "description", "created_at", "updated_at")
    readonly_fields = fields
    decisions = (
        Decision("take_off_shelf", _("Take off the shelf"),
                 lambda p, note: services.product_set_status(product=p, status=ProductStatus.OFF_SHELF),
                 applies=lambda p: p.status == ProductStatus.ON_SHELF, ask_note=False, danger=True),
    )

    @admin.display(description="")
    def thumb(self, product):
        if not product.cover_thumb:
            return ""
        return format_html('<img src="{}" alt="" width="40" height="40" style="border-radius:6px;object-fit:cover">',
                           media_url(product.cover_thumb))

    @admin.display(description=_("cover"))
    def cover_preview(self, product):
        if not product.cover:
            return "—"
        return format_html('<img src="{}" alt="" width="160" style="border-radius:10px">', media_url(product.cover))

    @admin.display(description=_("status"), ordering="status")
    def status_pill(self, product):
        return format_html('<span class="qz-pill {}">{}</span>', PILL.get(product.status, ""),
                           product.get_status_display())

    @admin.display(description=_("price from"), ordering="min_price")
    def price_display(self, product):
        return yuan(product.min_price)


@admin.register(Banner)
class BannerAdmin(admin.ModelAdmin):
    list_display = ("title", "title_en", "subtitle", "link", "color_swatch", "sort", "is_active")
    list_editable = ("sort", "is_active")
    fields = ("title", "title_en", "subtitle", "image", "link", "color", "sort", "is_active")

    @admin.display(description=_("colour"))
    def color_swatch(self, banner):
        return format_html('<span class="qz-pill" style="background:{};color:#fff">{}</span>', banner.color,
                           banner.color)
