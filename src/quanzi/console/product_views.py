"""Merchant console: products, their SKUs (price, stock, on/off), images and shelf status."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog import services as catalog
from quanzi.catalog.constants import ProductStatus
from quanzi.console.product_forms import options_text, parse_options
from quanzi.core.errors import DomainError, ValidationFailed
from quanzi.core.language import reading_language
from quanzi.core.money import format_yuan
from quanzi.shops.access import merchant_required
from quanzi.web.forms import field_errors_for, parse_int, parse_yuan

STATUS_TABS = [("all", gettext_lazy("All")), (ProductStatus.ON_SHELF, gettext_lazy("On shelf")),
               (ProductStatus.DRAFT, gettext_lazy("Drafts")), (ProductStatus.OFF_SHELF, gettext_lazy("Off shelf"))]
FIELD_ALIASES = {"category_id": "category"}
TRANSLATION_ALIASES = {"title": "tr_title", "subtitle": "tr_subtitle", "description": "tr_description",
                       "options": "tr_options"}
PRODUCT_FIELDS = ("title", "subtitle", "description", "category", "max_per_order")


def _own_product(request, pk: int, *, for_display: bool = True):
    """The merchant's product or 404 (catalog's `product_of_shop`: prefetched only for display)."""
    product = catalog_selectors.product_of_shop(shop_id=request.shop.pk, product_id=pk, for_display=for_display)
    if product is None:
        raise Http404
    return product


def _product_data(post, errors: dict) -> dict:
    """The product's own fields from the form; parse problems go to `errors`."""
    data = {"title": post.get("title", ""), "subtitle": post.get("subtitle", ""),
            "description": post.get("description", ""), "category_id": post.get("category") or None,
            "returnable_7day": post.get("returnable_7day") == "1"}
    try:
        data["max_per_order"] = parse_int(post.get("max_per_order"), "max_per_order", default=0)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    return data


def _new_product_input(post) -> tuple[dict, list[dict]]:
    """Fields, default price (yuan → fen) and stock, and the options; every problem reported at once."""
    errors: dict = {}
    data = _product_data(post, errors)
    options: list[dict] = []
    try:
        data["price"] = parse_yuan(post.get("price"), "price")
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        data["stock"] = parse_int(post.get("stock"), "stock", default=0)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        options = parse_options(post.get("options", ""))
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Check the fields marked below."), fields=errors)
    return data, options


@merchant_required
def products(request):
    status = request.GET.get("status") or "all"
    status = status if status in dict(STATUS_TABS) else "all"
    items = catalog_selectors.shop_products_for_console(shop_id=request.shop.pk,
                                                        status=None if status == "all" else status)
    threshold = settings.QUANZI["LOW_STOCK_THRESHOLD"]
    for p in items:
        skus = list(p.skus.all())
        p.stock_total = sum(s.stock for s in skus)
        p.sku_count = len(skus)
        p.low_stock = any(s.is_active and s.stock <= threshold for s in skus)
    return TemplateResponse(request, "console/products.html", {
        "shop": request.shop, "products": items, "status": status, "tabs": STATUS_TABS, "console_tab": "products"})


@merchant_required
def product_new(request):
    context = {"shop": request.shop, "categories": catalog_selectors.category_list(top_level_only=False),
               "form": {"returnable_7day": True, "stock": "100"}, "console_tab": "products"}
    if request.method != "POST":
        return TemplateResponse(request, "console/product_new.html", context)
    post = request.POST
    context["form"] = {k: post.get(k, "") for k in (*PRODUCT_FIELDS, "options", "price", "stock")}
    context["form"]["returnable_7day"] = post.get("returnable_7day") == "1"
    try:
        data, options = _new_product_input(post)
        product = catalog.product_create(shop=request.shop, data=data, options=options)
    except DomainError as exc:
        context.update(error=exc.message, field_errors=field_errors_for(exc, FIELD_ALIASES))
        return TemplateResponse(request, "console/product_new.html", context, status=400)
    messages.success(request, _("Draft saved with %(n)d SKUs. Add images, then put it on the shelf.") %
                     {"n": product.skus.count()})
    return HttpResponseRedirect(reverse("console:product_edit", args=[product.pk]))


# ---------------------------------------------------------------- edit page and its forms

def _save_fields(request, product) -> None:
    errors: dict = {}
    data = _product_data(request.POST, errors)
    if errors:
        raise ValidationFailed(_("Check the fields marked below."), fields=errors)
    catalog.product_update(product=product, data=data)
    messages.success(request, _("Product details saved."))


def _save_skus(request, product) -> None:
    """Every SKU row at once: parse all rows first, then save the changed ones in one transaction."""
    post, changes, errors = request.POST, [], {}
    for sku in product.skus.all():
        try:
            price = parse_yuan(post.get(f"sku-{sku.pk}-price"), f"sku-{sku.pk}-price")
            stock = parse_int(post.get(f"sku-{sku.pk}-stock"), f"sku-{sku.pk}-stock")
        except ValidationFailed as exc:
            errors.update({k: exc.message for k in exc.fields})
            continue
        active = post.get(f"sku-{sku.pk}-active") == "1"
        change = {k: v for k, v in (("price", price), ("stock", stock), ("is_active", active))
                  if getattr(sku, k) != v}
        if change:
            changes.append((sku.pk, change))
    if errors:
        raise ValidationFailed(_("Check the SKU rows marked below."), fields=errors)
    with transaction.atomic():
        for sku_id, change in changes:
            try:
                catalog.sku_update(product=product, sku_id=sku_id, **change)
            except DomainError as exc:
                raise ValidationFailed(exc.message, fields={f"sku-{sku_id}-{k}": exc.message for k in change})
    messages.success(request, _("%(n)d SKUs updated.") % {"n": len(changes)} if changes else _("Nothing changed."))


def _upload_images(request, product) -> None:
    files = request.FILES.getlist("images")
    if not files:
        raise ValidationFailed(_("Choose one or more images to upload."), fields={"images": _("Choose a file.")})
    added, failed = 0, []
    for upload in files:
        try:
            catalog.product_add_image(product=product, upload=upload)
            added += 1
        except DomainError as exc:
            failed.append(f"{upload.name}: {exc.message}")
    if added:
        messages.success(request, _("%(n)d images added.") % {"n": added})
    if failed:
        raise ValidationFailed(" ".join(failed), fields={"images": "; ".join(failed)})


def _delete_image(request, product) -> None:
    try:
        image_id = int(request.POST.get("image_id", ""))
    except ValueError:
        raise Http404
    catalog.product_remove_image(product=product, image_id=image_id)
    messages.success(request, _("Image removed."))


def _set_status(request, product) -> None:
    status = request.POST.get("status", "")
    catalog.product_set_status(product=product, status=status)
    messages.success(request, _("It is on the shelf: shoppers can buy it now.") if status == ProductStatus.ON_SHELF
                     else _("Taken off the shelf."))


LANGUAGE_NAMES = {"en": gettext_lazy("English"), "zh-hans": gettext_lazy("Chinese")}


def _other_language() -> tuple[str, str]:
    """The language the translation card edits: the one the console is not shown in, and its name."""
    current = reading_language()
    code = next(c for c in catalog.translatable_languages() if c != current)
    return code, str(LANGUAGE_NAMES.get(code, code))


def _save_translation(request, product) -> None:
    """The product's texts in the other language; option lines name every option and value in order."""
    language, _name = _other_language()
    post = request.POST
    options_typed = post.get("tr_options", "").strip()
    options = parse_options(options_typed) if options_typed else None
    catalog.product_translate(product=product, language=language, options=options, data={
        "title": post.get("tr_title", ""), "subtitle": post.get("tr_subtitle", ""),
        "description": post.get("tr_description", "")})
    messages.success(request, _("Translation saved."))


ACTIONS = {"fields": _save_fields, "translation": _save_translation, "skus": _save_skus, "upload": _upload_images, "delete_image": _delete_image,
           "status": _set_status}


@merchant_required
def product_edit(request, pk: int):
    product = _own_product(request, pk, for_display=request.method != "POST")
    context = {"shop": request.shop, "categories": catalog_selectors.category_list(top_level_only=False),
               "console_tab": "products"}
    status = 200
    if request.method == "POST":
        action = ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            raise Http404
        try:
            action(request, product)
        except DomainError as exc:
            context.update(error=exc.message, error_code=exc.code, error_form=request.POST.get("action"),
                           field_errors=field_errors_for(exc, TRANSLATION_ALIASES if action is _save_translation
                                                           else FIELD_ALIASES), posted=request.POST)
            status = 400
            product = _own_product(request, pk)  # fresh, with its SKUs and images, for the page
        else:
            return HttpResponseRedirect(reverse("console:product_edit", args=[product.pk]))
    context.update(_edit_context(product, context.get("posted"), context.get("field_errors") or {}))
    return TemplateResponse(request, "console/product_edit.html", context, status=status)


def _translation_form(product, posted) -> dict:
    """The translation card's values: what is stored in the other language (no fallback), or what was typed."""
    language, name = _other_language()
    suffix = language.replace("-", "_")
    if posted is not None and posted.get("action") == "translation":
        values = {k: posted.get(f"tr_{k}", "") for k in ("title", "subtitle", "description", "options")}
    else:
        values = {k: getattr(product, f"{k}_{suffix}") or "" for k in ("title", "subtitle", "description")}
        options = [o for o in product.options.all() if getattr(o, f"name_{suffix}")]
        values["options"] = "\n".join(f"{getattr(o, f'name_{suffix}')}: {', '.join(getattr(o, f'values_{suffix}') or [])}"
                                      for o in options)
    return {"language": language, "language_name": name, **values}


def _edit_context(product, posted, errors: dict) -> dict:
    """What the page shows: the saved values, or what was typed when a form failed."""
    def typed(name, saved):
        return posted.get(name, saved) if posted is not None else saved

    skus = []
    for sku in product.skus.all():
        skus.append({"sku": sku,
                     "price": typed(f"sku-{sku.pk}-price", format_yuan(sku.price)),
                     "stock": typed(f"sku-{sku.pk}-stock", sku.stock),
                     "price_error": errors.get(f"sku-{sku.pk}-price", ""),
                     "stock_error": errors.get(f"sku-{sku.pk}-stock", ""),
                     "active": (posted.get(f"sku-{sku.pk}-active") == "1")
                     if posted is not None and posted.get("action") == "skus" else sku.is_active})
    fields_posted = posted is not None and posted.get("action") == "fields"
    form = {"title": product.title, "subtitle": product.subtitle, "description": product.description,
            "category": str(product.category_id), "max_per_order": product.max_per_order,
            "returnable_7day": product.returnable_7day}
    if fields_posted:
        form = {k: posted.get(k, "") for k in PRODUCT_FIELDS} | {"returnable_7day": posted.get("returnable_7day") == "1"}
    return {"product": product, "form": form, "skus": skus, "images": list(product.images.all()),
            "translation": _translation_form(product, posted),
            "options_text": options_text(product.options.all()),
            "threshold": settings.QUANZI["LOW_STOCK_THRESHOLD"],
            "max_images": catalog.MAX_IMAGES,
            "max_upload_mb": settings.QUANZI["MAX_UPLOAD_BYTES"] // (1024 * 1024)}
