"""Nothing of the sandbox in production (docs/payments.md, "The sandbox in production"): with QUANZI_ENV=prod
the system checks fail — so `check --deploy`, `migrate` and `runserver` refuse to start — while the
sandbox's published secrets are in use, a sandbox is enabled without QUANZI_SANDBOX_IN_PRODUCTION=1, or the
media server's hook token is empty; and neither the sandbox cashier nor "advance parcel" is mounted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import resolve

from quanzi.live.checks import live_hook_token_in_production
from quanzi.payments.checks import no_sandbox_payments_in_production, payment_providers_configured
from quanzi.shipping.checks import no_sandbox_carrier_in_production

ROOT = Path(__file__).resolve().parents[1]
SAFE = {"ENV": "prod", "SANDBOX_PAY_SECRET": "s" * 40, "SANDBOX_CARRIER_SECRET": "c" * 40, "PAYMENT_PROVIDERS": "",
        "SANDBOX_CARRIER": False, "SANDBOX_IN_PRODUCTION": False}


@pytest.fixture
def prod(settings):
    """Production settings with every secret replaced and no sandbox: `prod(**changes)` changes some."""

    def configure(**changes):
        settings.QUANZI = {**settings.QUANZI, **SAFE, **changes}
        settings.LIVE_HOOK_TOKEN = changes.pop("LIVE_HOOK_TOKEN", "t" * 40)

    configure()
    return configure


def ids(errors) -> list[str]:
    return [error.id for error in errors]


def all_checks() -> list[str]:
    return ids(no_sandbox_payments_in_production(None) + no_sandbox_carrier_in_production(None)
               + live_hook_token_in_production(None) + payment_providers_configured(None))


def test_a_production_site_without_anything_of_the_sandbox_passes(prod):
    assert all_checks() == []


@pytest.mark.parametrize(("change", "error"), [
    ({"SANDBOX_PAY_SECRET": "sandbox-pay-secret-dev"}, "payments.E003"),
    ({"SANDBOX_PAY_SECRET": ""}, "payments.E003"),
    ({"PAYMENT_PROVIDERS": "sandbox"}, "payments.E004"),
    ({"PAYMENT_PROVIDERS": " sandbox ,"}, "payments.E004"),
    ({"SANDBOX_CARRIER_SECRET": "sandbox-carrier-secret-dev"}, "shipping.E001"),
    ({"SANDBOX_CARRIER": True}, "shipping.E002"),
    ({"LIVE_HOOK_TOKEN": "  "}, "live.E001"),
])
def test_each_sandbox_leftover_fails_the_production_checks(prod, change, error):
    prod(**change)
    assert all_checks() == [error]


def test_the_messages_say_what_is_wrong_and_how_to_fix_it(prod):
    prod(SANDBOX_PAY_SECRET="sandbox-pay-secret-dev", PAYMENT_PROVIDERS="sandbox")
    errors = no_sandbox_payments_in_production(None)
    assert "QUANZI_SANDBOX_PAY_SECRET is the published default" in errors[0].msg
    assert "QUANZI_SANDBOX_IN_PRODUCTION=1" in errors[1].hint


def test_a_staging_site_may_opt_in_to_the_sandboxes(prod):
    prod(PAYMENT_PROVIDERS="sandbox", SANDBOX_CARRIER=True, SANDBOX_IN_PRODUCTION=True)
    assert all_checks() == []


def test_the_opt_in_does_not_excuse_the_published_secrets(prod):
    prod(PAYMENT_PROVIDERS="sandbox", SANDBOX_IN_PRODUCTION=True, SANDBOX_PAY_SECRET="sandbox-pay-secret-dev",
         SANDBOX_CARRIER_SECRET="sandbox-carrier-secret-dev")
    assert sorted(all_checks()) == ["payments.E003", "shipping.E001"]


def test_outside_production_the_sandboxes_are_fine(settings):
    settings.QUANZI = {**settings.QUANZI, "ENV": "test", "PAYMENT_PROVIDERS": "sandbox"}
    settings.LIVE_HOOK_TOKEN = ""
    assert ids(no_sandbox_payments_in_production(None) + no_sandbox_carrier_in_production(None)
               + live_hook_token_in_production(None)) == []


def test_an_unknown_or_unconfigured_provider_fails_the_checks_everywhere(settings):
    settings.QUANZI = {**settings.QUANZI, "PAYMENT_PROVIDERS": "sandbox,alipay,paypal", "ALIPAY": {}}
    errors = payment_providers_configured(None)
    assert ids(errors) == ["payments.E002", "payments.E001"]
    assert "QUANZI_ALIPAY_APP_ID" in errors[0].msg and "'paypal'" in errors[1].msg


def test_the_sandbox_cashier_answers_404_once_the_sandbox_is_not_enabled(settings, client, place_order, sku):
    _orders, payment = place_order([(sku, 1)])
    assert client.get(f"/sandbox/pay/{payment.number}/").status_code == 200
    settings.QUANZI = {**settings.QUANZI, "PAYMENT_PROVIDERS": "alipay"}
    assert client.get(f"/sandbox/pay/{payment.number}/").status_code == 404


# ---------------------------------------------------------------- end to end, as an operator starts it


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items()
               if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL") and not k.startswith(("QUANZI_", "LIVE_"))}
    environ.update(QUANZI_ENV="prod", SECRET_KEY="x9" * 13 + "Zq-7!" * 6, **env)
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=120, check=False)


def test_check_deploy_in_production_with_the_published_defaults_fails_with_clear_messages():
    result = _manage("check", "--deploy", QUANZI_PAYMENT_PROVIDERS="sandbox")

    assert result.returncode != 0
    for message in ("(payments.E003) QUANZI_SANDBOX_PAY_SECRET is the published default",
                    "(payments.E004) The sandbox payment provider is enabled in production",
                    "(shipping.E001) QUANZI_SANDBOX_CARRIER_SECRET is the published default",
                    "(live.E001) LIVE_HOOK_TOKEN is empty"):
        assert message in result.stderr, result.stderr


ROUTES = """
from django.urls import Resolver404, resolve
for path in ("/sandbox/pay/P1/", "/orders/O1/advance-parcel/"):
    try:
        print(path, resolve(path).url_name)
    except Resolver404:
        print(path, "not mounted")
"""


def test_outside_production_both_sandbox_routes_are_mounted():
    assert resolve("/sandbox/pay/P1/").url_name == "sandbox_cashier"
    assert resolve("/orders/O1/advance-parcel/").url_name == "order_advance_parcel"


def test_in_production_the_sandbox_cashier_and_advance_parcel_are_not_mounted():
    result = _manage("shell", "-c", ROUTES, QUANZI_SANDBOX_PAY_SECRET="p" * 40, QUANZI_SANDBOX_CARRIER_SECRET="c" * 40,
                     LIVE_HOOK_TOKEN="t" * 40)

    assert result.returncode == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("/")] == [
        "/sandbox/pay/P1/ not mounted", "/orders/O1/advance-parcel/ not mounted"]
