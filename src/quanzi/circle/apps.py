from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CircleConfig(AppConfig):
    name = "quanzi.circle"
    label = "circle"
    verbose_name = _("Circle")
