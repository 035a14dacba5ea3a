"""The shopper's own pages: "me" (profile, order shortcuts) and the address book."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from quanzi.accounts import services as accounts
from quanzi.accounts.selectors import address_get, address_list
from quanzi.core.errors import DomainError, NotFound
from quanzi.orders.selectors import user_order_counts
from quanzi.web.helpers import error_context, login_required, next_url

SHORTCUTS = [("unpaid", gettext_lazy("To pay"), "💳"), ("to_ship", gettext_lazy("To ship"), "📦"),
             ("shipped", gettext_lazy("Shipped"), "🚚"), ("delivered", gettext_lazy("To confirm"), "✅"),
             ("aftersale", gettext_lazy("After-sales"), "↩️")]


@login_required
def me(request):
    counts = user_order_counts(user=request.user)
    shortcuts = [{"tab": tab, "label": label, "icon": icon, "count": counts.get(tab, 0)}
                 for tab, label, icon in SHORTCUTS]
    return TemplateResponse(request, "storefront/me.html", {
        "shortcuts": shortcuts, "order_total": counts["all"], "address_count": len(address_list(user=request.user)),
    })


# ---------------------------------------------------------------- addresses

ADDRESS_FIELDS = accounts.ADDRESS_FIELDS


def _address_data(request) -> dict:
    return {name: request.POST.get(name, "").strip() for name in ADDRESS_FIELDS}


def _addresses_page(request, *, form=None, error_ctx=None, status=200):
    return TemplateResponse(request, "storefront/addresses.html", {
        "addresses": address_list(user=request.user), "form": form or {}, "next": next_url(request, ""),
        "open_form": bool(error_ctx), **(error_ctx or {}),
    }, status=status)


@login_required
def addresses(request):
    return _addresses_page(request)


@login_required
@require_POST
def address_new(request):
    data = _address_data(request)
    try:
        accounts.address_create(user=request.user, data=data, is_default=bool(request.POST.get("is_default")))
    except DomainError as exc:
        return _addresses_page(request, form=request.POST, error_ctx=error_context(exc))
    messages.success(request, _("Address saved."))
    return HttpResponseRedirect(next_url(request, reverse("storefront:addresses")))


@login_required
def address_edit(request, address_id: int):
    address = address_get(user=request.user, address_id=address_id)
    if address is None:
        raise Http404
    context = {"address": address, "form": {**{n: getattr(address, n) for n in ADDRESS_FIELDS},
                                            "is_default": address.is_default}, "next": next_url(request, "")}
    if request.method == "POST":
        try:
            accounts.address_update(user=request.user, address_id=address.pk, data=_address_data(request),
                                    is_default=bool(request.POST.get("is_default")))
        except DomainError as exc:
            context.update(form=request.POST, **error_context(exc))
            return TemplateResponse(request, "storefront/address_edit.html", context)
        messages.success(request, _("Address saved."))
        return HttpResponseRedirect(next_url(request, reverse("storefront:addresses")))
    return TemplateResponse(request, "storefront/address_edit.html", context)


@login_required
@require_POST
def address_delete(request, address_id: int):
    try:
        accounts.address_delete(user=request.user, address_id=address_id)
    except NotFound:
        raise Http404
    messages.success(request, _("Address deleted."))
    return HttpResponseRedirect(next_url(request, reverse("storefront:addresses")))


@login_required
@require_POST
def address_default(request, address_id: int):
    try:
        accounts.address_set_default(user=request.user, address_id=address_id)
    except NotFound:
        raise Http404
    messages.success(request, _("Default address changed."))
    return HttpResponseRedirect(next_url(request, reverse("storefront:addresses")))
