"""Pages and partials: the room panel and console panel as live's pages include them, the buy and tip
forms (HTMX and plain), /me/tips/."""

import datetime as dt

import pytest
from django.template import engines
from django.test import Client, RequestFactory

from quanzi.livesales.models import LivePrice, LivePriceStatus, Tip, TipperDeclaration, TopUp
from quanzi.orders.testing import orders

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def render_include(name, room, user=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(f"/live/{room.number}/")
    request.user = user or AnonymousUser()
    template = engines["django"].from_string("{% include '" + name + "' %}")
    return template.render({"room": room}, request)


def test_the_room_panel_shows_live_prices_the_shelf_and_tips(room, lsku, live_price, adult, fund, gift,
                                                             django_assert_max_num_queries):
    from quanzi.live.testing import pin_put

    pin_put(room=room, product_id=lsku.product_id)
    viewer = adult()
    fund(viewer, 1000)
    with django_assert_max_num_queries(16):
        html = render_include("livesales/partials/room_panel.html", room, viewer)
    assert 'data-testid="ls-live-price"' in html and "¥59.00" in html and f'id="ls-left-{live_price.pk}">10</b> left' in html
    assert 'data-testid="ls-pinned-buy"' in html
    assert f'name="live_price" value="{live_price.pk}"' in html
    assert 'data-testid="ls-tip-form"' in html and gift.name in html
    assert 'data-testid="ls-balance">¥10.00' in html
    anonymous = render_include("livesales/partials/room_panel.html", room)
    assert "Sign in to buy" in anonymous and 'data-testid="ls-buy-form"' not in anonymous


def test_the_panel_tells_minors_and_undeclared_viewers(room, make_shopper):
    viewer = make_shopper()
    assert "real-name declaration" in render_include("livesales/partials/room_panel.html", room, viewer)
    TipperDeclaration.objects.create(user=viewer, real_name="小王", birth_date=dt.date.today().replace(year=2015))
    assert 'data-testid="ls-minor"' in render_include("livesales/partials/room_panel.html", room, viewer)


def test_buying_with_htmx_keeps_the_room_and_links_the_cashier(room, lsku, live_price, make_shopper):
    viewer = make_shopper()
    r = client_for(viewer).post(f"/livesales/rooms/{room.number}/buy/",
                                {"sku": lsku.pk, "quantity": 1, "live_price": live_price.pk}, **HTMX)
    assert r.status_code == 200
    html = r.content.decode()
    [order] = orders()
    assert 'data-testid="ls-pay"' in html and f"/sandbox/pay/{order.payment_number}/" in html
    assert 'target="_blank"' in html
    assert f'id="ls-left-{live_price.pk}" hx-swap-oob="true">9</b>' in html  # the banner's count, updated


def test_buying_without_htmx_goes_to_the_cashier_in_the_forms_new_tab(room, lsku, make_shopper):
    r = client_for(make_shopper()).post(f"/livesales/rooms/{room.number}/buy/", {"sku": lsku.pk, "quantity": 1})
    assert r.status_code == 302 and r["Location"].startswith("/sandbox/pay/")


def test_buying_without_an_address_asks_for_one_and_comes_back_to_the_room(room, lsku, make_user):
    client = client_for(make_user())
    r = client.post(f"/livesales/rooms/{room.number}/buy/", {"sku": lsku.pk, "quantity": 1}, **HTMX)
    assert r.status_code == 204 and r["HX-Redirect"] == f"/me/addresses/?next=/live/{room.number}/"
    r = client.post(f"/livesales/rooms/{room.number}/buy/", {"sku": lsku.pk, "quantity": 1})
    assert r.status_code == 302 and r["Location"] == f"/me/addresses/?next=/live/{room.number}/"
    assert not orders()


def test_a_buy_error_is_shown_in_the_panel(room, lsku, live_price, make_shopper):
    live_price.status = LivePriceStatus.ENDED
    live_price.save(update_fields=["status"])
    r = client_for(make_shopper()).post(f"/livesales/rooms/{room.number}/buy/",
                                        {"sku": lsku.pk, "quantity": 1, "live_price": live_price.pk}, **HTMX)
    assert 'data-code="live_price_ended"' in r.content.decode()
    assert not orders()


def test_tipping_from_the_panel(room, adult, fund, gift):
    viewer = adult()
    fund(viewer, 1000)
    r = client_for(viewer).post(f"/livesales/rooms/{room.number}/tip/", {"gift": gift.pk, "count": 1}, **HTMX)
    assert 'data-testid="ls-tip-sent"' in r.content.decode() and "¥6.67" in r.content.decode()
    r = client_for(viewer).post(f"/livesales/rooms/{room.number}/tip/", {"gift": gift.pk, "count": 5}, **HTMX)
    assert 'data-code="insufficient_balance"' in r.content.decode()
    assert Tip.objects.count() == 1


def test_anonymous_posts_go_to_the_login(room, lsku):
    r = Client().post(f"/livesales/rooms/{room.number}/buy/", {"sku": lsku.pk})
    assert r.status_code == 302 and "login" in r["Location"]


def test_the_console_panel_and_its_forms(room, lsku, make_shopper, pay):
    host = client_for(room.host)
    html = render_include("livesales/partials/console_panel.html", room, room.host)
    assert 'data-testid="ls-price-form"' in html and "No live price on." in html
    r = host.post(f"/livesales/rooms/{room.number}/prices/",
                  {"sku": lsku.pk, "price": "59.90", "stock": "5", "per_user_limit": "1", "minutes": "5"})
    assert r.status_code == 302
    lp = LivePrice.objects.get()
    assert (lp.price, lp.stock, lp.per_user_limit) == (5990, 5, 1)
    html = render_include("livesales/partials/console_panel.html", room, room.host)
    assert 'data-testid="ls-active-price"' in html and "5 of 5 left" in html
    r = client_for(make_shopper()).post(f"/livesales/prices/{lp.pk}/end/")
    assert r.status_code == 404
    r = host.post(f"/livesales/prices/{lp.pk}/end/")
    assert r.status_code == 302
    lp.refresh_from_db()
    assert lp.status == LivePriceStatus.ENDED
    assert client_for(make_shopper()).post(f"/livesales/rooms/{room.number}/prices/",
                                           {"sku": lsku.pk, "price": "1"}).status_code == 404


def test_my_tips_page_declaration_and_top_up(make_shopper):
    viewer = make_shopper()
    c = client_for(viewer)
    r = c.get("/me/tips/")
    assert r.status_code == 200 and 'data-testid="tips-declaration-form"' in r.content.decode()
    r = c.post("/me/tips/topup/", {"amount": "10"})
    assert r.status_code == 302 and r["Location"] == "/me/tips/" and not TopUp.objects.exists()
    c.post("/me/tips/declaration/", {"real_name": "张三", "birth_date": "1990-02-03"})
    assert TipperDeclaration.objects.filter(user=viewer).exists()
    r = c.post("/me/tips/topup/", {"amount": "10.50"})
    assert r.status_code == 302 and r["Location"].startswith("/sandbox/pay/")
    assert TopUp.objects.get().amount == 1050
    r = c.get("/me/tips/")
    assert 'data-testid="tips-topup-form"' in r.content.decode() and "Declared as 张三" in r.content.decode()
    assert Client().get("/me/tips/").status_code == 302


def test_the_panel_refresh_endpoint(room, lsku, live_price):
    r = Client().get(f"/livesales/rooms/{room.number}/panel/")
    assert r.status_code == 200 and 'id="ls-panel"' in r.content.decode()
    assert Client().get("/livesales/rooms/0000000000/panel/").status_code == 404


def test_lives_pages_include_the_panels_and_the_sales_rows(room, lsku, live_price, adult, fund, gift):
    """Integration with the live app: the room page shows the panel, the console the console panel, and the
    stats page the sales rows registered with live.stats.register_room_stats."""
    viewer = adult()
    fund(viewer, 1000)
    html = client_for(viewer).get(f"/live/{room.number}/").content.decode()
    assert 'id="ls-panel"' in html and 'data-testid="ls-live-price"' in html
    host = client_for(room.host)
    assert 'data-testid="ls-console"' in host.get(f"/live/{room.number}/console/").content.decode()
    assert "Sales (GMV)" in host.get(f"/live/{room.number}/stats/").content.decode()
