"""catalog holds no personal data: these fields only look like it (PII inventory, quanzi.core.personal_data)."""

from quanzi.core.personal_data import declare

declare(
    app="catalog",
    personal={},
    not_personal={
        "catalog.Category.name": "a category of goods",
        "catalog.Product.title": "a product written by a merchant for the public",
        "catalog.Product.description": "a product written by a merchant for the public",
        "catalog.ProductOption.name": "a product option (colour, size)",
        "catalog.ProductOption.values": "a product option's values",
        "catalog.Sku.option_values": "a SKU's option values",
        "catalog.Banner.title": "a home-page banner written by the operator",
    },
)
