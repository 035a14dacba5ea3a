"""Every image upload path goes through core.images (issue 12): product images, shop logos, avatars, note
images, review photos and live covers all refuse the 79-megapixel PNG by its declared size and the PNG
text bomb with a 400 — and store nothing. Live covers used to be stored raw, unchecked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quanzi.core import clock
from quanzi.core.errors import ValidationFailed
from quanzi.core.tests.test_images import png_declaring, png_text_bomb

pytestmark = pytest.mark.django_db

BOMBS = {"pixels": (lambda: png_declaring(8900, 8900), "image_too_large"),
         "text": (lambda: png_text_bomb(48), "not_an_image")}


@pytest.fixture(params=sorted(BOMBS))
def bomb(request):
    make, code = BOMBS[request.param]
    data = make()
    return (lambda: SimpleUploadedFile("bomb.png", data, content_type="image/png")), code


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def refused(call, code: str, media) -> None:
    with pytest.raises(ValidationFailed) as exc:
        call()
    assert exc.value.status == 400 and exc.value.code == code
    assert not [p for p in media.rglob("*") if p.is_file()], "nothing may be stored"


def test_product_images(bomb, media, product):
    from quanzi.catalog.services import product_add_image

    make, code = bomb
    refused(lambda: product_add_image(product=product, upload=make()), code, media)


def test_shop_logos(bomb, media, make_user):
    from quanzi.shops.services import shop_apply

    make, code = bomb
    data = {"name": "炸弹小店", "description": "d", "licence_number": "91310000MA1FL0000X", "contact_name": "张三",
            "contact_phone": "13800138000"}
    refused(lambda: shop_apply(owner=make_user(), data=data, logo=make()), code, media)


def test_avatars(bomb, media, make_user):
    from quanzi.social.services import profile_update

    make, code = bomb
    refused(lambda: profile_update(user=make_user(), avatar=make()), code, media)


def test_note_images(bomb, media, make_user):
    from quanzi.content.constants import NoteStatus
    from quanzi.content.services import note_add_image
    from quanzi.content.testing import make_note

    make, code = bomb
    author = make_user()
    note = make_note(author=author, status=NoteStatus.DRAFT, images=0)
    refused(lambda: note_add_image(user=author, note_id=note.pk, upload=make()), code, media)


def test_review_photos(bomb, media, place_order, sku, shopper):
    from quanzi.orders.services import order_mark_delivered
    from quanzi.reviews.services import review_create
    from quanzi.shipping.services import shipment_create

    make, code = bomb
    (order,), _payment = place_order([(sku, 1)], pay=True)
    shipment_create(shop=order.shop, order_number=order.number, carrier="sf", tracking_number=f"SF{order.pk:08d}")
    order_mark_delivered(order_id=order.pk)
    line = order.lines.get()
    refused(lambda: review_create(user=shopper, order_line_id=line.pk, rating=5, text="很好", images=[make()]),
            code, media)


def test_live_covers(bomb, media, shop):
    from quanzi.live.services import room_create

    make, code = bomb
    refused(lambda: room_create(host=shop.owner, title="直播", scheduled_at=clock.now() + dt.timedelta(hours=1),
                                cover=make()), code, media)


def test_a_live_cover_is_re_encoded_not_stored_raw(media, shop):
    from quanzi.core.tests.test_images import photo
    from quanzi.live.services import room_create

    room = room_create(host=shop.owner, title="直播", scheduled_at=clock.now() + dt.timedelta(hours=1),
                       cover=SimpleUploadedFile("cover.png", photo((1600, 900)), content_type="image/png"))

    assert room.cover.name.startswith("live/covers/") and room.cover.name.endswith(".jpg")
    assert (media / room.cover.name).read_bytes()[:2] == b"\xff\xd8"  # a JPEG we wrote, not the PNG sent
