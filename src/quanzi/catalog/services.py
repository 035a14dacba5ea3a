"""Catalog use cases: products with options and SKUs, images, shelf status, and stock.

Stock rules (see docs/catalog.md):
- `stock_take` takes stock for order lines with one conditional UPDATE per SKU, in primary-key
  order, so concurrent buyers never oversell and never deadlock; it raises `out_of_stock` and the
  caller's transaction rolls back what it took.
- `stock_return` gives stock back (cancel, timeout, refund before shipping).
- `stock_set_aside` / `stock_release_aside` move stock between a SKU and a campaign's pool.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Min, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import override

from quanzi.catalog import search
from quanzi.catalog.constants import ProductStatus
from quanzi.catalog.events import LowStock, ProductChanged, ProductOnShelf
from quanzi.catalog.models import (
    CampaignStock,
    Category,
    Product,
    ProductImage,
    ProductOption,
    SearchTerm,
    Sku,
)
from quanzi.catalog.pools import StockPool
from quanzi.core.errors import BusinessRuleViolation, Conflict, NotFound, ValidationFailed
from quanzi.core.events import publish
from quanzi.core.images import save_product_image

MAX_OPTIONS, MAX_VALUES, MAX_SKUS, MAX_IMAGES = 3, 30, 200, 9
MAX_PRICE = 10_000_000_00  # ten million yuan
MAX_STOCK = 10_000_000


@dataclass(frozen=True)
class StockItem:
    sku_id: int
    quantity: int
    campaign_key: str | None = None


class OutOfStock(BusinessRuleViolation):
    code = "out_of_stock"


def _clean_price(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_PRICE:
        raise ValidationFailed(_("A price is a whole number of fen above zero."), fields={field: "invalid"})
    return value


def _clean_stock(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_STOCK:
        raise ValidationFailed(_("Stock is a whole number from 0."), fields={field: "invalid"})
    return value


def _clean_options(options: list[dict]) -> list[dict]:
    if len(options) > MAX_OPTIONS:
        raise ValidationFailed(_("At most %(n)d options.") % {"n": MAX_OPTIONS}, fields={"options": "too many"})
    cleaned = []
    for i, opt in enumerate(options):
        name = str(opt.get("name") or "").strip()
        values = [str(v).strip() for v in opt.get("values") or [] if str(v).strip()]
        if not name or not values or len(values) > MAX_VALUES or len(set(values)) != len(values):
            raise ValidationFailed(_("Each option needs a name and distinct values."), fields={f"options.{i}": "invalid"})
        cleaned.append({"name": name[:20], "values": [v[:30] for v in values]})
    if len({o["name"] for o in cleaned}) != len(cleaned):
        raise ValidationFailed(_("Option names must differ."), fields={"options": "duplicate"})
    return cleaned


def sku_combinations(options: list[dict]) -> list[dict[str, str]]:
    """All option-value combinations (colour × size); one empty combination without options."""
    if not options:
        return [{}]
    names = [o["name"] for o in options]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*[o["values"] for o in options])]


def _label(option_values: dict[str, str], options: list[dict]) -> str:
    return " / ".join(option_values[o["name"]] for o in options if o["name"] in option_values)


def _clean_product_fields(data: dict, *, partial: bool = False) -> dict:
    out, errors = {}, {}
    for name, limit in (("title", 120), ("subtitle", 200), ("description", 20000)):
        if name in data or not partial:
            value = str(data.get(name) or "").strip()
            if name == "title" and not value:
                errors[name] = _("This field is required.")
            if len(value) > limit:
                errors[name] = _("Too long.")
            out[name] = value
    if "category_id" in data or not partial:
        category = Category.objects.filter(pk=data.get("category_id")).first()
        if category is None:
            errors["category_id"] = _("Choose a category.")
        out["category"] = category
    for flag in ("returnable_7day",):
        if flag in data:
            out[flag] = bool(data[flag])
    if "max_per_order" in data:
        mpo = data["max_per_order"]
        if not isinstance(mpo, int) or isinstance(mpo, bool) or not 0 <= mpo <= 9999:
            errors["max_per_order"] = _("A whole number from 0.")
        out["max_per_order"] = mpo
    if errors:
        raise ValidationFailed(_("Some product fields are invalid."), fields=errors)
    return out


@transaction.atomic
def product_create(*, shop, data: dict, options: list[dict] | None = None,
                   skus: list[dict] | None = None) -> Product:
    """Create a draft product of `shop` (a shops.Shop). `skus` gives price/stock per combination
    ({"options": {...}, ...}); without it every combination gets `data["price"]` and `data["stock"]`."""
    fields = _clean_product_fields(data)
    options = _clean_options(options or [])
    product = Product.objects.create(shop=shop, **fields)
    ProductOption.objects.bulk_create(
        [ProductOption(product=product, name=o["name"], values=o["values"], sort=i) for i, o in enumerate(options)])
    by_combo = {tuple(sorted((s.get("options") or {}).items())): s for s in skus or []}
    combos = sku_combinations(options)
    if len(combos) > MAX_SKUS:
        raise ValidationFailed(_("Too many SKUs."), fields={"options": "too many combinations"})
    rows = []
    for i, combo in enumerate(combos):
        spec = by_combo.get(tuple(sorted(combo.items())), {})
        rows.append(Sku(product=product, option_values=combo, label=_label(combo, options),
                        code=str(spec.get("code") or "")[:40],
                        price=_clean_price(spec.get("price", data.get("price")), f"skus.{i}.price"),
                        compare_at_price=spec.get("compare_at_price", data.get("compare_at_price")),
                        stock=_clean_stock(spec.get("stock", data.get("stock", 0)), f"skus.{i}.stock")))
    Sku.objects.bulk_create(rows)
    _refresh_listing_fields(product)
    product_reindex(product=product)
    return product


@transaction.atomic
def product_update(*, product: Product, data: dict) -> Product:
    for name, value in _clean_product_fields(data, partial=True).items():
        setattr(product, name, value)
    product.save()
    product_reindex(product=product)
    _changed(product)
    return product


def translatable_languages() -> tuple[str, ...]:
    """The languages a shop may write its catalogue in (settings.MODELTRANSLATION_LANGUAGES)."""
    return tuple(settings.MODELTRANSLATION_LANGUAGES)


@transaction.atomic
def product_translate(*, product: Product, language: str, data: dict, options: list[dict] | None = None) -> Product:
    """Write the product's texts in `language`: title, subtitle, description and, in the same order
    as the product's options, each option's name and values (`[{"name": "Colour", "values": ["White",
    "Black"]}]`). The SKUs' labels and option values in that language follow from the options, so the
    product page's buttons keep matching their SKUs. Options are optional when the product has none
    or when only the texts change; given, they must match the product's options value for value.
    """
    if language not in translatable_languages():
        raise ValidationFailed(_("Unknown language."), fields={"language": "invalid"})
    suffix = language.replace("-", "_")
    if options is None and not any(str(data.get(k) or "").strip() for k in ("title", "subtitle", "description")):
        return _forget_translation(product, suffix)
    fields = {k: v for k, v in _clean_product_fields({k: data.get(k, "") for k in ("title", "subtitle", "description")},
                                                      partial=True).items()}
    for name, value in fields.items():
        setattr(product, f"{name}_{suffix}", value)
    product.save(update_fields=[f"{name}_{suffix}" for name in fields] + ["updated_at"])
    if options is not None:
        _translate_options(product, suffix, _clean_options(options))
    product_reindex(product=product)
    _changed(product)
    return product


def _forget_translation(product: Product, suffix: str) -> Product:
    """Empty texts remove the language: readers fall back to the other one (the options too)."""
    for name in ("title", "subtitle", "description"):
        setattr(product, f"{name}_{suffix}", None)
    product.save(update_fields=[f"{n}_{suffix}" for n in ("title", "subtitle", "description")] + ["updated_at"])
    ProductOption.objects.filter(product=product).update(**{f"name_{suffix}": None, f"values_{suffix}": None})
    Sku.objects.filter(product=product).update(**{f"label_{suffix}": None, f"option_values_{suffix}": None})
    product_reindex(product=product)
    _changed(product)
    return product


def _translate_options(product: Product, suffix: str, translated: list[dict]) -> None:
    """Each option and SKU gets its `suffix` language text by position against the default language's."""
    with override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        current = [{"name": o.name, "values": list(o.values), "row": o} for o in product.options.all()]
        if len(current) != len(translated) or any(
                len(c["values"]) != len(t["values"]) for c, t in zip(current, translated, strict=False)):
            raise ValidationFailed(_("Give every option and every value, in the same order."),
                                   fields={"options": "mismatch"})
        names = {c["name"]: t["name"] for c, t in zip(current, translated, strict=True)}
        values = {c["name"]: dict(zip(c["values"], t["values"], strict=True))
                  for c, t in zip(current, translated, strict=True)}
        for c, t in zip(current, translated, strict=True):
            setattr(c["row"], f"name_{suffix}", t["name"])
            setattr(c["row"], f"values_{suffix}", t["values"])
            c["row"].save(update_fields=[f"name_{suffix}", f"values_{suffix}"])
        skus = list(product.skus.all())
        for sku in skus:
            combo = {names[k]: values[k].get(v, v) for k, v in sku.option_values.items() if k in names}
            setattr(sku, f"option_values_{suffix}", combo)
            setattr(sku, f"label_{suffix}", _label(combo, translated))
    Sku.objects.bulk_update(skus, [f"option_values_{suffix}", f"label_{suffix}"])


@transaction.atomic
def sku_update(*, product: Product, sku_id: int, price: int | None = None, stock: int | None = None,
               compare_at_price: int | None = None, is_active: bool | None = None, code: str | None = None) -> Sku:
    sku = Sku.objects.select_for_update().filter(product=product, pk=sku_id).first()
    if sku is None:
        raise NotFound(_("SKU not found."))
    if price is not None:
        sku.price = _clean_price(price, "price")
    if stock is not None:
        sku.stock = _clean_stock(stock, "stock")
    if compare_at_price is not None:
        sku.compare_at_price = compare_at_price or None
    if is_active is not None:
        sku.is_active = is_active
    if code is not None:
        sku.code = code[:40]
    sku.save()
    _refresh_listing_fields(product)
    _changed(product)
    if stock is not None and stock <= settings.QUANZI["LOW_STOCK_THRESHOLD"]:
        publish(LowStock(sku_id=sku.pk, product_id=product.pk, shop_id=product.shop_id, stock=stock))
    return sku


@transaction.atomic
def product_set_status(*, product: Product, status: str) -> Product:
    if status not in ProductStatus.values:
        raise ValidationFailed(_("Unknown status."), fields={"status": "invalid"})
    if status == ProductStatus.ON_SHELF:
        if not product.shop.is_selling:
            raise BusinessRuleViolation(_("Your shop is not approved yet, so it cannot sell."), code="shop_not_approved")
        if not product.skus.filter(is_active=True).exists():
            raise BusinessRuleViolation(_("Add at least one SKU before putting it on the shelf."), code="no_skus")
    product.status = status
    product.save(update_fields=["status", "updated_at"])
    _changed(product)
    if status == ProductStatus.ON_SHELF:
        publish(ProductOnShelf(product_id=product.pk, shop_id=product.shop_id))
    return product


@transaction.atomic
def product_add_image(*, product: Product, upload, sku_id: int | None = None) -> ProductImage:
    if product.images.count() >= MAX_IMAGES:
        raise BusinessRuleViolation(_("A product has at most %(n)d images.") % {"n": MAX_IMAGES}, code="too_many_images")
    full, thumb = save_product_image(upload)
    return product_attach_image(product=product, image=full, thumb=thumb, sku_id=sku_id)


@transaction.atomic
def product_attach_image(*, product: Product, image: str, thumb: str, sku_id: int | None = None) -> ProductImage:
    """Attach already-stored image files (upload path above, or generated demo images)."""
    img = ProductImage.objects.create(product=product, image=image, thumb=thumb, sort=product.images.count())
    if not product.cover:
        product.cover, product.cover_thumb = image, thumb
        product.save(update_fields=["cover", "cover_thumb"])
    if sku_id:
        Sku.objects.filter(product=product, pk=sku_id).update(image=thumb)
    _changed(product)
    return img


@transaction.atomic
def product_remove_image(*, product: Product, image_id: int) -> None:
    img = ProductImage.objects.filter(product=product, pk=image_id).first()
    if img is None:
        raise NotFound(_("Image not found."))
    img.delete()
    first = ProductImage.objects.filter(product=product).order_by("sort", "id").first()
    product.cover, product.cover_thumb = (first.image, first.thumb) if first else ("", "")
    product.save(update_fields=["cover", "cover_thumb"])
    _changed(product)


def _changed(product: Product) -> None:
    """Tell readers that keep copies (page caches, search) that this product changed."""
    publish(ProductChanged(product_id=product.pk, shop_id=product.shop_id))


def _refresh_listing_fields(product: Product) -> None:
    price = Sku.objects.filter(product=product, is_active=True).aggregate(m=Min("price"))["m"] or 0
    Product.objects.filter(pk=product.pk).update(min_price=price)
    product.min_price = price


def product_reindex(*, product: Product) -> None:
    """Rebuild the product's search terms (title weighs more than subtitle and category)."""
    weights: dict[str, int] = {}
    texts = []
    for language in translatable_languages():  # a shopper finds it by the words of either language
        with override(language):
            texts += [(product.title, 3), (product.subtitle, 1), (product.category.name, 1), (product.shop.name, 1)]
    for text, weight in texts:
        for term in search.segment(text):
            weights[term] = max(weights.get(term, 0), weight)
    SearchTerm.objects.filter(product=product).delete()
    SearchTerm.objects.bulk_create([SearchTerm(term=t, product=product, weight=w) for t, w in weights.items()])


def stock_take(*, items: Iterable[StockItem]) -> None:
    """Take stock for order lines atomically; call inside the order's transaction.

    All free-stock SKUs are decremented by ONE conditional UPDATE (`stock = stock - CASE id …
    WHERE id IN (…) AND stock >= CASE id …`): the database checks and decrements each row under
    its row lock, so there is no read-then-write race and the query count does not grow with the
    number of lines. If fewer rows than SKUs were updated, some SKU was short: raise, and the
    caller's transaction rolls back what was taken. Campaign pools use one UPDATE per pool.
    """
    merged: dict[tuple[int, str | None], int] = {}
    for item in items:
        if item.quantity <= 0:
            raise ValidationFailed(_("Quantities must be at least 1."), fields={"quantity": "invalid"})
        key = (item.sku_id, item.campaign_key)
        merged[key] = merged.get(key, 0) + item.quantity
    free = {sku_id: qty for (sku_id, key), qty in merged.items() if not key}
    if free:
        need = Case(*[When(pk=sku_id, then=Value(qty)) for sku_id, qty in sorted(free.items())],
                    output_field=IntegerField())
        updated = Sku.objects.filter(pk__in=_locked_in_pk_order(Sku, free), stock__gte=need) \
            .update(stock=F("stock") - need)
        if updated != len(free):
            raise OutOfStock(_("Not enough stock left."), fields=_short_skus(free))
    for (sku_id, campaign_key), qty in sorted(merged.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        if not campaign_key:
            continue
        updated = CampaignStock.objects.filter(sku_id=sku_id, campaign_key=campaign_key, quantity__gte=qty) \
            .update(quantity=F("quantity") - qty)
        if updated != 1:
            raise OutOfStock(_("Not enough stock left."), fields={"sku_id": str(sku_id)})


def _locked_in_pk_order(model, ids):
    """The ids for a multi-row UPDATE's `pk__in`, as a subquery that takes the rows' locks in
    primary-key order first (`… WHERE id IN (SELECT id … ORDER BY id FOR UPDATE)`): one statement
    instead of a locking read plus the UPDATE, with the same deadlock-free lock order as
    `_lock_in_pk_order`. SQLite has one writer at a time and no row locks: the plain ids."""
    ids = sorted(ids)
    if len(ids) < 2 or not connection.features.has_select_for_update:
        return ids
    return model.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk")


def _lock_in_pk_order(model, ids) -> None:
    """Take the rows' locks in primary-key order before a multi-row UPDATE.

    An `UPDATE … WHERE id IN (…)` locks rows in whatever order the database visits them, so two
    baskets sharing SKUs could each hold one row the other waits for (deadlock). Locking first with
    `SELECT … ORDER BY id FOR UPDATE` gives every transaction the same order. (SQLite has one writer
    at a time and ignores FOR UPDATE.)
    """
    if len(ids) < 2:
        return  # one row: the UPDATE itself takes its only lock, there is no order to get wrong
    list(model.objects.select_for_update().filter(pk__in=sorted(ids)).order_by("pk").values_list("pk", flat=True))


def _short_skus(free: dict[int, int]) -> dict[str, str]:
    """Which SKUs could not be filled (read after the failed update, for the error message)."""
    stocks = dict(Sku.objects.filter(pk__in=list(free)).values_list("pk", "stock"))
    return {f"sku.{sku_id}": f"only {stocks.get(sku_id, 0)} left" for sku_id, qty in free.items()
            if stocks.get(sku_id, 0) < qty}


def stock_return(*, items: Iterable[StockItem]) -> None:
    for item in sorted(items, key=lambda i: (i.sku_id, i.campaign_key or "")):
        if item.quantity <= 0:
            continue
        if item.campaign_key:
            CampaignStock.objects.filter(sku_id=item.sku_id, campaign_key=item.campaign_key) \
                .update(quantity=F("quantity") + item.quantity)
        else:
            Sku.objects.filter(pk=item.sku_id).update(stock=F("stock") + item.quantity)


@transaction.atomic
def stock_set_aside(*, sku_id: int, campaign_key: str, quantity: int) -> CampaignStock:
    """Move `quantity` from the SKU's free stock into the campaign's pool."""
    if quantity <= 0:
        raise ValidationFailed(_("Set aside at least 1."), fields={"quantity": "invalid"})
    stock_take(items=[StockItem(sku_id, quantity)])
    pool, _created = CampaignStock.objects.get_or_create(sku_id=sku_id, campaign_key=campaign_key)
    CampaignStock.objects.filter(pk=pool.pk).update(quantity=F("quantity") + quantity)
    pool.refresh_from_db()
    return pool


@transaction.atomic
def stock_release_aside(*, sku_id: int, campaign_key: str) -> int:
    """Return whatever is left in a campaign's pool to the SKU; returns the quantity moved."""
    pool = CampaignStock.objects.select_for_update().filter(sku_id=sku_id, campaign_key=campaign_key).first()
    if pool is None:
        raise Conflict(_("Nothing set aside for this campaign."), code="no_campaign_stock")
    moved = pool.quantity
    pool.quantity = 0
    pool.save(update_fields=["quantity"])
    stock_return(items=[StockItem(sku_id, moved)])
    return moved


def product_record_sales(*, quantities: dict[int, int]) -> None:
    """Add paid quantities to products' sold counts ({product_id: qty}) in one UPDATE."""
    if not quantities:
        return
    _lock_in_pk_order(Product, quantities)
    add = Case(*[When(pk=pid, then=Value(qty)) for pid, qty in sorted(quantities.items())],
               output_field=IntegerField())
    Product.objects.filter(pk__in=sorted(quantities)).update(sold_count=F("sold_count") + add)


# ---- public interface used by groupbuy, bargain, flashsale, livesales (campaign stock pools)

def pool_set_aside(*, pool: StockPool, sku_id: int, quantity: int) -> int:
    """Move `quantity` of the SKU's free stock into the campaign's pool (out_of_stock if it is not
    there); returns the units now in the pool's row for that SKU."""
    return stock_set_aside(sku_id=sku_id, campaign_key=pool.key, quantity=quantity).quantity


@transaction.atomic
def pool_release(*, pool: StockPool, sku_id: int | None = None) -> int:
    """Return what is left in the pool (every SKU's row, or one SKU's) to the SKUs' free stock; returns
    the units moved. A pool that holds nothing moves nothing, so ending twice and the sweeps that
    return units late cancellations bring back are both safe to repeat."""
    rows = CampaignStock.objects.filter(campaign_key=pool.key, quantity__gt=0)
    if sku_id is not None:
        rows = rows.filter(sku_id=sku_id)
    return sum(stock_release_aside(sku_id=pk, campaign_key=pool.key)
               for pk in rows.order_by("sku_id").values_list("sku_id", flat=True))
