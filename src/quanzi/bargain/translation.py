"""The BargainCampaign's title per language (django-modeltranslation, docs/i18n.md)."""

from modeltranslation.translator import TranslationOptions, register

from quanzi.bargain.models import BargainCampaign


@register(BargainCampaign)
class BargainCampaignTranslation(TranslationOptions):
    fields = ("title",)
