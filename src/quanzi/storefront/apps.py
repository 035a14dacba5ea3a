from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "quanzi.storefront"
    label = "storefront"

    def ready(self) -> None:
        from quanzi.storefront import handlers  # noqa: F401 - subscribe to catalog changes
