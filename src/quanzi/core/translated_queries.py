"""A correction to django-modeltranslation's querysets: keep Meta.ordering implicit.

modeltranslation's MultilingualQuerySet turns a model's `Meta.ordering` into an explicit
`order_by()` on every new queryset, so it can rewrite a translated field in it. Django leaves an
explicit ordering in GROUP BY, so `OrderLine.objects.values("product_id").annotate(Sum("quantity"))`
grouped by line instead of by product — sold counts, reports and sums came out per row
(upstream: deschler/django-modeltranslation#559, open). We keep the library's behaviour only for a
model whose default ordering names a translated field (none of ours does) and otherwise let Django
apply `Meta.ordering` itself, which it drops from aggregate queries.
"""

from __future__ import annotations

from modeltranslation.manager import MultilingualQuerySet, rewrite_order_lookup_key

_library_post_init = MultilingualQuerySet._post_init


def _orders_by_a_translated_field(model) -> bool:
    return any(rewrite_order_lookup_key(model, key.lstrip("-")) != key.lstrip("-")
               for key in model._meta.ordering if isinstance(key, str))


def _post_init(self) -> None:
    if self.model is not None and _orders_by_a_translated_field(self.model):
        _library_post_init(self)
        return
    self._rewrite = True
    self._populate = None


def install() -> None:
    """Called once from CoreConfig.ready()."""
    MultilingualQuerySet._post_init = _post_init
