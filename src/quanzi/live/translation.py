"""The LiveRoom's title per language (django-modeltranslation, docs/i18n.md)."""

from modeltranslation.translator import TranslationOptions, register

from quanzi.live.models import LiveRoom


@register(LiveRoom)
class LiveRoomTranslation(TranslationOptions):
    fields = ("title",)
