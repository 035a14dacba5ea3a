"""Where the shopper lands after paying, per payment purpose (registered by the owning app)."""

from collections.abc import Callable

_return_urls: dict[str, Callable] = {}


def register_return_url(purpose: str, fn: Callable) -> None:
    _return_urls[purpose] = fn


def return_url_for(payment) -> str:
    fn = _return_urls.get(payment.purpose)
    return fn(payment) if fn else "/"
