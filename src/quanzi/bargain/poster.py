"""The bargain poster (砍价海报): the starter's face and name asking for a cut, the product photo and
title, the price now against the lowest price with a progress bar, and a QR code of the starter's share
link (/s/<code>), so a scan carries the sharer's attribution exactly like a tap on the link.

Drawn with the sharing app's poster helpers (fonts, photo, text wrapping, QR code; their behaviour is
theirs) and cached the same way, under MEDIA_ROOT/bargain/posters/: the file name carries a
fingerprint of everything drawn (prices, status, product, starter, code, font, language), so a new cut
makes a new file and the old one is simply no longer used.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageOps

from quanzi.bargain.constants import BargainStatus
from quanzi.core.money import format_yuan
from quanzi.sharing.poster import (
    BRAND,
    INK,
    MUTED,
    PHOTO_BOX,
    WIDTH,
    _font,
    _open_media,
    _paste_photo,
    _qr,
    _wrap,
    font_path,
    stored_once,
)

HEIGHT = 1334  # 750 × 1334: a phone screen, one screenshot-sized image to forward
POSTER_DIR = "bargain/posters"
MARGIN = 40
TRACK = (255, 228, 232)   # the progress bar's empty part: a pale brand red
RULE = (238, 238, 238)
AVATAR = 96
QR_SIZE = 210


def poster_name(*, bargain, starter, code: str) -> str:
    product = bargain.campaign.product
    fingerprint = "|".join(str(part) for part in [
        code, bargain.number, bargain.status, bargain.current_price, bargain.floor_price, bargain.original_price,
        product.title, product.cover or "", starter.display_name, starter.avatar or "", font_path() or "",
        get_language() or ""])
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:12]
    return f"{POSTER_DIR}/{code}-{digest}.png"


def poster_file(*, bargain, starter, code: str, short_url: str) -> Path:
    """The poster's path on disk, drawn now if this version does not exist yet."""
    return stored_once(poster_name(bargain=bargain, starter=starter, code=code),
                       lambda: draw_poster(bargain=bargain, starter=starter, short_url=short_url))


def draw_poster(*, bargain, starter, short_url: str) -> bytes:
    product = bargain.campaign.product
    canvas = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(canvas)
    _paste_photo(canvas, draw, product.cover or "")
    inner = WIDTH - 2 * MARGIN

    y = PHOTO_BOX[3] + 26
    title_font = _font(32)
    lines = _wrap(draw, product.title, title_font, inner)
    if len(lines) > 2:
        lines = [lines[0], lines[1][:-1] + "…"]
    for line in lines:
        draw.text((MARGIN, y), line, font=title_font, fill=INK)
        y += 44

    # the price now, big and red; the lowest price (what friends can bring it to) next to it
    y += 10
    now_label, now_font = pgettext("bargain price", "Now") + " ", _font(26)
    draw.text((MARGIN, y + 30), now_label, font=now_font, fill=BRAND)
    x = MARGIN + int(draw.textlength(now_label, font=now_font))
    price_text, price_font = f"¥{format_yuan(bargain.current_price)}", _font(60)
    draw.text((x, y), price_text, font=price_font, fill=BRAND)
    x += int(draw.textlength(price_text, font=price_font)) + 24
    floor_text = _("Lowest %(price)s") % {"price": f"¥{format_yuan(bargain.floor_price)}"}
    draw.text((x, y + 30), floor_text, font=_font(28), fill=MUTED)

    # how far it is to the floor
    y += 92
    bar_h = 18
    draw.rounded_rectangle((MARGIN, y, MARGIN + inner, y + bar_h), radius=bar_h // 2, fill=TRACK)
    filled = inner * bargain.progress_pct // 100
    if filled > 0:
        draw.rounded_rectangle((MARGIN, y, MARGIN + max(filled, bar_h), y + bar_h), radius=bar_h // 2, fill=BRAND)
    y += bar_h + 14
    if bargain.status in (BargainStatus.FLOOR_REACHED, BargainStatus.BOUGHT) or bargain.remaining <= 0:
        progress_text = _("Lowest price reached!")
    else:
        progress_text = _("%(cut)s cut, %(left)s to go") % {"cut": f"¥{format_yuan(bargain.cut_total)}",
                                                           "left": f"¥{format_yuan(bargain.remaining)}"}
    draw.text((MARGIN, y), progress_text, font=_font(26), fill=INK)

    # who asks, and the code to scan
    top = HEIGHT - MARGIN - QR_SIZE
    draw.line((MARGIN, top - 28, WIDTH - MARGIN, top - 28), fill=RULE, width=2)
    _draw_starter(canvas, draw, starter, top=top + 6, width=inner - QR_SIZE - 30)
    canvas.paste(_qr(short_url, QR_SIZE), (WIDTH - MARGIN - QR_SIZE, top))
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _draw_starter(canvas, draw, starter, *, top: int, width: int) -> None:
    avatar = _open_media(str(starter.avatar or ""))
    if avatar is not None:
        avatar = ImageOps.fit(avatar.convert("RGB"), (AVATAR, AVATAR))
        mask = Image.new("L", (AVATAR, AVATAR), 0)
        ImageDraw.Draw(mask).ellipse((0, 0, AVATAR, AVATAR), fill=255)
        canvas.paste(avatar, (MARGIN, top), mask)
    else:
        draw.ellipse((MARGIN, top, MARGIN + AVATAR, top + AVATAR), fill=BRAND)
        initial = (starter.display_name or "?")[:1].upper()
        draw.text((MARGIN + AVATAR // 2, top + AVATAR // 2), initial, font=_font(48), fill="white", anchor="mm")
    text_x, text_w = MARGIN + AVATAR + 20, width - AVATAR - 20
    name = _wrap(draw, starter.display_name, _font(30), text_w)[0]
    draw.text((text_x, top + 8), name, font=_font(30), fill=INK)
    ask = _wrap(draw, _("needs your help to cut the price"), _font(24), text_w)
    for i, line in enumerate(ask[:2]):
        draw.text((text_x, top + 52 + i * 32), line, font=_font(24), fill=MUTED)
    scan = _wrap(draw, _("Scan the code to help cut"), _font(26), width)[0]
    draw.text((MARGIN, top + AVATAR + 50), scan, font=_font(26), fill=BRAND)
