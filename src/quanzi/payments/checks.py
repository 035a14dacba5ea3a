"""System checks of payments (`manage.py check`, so `check --deploy`, `migrate` and `runserver` too).

Everywhere: every name in QUANZI_PAYMENT_PROVIDERS is a known provider, and each enabled provider's
settings are complete (its keys can be read).
In production (QUANZI_ENV=prod): nothing of the sandbox. The sandbox's HMAC secret is published in
the source, so anyone could sign a "paid" notification with it: it must be replaced, and the sandbox
provider may only be enabled with the explicit opt-in QUANZI_SANDBOX_IN_PRODUCTION=1 (a staging site).
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from quanzi.payments.providers import payment_providers
from quanzi.payments.providers.sandbox import PUBLISHED_SECRET


def is_production() -> bool:
    return settings.QUANZI.get("ENV") == "prod"


def _named_providers() -> list[str]:
    value = settings.QUANZI.get("PAYMENT_PROVIDERS", "") or ""
    names = value.split(",") if isinstance(value, str) else list(value)
    return [str(n).strip() for n in names if str(n).strip()]


@register()
def payment_providers_configured(app_configs, **kwargs):
    errors = []
    for code in _named_providers():
        provider = payment_providers.get(code)
        if provider is None:
            errors.append(Error(f"QUANZI_PAYMENT_PROVIDERS names {code!r}, which is not a payment provider "
                                f"(known: {', '.join(payment_providers.keys())}).", id="payments.E001"))
            continue
        problems = getattr(provider, "configuration_problems", None)
        for problem in (problems() if callable(problems) else []):
            errors.append(Error(f"Payment provider {code!r} is enabled but not configured: {problem}",
                                hint="See docs/payments.md for the settings of each provider.", id="payments.E002"))
    return errors


@register()
def no_sandbox_payments_in_production(app_configs, **kwargs):
    if not is_production():
        return []
    errors = []
    secret = settings.QUANZI.get("SANDBOX_PAY_SECRET") or ""
    if secret in ("", PUBLISHED_SECRET):
        errors.append(Error(
            "QUANZI_SANDBOX_PAY_SECRET is the published default (or empty): anyone can sign a sandbox "
            "payment notification with it.",
            hint="Set QUANZI_SANDBOX_PAY_SECRET to a long random value, even if the sandbox is not enabled.",
            id="payments.E003"))
    if "sandbox" in _named_providers() and not settings.QUANZI.get("SANDBOX_IN_PRODUCTION"):
        errors.append(Error(
            "The sandbox payment provider is enabled in production (QUANZI_PAYMENT_PROVIDERS names it): "
            "shoppers could 'pay' with test money.",
            hint="Remove 'sandbox' from QUANZI_PAYMENT_PROVIDERS, or — for a staging site only — opt in with "
                 "QUANZI_SANDBOX_IN_PRODUCTION=1.",
            id="payments.E004"))
    return errors
