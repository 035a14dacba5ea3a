from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "quanzi.storefront"
    label = "storefront"
