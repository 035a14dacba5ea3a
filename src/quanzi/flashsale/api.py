"""Flash-sale API (/api/v1/flash): sessions and purchase tokens for shoppers, the purchase itself, and
session management for merchants. Another merchant's session answers 404.

`POST /purchase` is authenticated by its purchase token alone (signed, single-use, bound to one user,
item and address, and only issued to that signed-in user), which is also why it needs no CSRF token.
Under the ASGI server the same path is answered by the fast path in flashsale/asgi.py first.
"""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema

from quanzi.accounts.auth import auth
from quanzi.accounts.services import api_token_user
from quanzi.core import clock
from quanzi.core.errors import Forbidden, NotFound
from quanzi.core.http import client_fingerprint
from quanzi.core.http import money_json as money
from quanzi.flashsale import purchase as pipeline
from quanzi.flashsale import selectors, services
from quanzi.flashsale.models import FlashItem, FlashSale
from quanzi.shops.selectors import shop_for_owner

router = Router(tags=["flash sales"])



def item_out(i: FlashItem) -> dict:
    return {"id": i.pk, "product_id": i.product_id, "title": i.product.title, "sku_id": i.sku_id,
            "sku_label": i.sku.label, "price": money(i.price), "list_price": money(i.sku.price), "stock": i.stock,
            "left": getattr(i, "left", None), "per_user_limit": i.per_user_limit}


def sale_out(s: FlashSale) -> dict:
    now = clock.now()
    return {"id": s.pk, "title": s.title, "shop_id": s.shop_id, "status": s.status, "phase": s.phase(now),
            "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(),
            "starts_in": max(0, int((s.starts_at - now).total_seconds())),
            "reservation_seconds": s.reservation_seconds, "items": [item_out(i) for i in s.items.all()]}


class PurchaseIn(Schema):
    token: str
    quantity: int = 1


class TokenIn(Schema):
    address_id: int | None = None


class ItemIn(Schema):
    sku_id: int
    price: int
    stock: int
    per_user_limit: int = 1


class SaleIn(Schema):
    title: str = ""
    starts_at: dt.datetime
    ends_at: dt.datetime
    reservation_seconds: int | None = None
    items: list[ItemIn]
    publish: bool = True


# ---------------------------------------------------------------- shoppers

@router.get("/sales", summary="Running and upcoming flash sales (the next 7 days)")
def sales(request):
    return {"server_time": clock.now().isoformat(), "items": [sale_out(s) for s in selectors.sales_for_shoppers()]}


@router.get("/sales/{sale_id}")
def sale(request, sale_id: int):
    found = selectors.sale_for_shoppers(sale_id=sale_id)
    if found is None:
        raise NotFound(_("Flash sale not found."), code="sale_not_found")
    return {"server_time": clock.now().isoformat(), **sale_out(found)}


@router.post("/items/{item_id}/token", auth=auth, summary="A single-use purchase token (the sale page gets one)")
def token(request, item_id: int, payload: TokenIn):
    value, item = services.token_for(user=request.auth, item_id=item_id, address_id=payload.address_id)
    return {"token": value, "item_id": item.pk, "starts_at": item.sale.starts_at.isoformat(),
            "server_time": clock.now().isoformat()}


@router.post("/purchase", response={201: dict},
             summary="Try to win a flash-sale item and get its order (authenticated by the purchase token)")
def purchase(request, payload: PurchaseIn):
    result = pipeline.purchase(token=payload.token, quantity=payload.quantity,
                               ip=client_fingerprint(request)["ip"], user_id=_signed_in_user_id(request))
    return 201, result.as_dict()


def _signed_in_user_id(request) -> int | None:
    """Who is calling, if anyone (bearer token or session): a token must then be theirs."""
    bearer = request.headers.get("Authorization", "")
    if bearer.lower().startswith("bearer "):
        user = api_token_user(key=bearer.split(" ", 1)[1].strip())
        return user.pk if user is not None else None
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


@router.get("/reservations", auth=auth, summary="My flash-sale reservations")
def reservations(request):
    return {"items": [{"number": r.number, "item_id": r.item_id, "title": r.item.product.title,
                       "quantity": r.quantity, "status": r.status, "order_number": r.order_number,
                       "expires_at": r.expires_at.isoformat()} for r in selectors.reservations_of(user=request.auth)]}


# ---------------------------------------------------------------- merchants

def _shop(request):
    shop = shop_for_owner(user=request.auth)
    if shop is None:
        raise Forbidden(_("Open a shop first."), code="no_shop")
    return shop


def _own_sale(request, sale_id: int) -> FlashSale:
    found = FlashSale.objects.filter(pk=sale_id, shop=_shop(request)).prefetch_related("items__product", "items__sku").first()
    if found is None:
        raise NotFound(_("Flash sale not found."), code="sale_not_found")
    return found


@router.get("/merchant/sales", auth=auth)
def merchant_sales(request):
    return {"items": [sale_out(s) for s in selectors.sales_of_shop(shop=_shop(request))]}


@router.post("/merchant/sales", auth=auth, response={201: dict})
def merchant_sale_create(request, payload: SaleIn):
    shop = _shop(request)
    created = services.sale_create(shop=shop, title=payload.title, starts_at=payload.starts_at,
                                   ends_at=payload.ends_at, reservation_seconds=payload.reservation_seconds,
                                   items=[i.dict() for i in payload.items])
    if payload.publish:
        services.sale_publish(sale_id=created.pk, shop=shop)
    return 201, sale_out(_own_sale(request, created.pk))


@router.get("/merchant/sales/{sale_id}", auth=auth)
def merchant_sale(request, sale_id: int):
    found = _own_sale(request, sale_id)
    stats = selectors.sale_stats(sale=found)
    return {**sale_out(found), "stats": [{"item_id": k, **v} for k, v in stats.items()]}


@router.post("/merchant/sales/{sale_id}/publish", auth=auth)
def merchant_sale_publish(request, sale_id: int):
    found = _own_sale(request, sale_id)
    services.sale_publish(sale_id=found.pk, shop=found.shop)
    return sale_out(_own_sale(request, sale_id))


@router.post("/merchant/sales/{sale_id}/end", auth=auth)
def merchant_sale_end(request, sale_id: int):
    found = _own_sale(request, sale_id)
    services.sale_end(sale_id=found.pk, shop=found.shop)
    return sale_out(_own_sale(request, sale_id))
