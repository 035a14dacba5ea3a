from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuaranteesConfig(AppConfig):
    name = "quanzi.guarantees"
    label = "guarantees"
    verbose_name = _("Guarantees and disputes")
