"""Upload bombs (issue 12): refused by the declared size before decoding, PNG text bombs bounded, never a 500.

The bomb files are built here, in code: a valid PNG whose header declares 8 900 × 8 900 pixels (79 MP)
in under 10 KB, and a 1 × 1 PNG carrying a zTXt chunk that inflates to 48 MB from about 48 KB.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from quanzi.core import images
from quanzi.core.errors import ValidationFailed


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_declaring(width: int, height: int) -> bytes:
    """A real, decodable 1-bit grey PNG of width × height (all black): tiny on disk, huge in memory."""
    row = b"\x00" * (1 + (width + 7) // 8)
    z = zlib.compressobj(9)
    pixels = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b""))


def png_text_bomb(megabytes: int = 48) -> bytes:
    """A 1 × 1 PNG whose compressed text chunk inflates to `megabytes` MB."""
    z = zlib.compressobj(9)
    block = b"\x00" * (1 << 20)
    text = b"".join(z.compress(block) for _ in range(megabytes)) + z.flush()
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + _chunk(b"zTXt", b"Comment\x00\x00" + text) + _chunk(b"IDAT", zlib.compress(b"\x00\x00"))
            + _chunk(b"IEND", b""))


def png_many_text_chunks(chunks: int = 8, kilobytes: int = 60) -> bytes:
    """A 1 × 1 PNG with many medium text chunks, each under the per-chunk bound, together over the total."""
    z_text = zlib.compress(b"a" * (kilobytes * 1024))
    body = b"".join(_chunk(b"zTXt", b"C%d\x00\x00" % i + z_text) for i in range(chunks))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)) + body
            + _chunk(b"IDAT", zlib.compress(b"\x00\x00")) + _chunk(b"IEND", b""))


def upload(data: bytes, name: str = "x.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def photo(size=(64, 48), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (255, 36, 66)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def decoded(monkeypatch):
    """Counts how many images Pillow decodes (ImageFile.load), to prove a refusal decoded nothing."""
    calls = []
    original = ImageFile.ImageFile.load

    def counting_load(self):
        calls.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    return calls


def test_the_79_megapixel_png_is_refused_by_its_declared_size_without_decoding(media, decoded):
    bomb = png_declaring(8900, 8900)
    assert len(bomb) < 80 * 1024 and images.declared_size(bomb) == (8900, 8900)

    with pytest.raises(ValidationFailed) as exc:
        images.save_product_image(upload(bomb))

    assert exc.value.status == 400 and exc.value.code == "image_too_large"
    assert decoded == []  # not one pixel decoded
    assert not any(media.rglob("*.jpg"))


def test_the_pixel_limit_is_configurable_and_far_below_pillows(settings, media):
    assert settings.QUANZI["MAX_IMAGE_PIXELS"] == 24_000_000  # the default; Pillow only warns from 89 MP
    settings.QUANZI = {**settings.QUANZI, "MAX_IMAGE_PIXELS": 100 * 100}

    images.save_square_image(upload(photo((100, 100))), folder="t", size=32)  # exactly at the limit
    with pytest.raises(ValidationFailed) as exc:
        images.save_square_image(upload(photo((101, 100))), folder="t", size=32)

    assert exc.value.code == "image_too_large" and "0 megapixels" not in exc.value.message
    assert Image.MAX_IMAGE_PIXELS > 80_000_000  # a setting for uploads, never written into Pillow's globals
    assert images.declared_size(png_declaring(8900, 8900)) == (8900, 8900)


def test_a_png_text_chunk_bomb_is_a_400_not_a_500(media):
    bomb = png_text_bomb(48)
    assert len(bomb) < 64 * 1024

    with pytest.raises(ValidationFailed) as exc:
        images.save_product_image(upload(bomb))

    assert exc.value.status == 400 and exc.value.code == "not_an_image"


def test_many_text_chunks_are_bounded_in_total(media):
    with pytest.raises(ValidationFailed) as exc:
        images.save_product_image(upload(png_many_text_chunks()))

    assert exc.value.code == "not_an_image"


def test_a_truncated_image_is_refused_not_repaired(media):
    whole = photo((300, 200), "JPEG")

    with pytest.raises(ValidationFailed) as exc:
        images.save_product_image(upload(whole[: len(whole) // 2], "x.jpg"))

    assert exc.value.code == "not_an_image"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 10, 8, 0, 0, 0, 0)) + _chunk(b"IEND", b""),
    b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 10, 10, 8, 9, 0, 0, 0)) + _chunk(b"IEND", b""),
    b"GIF89a" + struct.pack("<HH", 65535, 65535) + b"\x00\x00\x00;",
    b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\xff" * 12,
])
def test_malformed_headers_are_400s(media, data):
    with pytest.raises(ValidationFailed) as exc:
        images.save_product_image(upload(data))

    assert exc.value.status == 400 and exc.value.code in ("not_an_image", "image_too_large")


def test_an_ordinary_photo_still_goes_through_re_encoded(media):
    full, thumb = images.save_product_image(upload(photo((2400, 1600), "JPEG"), "p.jpg"))

    with Image.open(media / full) as big, Image.open(media / thumb) as small:
        assert big.format == "JPEG" and max(big.size) == images.FULL_SIZE
        assert small.size == (images.THUMB_SIZE, images.THUMB_SIZE)
    cover = images.save_image(upload(photo((640, 360))), folder="covers", max_size=320)
    with Image.open(media / cover) as image:
        assert image.size == (320, 180) and image.format == "JPEG"
