from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanzi.catalog.constants import ProductStatus
from quanzi.shops.models import Shop


class Category(models.Model):
    name = models.CharField(_("name"), max_length=40)  # per language: name_zh_hans, name_en (catalog/translation.py)
    slug = models.SlugField(unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    sort = models.IntegerField(_("sort"), default=0)
    icon = models.CharField(max_length=8, blank=True, help_text=_("An emoji shown on the home page."))
    take_rate_bps = models.PositiveIntegerField(
        _("take rate override (bps)"), null=True, blank=True,
        help_text=_("Leave empty to use the platform default. 500 = 5%."))

    class Meta:
        ordering = ["sort", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    title = models.CharField(_("title"), max_length=120)
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=20000, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ProductStatus.choices, default=ProductStatus.DRAFT)
    returnable_7day = models.BooleanField(
        _("7-day no-reason return"), default=True,
        help_text=_("Off only for goods the law exempts (custom-made, fresh, digital, opened software…)."))
    max_per_order = models.PositiveIntegerField(_("max quantity per order"), default=0,
                                                help_text=_("0 = the platform limit."))
    # Denormalised for listings; maintained by catalog services from the SKUs and paid orders.
    min_price = models.BigIntegerField(default=0)
    sold_count = models.BigIntegerField(default=0)
    cover = models.CharField(max_length=255, blank=True)
    cover_thumb = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["status", "-sold_count"]),
            models.Index(fields=["shop", "status"]),
            models.Index(fields=["category", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_on_shelf(self) -> bool:
        return self.status == ProductStatus.ON_SHELF


class ProductImage(models.Model):
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="images")
    image = models.CharField(max_length=255)
    thumb = models.CharField(max_length=255)
    sort = models.IntegerField(_("sort"), default=0)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["sort", "id"]


class ProductOption(models.Model):
    """An axis of variation, e.g. 颜色 (colour) with values 红 / 蓝."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="options")
    name = models.CharField(_("name"), max_length=20)
    values = models.JSONField(default=list)
    sort = models.IntegerField(_("sort"), default=0)

    class Meta:
        verbose_name = _("product option")
        verbose_name_plural = _("product options")
        ordering = ["sort", "id"]
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="uniq_option_per_product")]


class Sku(models.Model):
    """One sellable combination of option values with its own price, stock and image.

    `stock` is what is free to sell. Orders take from it with one conditional UPDATE
    (`stock = stock - n WHERE stock >= n`), so it can never go negative, without a lock held
    across the request. Stock set aside for a campaign lives in CampaignStock, not here.
    """

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="skus")
    code = models.CharField(_("SKU code"), max_length=40, blank=True)
    option_values = models.JSONField(default=dict)  # {"颜色": "红", "尺码": "M"}
    label = models.CharField(max_length=120, blank=True)  # "红 / M"
    price = models.BigIntegerField(_("price (fen)"))
    compare_at_price = models.BigIntegerField(_("original price (fen)"), null=True, blank=True)
    stock = models.IntegerField(_("stock"), default=0)
    image = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name_plural = _("SKUs")
        ordering = ["id"]
        verbose_name = _("SKU")
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="sku_stock_non_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="sku_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}:{self.label or self.pk}"


class CampaignStock(models.Model):
    """Stock set aside from a SKU for a campaign (group buy, flash sale, live price).

    Another app calls `stock_set_aside(...)` with its own `campaign_key` ("flash:12"); orders whose
    price source names that key take from this pool instead of the SKU's free stock.
    """

    sku = models.ForeignKey(Sku, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="campaign_stocks")
    campaign_key = models.CharField(max_length=80)
    quantity = models.IntegerField(_("quantity"), default=0)

    class Meta:
        verbose_name = _("campaign stock")
        verbose_name_plural = _("campaign stock")
        constraints = [
            models.UniqueConstraint(fields=["sku", "campaign_key"], name="uniq_campaign_stock"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="campaign_stock_non_negative"),
        ]


class SearchTerm(models.Model):
    """Inverted index of jieba-segmented product words: term → product (see docs/catalog.md)."""

    term = models.CharField(max_length=40)
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="search_terms")
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [models.UniqueConstraint(fields=["term", "product"], name="uniq_search_term")]
        indexes = [models.Index(fields=["term"])]


class Banner(models.Model):
    title = models.CharField(_("title"), max_length=80)
    title_en = models.CharField(max_length=80, blank=True)
    subtitle = models.CharField(max_length=120, blank=True)
    image = models.CharField(max_length=255, blank=True)
    link = models.CharField(_("link"), max_length=255, blank=True)
    color = models.CharField(_("colour"), max_length=20, default="#ff5a5f")
    sort = models.IntegerField(_("sort"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("banner")
        verbose_name_plural = _("banners")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.title
