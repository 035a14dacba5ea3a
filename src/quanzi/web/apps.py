from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The shared web layer: view helpers, template tags, the base templates and design
    components, and page slots. Below every app that renders pages; imports no app."""

    name = "quanzi.web"
    label = "web"
    verbose_name = _("Web layer")

    def ready(self) -> None:
        from quanzi.web import checks  # noqa: F401 - every registered slot entry names a declared slot
