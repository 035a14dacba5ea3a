"""A shop's name and description per language (django-modeltranslation, docs/i18n.md)."""

from modeltranslation.translator import TranslationOptions, register

from quanzi.shops.models import Shop


@register(Shop)
class ShopTranslation(TranslationOptions):
    fields = ("name", "description", "review_note")
