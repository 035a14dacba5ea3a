"""Uploaded images: verified as images, size-limited, re-encoded (drops EXIF/GPS), thumbnailed; and media URLs.

A kernel utility: products, shop logos, avatars, notes, reviews and live covers all go through it,
so it belongs to no one of those apps.

Hostile files are refused before they cost anything:
- the file is at most QUANZI_MAX_UPLOAD_BYTES (5 MB), read at most that far;
- the width × height the header *declares* is checked before a single pixel is decoded: above
  QUANZI_MAX_IMAGE_PIXELS (24 MP, far below Pillow's own 89 MP warning) it is `image_too_large`. A 77 KB
  PNG that declares 79 megapixels would otherwise cost 670 MB and seconds of CPU to decode;
- PNG text chunks are bounded (64 KB each once decompressed, 256 KB in all), so a compressed text bomb
  is refused instead of being inflated into memory, and truncated images are refused, never "repaired";
- whatever else Pillow throws at a malformed file is a 400 `not_an_image`, never a 500.
"""

from __future__ import annotations

import io
import logging
import secrets
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, PngImagePlugin, UnidentifiedImageError

from quanzi.core.errors import ValidationFailed

logger = logging.getLogger("quanzi.images")

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
FULL_SIZE, THUMB_SIZE = 1200, 360

# Process-wide Pillow limits (this module is the only place Quanzi decodes uploads).
PngImagePlugin.MAX_TEXT_CHUNK = 64 * 1024  # one tEXt/zTXt/iTXt chunk, decompressed
PngImagePlugin.MAX_TEXT_MEMORY = 256 * 1024  # all of a file's text chunks together
ImageFile.LOAD_TRUNCATED_IMAGES = False


def _read_bounded(upload) -> bytes:
    limit = settings.QUANZI["MAX_UPLOAD_BYTES"]
    size = getattr(upload, "size", None)
    data = b""
    if size is None or size <= limit:
        data = upload.read(limit + 1)
    if (size is not None and size > limit) or len(data) > limit:
        raise ValidationFailed(_("The image is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
                               code="upload_too_large", fields={"image": "too large"})
    return data


def _too_many_pixels(limit: int) -> ValidationFailed:
    return ValidationFailed(_("The image has too many pixels (at most %(mp)s megapixels).")
                            % {"mp": f"{limit / 1_000_000:.6g}"},
                            code="image_too_large", fields={"image": "too many pixels"})


def _not_an_image() -> ValidationFailed:
    return ValidationFailed(_("This file is not an image we can read."), code="not_an_image",
                            fields={"image": "not an image"})


def _check_header(image: Image.Image, limit: int) -> None:
    """Format and declared size, read from the header: nothing has been decoded yet."""
    if image.format not in ALLOWED_FORMATS:
        raise ValidationFailed(_("Upload a JPEG, PNG, WebP or GIF image."), code="not_an_image",
                               fields={"image": "format"})
    width, height = image.size
    if width <= 0 or height <= 0:
        raise _not_an_image()
    if width * height > limit:
        raise _too_many_pixels(limit)


def _open_header(data: bytes) -> Image.Image:
    """Image.open: reads the header (and a PNG's chunks before the pixels), decodes nothing. Pillow's own
    bomb check stays at its process-wide default as a backstop (it raises above 2 × 89 MP, which is a
    refusal here too); its warning between 89 and 178 MP is moot, as our own limit is checked next."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(io.BytesIO(data))


def declared_size(data: bytes) -> tuple[int, int]:
    """(width, height) as the file's header declares them, without decoding (for checks and tests)."""
    with _open_header(data) as image:
        return image.size


def _open_verified(upload) -> Image.Image:
    data = _read_bounded(upload)
    # Read per call (tests and deployments override it); never written into Pillow's global state.
    limit = settings.QUANZI["MAX_IMAGE_PIXELS"]
    try:
        probe = _open_header(data)
        _check_header(probe, limit)
        probe.verify()
        image = _open_header(data)
        _check_header(image, limit)
        if image.format == "JPEG":
            image.draft("RGB", (FULL_SIZE * 2, FULL_SIZE * 2))  # let libjpeg decode big photos at 1/2…1/8
        image.load()
        return ImageOps.exif_transpose(image).convert("RGB")
    except ValidationFailed:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(limit)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _not_an_image()
    except Exception:  # noqa: BLE001 - hostile bytes must never become a 500, whatever the decoder raises
        logger.warning("an upload made Pillow fail unexpectedly", exc_info=True)
        raise _not_an_image()


def _save(image: Image.Image, path: str) -> str:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True)
    return default_storage.save(path, ContentFile(buffer.getvalue()))


def save_product_image(upload, *, folder: str = "products") -> tuple[str, str]:
    """Store a re-encoded full image and a square thumbnail; return their storage names."""
    image = _open_verified(upload)
    token = secrets.token_hex(8)
    full = image.copy()
    full.thumbnail((FULL_SIZE, FULL_SIZE))
    thumb = ImageOps.fit(image, (THUMB_SIZE, THUMB_SIZE))
    return _save(full, f"{folder}/{token}.jpg"), _save(thumb, f"{folder}/{token}_t.jpg")


def save_square_image(upload, *, folder: str, size: int) -> str:
    image = _open_verified(upload)
    return _save(ImageOps.fit(image, (size, size)), f"{folder}/{secrets.token_hex(8)}.jpg")


def save_image(upload, *, folder: str, max_size: int = FULL_SIZE) -> str:
    """Store one re-encoded image that fits in `max_size` × `max_size` (live covers); its storage name."""
    image = _open_verified(upload)
    image.thumbnail((max_size, max_size))
    return _save(image, f"{folder}/{secrets.token_hex(8)}.jpg")


def media_url(name: str) -> str:
    if not name:
        return ""
    if name.startswith(("http://", "https://", "/")):
        return name
    return settings.MEDIA_URL + name
