"""Where the shopper lands after paying, per payment purpose (registered by the owning app)."""

from collections.abc import Callable

from quanzi.core.registry import Registry

return_urls: Registry[Callable] = Registry(
    "payments.return_urls", keyed=True, owner=__name__,
    doc="Where the shopper lands after paying, by payment purpose: `fn(payment) -> path`.")


def return_url_for(payment) -> str:
    fn = return_urls.get(payment.purpose)
    return fn(payment) if fn else "/"
