"""Which catalog texts are stored per language (django-modeltranslation, docs/i18n.md).

A merchant writes a product once, in the language of the console, and may add the other language
with `catalog.services.product_translate`; `product.title` then reads the visitor's language and
falls back to the one that exists. Option names, values and SKU labels travel together so the
product page's option buttons keep matching their SKUs in either language.
"""

from modeltranslation.translator import TranslationOptions, register

from quanzi.catalog.models import Banner, Category, Product, ProductOption, Sku


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = ("title", "subtitle", "description")
    # A translation written without a subtitle or description has none in that language (""), rather
    # than showing the other language's; only a language never written (NULL) falls back.
    fallback_undefined = {"subtitle": None, "description": None}


@register(ProductOption)
class ProductOptionTranslation(TranslationOptions):
    fields = ("name", "values")


@register(Sku)
class SkuTranslation(TranslationOptions):
    fields = ("label", "option_values")


@register(Banner)
class BannerTranslation(TranslationOptions):
    fields = ("subtitle",)
