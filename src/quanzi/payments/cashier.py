"""What the shopper may choose at the cashier: the enabled providers' methods that fit the device.

Enabled providers are the registered ones named in `QUANZI["PAYMENT_PROVIDERS"]` (the environment's
`QUANZI_PAYMENT_PROVIDERS`; production names none by default). Each method fits some devices:
Alipay's page pay a desktop browser, its WAP pay a phone; WeChat's Native (a QR code) a desktop,
H5 a phone's browser, JSAPI WeChat's own browser. A provider whose method fits differently says so
in `method_devices` (the sandbox's one page fits everything).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from quanzi.payments.providers import PaymentProvider, payment_providers

DESKTOP, MOBILE, WECHAT = "desktop", "mobile", "wechat"
DEVICES = (DESKTOP, MOBILE, WECHAT)
METHOD_DEVICES: dict[str, tuple[str, ...]] = {
    "page": (DESKTOP,), "wap": (MOBILE,), "native": (DESKTOP,), "h5": (MOBILE,), "jsapi": (WECHAT,),
}
METHOD_HINTS = {
    "page": _("On the provider's website: log in, or scan its QR code with the app"),
    "wap": _("Opens the app on this phone, or the provider's mobile page"),
    "native": _("Scan a QR code with WeChat on your phone"),
    "h5": _("Opens WeChat on this phone to pay"),
    "jsapi": _("Pay right here in WeChat"),
}
_MOBILE = re.compile(r"Mobile|Android|iPhone|iPod|HarmonyOS|Windows Phone|OpenHarmony", re.I)


@dataclass(frozen=True)
class Choice:
    provider: str
    method: str
    label: str  # the provider's name
    hint: str  # how this method works, for the shopper
    fits: bool  # works on the shopper's device

    @property
    def key(self) -> str:
        return f"{self.provider}:{self.method}"


def enabled_codes() -> list[str]:
    """The codes of the enabled providers, in the order the settings name them."""
    value = settings.QUANZI.get("PAYMENT_PROVIDERS", "") or ""
    names = value.split(",") if isinstance(value, str) else list(value)
    codes = []
    for name in names:
        code = str(name).strip()
        if code and code in payment_providers and code not in codes:
            codes.append(code)
    return codes


def is_enabled(code: str) -> bool:
    return code in enabled_codes()


def enabled_providers() -> list[PaymentProvider]:
    return [payment_providers.get(code) for code in enabled_codes()]


def device_of(user_agent: str) -> str:
    """desktop, mobile (a phone's browser) or wechat (WeChat's built-in browser)."""
    user_agent = user_agent or ""
    if "MicroMessenger" in user_agent:
        return WECHAT
    return MOBILE if _MOBILE.search(user_agent) else DESKTOP


def _fits(provider: PaymentProvider, method: str, device: str | None) -> bool:
    if device is None:
        return True
    devices = (getattr(provider, "method_devices", None) or {}).get(method) or METHOD_DEVICES.get(method, DEVICES)
    return device in devices


def _hint(provider: PaymentProvider, method: str) -> str:
    hints = getattr(provider, "method_hints", None) or {}
    return str(hints.get(method) or METHOD_HINTS.get(method, ""))


def choices(*, device: str | None = None) -> list[Choice]:
    """Every enabled provider's methods, the ones that fit `device` first (None: all fit)."""
    found = []
    for provider in enabled_providers():
        for method in provider.methods:
            found.append(Choice(provider=provider.code, method=method, label=str(provider.label),
                                hint=_hint(provider, method), fits=_fits(provider, method, device)))
    return sorted(found, key=lambda c: not c.fits)


def find(*, provider: str, method: str) -> Choice | None:
    return next((c for c in choices() if c.provider == provider and c.method == method), None)


def only_choice() -> Choice | None:
    """The one provider and method there is to choose from, if there is exactly one (then the cashier
    is skipped: the payment goes straight to it, as the sandbox does in dev and tests)."""
    found = choices()
    return found[0] if len(found) == 1 else None


def form_action_origins() -> list[str]:
    """The provider pages the cashier's form may lead to. A browser applies the Content-Security-Policy's
    `form-action` to the redirect after a form too, so these are added to it (`csp_sources`); a page on
    another origin is reached through a "continue" step instead."""
    origins: list[str] = []
    for provider in enabled_providers():
        found = getattr(provider, "csp_origins", None)
        for origin in (found() if callable(found) else []):
            if origin and origin not in origins:
                origins.append(origin)
    return origins


def csp_sources() -> dict[str, list[str]]:
    """For core.csp.csp_sources (registered in PaymentsConfig.ready)."""
    origins = form_action_origins()
    return {"form-action": origins} if origins else {}


def redirect_allowed(url: str) -> bool:
    """May the cashier's form answer with a redirect to `url` (same site, or a registered gateway)?"""
    from urllib.parse import urlsplit

    parts = urlsplit(url or "")
    if not parts.scheme and not parts.netloc:
        return url.startswith("/") and not url.startswith("//")
    return f"{parts.scheme}://{parts.netloc}" in form_action_origins()
