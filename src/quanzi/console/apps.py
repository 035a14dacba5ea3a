from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "quanzi.console"
    label = "console"
