from django.conf import settings


def site(request):
    """Values every page needs: cart badge, the user's shop, sandbox flags."""
    from quanzi.orders.selectors import cart_count
    from quanzi.shops.selectors import shop_for_owner

    user = getattr(request, "user", None)
    authed = bool(user and user.is_authenticated)
    return {
        "cart_count": cart_count(user=user) if authed else 0,
        "my_shop": shop_for_owner(user=user) if authed else None,
        "SITE_NAME": "圈子 Quanzi",
        "DEBUG": settings.DEBUG,
    }
