"""Search's pages: the suggestion list under the search box (HTMX), the merchant's synonyms in the console,
and the operator's page (/ops/search/: platform synonyms, top and zero-result queries; staff only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.core.errors import DomainError
from quanzi.search import selectors, services
from quanzi.shops.access import merchant_required
from quanzi.web.helpers import int_or_none, staff_required


def suggestions(request):
    """The list under the search box, fetched as the shopper types (hx-trigger: keyup changed delay)."""
    query = (request.GET.get("q") or "")[:60]
    return TemplateResponse(request, "search/partials/suggestions.html",
                            {"suggestions": selectors.suggest(query=query), "query": query})


def _save(request, action, ok: str) -> None:
    try:
        action()
        messages.success(request, ok)
    except DomainError as exc:
        messages.error(request, exc.message)


@merchant_required
def merchant_synonyms(request):
    shop = request.shop
    if request.method == "POST":
        _save(request, lambda: services.synonym_add(shop=shop, term=request.POST.get("term", ""),
                                                    synonym=request.POST.get("synonym", "")),
              _("Synonym added: shoppers find your goods by either word."))
        return HttpResponseRedirect(reverse("search:merchant_synonyms"))
    return TemplateResponse(request, "search/merchant_synonyms.html", {
        "shop": shop, "console_tab": "search", "synonyms": selectors.synonyms_of_shop(shop_id=shop.pk),
        "limit": services.MAX_SYNONYMS_PER_SHOP})


@merchant_required
@require_POST
def merchant_synonym_delete(request, synonym_id: int):
    _save(request, lambda: services.synonym_delete(shop=request.shop, synonym_id=synonym_id), _("Synonym removed."))
    return HttpResponseRedirect(reverse("search:merchant_synonyms"))


@staff_required
def ops(request):
    if request.method == "POST":
        remove = int_or_none(request.POST.get("delete"))
        if remove:
            _save(request, lambda: services.synonym_delete(synonym_id=remove), _("Synonym removed."))
        else:
            _save(request, lambda: services.synonym_add(term=request.POST.get("term", ""),
                                                        synonym=request.POST.get("synonym", "")),
                  _("Synonym added for every shop."))
        return HttpResponseRedirect(reverse("search:ops"))
    return TemplateResponse(request, "search/ops.html", {
        "synonyms": selectors.platform_synonym_list(), "top": selectors.top_queries(limit=30),
        "zero": selectors.zero_result_queries(limit=30)})
