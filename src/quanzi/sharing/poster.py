"""Share posters: a PNG with the target's photo, title and price, the sharer's avatar (or initial) and
name, and a QR code of the short link — what people forward in chats and on WeChat Moments.

Posters are cached on disk under MEDIA_ROOT/sharing/posters/. The file name carries a fingerprint of
everything drawn (target version, sharer name and avatar, code), so a product edit or a new avatar
makes a new file and the old one is simply no longer used.
"""

from __future__ import annotations

import hashlib
import io
import os
from functools import lru_cache
from pathlib import Path

import qrcode
from django.conf import settings
from django.utils.translation import get_language
from PIL import Image, ImageDraw, ImageFont, ImageOps

from quanzi.sharing import targets
from quanzi.sharing.models import ShareLink

WIDTH, HEIGHT = 750, 1150
PHOTO_BOX = (40, 40, 710, 710)
BRAND = (255, 36, 66)
INK = (34, 34, 34)
MUTED = (128, 128, 128)
POSTER_DIR = "sharing/posters"

CJK_FONTS = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
]
FALLBACK_FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                  "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"]


@lru_cache(maxsize=1)
def font_path() -> str | None:
    """settings.QUANZI_POSTER_FONT, else the first CJK font installed, else DejaVu (no Chinese glyphs)."""
    configured = getattr(settings, "QUANZI_POSTER_FONT", "") or ""
    for candidate in [configured, *CJK_FONTS, *FALLBACK_FONTS]:
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def _font(size: int):
    path = font_path()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default()


def poster_name(link: ShareLink, target: targets.ShareTarget, sharer) -> str:
    fingerprint = "|".join([link.code, target.version, target.title, str(target.price), target.image,
                            sharer.display_name, str(sharer.avatar or ""), font_path() or "", get_language() or ""])
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:12]
    return f"{POSTER_DIR}/{link.code}-{digest}.png"


def stored_once(name: str, draw) -> Path:
    """The file `name` under MEDIA_ROOT, written from `draw()` (PNG bytes) the first time it is asked for.
    A poster's name carries a digest of everything it shows, so a stored one never goes stale."""
    path = Path(settings.MEDIA_ROOT) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(draw())
        os.replace(tmp, path)  # atomic: a concurrent reader never sees half a file
    return path


def poster_file(link: ShareLink, target: targets.ShareTarget, sharer, short_url: str) -> Path:
    """The poster's path on disk, drawn now if this version does not exist yet."""
    return stored_once(poster_name(link, target, sharer),
                       lambda: draw_poster(target=target, sharer=sharer, short_url=short_url))


def draw_poster(*, target: targets.ShareTarget, sharer, short_url: str) -> bytes:
    canvas = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(canvas)
    _paste_photo(canvas, draw, target.image)
    y = PHOTO_BOX[3] + 30
    lines = _wrap(draw, target.title, _font(34), 670)
    if len(lines) > 2:
        lines = [lines[0], lines[1][:-1] + "…"]
    for line in lines:
        draw.text((40, y), line, font=_font(34), fill=INK)
        y += 46
    if target.price:
        from quanzi.core.money import format_yuan

        draw.text((40, y + 6), f"¥{format_yuan(target.price)}", font=_font(48), fill=BRAND)
    _draw_sharer(canvas, draw, sharer, top=HEIGHT - 250)
    qr = _qr(short_url, 210)
    canvas.paste(qr, (WIDTH - 40 - qr.width, HEIGHT - 40 - qr.height))
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _paste_photo(canvas, draw, image_name: str) -> None:
    box_w, box_h = PHOTO_BOX[2] - PHOTO_BOX[0], PHOTO_BOX[3] - PHOTO_BOX[1]
    photo = _open_media(image_name)
    if photo is None:
        draw.rectangle(PHOTO_BOX, fill=(245, 245, 245))
        draw.text((PHOTO_BOX[0] + box_w // 2, PHOTO_BOX[1] + box_h // 2), "圈子", font=_font(72),
                  fill=(200, 200, 200), anchor="mm")
        return
    canvas.paste(ImageOps.fit(photo.convert("RGB"), (box_w, box_h)), PHOTO_BOX[:2])


def _open_media(name: str):
    if not name or name.startswith(("http://", "https://")):
        return None
    path = (Path(settings.MEDIA_ROOT) / name.lstrip("/").removeprefix("media/")).resolve()
    if not str(path).startswith(str(Path(settings.MEDIA_ROOT).resolve())) or not path.is_file():
        return None
    try:
        image = Image.open(path)
        image.load()
        return image
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _draw_sharer(canvas, draw, sharer, *, top: int) -> None:
    size = 96
    avatar = _open_media(str(sharer.avatar or ""))
    if avatar is not None:
        avatar = ImageOps.fit(avatar.convert("RGB"), (size, size))
        mask = Image.new("L", (size, size), 0)
        ImageDraw.Draw(mask).ellipse((0, 0, size, size), fill=255)
        canvas.paste(avatar, (40, top), mask)
    else:
        draw.ellipse((40, top, 40 + size, top + size), fill=BRAND)
        initial = (sharer.display_name or "?")[:1].upper()
        draw.text((40 + size // 2, top + size // 2), initial, font=_font(48), fill="white", anchor="mm")
    name = _wrap(draw, sharer.display_name, _font(30), 330)[0]
    draw.text((40 + size + 20, top + 12), name, font=_font(30), fill=INK)
    from django.utils.translation import gettext as _

    draw.text((40 + size + 20, top + 56), _("recommends this to you"), font=_font(24), fill=MUTED)
    draw.text((40, top + size + 40), _("Scan the code to have a look"), font=_font(24), fill=MUTED)


def _qr(data: str, size: int):
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=1, box_size=10)
    code.add_data(data)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("RGB").resize(
        (size, size), Image.NEAREST)


def _tokens(text: str) -> list[str]:
    """Break points for wrapping: each CJK character on its own, Latin words (with their trailing
    space) kept whole, so "Earbuds Pro" never wraps as "Pr / o"."""
    import re

    return re.findall(r"[A-Za-z0-9][A-Za-z0-9'’.,!?&+-]*\s*|\s+|.", text or "")


def _wrap(draw, text: str, font, width: int) -> list[str]:
    """Greedy wrap: by character for Chinese (no spaces), by word for Latin text; a word wider than the
    line is split by character."""
    lines, current = [], ""
    for token in _tokens(text):
        if draw.textlength(current + token, font=font) <= width or not current.strip():
            if draw.textlength(current + token, font=font) <= width:
                current += token
                continue
        if current.strip() and draw.textlength(token, font=font) <= width:
            lines.append(current.rstrip())
            current = token.lstrip()
            continue
        for char in token:  # a single token wider than the line
            if draw.textlength(current + char, font=font) > width and current:
                lines.append(current.rstrip())
                current = char
            else:
                current += char
    if current.strip():
        lines.append(current.rstrip())
    return lines or [""]
