"""Access to the merchant pages: every page of a merchant works on the shop its user owns."""

from __future__ import annotations

from functools import wraps

from django.http import HttpResponseRedirect
from django.urls import reverse

from quanzi.shops.selectors import shop_for_owner
from quanzi.web.helpers import login_required


def merchant_required(view):
    """Logged in and owning a shop (any status); otherwise to the login, or to the application form.
    The view finds the shop on `request.shop`."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        shop = shop_for_owner(user=request.user)
        if shop is None:
            return HttpResponseRedirect(reverse("console:apply"))
        request.shop = shop
        return view(request, *args, **kwargs)

    return wrapper
