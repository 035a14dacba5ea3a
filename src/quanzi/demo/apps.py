from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "quanzi.demo"
    label = "demo"
