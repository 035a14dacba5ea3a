"""Search holds nothing about a person: the index describes products, synonyms are words of the platform or
of a shop, and the query log counts normalised queries with no user, session or time of a person."""

from quanzi.core.personal_data import declare

declare(app="search", personal={}, not_personal={
    "search.SearchDocument.title": "a product's title (catalog data), copied for the index",
    "search.SearchDocument.title_en": "a product's English title (catalog data)",
    "search.SearchDocument.tokens": "words of a product's texts and their pinyin, for the full-text index",
    "search.SearchDocument.shop_label": "a shop's public name, for the shop facet",
    "search.SearchDocument.category_label": "a category's name, for the category facet",
    "search.SearchDocument.category_label_en": "a category's English name, for the category facet",
})
