"""The social pages as a shopper sees them."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from quanzi.social import selectors as sel
from quanzi.social import services
from quanzi.social.tests.conftest import png_bytes

HX = {"HTTP_HX_REQUEST": "true"}



def graph_counts(user_id: int) -> dict:
    """The graph's own numbers (other apps add notes, likes received)."""
    counts = sel.profile_counts(user_id=user_id)
    return {"followers": counts["followers"], "following": counts["following"]}

@pytest.fixture
def ann(make_user):
    return make_user(nickname="Ann", phone="13912345678")


@pytest.fixture
def bob(make_user):
    return make_user(nickname="Bob", phone="13887654321")


def test_profile_page_shows_name_bio_counts_and_masked_data_only(web, ann, bob):
    services.profile_update(user=ann, bio="<b>Coffee</b> & cats")
    services.follow_user(user=bob, target=ann)
    page = web(bob).get(reverse("social:profile", args=[ann.uid])).content.decode()
    assert "Ann" in page and ann.uid in page
    assert "&lt;b&gt;Coffee&lt;/b&gt; &amp; cats" in page  # escaped, never raw HTML
    assert "13912345678" not in page
    assert 'data-testid="followers-count">1<' in page
    assert 'data-following="1"' in page and "Following" in page
    assert 'data-testid="block-user"' in page
    assert "No notes yet." in page


def test_profile_of_a_user_without_nickname_shows_no_part_of_the_phone(web, make_user, bob, client):
    anon = make_user(phone="13700001111")
    anon.nickname = ""
    anon.save()
    for viewer in (web(bob), client):  # another user, an anonymous visitor
        page = viewer.get(reverse("social:profile", args=[anon.uid])).content.decode()
        assert "137****1111" not in page and "13700001111" not in page and "****" not in page
        assert f"User {anon.uid[-6:]}" in page


def test_my_own_profile_has_an_edit_link_and_no_follow_button(web, ann):
    page = web(ann).get(reverse("social:profile", args=[ann.uid])).content.decode()
    assert 'data-testid="edit-profile"' in page and 'data-testid="follow-toggle"' not in page


def test_unknown_profile_is_404(web, db):
    assert web().get("/u/unope/").status_code == 404


def test_htmx_follow_toggle_swaps_the_button(web, ann, bob):
    client = web(bob)
    url = reverse("social:follow_toggle", args=[ann.uid])
    response = client.post(url, {"oob": "1"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<div class="sg-follow" id="follow-{ann.uid}">')
    assert 'data-following="1"' in html and "Following" in html
    assert 'hx-swap-oob="true" data-testid="followers-count">1<' in html
    assert sel.is_following_user(follower_id=bob.pk, user_id=ann.pk)
    html = client.post(url, {"oob": "1"}, **HX).content.decode()
    assert 'data-following="0"' in html and ">0<" in html
    assert not sel.is_following_user(follower_id=bob.pk, user_id=ann.pk)


def test_follow_back_and_friends_labels(web, ann, bob):
    services.follow_user(user=ann, target=bob)
    page = web(bob).get(reverse("social:profile", args=[ann.uid])).content.decode()
    assert "Follow back" in page and "Follows you" in page
    html = web(bob).post(reverse("social:follow_toggle", args=[ann.uid]), **HX).content.decode()
    assert "Friends" in html


def test_follow_toggle_without_htmx_redirects_to_the_profile(web, ann, bob):
    response = web(bob).post(reverse("social:follow_toggle", args=[ann.uid]))
    assert response.status_code == 302 and response["Location"] == reverse("social:profile", args=[ann.uid])
    assert sel.is_following_user(follower_id=bob.pk, user_id=ann.pk)


def test_anonymous_follow_goes_to_login(web, ann):
    response = web().post(reverse("social:follow_toggle", args=[ann.uid]), **HX)
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/login/")
    assert web().post(reverse("social:follow_toggle", args=[ann.uid])).status_code == 302


def test_blocked_follow_shows_the_error_in_the_button(web, ann, bob):
    services.block_user(user=ann, target=bob)
    html = web(bob).post(reverse("social:follow_toggle", args=[ann.uid]), **HX).content.decode()
    assert 'data-testid="follow-error"' in html and "cannot interact" in html
    assert not sel.is_following_user(follower_id=bob.pk, user_id=ann.pk)


def test_block_toggle_blocks_then_unblocks(web, ann, bob):
    services.follow_user(user=ann, target=bob)
    services.follow_user(user=bob, target=ann)
    client = web(ann)
    url = reverse("social:block_toggle", args=[bob.uid])
    response = client.post(url, follow=True)
    page = response.content.decode()
    assert sel.is_blocked(user_a_id=ann.pk, user_b_id=bob.pk)
    assert "Blocked Bob" in page and 'data-testid="unblock-user"' in page and 'data-testid="follow-toggle"' not in page
    assert graph_counts(ann.pk) == {"followers": 0, "following": 0}
    # The blocked user cannot see the blocker's profile.
    blocked = web(bob).get(reverse("social:profile", args=[ann.uid]))
    assert blocked.status_code == 403 and "This profile is unavailable" in blocked.content.decode()
    assert web(bob).get(reverse("social:followers", args=[ann.uid])).status_code == 403
    client.post(url)
    assert not sel.is_blocked(user_a_id=ann.pk, user_b_id=bob.pk)


def test_block_button_asks_for_confirmation(web, ann, bob):
    page = web(ann).get(reverse("social:profile", args=[bob.uid])).content.decode()
    assert "data-confirm=" in page


def test_follower_and_following_lists(web, ann, bob, make_user):
    cat = make_user(nickname="Cat")
    services.follow_user(user=bob, target=ann)
    services.follow_user(user=cat, target=ann)
    services.follow_user(user=ann, target=cat)
    page = web(ann).get(reverse("social:followers", args=[ann.uid])).content.decode()
    assert page.index("Cat") < page.index("Bob")  # newest first
    assert page.count('data-testid="user-row"') == 2
    assert "13887654321" not in page
    following = web().get(reverse("social:following", args=[ann.uid])).content.decode()
    assert following.count('data-testid="user-row"') == 1 and "Cat" in following
    loner = make_user(nickname="Loner")
    empty = web().get(reverse("social:following", args=[loner.uid])).content.decode()
    assert "Not following anyone yet." in empty and 'data-testid="user-row"' not in empty
    assert web().get(reverse("social:following", args=[cat.uid])).status_code == 200


def test_follower_list_pages_with_a_cursor(web, ann, make_user):
    for i in range(23):
        services.follow_user(user=make_user(nickname=f"fan{i:02d}"), target=ann)
    page = web().get(reverse("social:followers", args=[ann.uid])).content.decode()
    assert page.count('data-testid="user-row"') == 20 and 'data-testid="next-page"' in page
    cursor = re.search(r'href="\?cursor=([^"]+)"', page).group(1)
    rest = web().get(reverse("social:followers", args=[ann.uid]) + f"?cursor={cursor}").content.decode()
    assert rest.count('data-testid="user-row"') == 3 and "fan00" in rest
    assert web().get(reverse("social:followers", args=[ann.uid]) + "?cursor=!!").status_code == 404


def test_profile_edit_saves_bio_and_avatar_and_shows_errors(web, ann, media):
    client = web(ann)
    url = reverse("social:profile_edit")
    assert 'data-testid="bio-input"' in client.get(url).content.decode()
    response = client.post(url, {"bio": "x" * 201})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
    response = client.post(url, {"bio": "bad", "avatar": SimpleUploadedFile("a.png", b"not an image")})
    assert response.status_code == 400 and "not an image" in response.content.decode()
    assert sel.profile_for(user=ann).bio == ""  # nothing saved from a failed form
    response = client.post(url, {"bio": "Hello!", "avatar": SimpleUploadedFile("a.png", png_bytes())}, follow=True)
    page = response.content.decode()
    assert "Hello!" in page and "Profile saved." in page
    profile = sel.profile_for(user=ann)
    assert f'src="/media/{profile.avatar}"' in page or profile.avatar in page
    assert web().get(url).status_code == 302


def test_follow_shop_button_include_and_toggle(web, ann, make_shop):
    shop = make_shop()
    request = RequestFactory().get("/")
    request.user = ann
    tpl = Template('{% include "social/partials/follow_shop_button.html" %}')
    html = tpl.render(Context({"shop": shop, "request": request, "csrf_token": "x"}))
    assert 'data-testid="follow-shop-toggle"' in html and "Follow shop" in html and "0 followers" in html
    client = web(ann)
    url = reverse("social:follow_shop_toggle", args=[shop.pk])
    html = client.post(url, **HX).content.decode()
    assert html.startswith(f'<div class="sg-follow sg-follow-shop" id="follow-shop-{shop.pk}">')
    assert 'data-following="1"' in html and "1 follower" in html
    assert sel.is_following_shop(follower_id=ann.pk, shop_id=shop.pk)
    html = client.post(url, **HX).content.decode()
    assert 'data-following="0"' in html and "0 followers" in html
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("storefront:shop", args=[shop.pk])


def test_profile_page_queries_stay_flat(web, ann, bob, make_user, django_assert_max_num_queries):
    client = web(bob)
    url = reverse("social:profile", args=[ann.uid])
    client.get(url)  # warm up the session
    # 14 for the page itself + 2 counters (notes, likes received) + the "Bought" block (friends check)
    with django_assert_max_num_queries(19) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    for _ in range(10):
        services.follow_user(user=make_user(), target=ann)
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200


def test_follower_list_queries_stay_flat(web, ann, bob, make_user, django_assert_max_num_queries):
    services.profile_update(user=bob, bio="x")
    services.follow_user(user=bob, target=ann)
    client = web(bob)
    url = reverse("social:followers", args=[ann.uid])
    client.get(url)
    with django_assert_max_num_queries(16) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    for i in range(15):
        fan = make_user()
        services.profile_update(user=fan, bio=str(i))
        services.follow_user(user=fan, target=ann)
    with django_assert_max_num_queries(baseline):
        page = client.get(url).content.decode()
    assert page.count('data-testid="user-row"') == 16
