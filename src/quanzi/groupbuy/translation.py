"""The GroupCampaign's title per language (django-modeltranslation, docs/i18n.md)."""

from modeltranslation.translator import TranslationOptions, register

from quanzi.groupbuy.models import GroupCampaign


@register(GroupCampaign)
class GroupCampaignTranslation(TranslationOptions):
    fields = ("title",)
