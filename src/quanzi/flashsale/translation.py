"""The FlashSale's title per language (django-modeltranslation, docs/i18n.md)."""

from modeltranslation.translator import TranslationOptions, register

from quanzi.flashsale.models import FlashSale


@register(FlashSale)
class FlashSaleTranslation(TranslationOptions):
    fields = ("title",)
