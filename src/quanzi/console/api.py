"""Merchant API: the shop, its products and stock, orders and shipping, after-sales, money."""

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from quanzi.accounts.auth import auth
from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog import services as catalog
from quanzi.catalog.api import detail as product_detail_out
from quanzi.core.errors import Forbidden, NotFound
from quanzi.orders import aftersales
from quanzi.orders import selectors as orders
from quanzi.orders.api import (
    AfterSaleOut,
    OrderDetailOut,
    OrderPageOut,
    aftersale_out,
    order_detail_out,
    order_out,
)
from quanzi.settlement import services as settlement
from quanzi.settlement.selectors import payouts_for_shop
from quanzi.shipping.services import shipment_create
from quanzi.shops import services as shops
from quanzi.shops.selectors import shop_for_owner

router = Router(tags=["merchant"], auth=auth)


def _shop(request):
    shop = shop_for_owner(user=request.auth)
    if shop is None:
        raise Forbidden(_("Open a shop first."), code="no_shop")
    return shop


class ShopIn(Schema):
    name: str
    description: str = ""
    licence_number: str
    contact_name: str
    contact_phone: str


class ShopPatchIn(Schema):
    name: str | None = None
    description: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


class MyShopOut(Schema):
    id: int
    name: str
    description: str
    status: str
    review_note: str
    licence_number: str
    contact_name: str
    contact_phone: str


@router.get("/shop", response=MyShopOut)
def my_shop(request):
    return _shop(request)


@router.post("/shop", response={201: MyShopOut}, summary="Apply to open a shop (the operator reviews it)")
def shop_apply(request, payload: ShopIn):
    return 201, shops.shop_apply(owner=request.auth, data=payload.dict())


@router.patch("/shop", response=MyShopOut)
def shop_update(request, payload: ShopPatchIn):
    return shops.shop_update(shop=_shop(request), data=payload.dict(exclude_none=True))


class ShopTranslationIn(Schema):
    name: str = ""
    description: str = ""


@router.put("/shop/translations/{language}", response=MyShopOut,
            summary="The shop's name and description in another language (zh-hans or en); empty removes them")
def shop_translation(request, language: str, payload: ShopTranslationIn):
    return shops.shop_translate(shop=_shop(request), language=language, data=payload.dict())


# ---------------------------------------------------------------- products

class OptionIn(Schema):
    name: str
    values: list[str]


class SkuSpecIn(Schema):
    options: dict[str, str] = Field(default_factory=dict)
    price: int
    stock: int = 0
    code: str = ""
    compare_at_price: int | None = None


class ProductCreateIn(Schema):
    title: str
    subtitle: str = ""
    description: str = ""
    category_id: int
    price: int | None = Field(None, description="fen; used for every SKU not listed in `skus`")
    stock: int = 0
    returnable_7day: bool = True
    max_per_order: int = 0
    options: list[OptionIn] = Field(default_factory=list, description="e.g. colour × size")
    skus: list[SkuSpecIn] = Field(default_factory=list)


class ProductPatchIn(Schema):
    title: str | None = None
    subtitle: str | None = None
    description: str | None = None
    category_id: int | None = None
    returnable_7day: bool | None = None
    max_per_order: int | None = None


class StatusIn(Schema):
    status: str = Field(..., description="draft | on_shelf | off_shelf")


class SkuPatchIn(Schema):
    price: int | None = None
    stock: int | None = None
    compare_at_price: int | None = None
    is_active: bool | None = None
    code: str | None = None


class ConsoleProductOut(Schema):
    id: int
    title: str
    status: str
    min_price: int
    sold_count: int
    stock_total: int
    sku_count: int


def _product(request, product_id: int):
    product = catalog_selectors.product_of_shop(shop_id=_shop(request).pk, product_id=product_id)
    if product is None:
        raise NotFound(_("Product not found."))
    return product


def _full(product) -> dict:
    p = catalog_selectors.product_detail(product_id=product.pk, include_unlisted_for_shop_id=product.shop_id)
    return {**product_detail_out(p), "status": p.status}


class ProductFullOut(Schema):
    id: int
    title: str
    status: str
    skus: list[dict]
    images: list[str]
    options: list[dict]


@router.get("/products", response=list[ConsoleProductOut])
def product_list(request, status: str | None = None):
    return [{"id": p.pk, "title": p.title, "status": p.status, "min_price": p.min_price,
             "sold_count": p.sold_count, "stock_total": sum(s.stock for s in p.skus.all()),
             "sku_count": len(p.skus.all())}
            for p in catalog_selectors.shop_products_for_console(shop_id=_shop(request).pk, status=status)]


@router.post("/products", response={201: ProductFullOut}, summary="Create a draft product with options and SKUs")
def product_create(request, payload: ProductCreateIn):
    data = payload.dict()
    product = catalog.product_create(shop=_shop(request), data=data, options=data.pop("options"),
                                     skus=data.pop("skus"))
    return 201, _full(product)


@router.get("/products/{product_id}", response=ProductFullOut)
def product_get(request, product_id: int):
    return _full(_product(request, product_id))


@router.patch("/products/{product_id}", response=ProductFullOut)
def product_update(request, product_id: int, payload: ProductPatchIn):
    product = catalog.product_update(product=_product(request, product_id), data=payload.dict(exclude_none=True))
    return _full(product)


class ProductTranslationIn(Schema):
    title: str = ""
    subtitle: str = ""
    description: str = ""
    options: list[OptionIn] | None = Field(
        None, description="Every option with every value, in the product's order; omit to keep them as they are.")


@router.put("/products/{product_id}/translations/{language}", response=ProductFullOut,
            summary="Write the product's texts in another language (zh-hans or en); all empty removes it")
def product_translation(request, product_id: int, language: str, payload: ProductTranslationIn):
    data = payload.dict()
    options = data.pop("options")
    product = catalog.product_translate(product=_product(request, product_id), language=language, data=data,
                                        options=options)
    return _full(product)


@router.post("/products/{product_id}/status", response=ProductFullOut, summary="Put on or take off the shelf")
def product_status(request, product_id: int, payload: StatusIn):
    return _full(catalog.product_set_status(product=_product(request, product_id), status=payload.status))


@router.patch("/products/{product_id}/skus/{sku_id}", response=ProductFullOut)
def sku_update(request, product_id: int, sku_id: int, payload: SkuPatchIn):
    product = _product(request, product_id)
    catalog.sku_update(product=product, sku_id=sku_id, **payload.dict(exclude_none=True))
    return _full(product)


@router.post("/products/{product_id}/images", response={201: ProductFullOut},
             summary="Upload an image (JPEG/PNG/WebP/GIF; re-encoded, EXIF stripped, thumbnailed)")
def image_upload(request, product_id: int, image: File[UploadedFile], sku_id: Form[int | None] = None):
    product = _product(request, product_id)
    catalog.product_add_image(product=product, upload=image, sku_id=sku_id)
    return 201, _full(product)


@router.delete("/products/{product_id}/images/{image_id}", response=ProductFullOut)
def image_delete(request, product_id: int, image_id: int):
    product = _product(request, product_id)
    catalog.product_remove_image(product=product, image_id=image_id)
    return _full(product)


class LowStockOut(Schema):
    sku_id: int
    product_id: int
    title: str
    label: str
    stock: int


@router.get("/low-stock", response=list[LowStockOut], summary="SKUs at or below the low-stock threshold")
def low_stock(request):
    return [{"sku_id": s.pk, "product_id": s.product_id, "title": s.product.title, "label": s.label, "stock": s.stock}
            for s in catalog_selectors.low_stock_skus(shop_id=_shop(request).pk,
                                                      threshold=settings.QUANZI["LOW_STOCK_THRESHOLD"])]


# ---------------------------------------------------------------- orders

class ShipIn(Schema):
    carrier: str = Field(..., description="sandbox | sf | zto | yto | jd | ems")
    tracking_number: str = Field("", description="leave empty with the sandbox carrier to get one issued")


def _order(request, number: str):
    order = orders.order_for_shop(shop=_shop(request), number=number)
    if order is None:
        raise NotFound(_("Order not found."), code="order_not_found")
    return order


@router.get("/orders", response=OrderPageOut)
def order_list(request, tab: str | None = None, cursor: str | None = None, limit: int = 20):
    items, nxt = orders.order_page_for_shop(shop=_shop(request), tab=tab, cursor=cursor, limit=limit)
    return {"items": [order_out(o) for o in items], "next_cursor": nxt}


@router.get("/orders/{number}", response=OrderDetailOut)
def order_detail(request, number: str):
    return order_detail_out(_order(request, number))


@router.post("/orders/{number}/ship", response=OrderDetailOut)
def order_ship(request, number: str, payload: ShipIn):
    shipment_create(shop=_shop(request), order_number=number, carrier=payload.carrier,
                    tracking_number=payload.tracking_number)
    return order_detail_out(_order(request, number))


# ---------------------------------------------------------------- after-sales

class MerchantNoteIn(Schema):
    note: str = ""


def _aftersale(request, number: str):
    a = orders.aftersale_for_shop(shop=_shop(request), number=number)
    if a is None:
        raise NotFound(_("After-sales request not found."))
    return a


@router.get("/after-sales", response=list[AfterSaleOut])
def aftersale_list(request, open_only: bool = True):
    return [aftersale_out(a) for a in orders.aftersales_for_shop(shop=_shop(request), open_only=open_only)]


@router.post("/after-sales/{number}/approve", response=AfterSaleOut)
def aftersale_approve(request, number: str, payload: MerchantNoteIn):
    a = _aftersale(request, number)
    return aftersale_out(aftersales.aftersale_approve(shop=_shop(request), after_sale_id=a.pk, note=payload.note))


@router.post("/after-sales/{number}/reject", response=AfterSaleOut)
def aftersale_reject(request, number: str, payload: MerchantNoteIn):
    a = _aftersale(request, number)
    return aftersale_out(aftersales.aftersale_reject(shop=_shop(request), after_sale_id=a.pk, note=payload.note))


@router.post("/after-sales/{number}/confirm-return", response=AfterSaleOut, summary="Goods received back: refund")
def aftersale_confirm_return(request, number: str):
    a = _aftersale(request, number)
    return aftersale_out(aftersales.aftersale_confirm_return(shop=_shop(request), after_sale_id=a.pk))


# ---------------------------------------------------------------- money

class BalanceOut(Schema):
    pending: int
    available: int
    payout_in_progress: int
    paid_out: int
    currency: str = "CNY"


class PayoutIn(Schema):
    amount: int
    bank_account: str


class PayoutOut(Schema):
    number: str
    amount: int
    status: str
    bank_account: str
    note: str
    created_at: str


def payout_out(p) -> dict:
    """A settlement payout as the API shows it."""
    return {"number": p.number, "amount": p.amount, "status": p.status, "bank_account": p.bank_account,
            "note": p.note, "created_at": p.created_at.isoformat()}


@router.get("/balance", response=BalanceOut, summary="Pending (in the return window), available, paid out")
def balance(request):
    return settlement.merchant_balances(shop_id=_shop(request).pk)


@router.get("/payouts", response=list[PayoutOut])
def payout_list(request):
    return [payout_out(p) for p in payouts_for_shop(shop=_shop(request), limit=100)]


@router.post("/payouts", response={201: PayoutOut}, summary="Request a payout of the available balance")
def payout_create(request, payload: PayoutIn):
    return 201, payout_out(settlement.payout_request(shop=_shop(request), amount=payload.amount,
                                                     bank_account=payload.bank_account))
