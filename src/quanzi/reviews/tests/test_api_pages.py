"""Reviews over the API (one error shape) and the pages (escaping, HTMX helpful, merchant reply)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from quanzi.reviews import services
from quanzi.reviews.models import Review

from .conftest import png

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script>'


def post_review(client, line_id, **data):
    body = {"order_line_id": line_id, "rating": 5, "text": "Nice", **data}
    return client.post("/api/v1/reviews/", body)


def test_api_create_and_list(api, shopper, line, product):
    response = post_review(api(shopper), line.pk, text="好看 Nice", images=[png(), png()])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rating"] == 5 and len(body["photos"]) == 2 and body["followup"] is None
    listing = api().get(f"/api/v1/reviews/products/{product.pk}?every_language=true").json()
    assert listing["rating"] == {"average": 5.0, "count": 1, "distribution": {"5": 1, "4": 0, "3": 0, "2": 0, "1": 0}}
    assert [i["id"] for i in listing["items"]] == [body["id"]] and listing["next_cursor"] is None
    in_english = api().get(f"/api/v1/reviews/products/{product.pk}").json()  # the test client reads English
    assert in_english["items"] == [] and in_english["rating"]["count"] == 1  # a Chinese review: not in the list


def test_api_errors_have_the_one_shape(api, shopper, make_shopper, line, bought_line, expect_error):
    client = api(shopper)
    expect_error(post_review(api(make_shopper()), line.pk), 404, "line_not_found")
    expect_error(post_review(client, bought_line(delivered=False).pk), 422, "not_received")
    expect_error(post_review(client, line.pk, rating=6), 400, "invalid_rating")
    expect_error(post_review(client, line.pk, text=""), 400, "text_required")
    expect_error(post_review(client, line.pk, text="x" * 1001), 400, "text_too_long")
    expect_error(post_review(client, line.pk, images=[png(f"{i}.png") for i in range(10)]), 400, "too_many_images")
    fake = SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg")
    expect_error(post_review(client, line.pk, images=[fake]), 400, "not_an_image")
    assert post_review(client, line.pk).status_code == 201
    expect_error(post_review(client, line.pk), 409, "already_reviewed")
    expect_error(api().post("/api/v1/reviews/", {"order_line_id": line.pk, "rating": 5, "text": "x"}), 401)


def test_api_rate_limit_429(api, shopper, expect_error):
    client = api(shopper)
    for _ in range(20):
        post_review(client, 999999)
    error = expect_error(post_review(client, 999999), 429, "rate_limited")
    assert int(error["fields"]["retry_after"]) > 0


def test_api_followup_reply_helpful(api, shopper, make_shopper, line, shop, make_shop, expect_error):
    rid = post_review(api(shopper), line.pk).json()["id"]
    assert api(shopper).post(f"/api/v1/reviews/{rid}/follow-up", {"text": "Still good"}).status_code == 201
    expect_error(api(shopper).post(f"/api/v1/reviews/{rid}/follow-up", {"text": "again"}), 409)
    other_shop = make_shop()
    expect_error(api(other_shop.owner).post(f"/api/v1/reviews/{rid}/reply", {"text": "hi"},
                                            content_type="application/json"), 404)
    expect_error(api(shopper).post(f"/api/v1/reviews/{rid}/reply", {"text": "hi"},
                                   content_type="application/json"), 404)
    ok = api(shop.owner).post(f"/api/v1/reviews/{rid}/reply", {"text": "Thanks"}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["reply"]["text"] == "Thanks"
    expect_error(api(shop.owner).post(f"/api/v1/reviews/{rid}/reply", {"text": "x"},
                                      content_type="application/json"), 409, "already_replied")
    reader = api(make_shopper())
    assert reader.post(f"/api/v1/reviews/{rid}/helpful").json()["helpful_count"] == 1
    assert reader.post(f"/api/v1/reviews/{rid}/helpful").json()["helpful_count"] == 1
    assert reader.delete(f"/api/v1/reviews/{rid}/helpful").json()["helpful_count"] == 0
    expect_error(api(shopper).post(f"/api/v1/reviews/{rid}/helpful"), 422, "own_review")


def test_api_to_review(api, shopper, line):
    assert [x["order_line_id"] for x in api(shopper).get("/api/v1/reviews/me/to-review").json()] == [line.pk]


# ---------------------------------------------------------------- pages


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_review_form_posts_and_order_page_include(shopper, line):
    client = login(shopper)
    url = reverse("reviews:review_new") + f"?line={line.pk}"
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="review-form"' in page.content
    bad = client.post(url, {"line": line.pk, "rating": "7", "text": "ok"})
    assert bad.status_code == 400 and b"form-error" in bad.content
    done = client.post(url, {"line": line.pk, "rating": "4", "text": "Soft cotton", "images": [png()]})
    assert done.status_code == 302
    r = Review.objects.get()
    assert r.rating == 4 and r.images.count() == 1
    from django.template.loader import render_to_string

    html = render_to_string("reviews/partials/line_review_link.html", {"line": line, "order": line.order})
    assert "Reviewed ★4" in html


def test_review_form_for_another_users_line_is_404(make_shopper, line):
    assert login(make_shopper()).get(reverse("reviews:review_new") + f"?line={line.pk}").status_code == 404


def test_line_link_shows_write_a_review_for_eligible_lines(line):
    from django.template.loader import render_to_string

    html = render_to_string("reviews/partials/line_review_link.html", {"line": line, "order": line.order})
    assert "Write a review" in html


def test_pages_escape_user_text(shopper, make_shopper, line, product, shop):
    r = services.review_create(user=shopper, order_line_id=line.pk, rating=5, text=XSS)
    services.followup_create(user=shopper, review_id=r.pk, text=XSS)
    services.merchant_reply(shop=shop, review_id=r.pk, text=XSS)
    pages = [login(make_shopper()).get(reverse("reviews:product_reviews", args=[product.pk])),
             login(shopper).get(reverse("reviews:my_reviews")),
             login(shop.owner).get(reverse("reviews:merchant_reviews"))]
    for page in pages:
        assert page.status_code == 200
        assert XSS.encode() not in page.content
        assert b"&lt;script&gt;" in page.content
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = make_shopper()
    html = render_to_string("reviews/partials/product_reviews.html", {"product": product, "request": request})
    assert XSS not in html and "&lt;script&gt;" in html and 'data-testid="rating-summary"' in html


def test_helpful_toggle_htmx(shopper, make_shopper, line):
    r = services.review_create(user=shopper, order_line_id=line.pk, rating=5, text="ok")
    client = login(make_shopper())
    url = reverse("reviews:helpful_toggle", args=[r.pk])
    on = client.post(url, HTTP_HX_REQUEST="true")
    assert on.status_code == 200 and b'aria-pressed="true"' in on.content
    off = client.post(url, HTTP_HX_REQUEST="true")
    assert b'aria-pressed="false"' in off.content and r.helpful_marks.count() == 0
    own = login(shopper).post(url, HTTP_HX_REQUEST="true")
    assert "qz:toast" in own["HX-Trigger"] and r.helpful_marks.count() == 0


def test_merchant_reply_page(shopper, line, shop, make_shop):
    r = services.review_create(user=shopper, order_line_id=line.pk, rating=3, text="ok")
    other = login(make_shop().owner)
    assert other.post(reverse("reviews:merchant_reviews"), {"review": r.pk, "text": "hi"}).status_code == 404
    merchant = login(shop.owner)
    assert merchant.post(reverse("reviews:merchant_reviews"), {"review": r.pk, "text": ""}).status_code == 400
    assert merchant.post(reverse("reviews:merchant_reviews"), {"review": r.pk, "text": "Thanks"}).status_code == 302
    assert Review.objects.get().reply.text == "Thanks"


def test_followup_page(shopper, make_shopper, line):
    r = services.review_create(user=shopper, order_line_id=line.pk, rating=3, text="ok")
    url = reverse("reviews:followup_new", args=[r.pk])
    assert login(make_shopper()).get(url).status_code == 404
    assert login(shopper).post(url, {"text": "Better after washing"}).status_code == 302
    assert Review.objects.get().followup.text == "Better after washing"


def test_product_reviews_page_cursor(make_shopper, bought_line, product, sku):
    from quanzi.catalog.services import sku_update

    sku_update(product=product, sku_id=sku.pk, stock=100)
    for _ in range(12):
        user = make_shopper()
        services.review_create(user=user, order_line_id=bought_line(user=user).pk, rating=5, text="ok")
    client = Client()
    first = client.get(reverse("reviews:product_reviews", args=[product.pk]))
    assert first.content.count(b'data-testid="review-card"') == 10 and b"load-more" in first.content
    cursor = first.context["next_cursor"]
    more = client.get(reverse("reviews:product_reviews", args=[product.pk]) + f"?cursor={cursor}",
                      HTTP_HX_REQUEST="true")
    assert more.content.count(b'data-testid="review-card"') == 2
    assert client.get(reverse("reviews:product_reviews", args=[product.pk]) + "?cursor=@@").status_code == 200


def test_admin_hide_requires_a_reason(make_user, shopper, line):
    r = services.review_create(user=shopper, order_line_id=line.pk, rating=5, text="ok")
    operator = make_user(is_staff=True)
    client = login(operator)
    url = reverse("admin:reviews_review_decide", args=[r.pk, "hide_review"])
    assert client.post(url, {"apply": "1", "note": ""}).status_code == 400
    assert Review.objects.get().status == "visible"
    assert client.post(url, {"apply": "1", "note": "Spam"}).status_code == 302
    r.refresh_from_db()
    assert r.status == "hidden" and r.moderations.get().operator == operator
    assert client.get(reverse("admin:reviews_review_change", args=[r.pk])).status_code == 200
