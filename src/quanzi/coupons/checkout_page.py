"""The checkout page's coupon picker (slot `checkout.offers`) and the shopper's choice in the checkout context."""


def register() -> None:
    pass
