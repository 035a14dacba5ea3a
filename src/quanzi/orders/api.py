from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Router, Schema

from quanzi.accounts.auth import auth
from quanzi.catalog.selectors import product_is_sellable
from quanzi.core.errors import NotFound
from quanzi.core.http import client_fingerprint, idempotent, in_idempotent_transaction
from quanzi.core.images import media_url
from quanzi.orders import aftersales, selectors, services
from quanzi.orders.checkout import checkout_and_pay, order_payment_start
from quanzi.orders.models import AfterSale, Order
from quanzi.payments.services import payment_pay_url

router = Router(tags=["orders"], auth=auth)


class MoneyOut(Schema):
    amount: int
    currency: str = "CNY"


def money(v: int) -> dict:
    return {"amount": v, "currency": "CNY"}


# ---------------------------------------------------------------- cart

class CartAddIn(Schema):
    sku_id: int
    quantity: int = 1


class CartUpdateIn(Schema):
    quantity: int | None = None
    selected: bool | None = None


class CartLineOut(Schema):
    id: int
    sku_id: int
    product_id: int
    title: str
    sku_label: str
    image: str
    unit_price: MoneyOut
    quantity: int
    stock: int
    selected: bool
    available: bool
    shop_id: int
    shop_name: str


class CartOut(Schema):
    lines: list[CartLineOut]
    selected_total: MoneyOut


def cart_out(user) -> dict:
    lines = selectors.cart_lines(user=user)
    out = []
    for line in lines:
        sku, product = line.sku, line.sku.product
        available = sku.is_active and product_is_sellable(product=product) and sku.stock >= line.quantity
        out.append({"id": line.pk, "sku_id": sku.pk, "product_id": product.pk, "title": product.title,
                    "sku_label": sku.label, "image": media_url(sku.image or product.cover_thumb),
                    "unit_price": money(sku.price), "quantity": line.quantity, "stock": sku.stock,
                    "selected": line.selected, "available": available, "shop_id": product.shop_id,
                    "shop_name": product.shop.name})
    total = sum(o["unit_price"]["amount"] * o["quantity"] for o in out if o["selected"] and o["available"])
    return {"lines": out, "selected_total": money(total)}


@router.get("/cart", response=CartOut)
def cart(request):
    return cart_out(request.auth)


@router.post("/cart/lines", response={201: CartOut})
def cart_add(request, payload: CartAddIn):
    services.cart_add(user=request.auth, sku_id=payload.sku_id, quantity=payload.quantity)
    return 201, cart_out(request.auth)


@router.patch("/cart/lines/{line_id}", response=CartOut)
def cart_update(request, line_id: int, payload: CartUpdateIn):
    services.cart_update(user=request.auth, line_id=line_id, quantity=payload.quantity, selected=payload.selected)
    return cart_out(request.auth)


@router.delete("/cart/lines/{line_id}", response=CartOut)
def cart_remove(request, line_id: int):
    services.cart_remove(user=request.auth, line_id=line_id)
    return cart_out(request.auth)


# ---------------------------------------------------------------- checkout

class CheckoutItemIn(Schema):
    sku_id: int
    quantity: int
    price_source: str = "list"
    price_ref: str = ""


class CheckoutIn(Schema):
    items: list[CheckoutItemIn] | None = Field(None, description="Omit to check out the selected cart lines.")
    address_id: int | None = None
    notes: dict[int, str] = Field(default_factory=dict, description="shop_id → note to the merchant")
    context: dict[str, str] = Field(default_factory=dict, description=(
        "attribution context (share code, note, room) and the shopper's choice of offers: `coupons` is a "
        "comma-separated list of coupon ids, or `none`; omitted, the best combination is applied "
        "(see GET /coupons/checkout-options)"))


class AdjustmentOut(Schema):
    source: str = Field(description="the pricing step that took it: coupon, points, …")
    ref: str
    label: str
    amount: MoneyOut
    target: str = Field(description="items or shipping")
    funded_by: str = Field(description="merchant or platform")


class LineDiscountOut(Schema):
    source: str
    ref: str
    label: str = ""
    amount: MoneyOut
    funded_by: str


class QuoteLineOut(Schema):
    sku_id: int
    title: str
    sku_label: str
    quantity: int
    unit_price: MoneyOut
    price_source: str
    subtotal: MoneyOut
    discount: MoneyOut
    discounts: list[LineDiscountOut]


class QuoteGroupOut(Schema):
    shop_id: int
    shop_name: str
    lines: list[QuoteLineOut]
    items_total: MoneyOut
    shipping_fee: MoneyOut
    shipping_discount: MoneyOut
    discount_total: MoneyOut
    total: MoneyOut
    adjustments: list[AdjustmentOut]


class QuoteOut(Schema):
    groups: list[QuoteGroupOut]
    items_total: MoneyOut
    shipping_total: MoneyOut
    discount_total: MoneyOut
    total: MoneyOut


class OrderLineOut(Schema):
    id: int
    sku_id: int
    product_id: int
    title: str
    sku_label: str
    image: str
    unit_price: MoneyOut
    list_price: MoneyOut
    price_source: str
    quantity: int
    line_total: MoneyOut
    refunded_amount: MoneyOut
    refunded_quantity: int
    returnable_7day: bool
    discounts: list[LineDiscountOut]


class OrderEventOut(Schema):
    kind: str
    message: str
    actor: str
    at: str


class AfterSaleOut(Schema):
    number: str
    order_number: str
    line_id: int
    kind: str
    status: str
    quantity: int
    amount: MoneyOut
    reason: str
    description: str
    merchant_note: str
    operator_note: str


class OrderOut(Schema):
    number: str
    status: str
    shop_id: int
    shop_name: str
    items_total: MoneyOut
    shipping_fee: MoneyOut
    discount_total: MoneyOut
    adjustments: list[AdjustmentOut]
    total: MoneyOut
    refunded_total: MoneyOut
    payment_number: str
    created_at: str
    pay_deadline: str
    paid_at: str | None
    shipped_at: str | None
    delivered_at: str | None
    return_window_closes_at: str | None
    lines: list[OrderLineOut]


class OrderDetailOut(OrderOut):
    address: dict
    note: str
    events: list[OrderEventOut]
    after_sales: list[AfterSaleOut]


class PaymentStartOut(Schema):
    payment_number: str
    amount: MoneyOut
    pay_url: str
    expires_at: str


class CheckoutOut(Schema):
    orders: list[OrderOut]
    payment: PaymentStartOut


class OrderPageOut(Schema):
    items: list[OrderOut]
    next_cursor: str | None


def _iso(v) -> str | None:
    return v.isoformat() if v else None


def order_out(o: Order) -> dict:
    return {
        "number": o.number, "status": o.status, "shop_id": o.shop_id, "shop_name": o.shop.name,
        "items_total": money(o.items_total), "shipping_fee": money(o.shipping_fee),
        "discount_total": money(o.discount_total), "adjustments": _adjustments_out(o.adjustments),
        "total": money(o.total), "refunded_total": money(o.refunded_total),
        "payment_number": o.payment_number, "created_at": _iso(o.created_at), "pay_deadline": _iso(o.pay_deadline),
        "paid_at": _iso(o.paid_at), "shipped_at": _iso(o.shipped_at), "delivered_at": _iso(o.delivered_at),
        "return_window_closes_at": _iso(o.return_window_closes_at),
        "lines": [{"id": ln.pk, "sku_id": ln.sku_id, "product_id": ln.product_id, "title": ln.title,
                   "sku_label": ln.sku_label, "image": media_url(ln.image), "unit_price": money(ln.unit_price),
                   "list_price": money(ln.list_price), "price_source": ln.price_source, "quantity": ln.quantity,
                   "line_total": money(ln.line_total), "refunded_amount": money(ln.refunded_amount),
                   "refunded_quantity": ln.refunded_quantity, "returnable_7day": ln.returnable_7day,
                   "discounts": _discounts_out(ln.discounts)}
                  for ln in o.lines.all()],
    }


def _adjustments_out(adjustments: list[dict]) -> list[dict]:
    return [{**a, "amount": money(a["amount"])} for a in adjustments or ()]


def _discounts_out(discounts: list[dict]) -> list[dict]:
    return [{**d, "amount": money(d["amount"])} for d in discounts or ()]


def aftersale_out(a: AfterSale) -> dict:
    return {"number": a.number, "order_number": a.order.number, "line_id": a.line_id, "kind": a.kind,
            "status": a.status, "quantity": a.quantity, "amount": money(a.amount), "reason": a.reason,
            "description": a.description, "merchant_note": a.merchant_note, "operator_note": a.operator_note}


def order_detail_out(o: Order) -> dict:
    return {**order_out(o), "address": o.address, "note": o.note,
            "events": [{"kind": e.kind, "message": e.text(), "actor": e.actor, "at": _iso(e.created_at)}
                       for e in o.events.all()],
            "after_sales": [aftersale_out(a) for a in o.after_sales.all()]}


def payment_out(p) -> dict:
    return {"payment_number": p.number, "amount": money(p.amount), "pay_url": payment_pay_url(payment=p),
            "expires_at": _iso(p.expires_at)}


def _items(request, payload: CheckoutIn) -> list[services.CheckoutItem]:
    if payload.items is not None:
        return [services.CheckoutItem(i.sku_id, i.quantity, i.price_source, i.price_ref) for i in payload.items]
    return [services.CheckoutItem(ln.sku_id, ln.quantity) for ln in selectors.cart_lines(user=request.auth)
            if ln.selected]


def quote_out(q: services.CheckoutQuote) -> dict:
    return {
        "groups": [{"shop_id": g.shop.pk, "shop_name": g.shop.name, "items_total": money(g.items_total),
                    "shipping_fee": money(g.shipping_fee), "shipping_discount": money(g.shipping_discount),
                    "discount_total": money(g.discount_total), "total": money(g.total),
                    "adjustments": _adjustments_out(g.applied),
                    "lines": [{"sku_id": ln.sku.pk, "title": ln.sku.product.title, "sku_label": ln.sku.label,
                               "quantity": ln.quantity, "unit_price": money(ln.quote.unit_price),
                               "price_source": ln.quote.source, "subtotal": money(ln.subtotal),
                               "discount": money(ln.discount), "discounts": _discounts_out(ln.discounts)}
                              for ln in g.lines]}
                   for g in q.groups],
        "items_total": money(q.items_total), "shipping_total": money(q.shipping_total),
        "discount_total": money(q.discount_total), "total": money(q.total)}


def _context(request, payload) -> dict:
    """The client's attribution context plus the server's view of the client (never from the body)."""
    return {**payload.context, "client": client_fingerprint(request)}


@router.post("/checkout/preview", response=QuoteOut, summary="Price a checkout (server-side; nothing is reserved)")
def checkout_preview(request, payload: CheckoutIn):
    return quote_out(services.checkout_quote(user=request.auth, items=_items(request, payload),
                                             context=_context(request, payload)))


@router.post("/checkout", response={201: CheckoutOut},
             summary="Place one order per shop and open one payment (Idempotency-Key supported)")
@idempotent("checkout")
def checkout(request, payload: CheckoutIn):
    if payload.address_id is None:
        from quanzi.core.errors import ValidationFailed

        raise ValidationFailed(_("Choose a delivery address."), fields={"address_id": "required"})
    orders, payment = checkout_and_pay(user=request.auth, items=_items(request, payload),
                                       address_id=payload.address_id, notes=payload.notes,
                                       context=_context(request, payload), clear_cart=payload.items is None,
                                       savepoint=not in_idempotent_transaction(request))
    return 201, {"orders": [order_out(o) for o in orders], "payment": payment_out(payment)}


# ---------------------------------------------------------------- orders

def _own(request, number: str) -> Order:
    order = selectors.order_for_user(user=request.auth, number=number)
    if order is None:
        raise NotFound(_("Order not found."), code="order_not_found")
    return order


@router.get("/orders", response=OrderPageOut)
def order_list(request, tab: str | None = None, cursor: str | None = None, limit: int = 20):
    items, nxt = selectors.order_page_for_user(user=request.auth, tab=tab, cursor=cursor, limit=limit)
    return {"items": [order_out(o) for o in items], "next_cursor": nxt}


@router.get("/orders/{number}", response=OrderDetailOut)
def order_detail(request, number: str):
    return order_detail_out(_own(request, number))


@router.post("/orders/{number}/pay", response=PaymentStartOut, summary="Start (or resume) paying an unpaid order")
def order_pay(request, number: str):
    return payment_out(order_payment_start(user=request.auth, order_number=number))


class ReasonIn(Schema):
    reason: str = ""


@router.post("/orders/{number}/cancel", response=OrderDetailOut)
def order_cancel(request, number: str, payload: ReasonIn):
    order = _own(request, number)
    services.order_cancel(order_id=order.pk, user=request.auth, reason=payload.reason or gettext_noop("Cancelled by the shopper"))
    return order_detail_out(_own(request, number))


@router.post("/orders/{number}/confirm", response=OrderDetailOut, summary="Confirm receipt")
def order_confirm(request, number: str):
    order = _own(request, number)
    services.order_confirm_receipt(order_id=order.pk, user=request.auth)
    return order_detail_out(_own(request, number))


# ---------------------------------------------------------------- after-sales

class AfterSaleIn(Schema):
    line_id: int
    kind: str = Field(..., description="refund_only | return_refund")
    quantity: int
    reason: str = Field(..., description="no_reason | quality | wrong_item | damaged | not_as_described | "
                                         "not_received | changed_mind | other")
    description: str = ""
    amount: int | None = Field(None, description="fen; defaults to the most this quantity can refund")


class ReturnShipIn(Schema):
    carrier: str
    tracking_number: str


class AfterSaleNoteIn(Schema):
    note: str = ""


def _own_aftersale(request, number: str) -> AfterSale:
    a = selectors.aftersale_for_user(user=request.auth, number=number)
    if a is None:
        raise NotFound(_("After-sales request not found."))
    return a


@router.post("/orders/{number}/after-sales", response={201: AfterSaleOut}, summary="Ask for a refund or a return")
def aftersale_create(request, number: str, payload: AfterSaleIn):
    order = _own(request, number)
    a = aftersales.aftersale_request(user=request.auth, order_id=order.pk, line_id=payload.line_id,
                                     kind=payload.kind, quantity=payload.quantity, reason=payload.reason,
                                     description=payload.description, amount=payload.amount)
    return 201, aftersale_out(a)


@router.get("/after-sales/{number}", response=AfterSaleOut)
def aftersale_detail(request, number: str):
    return aftersale_out(_own_aftersale(request, number))


@router.post("/after-sales/{number}/ship-return", response=AfterSaleOut)
def aftersale_ship_return(request, number: str, payload: ReturnShipIn):
    a = _own_aftersale(request, number)
    return aftersale_out(aftersales.aftersale_ship_return(user=request.auth, after_sale_id=a.pk,
                                                          carrier=payload.carrier,
                                                          tracking_number=payload.tracking_number))


@router.post("/after-sales/{number}/escalate", response=AfterSaleOut, summary="Ask the platform to decide")
def aftersale_escalate(request, number: str, payload: AfterSaleNoteIn):
    a = _own_aftersale(request, number)
    return aftersale_out(aftersales.aftersale_escalate(user=request.auth, after_sale_id=a.pk, note=payload.note))


@router.post("/after-sales/{number}/cancel", response=AfterSaleOut)
def aftersale_cancel(request, number: str):
    a = _own_aftersale(request, number)
    return aftersale_out(aftersales.aftersale_cancel(user=request.auth, after_sale_id=a.pk))
