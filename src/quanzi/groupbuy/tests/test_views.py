import pytest
from django.template import Context, Template
from django.test import Client

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_group_page_shows_spots_countdown_members_and_joins(campaign, gsku, make_shopper, open_group, pay):
    a, b = make_shopper(), make_shopper()
    group, _, payment = open_group(a)
    pay(payment.number)
    r = Client().get(f"/g/{group.number}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="gb-countdown"' in html and "23:59:" in html
    assert html.count('data-testid="gb-member"') == 1
    assert f"/g/{group.number}/" in html
    r = _client(b).post(f"/g/{group.number}/join/", {"sku": gsku.pk})
    assert r.status_code == 302 and "/sandbox/pay/" in r["Location"]
    group.refresh_from_db()
    assert group.joined_count == 2
    r = _client(b).get(f"/g/{group.number}/")
    assert 'data-testid="gb-you-are-in"' in r.content.decode()


def test_joining_a_full_group_from_the_page_says_so_and_changes_nothing(campaign, gsku, make_shopper, open_group,
                                                                        join_group):
    a, b, c, d = (make_shopper() for _ in range(4))
    group, *_ = open_group(a)
    join_group(b, group)
    join_group(c, group)
    r = _client(d).post(f"/g/{group.number}/join/", {"sku": gsku.pk}, follow=True)
    assert r.status_code == 200
    assert not d.orders.exists()
    assert 'data-testid="gb-full"' in r.content.decode()


def test_unknown_group_is_404_and_join_needs_login(campaign):
    assert Client().get("/g/000000000000/").status_code == 404
    r = Client().post("/g/000000000000/join/", {"sku": "x"})
    assert r.status_code == 302 and "login" in r["Location"]


def test_back_from_the_login_page_the_join_link_shows_the_group(campaign, make_shopper, open_group):
    group, *_ = open_group(make_shopper())
    r = _client(make_shopper()).get(f"/g/{group.number}/join/")
    assert r.status_code == 302 and r["Location"] == f"/g/{group.number}/"


def test_product_block_lists_open_groups_and_opens_one(campaign, gsku, make_shopper, open_group, rf):
    a, b = make_shopper(), make_shopper()
    group, *_ = open_group(a)
    request = rf.get("/")
    request.user = b
    html = Template('{% include "groupbuy/partials/product_groups.html" %}').render(
        Context({"product": campaign.product, "request": request}))
    assert group.number in html and 'data-testid="gb-open"' in html
    r = _client(b).post(f"/groupbuy/campaigns/{campaign.pk}/open/", {"sku": gsku.pk})
    assert r.status_code == 302 and "/sandbox/pay/" in r["Location"]
    assert b.orders.count() == 1


def test_merchant_pages_create_list_and_end(shop, product, sku):
    c = _client(shop.owner)
    r = c.get("/merchant/groupbuy/")
    assert r.status_code == 200
    r = c.post("/merchant/groupbuy/", {"product_id": product.pk, "sku_id": sku.pk, "group_price": "39.00",
                                       "stock": "5", "group_size": "2", "fill_hours": "24", "days": "3"})
    assert r.status_code == 302, r.content.decode()[:2000]
    r = c.get(r["Location"])
    assert 'data-testid="gb-opened">0<' in r.content.decode()
    sku.refresh_from_db()
    assert sku.stock == 5
    r = c.post("/merchant/groupbuy/", {"product_id": product.pk, "sku_id": sku.pk, "group_price": "99.00",
                                       "stock": "5", "group_size": "2"})
    assert r.status_code == 400 and 'data-testid="form-error"' in r.content.decode()
    campaign_id = product.group_campaigns.get().pk
    c.post(f"/merchant/groupbuy/{campaign_id}/", {"action": "end"})
    sku.refresh_from_db()
    assert sku.stock == 10


def test_another_merchants_campaign_page_is_404(campaign, make_shop):
    other = make_shop()
    assert _client(other.owner).get(f"/merchant/groupbuy/{campaign.pk}/").status_code == 404


def test_the_operator_switches_auto_complete_in_the_admin(campaign, make_user, make_shopper, open_group):
    group, *_ = open_group(make_shopper())
    operator = make_user(nickname="op")
    operator.is_staff = operator.is_superuser = True
    operator.save()
    c = _client(operator)
    assert c.get("/admin/groupbuy/groupcampaign/").status_code == 200
    assert c.get(f"/admin/groupbuy/group/{group.pk}/change/").status_code == 200
    r = c.post("/admin/groupbuy/groupcampaign/", {"action": "allow_auto_complete", "_selected_action": [campaign.pk]})
    assert r.status_code == 302
    campaign.refresh_from_db()
    assert campaign.auto_complete_at_deadline is True


def test_a_member_gets_a_share_link_and_a_poster_that_lead_to_the_group(campaign, make_shopper, open_group, pay):
    from quanzi.sharing.selectors import my_link_for_target
    from quanzi.sharing.testing import share_link_count

    a = make_shopper()
    group, _, payment = open_group(a)
    pay(payment.number)
    html = _client(a).get(f"/g/{group.number}/").content.decode()
    link = my_link_for_target(user_id=a.pk, target_type="group", target_id=group.pk)
    assert f"/s/{link.code}" in html and 'data-testid="gb-poster"' in html
    r = Client().get(f"/s/{link.code}")
    assert r.status_code == 302 and r["Location"] == f"/g/{group.number}/?share={link.code}"
    r = Client().get(f"/s/{link.code}/poster.png")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    # a visitor who is not in the group sees the plain link, and no link is made for them
    html = Client().get(f"/g/{group.number}/").content.decode()
    assert f"/g/{group.number}/" in html and share_link_count() == 1


ADDRESS = {"recipient": "李四", "phone": "13900139000", "province": "浙江", "city": "杭州", "district": "西湖区",
           "detail": "文三路 2 号"}


def test_a_new_user_without_an_address_adds_one_and_lands_back_on_the_group(campaign, gsku, make_shopper,
                                                                              make_user, open_group):
    group, *_ = open_group(make_shopper())
    friend = _client(make_user())
    r = friend.post(f"/g/{group.number}/join/", {"sku": gsku.pk})
    assert r.status_code == 302 and r["Location"] == f"/me/addresses/?next=/g/{group.number}/"
    page = friend.get(r["Location"]).content.decode()
    assert f'name="next" value="/g/{group.number}/"' in page  # the address form carries the way back
    r = friend.post("/me/addresses/new/", {**ADDRESS, "next": f"/g/{group.number}/"})
    assert r.status_code == 302 and r["Location"] == f"/g/{group.number}/"
    r = friend.post(f"/g/{group.number}/join/", {"sku": gsku.pk})
    assert "/pay/" in r["Location"]


def test_opening_a_group_without_an_address_comes_back_to_the_product(campaign, gsku, make_user):
    r = _client(make_user()).post(f"/groupbuy/campaigns/{campaign.pk}/open/", {"sku": gsku.pk})
    assert r["Location"] == f"/me/addresses/?next=/p/{campaign.product_id}/"


def test_the_order_page_of_a_group_order_shows_the_group_and_invites(campaign, gsku, make_shopper, open_group, pay):
    leader = make_shopper()
    group, order, payment = open_group(leader)
    pay(payment.number)
    html = _client(leader).get(f"/orders/{order.number}/").content.decode()
    assert 'data-testid="gb-order-panel"' in html
    assert f'href="/g/{group.number}/"' in html and 'data-testid="gb-invite"' in html
    assert html.count('data-testid="gb-seat-empty"') == group.size - 1
    other = make_shopper()
    # another shopper's order page is theirs alone, and an order that is not a group order shows no panel
    assert _client(other).get(f"/orders/{order.number}/").status_code == 404


def test_the_group_buy_page_lists_running_campaigns_with_their_group_price(campaign, gsku, client, shop):
    from quanzi.groupbuy.services import campaign_end

    html = client.get("/groupbuy/").content.decode()
    assert html.count('data-testid="gb-campaign"') == 1 and f'href="/p/{campaign.product_id}/"' in html
    home = client.get("/").content.decode()
    assert 'data-testid="entry-groupbuy"' in home
    assert home.count('data-testid="home-groupbuy-item"') == 1  # the home page's 拼团 strip
    campaign_end(shop=shop, campaign_id=campaign.pk)
    assert 'data-testid="gb-campaign"' not in client.get("/groupbuy/").content.decode()
    assert 'data-testid="home-groupbuy"' not in client.get("/").content.decode()  # nothing to open: no strip


def _field_html(html: str, name: str) -> str:
    """The markup of the form field `name`: from its input to the end of its label."""
    start = html.index(f'name="{name}"')
    return html[start:html.index("</label>", start)]


def test_a_bad_group_buy_shows_the_message_under_its_field_and_keeps_the_input(shop, product, sku):
    c = _client(shop.owner)
    r = c.post("/merchant/groupbuy/", {"product_id": product.pk, "sku_id": sku.pk, "group_price": "12.345",
                                       "stock": "4", "group_size": "3", "fill_hours": "6", "days": "5"})
    assert r.status_code == 400
    html = r.content.decode()
    price = _field_html(html, "group_price")
    assert 'value="12.345"' in price and 'aria-invalid="true"' in price
    assert 'data-testid="field-error-group_price"' in price and "59.90" in price  # "like 59.90"
    assert 'value="4"' in _field_html(html, "stock") and 'value="3"' in _field_html(html, "group_size")
    assert 'data-testid="field-error-stock"' not in html
    assert f'value="{sku.pk}" data-product="{product.pk}" selected' in html
    # a rule the service checks lands under its own field too (the group size is 2 to 50)
    r = c.post("/merchant/groupbuy/", {"product_id": product.pk, "sku_id": sku.pk, "group_price": "39",
                                       "stock": "4", "group_size": "99"})
    assert r.status_code == 400
    assert 'data-testid="field-error-group_size"' in _field_html(r.content.decode(), "group_size")
    assert not product.group_campaigns.exists()
