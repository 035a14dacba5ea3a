"""Uploaded images: verified as images, size-limited, re-encoded (drops EXIF/GPS), thumbnailed; and media URLs.

A kernel utility: products, shop logos, avatars, notes, reviews and live covers all go through it,
so it belongs to no one of those apps.
"""

from __future__ import annotations

import io
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from quanzi.core.errors import ValidationFailed

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
FULL_SIZE, THUMB_SIZE = 1200, 360


def _open_verified(upload) -> Image.Image:
    limit = settings.QUANZI["MAX_UPLOAD_BYTES"]
    size = getattr(upload, "size", None)
    data = upload.read() if size is None or size <= limit else b""
    if size is None:
        size = len(data)
    if size > limit or len(data) > limit:
        raise ValidationFailed(_("The image is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
                               code="upload_too_large", fields={"image": "too large"})
    Image.MAX_IMAGE_PIXELS = settings.QUANZI["MAX_IMAGE_PIXELS"]
    try:
        probe = Image.open(io.BytesIO(data))
        probe.verify()
        image = Image.open(io.BytesIO(data))
        if image.format not in ALLOWED_FORMATS:
            raise ValidationFailed(_("Upload a JPEG, PNG, WebP or GIF image."), code="not_an_image",
                                   fields={"image": "format"})
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationFailed(_("This file is not an image we can read."), code="not_an_image",
                               fields={"image": "not an image"})
    return ImageOps.exif_transpose(image).convert("RGB")


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


def media_url(name: str) -> str:
    if not name:
        return ""
    if name.startswith(("http://", "https://", "/")):
        return name
    return settings.MEDIA_URL + name
