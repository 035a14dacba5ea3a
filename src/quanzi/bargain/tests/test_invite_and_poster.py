"""The bargain page's invite sheet (link, copy-text, native share, poster), the bargain poster, and the
login link that keeps a friend's share attribution (?share=<code>) through the sign-in."""

import io
import re
from html import unescape
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from quanzi.bargain.tests.conftest import text_of_testid

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def client_for(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _attr(html: str, testid: str, name: str) -> str:
    tag = re.search(rf'<[^>]*data-testid="{re.escape(testid)}"[^>]*>', html)
    assert tag, f"no element {testid}"
    value = re.search(rf'\s{re.escape(name)}="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else ""


def _starter_link(bargain, starter):
    from quanzi.bargain.services import bargain_share_link

    return bargain_share_link(user=starter, bargain=bargain)


# ---------------------------------------------------------------- the invite sheet

def test_the_starter_invites_from_a_sheet_with_link_text_poster_and_native_share(bargain, starter):
    from quanzi.sharing import selectors as share_selectors

    html = client_for(starter).get(f"/b/{bargain.number}/").content.decode()
    link = _starter_link(bargain, starter)
    short_url = share_selectors.absolute(path=share_selectors.short_path(link=link))
    # one primary action opens the sheet; buying now is the second choice
    assert 'data-sheet-open="bargain-invite"' in html and 'data-testid="bargain-invite-open"' in html
    assert "btn-primary" in _attr(html, "bargain-invite-open", "class")
    assert "btn-secondary" in _attr(html, "bargain-buy", "class")
    assert '<dialog class="sheet" id="bargain-invite"' in html
    assert _attr(html, "bargain-share-url", "value") == short_url  # the starter's own link: attribution
    text = text_of_testid(html, "bargain-share-text")
    assert text.endswith(short_url) and "¥59.00 now" in text and "¥9.90 at the lowest" in text
    assert "About 5 more friends can bring it down to ¥9.90" in html
    assert _attr(html, "bargain-native-share", "data-share-url") == short_url
    assert "hidden" in re.search(r'<button[^>]*data-testid="bargain-native-share"[^>]*>', html).group(0)
    assert _attr(html, "bargain-poster", "href") == f"/bargain/posters/{link.code}.png?v=0"
    assert _attr(html, "bargain-poster-img", "src") == f"/bargain/posters/{link.code}.png?v=0"
    assert '/static/bargain/js/bargain.js' in html


def test_a_friend_gets_help_cut_first_and_after_cutting_can_pass_the_plain_page_on(bargain, starter, make_user):
    friend = make_user(nickname="阿友")
    c = client_for(friend)
    html = c.get(f"/b/{bargain.number}/").content.decode()
    assert "btn-primary" in _attr(html, "bargain-help", "class")
    assert 'data-testid="bargain-invite-open"' not in html  # before cutting: one thing to do
    assert f"Help {starter.display_name} cut the price" in html
    # no attribution to the friend: the page itself, no short link, no poster
    assert _attr(html, "bargain-share-url", "value") == f"http://testserver/b/{bargain.number}/"
    assert 'data-testid="bargain-poster"' not in html
    card = c.post(f"/b/{bargain.number}/help/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="bargain-helped"' in card and 'data-sheet-open="bargain-invite"' in card
    assert 'data-testid="bargain-start-own"' in card  # and start one of their own


def test_at_the_floor_there_is_nothing_to_invite_and_buying_is_the_main_action(make_campaign, starter, helpers):
    from quanzi.bargain.services import bargain_help, bargain_start

    campaign = make_campaign(expected_helps=2)
    bargain = bargain_start(user=starter, campaign_id=campaign.pk)
    for user in helpers(2):
        bargain_help(user=user, number=bargain.number)
    html = client_for(starter).get(f"/b/{bargain.number}/").content.decode()
    assert text_of_testid(html, "bargain-status") == "Lowest price reached!"
    assert text_of_testid(html, "bargain-current-price") == "¥9.90"
    assert 'id="bargain-invite"' not in html and 'data-testid="bargain-invite-open"' not in html
    assert "btn-primary" in _attr(html, "bargain-buy", "class")


def test_the_page_shows_cut_and_left_the_helpers_and_their_cuts(bargain, helpers):
    from quanzi.bargain.services import bargain_help
    from quanzi.core.money import format_yuan

    [one, two] = helpers(2)
    cuts = [bargain_help(user=u, number=bargain.number).amount for u in (one, two)]
    bargain.refresh_from_db()
    html = Client().get(f"/b/{bargain.number}/").content.decode()
    assert text_of_testid(html, "bargain-status") == \
        f"¥{format_yuan(sum(cuts))} cut, ¥{format_yuan(bargain.current_price - bargain.floor_price)} to go"
    assert f'value="{bargain.progress_pct}" max="100"' in html
    assert html.count('data-testid="bargain-helper"') == 2
    for user, amount in zip((one, two), cuts, strict=True):
        assert user.display_name in html and f"−¥{format_yuan(amount)}" in html


# ---------------------------------------------------------------- the poster

def test_the_poster_is_a_png_whose_qr_is_the_starters_share_link(bargain, starter):
    from quanzi.bargain.poster import HEIGHT, MARGIN, QR_SIZE
    from quanzi.sharing import selectors as share_selectors
    from quanzi.sharing.poster import WIDTH, _qr

    link = _starter_link(bargain, starter)
    r = Client().get(f"/bargain/posters/{link.code}.png")  # public by its code: it is forwarded as an image
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(b"".join(r.streaming_content))).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    box = (WIDTH - MARGIN - QR_SIZE, HEIGHT - MARGIN - QR_SIZE, WIDTH - MARGIN, HEIGHT - MARGIN)
    expected = _qr(share_selectors.absolute(path=share_selectors.short_path(link=link)), QR_SIZE)
    assert image.crop(box).tobytes() == expected.tobytes()  # a scan opens /s/<code>: the sharer is credited


def test_the_poster_is_drawn_once_per_price_and_again_after_a_cut(bargain, starter, make_user):
    from quanzi.bargain import poster
    from quanzi.bargain.services import bargain_help

    link = _starter_link(bargain, starter)
    posters = Path(settings.MEDIA_ROOT, "bargain/posters")
    with mock.patch.object(poster, "draw_poster", wraps=poster.draw_poster) as draw:
        assert Client().get(f"/bargain/posters/{link.code}.png").status_code == 200
        assert Client().get(f"/bargain/posters/{link.code}.png").status_code == 200
        assert draw.call_count == 1 and len(list(posters.glob("*.png"))) == 1  # served from disk
        bargain_help(user=make_user(), number=bargain.number)
        assert Client().get(f"/bargain/posters/{link.code}.png").status_code == 200
        assert draw.call_count == 2 and len(list(posters.glob("*.png"))) == 2  # the new price is drawn
    html = client_for(starter).get(f"/b/{bargain.number}/").content.decode()
    assert _attr(html, "bargain-poster", "href") == f"/bargain/posters/{link.code}.png?v=1"  # past the cache


def test_the_poster_draws_the_product_photo_and_the_price(bargain, starter):
    from quanzi.bargain.poster import draw_poster
    from quanzi.sharing.poster import PHOTO_BOX

    Path(settings.MEDIA_ROOT, "p").mkdir()
    Image.new("RGB", (400, 300), (0, 128, 255)).save(Path(settings.MEDIA_ROOT, "p/cover.png"))
    product = bargain.campaign.product
    product.cover = "p/cover.png"
    image = Image.open(io.BytesIO(draw_poster(bargain=bargain, starter=starter, short_url="http://x/s/abc")))
    middle = ((PHOTO_BOX[0] + PHOTO_BOX[2]) // 2, (PHOTO_BOX[1] + PHOTO_BOX[3]) // 2)
    assert image.getpixel(middle)[:3] == (0, 128, 255)
    below = image.crop((0, PHOTO_BOX[3], image.width, PHOTO_BOX[3] + 300)).convert("RGB")
    assert (255, 36, 66) in {c for _n, c in below.getcolors(1 << 20)}  # the red price and progress


@pytest.mark.parametrize("code", ["doesnotexist1", "x", "a" * 200, "bad code!", "\ud800\ud800\ud800\ud800x"])
def test_an_unknown_or_malformed_poster_code_is_404(code, bargain):
    from urllib.parse import quote

    assert Client().get(f"/bargain/posters/{quote(code, errors='surrogatepass')}.png").status_code == 404


def test_no_bargain_poster_for_another_kind_of_link_or_an_expired_one(bargain, starter, campaign):
    from quanzi.sharing.services import share_link_for

    product_link, _target = share_link_for(sharer=starter, target_type="product", target_id=campaign.product_id)
    assert Client().get(f"/bargain/posters/{product_link.code}.png").status_code == 404
    link = _starter_link(bargain, starter)
    type(link).objects.filter(pk=link.pk).update(expires_at=link.created_at)
    assert Client().get(f"/bargain/posters/{link.code}.png").status_code == 404


# ---------------------------------------------------------------- signing in keeps ?share=

def test_the_login_link_keeps_the_share_code_and_signing_in_comes_back_with_it(bargain, starter, make_user):
    from quanzi.sharing import selectors as share_selectors

    link = _starter_link(bargain, starter)
    friend = make_user(nickname="新来的")
    visitor = Client()
    landing = visitor.get(share_selectors.short_path(link=link))
    page = landing["Location"]
    assert page == f"/b/{bargain.number}/?share={link.code}"
    html = visitor.get(page).content.decode()
    login_url = _attr(html, "bargain-login", "href")
    assert parse_qs(urlsplit(login_url).query)["next"] == [page]  # the query survives, encoded
    login_page = visitor.get(login_url).content.decode()
    assert f'name="next" value="{page}"' in unescape(login_page)
    r = visitor.post(login_url, {"identifier": friend.phone, "password": "Str0ngPass!x", "next": page})
    assert r.status_code == 302 and r["Location"] == page
    visitor.get(page)  # back on the bargain, signed in, through the share link
    binding = share_selectors.binding_for(user_id=friend.pk, product_id=bargain.campaign.product_id)
    assert binding is not None and binding.sharer_id == starter.pk and binding.link_id == link.pk


def test_the_login_link_stays_on_this_site_whatever_the_query(bargain):
    html = Client().get(f"/b/{bargain.number}/", {"share": "x", "next": "https://evil.example/"}).content.decode()
    nxt = parse_qs(urlsplit(_attr(html, "bargain-login", "href")).query)["next"][0]
    assert nxt.startswith(f"/b/{bargain.number}/?") and "share=x" in nxt
    plain = Client().get(f"/b/{bargain.number}/").content.decode()
    assert parse_qs(urlsplit(_attr(plain, "bargain-login", "href")).query)["next"] == [f"/b/{bargain.number}/"]
