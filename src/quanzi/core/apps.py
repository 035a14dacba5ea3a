from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "quanzi.core"
    label = "core"
