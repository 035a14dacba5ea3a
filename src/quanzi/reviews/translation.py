"""The reviewed variant's label per language, copied from the order line (docs/i18n.md)."""

from modeltranslation.translator import TranslationOptions, register

from quanzi.reviews.models import Review


@register(Review)
class ReviewTranslation(TranslationOptions):
    fields = ("sku_label",)
