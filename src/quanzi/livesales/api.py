"""Live-room sales API (/api/v1/livesales): live prices (host: start/end; viewers: what is on), buying
in the room, gifts, the tip balance and its top-up, the declaration, tips, the leaderboard and the
room's sales figures. Another host's room or price answers 404. Errors: the one error shape."""

import datetime as dt

from ninja import Router, Schema

from quanzi.accounts.auth import auth
from quanzi.core.http import idempotent
from quanzi.livesales import selectors, services
from quanzi.livesales.models import LivePrice
from quanzi.payments.services import payment_pay_url

router = Router(tags=["livesales"])


def money(v: int) -> dict:
    return {"amount": int(v), "currency": "CNY"}


def price_out(lp: LivePrice) -> dict:
    left = getattr(lp, "left", None)
    return {"id": lp.pk, "room": lp.room.number,
            "sku_id": lp.sku_id, "product_id": lp.sku.product_id, "title": lp.sku.product.title,
            "sku_label": lp.sku.label, "list_price": money(lp.sku.price), "price": money(lp.price),
            "stock": lp.stock, "left": services.pool_left(live_price=lp) if left is None else left,
            "per_user_limit": lp.per_user_limit, "status": lp.status, "starts_at": lp.starts_at.isoformat(),
            "ends_at": lp.ends_at.isoformat(), "returned": lp.returned}


def payment_out(payment) -> dict:
    return {"payment_number": payment.number, "amount": money(payment.amount), "pay_url": payment_pay_url(payment=payment)}


class PriceIn(Schema):
    sku_id: int
    price: int
    stock: int
    per_user_limit: int = 1
    duration_seconds: int = 600


class LiveBuyIn(Schema):
    sku_id: int
    quantity: int = 1
    address_id: int
    live_price_id: int | None = None


class TipIn(Schema):
    gift_id: int
    count: int = 1


class TopUpIn(Schema):
    amount: int


class DeclarationIn(Schema):
    real_name: str
    birth_date: dt.date


# ---------------------------------------------------------------- live prices

@router.get("/rooms/{number}/prices", summary="Live prices on now in the room")
def room_prices(request, number: str):
    room = services.room_by_number(number=number)
    return {"room": room.number, "prices": [price_out(lp) for lp in selectors.active_prices(room_id=room.pk)]}


@router.post("/rooms/{number}/prices", auth=auth, response={201: dict},
             summary="Host: start a live-only price with its own stock (set aside now, returned when it ends)")
def start_price(request, number: str, payload: PriceIn):
    lp = services.live_price_start(user=request.auth, room_number=number, sku_id=payload.sku_id, price=payload.price,
                                   stock=payload.stock, per_user_limit=payload.per_user_limit,
                                   duration_seconds=payload.duration_seconds)
    return 201, price_out(lp)


@router.post("/prices/{price_id}/end", auth=auth, summary="Host: end a live price early (its stock goes back)")
def end_price(request, price_id: int):
    lp = services.live_price_end(live_price_id=price_id, user=request.auth)
    return price_out(lp)


# ---------------------------------------------------------------- buying in the room

@router.post("/rooms/{number}/buy", auth=auth, response={201: dict},
             summary="Buy a shelf item in the room (live price if on); returns the payment to open "
                     "(Idempotency-Key supported)")
@idempotent("livesales-buy")
def buy(request, number: str, payload: LiveBuyIn):
    order, payment = services.live_buy(user=request.auth, room_number=number, sku_id=payload.sku_id,
                                       quantity=payload.quantity, address_id=payload.address_id,
                                       live_price_id=payload.live_price_id)
    line = order.lines.all()[0]
    return 201, {"order_number": order.number, "total": money(order.total), "unit_price": money(line.unit_price),
                 "price_source": line.price_source, "payment": payment_out(payment)}


# ---------------------------------------------------------------- tips

@router.get("/gifts", summary="The gifts viewers can send")
def gifts(request):
    return {"gifts": [{"id": g.pk, "name": g.name, "name_en": g.name_en, "icon": g.icon, "price": money(g.price)}
                      for g in selectors.gifts()]}


def _account_out(user) -> dict:
    a = selectors.tip_account(user=user)
    return {"balance": money(a["balance"]), "declared": a["declared"], "adult": a["adult"],
            "daily_limit": money(a["daily_limit"]), "tipped_today": money(a["tipped_today"]),
            "remaining_today": money(a["remaining_today"])}


@router.get("/me/tips", auth=auth, summary="My tip balance, declaration status and today's room under the limit")
def my_tips(request):
    return _account_out(request.auth)


@router.post("/me/declaration", auth=auth, response={201: dict},
             summary="Declare real name and date of birth (required to tip; made once)")
def declare(request, payload: DeclarationIn):
    services.declaration_submit(user=request.auth, real_name=payload.real_name, birth_date=payload.birth_date)
    return 201, _account_out(request.auth)


@router.post("/me/tips/topup", auth=auth, response={201: dict},
             summary="Top up the tip balance: returns the payment to open (Idempotency-Key supported)")
@idempotent("livesales-topup")
def topup(request, payload: TopUpIn):
    topup_row, payment = services.topup_start(user=request.auth, amount=payload.amount)
    return 201, {"topup_number": topup_row.number, "amount": money(topup_row.amount), "payment": payment_out(payment)}


@router.post("/rooms/{number}/tips", auth=auth, response={201: dict},
             summary="Send gifts in a live room from the tip balance (Idempotency-Key supported)")
@idempotent("livesales-tip")
def send_tip(request, number: str, payload: TipIn):
    tip = services.tip_send(user=request.auth, room_number=number, gift_id=payload.gift_id, count=payload.count)
    return 201, {"id": tip.pk, "gift": tip.gift.name, "count": tip.count, "amount": money(tip.amount),
                 "host_share": money(tip.host_share), "platform_share": money(tip.platform_share),
                 "balance": money(selectors.tip_account(user=request.auth)["balance"])}


@router.get("/rooms/{number}/leaderboard", summary="The room's top tippers")
def leaderboard(request, number: str):
    room = services.room_by_number(number=number)
    return {"room": room.number, "top": [{"rank": r["rank"], "nickname": r["nickname"], "amount": money(r["amount"]),
                                          "gifts": r["gifts"]} for r in selectors.leaderboard(room_id=room.pk)]}


@router.get("/rooms/{number}/sales", auth=auth, summary="Host: the room's sales figures")
def sales(request, number: str):
    from quanzi.live.selectors import room_for_host

    room = room_for_host(user=request.auth, number=number)
    s = selectors.room_sales(room=room)
    return {"room": room.number, "orders": s["orders"], "gmv": money(s["gmv"]), "units": s["units"],
            "buyers": s["buyers"], "tips": money(s["tips"]), "tips_host": money(s["tips_host"]),
            "tippers": s["tippers"], "viewers": s["viewers"], "converted": s["converted"],
            "conversion_bps": s["conversion_bps"],
            "prices": [price_out(lp) for lp in selectors.room_prices(room_id=room.pk)]}
