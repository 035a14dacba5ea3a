"""System checks of the kernel: settings that would make the outbox silently stop delivering."""

from django.conf import settings
from django.core.checks import Error, register

DISPATCH_MODES = ("inline", "celery", "worker")


@register()
def outbox_dispatch_mode(app_configs, **kwargs):
    mode = settings.QUANZI.get("OUTBOX_DISPATCH", "inline")
    if mode not in DISPATCH_MODES:
        return [Error(f"QUANZI_OUTBOX_DISPATCH is {mode!r}; use one of {', '.join(DISPATCH_MODES)}.",
                      id="quanzi.E001")]
    return []
