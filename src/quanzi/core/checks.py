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


@register()
def security_settings(app_configs, **kwargs):
    """The CSP mode, the trusted proxies and the WebSocket origins must be readable (core.csp,
    core.client_address, core.middleware.WebSocketOriginCheck)."""
    import ipaddress

    from quanzi.core.csp import MODES

    errors = []
    mode = settings.QUANZI.get("CSP_MODE", "enforce")
    if mode not in MODES:
        errors.append(Error(f"QUANZI_CSP_MODE is {mode!r}; use one of {', '.join(MODES)}.", id="quanzi.csp.E001"))
    for entry in settings.QUANZI.get("TRUSTED_PROXIES") or ():
        if entry.strip().lower() == "unix":
            continue
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            errors.append(Error(f"QUANZI_TRUSTED_PROXIES has {entry!r}, which is not an address or a network.",
                                id="quanzi.proxy.E001"))
    if "*" in (settings.QUANZI.get("WS_ALLOWED_ORIGINS") or ()):
        errors.append(Error("QUANZI_WS_ALLOWED_ORIGINS may not contain '*': list the origins of your site.",
                            id="quanzi.ws.E001"))
    return errors
