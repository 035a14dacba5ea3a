"""Hooks of the shopper pages that are not places on a page: what a visit or a checkout carries along.

The storefront calls them; feature apps register into them from their `AppConfig.ready()`. They are
defined here, in the web layer, so a feature app can plug in without importing the storefront:

    from quanzi.web.page_hooks import checkout_context_providers, product_visit_hooks

    product_visit_hooks.register(remember_note, key="content.from_note")
    checkout_context_providers.register(note_context, key="content.from_note")

- `product_visit_hooks`: `fn(request, product_id)`, called on every product page view, before the
  anonymous page cache answers (remember where the visitor came from, in the session).
- `checkout_context_providers`: `fn(request) -> dict`, merged into the `context` that the page
  checkout passes to `orders.checkout.checkout_and_pay`, which the attribution providers read.
"""

from __future__ import annotations

from quanzi.core.registry import Registry

product_visit_hooks: Registry = Registry(
    "web.product_visit_hooks", keyed=True, owner=__name__,
    doc="fn(request, product_id), called on every product page view before the page cache answers.")

checkout_context_providers: Registry = Registry(
    "web.checkout_context_providers", keyed=True, owner=__name__,
    doc="fn(request) -> dict, merged into the checkout context the page checkout passes to checkout_and_pay.")


def product_visited(request, product_id: int) -> None:
    for hook in product_visit_hooks:
        hook(request, product_id)


def checkout_context(request) -> dict:
    context: dict = {}
    for provider in checkout_context_providers:
        context.update(provider(request) or {})
    return context
