"""An order line's title and SKU label per language: the snapshot copies every language the product
had when it was bought (core.translated_columns.texts_per_language), so each reader of the order sees
their own (docs/i18n.md)."""

from modeltranslation.translator import TranslationOptions, register

from quanzi.orders.models import OrderLine


@register(OrderLine)
class OrderLineTranslation(TranslationOptions):
    fields = ("title", "sku_label")
