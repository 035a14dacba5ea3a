"""Generated demo pictures (Pillow only, no downloads): product covers, shop logos, home banners.

Every picture is a soft two-colour gradient with a few translucent blobs, a simple drawn motif
(a tee, a tea cup, a phone, …) and the brand's monogram — no words, so a picture suits a page in
either language. Chinese glyphs need a CJK font, which a
fresh machine may not have, so text is Latin only unless a Noto/WenQuanYi CJK font is installed
(then shop logos also carry their Chinese name). Files are stored through `default_storage`
under a versioned folder and reused when they already exist, so re-seeding a wiped database
does not redraw them.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import math
from functools import lru_cache
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFilter, ImageFont

VERSION = "v3"  # v2: no words on product pictures (docs/i18n.md); v3: the monogram survives a 3:4 crop
SIZE = 800
THUMB = 360
JPEG_QUALITY = 82

LATIN_FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
]
CJK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]

RGB = tuple[int, int, int]

# Garment and product colours by their Chinese name (SKU option values).
NAMED_COLOURS: dict[str, RGB] = {
    "白": (244, 244, 240), "白色": (244, 244, 240), "奶白": (247, 241, 228), "米白": (240, 232, 214),
    "黑": (40, 40, 44), "黑色": (40, 40, 44), "燕麦": (214, 196, 164), "雾蓝": (150, 178, 204),
    "灰": (150, 152, 158), "浅灰": (196, 198, 202), "藏青": (38, 52, 92), "浅蓝": (170, 202, 232),
    "深蓝": (44, 70, 120), "卡其": (190, 164, 118), "雾粉": (236, 190, 196), "粉": (244, 170, 186),
    "墨绿": (40, 84, 66), "荧光绿": (170, 230, 60), "雾紫": (176, 160, 206), "原色": (226, 212, 186),
    "星光": (232, 222, 206), "银": (200, 204, 210), "橄榄绿": (110, 124, 70), "樱花粉": (248, 196, 208),
    "薄荷绿": (160, 220, 196), "天蓝": (120, 186, 236), "奶油黄": (246, 226, 160), "红": (214, 52, 60),
    "混色": (190, 140, 120),
}


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _hsv(h: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, max(0.0, min(1.0, s)), max(0.0, min(1.0, v)))
    return int(r * 255), int(g * 255), int(b * 255)


def palette(key: str, hue: float | None = None) -> dict[str, RGB]:
    """A soft background pair, an accent and a deep ink colour, all from one hue."""
    h = hue if hue is not None else (_hash(key) % 360) / 360
    wobble = ((_hash(key + "w") % 40) - 20) / 360
    return {
        "bg1": _hsv(h, 0.10, 0.99),
        "bg2": _hsv(h + wobble + 0.05, 0.30, 0.93),
        "accent": _hsv(h, 0.55, 0.82),
        "deep": _hsv(h, 0.65, 0.38),
        "soft": _hsv(h + 0.5, 0.18, 0.98),
    }


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))  # type: ignore[return-value]


def _shade(c: RGB, f: float) -> RGB:
    return _mix(c, (0, 0, 0), f) if f > 0 else _mix(c, (255, 255, 255), -f)


@lru_cache(maxsize=32)
def font(size: int, cjk: bool = False) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for path in CJK_FONTS if cjk else LATIN_FONTS:
        if Path(path).exists():
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    if cjk:
        raise LookupError("no CJK font installed")
    return ImageFont.load_default(size=size)  # Pillow ≥ 10.1 ships a scalable Latin font


def cjk_available() -> bool:
    return any(Path(p).exists() for p in CJK_FONTS)


@lru_cache(maxsize=64)
def _gradient_mask(w: int, h: int, angle: int) -> Image.Image:
    g = Image.linear_gradient("L").resize((512, 512))
    rotated = g.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    a = math.radians(angle % 90)
    side = int(512 / (math.cos(a) + math.sin(a)))
    cx, cy = rotated.width // 2, rotated.height // 2
    box = (cx - side // 2, cy - side // 2, cx + side // 2, cy + side // 2)
    return rotated.crop(box).resize((w, h), Image.Resampling.BILINEAR)


def gradient(w: int, h: int, c1: RGB, c2: RGB, angle: int = 45) -> Image.Image:
    return Image.composite(Image.new("RGB", (w, h), c2), Image.new("RGB", (w, h), c1), _gradient_mask(w, h, angle))


def _blobs(img: Image.Image, key: str, colours: list[RGB], n: int = 3) -> Image.Image:
    """Soft translucent circles, drawn and blurred at quarter size (fast), then scaled up."""
    w, h = img.size
    q = 4
    layer = Image.new("RGBA", (w // q, h // q), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    seed = _hash(key + "blobs")
    for i in range(n):
        r = int(min(w, h) * (0.18 + ((seed >> (i * 3)) % 7) / 30)) // q
        x = int(w * (((seed >> (i * 5)) % 100) / 100)) // q
        y = int(h * (((seed >> (i * 7 + 2)) % 100) / 100)) // q
        c = colours[i % len(colours)]
        d.ellipse((x - r, y - r, x + r, y + r), fill=(*c, 70))
    layer = layer.filter(ImageFilter.GaussianBlur(radius=max(w, h) // 40 // q)).resize((w, h), Image.Resampling.BILINEAR)
    return Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB")


# ---------------------------------------------------------------- motifs (drawn in an 800×800 frame)

def _tee(d, c, ink, hood=False, long=False):
    body = [(250, 230), (330, 195), (470, 195), (550, 230), (650, 320), (590, 385), (545, 350), (545, 620),
            (255, 620), (255, 350), (210, 385), (150, 320)]
    if long:
        body = [(250, 230), (330, 195), (470, 195), (550, 230), (640, 420), (660, 560), (605, 575), (560, 430),
                (545, 620), (255, 620), (240, 430), (195, 575), (140, 560), (160, 420)]
    d.polygon(body, fill=c, outline=ink, width=6)
    if hood:
        d.chord((320, 130, 480, 280), 180, 360, fill=_shade(c, 0.12), outline=ink, width=6)
        d.line((380, 250, 375, 330), fill=ink, width=4)
        d.line((420, 250, 425, 330), fill=ink, width=4)
        d.rounded_rectangle((320, 470, 480, 560), 20, outline=ink, width=5)
    else:
        d.arc((345, 165, 455, 255), 20, 160, fill=ink, width=6)


def _pants(d, c, ink):
    d.polygon([(290, 180), (510, 180), (540, 640), (430, 640), (400, 330), (370, 640), (260, 640)], fill=c,
              outline=ink, width=6)
    d.line((290, 225, 510, 225), fill=ink, width=5)


def _skirt(d, c, ink):
    d.rectangle((320, 200, 480, 250), fill=_shade(c, 0.15), outline=ink, width=5)
    d.polygon([(320, 250), (480, 250), (600, 600), (200, 600)], fill=c, outline=ink, width=6)
    for x in range(250, 580, 50):
        d.line((400 + (x - 400) * 0.35, 255, x, 595), fill=_shade(c, 0.18), width=4)


def _bag(d, c, ink):
    d.arc((310, 130, 490, 330), 180, 360, fill=ink, width=14)
    d.rounded_rectangle((230, 250, 570, 620), 24, fill=c, outline=ink, width=6)
    d.line((230, 330, 570, 330), fill=_shade(c, 0.15), width=5)


def _shoe(d, c, ink):
    d.polygon([(170, 520), (200, 380), (300, 360), (400, 430), (560, 470), (640, 520), (640, 580), (170, 580)],
              fill=c, outline=ink, width=6)
    d.rectangle((170, 565, 640, 600), fill=(250, 250, 250), outline=ink, width=5)
    for x in (300, 340, 380):
        d.line((x, 400, x + 30, 440), fill=ink, width=5)


def _socks(d, c, ink):
    for dx, cc in ((0, c), (150, _shade(c, 0.2))):
        d.polygon([(250 + dx, 170), (350 + dx, 170), (350 + dx, 470), (300 + dx, 600), (200 + dx, 600),
                   (190 + dx, 540), (250 + dx, 460)], fill=cc, outline=ink, width=6)
        d.rectangle((250 + dx, 170, 350 + dx, 215), fill=_shade(cc, -0.4), outline=ink, width=5)


def _cup(d, c, ink):
    for i, x in enumerate((340, 400, 460)):
        d.arc((x - 30, 130 + i * 8, x + 30, 230 + i * 8), 90, 270, fill=_shade(c, -0.3), width=6)
    d.chord((200, 180, 600, 620), 0, 180, fill=c, outline=ink, width=6)
    d.rectangle((200, 395, 600, 405), fill=c)
    d.ellipse((200, 360, 600, 440), fill=_shade(c, 0.25), outline=ink, width=6)
    d.ellipse((280, 600, 520, 650), fill=_shade(c, 0.15), outline=ink, width=5)


def _tea_can(d, c, ink):
    d.rounded_rectangle((260, 220, 540, 640), 30, fill=c, outline=ink, width=6)
    d.rounded_rectangle((245, 180, 555, 250), 20, fill=_shade(c, 0.2), outline=ink, width=6)
    d.ellipse((330, 360, 470, 500), fill=_shade(c, -0.5), outline=ink, width=5)
    _leaf(d, (400, 430), 55, ink)


def _leaf(d, centre, r, colour):
    x, y = centre
    d.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=colour)
    d.line((x - r, y, x + r, y), fill=(255, 255, 255), width=4)


def _cake(d, c, ink):
    d.ellipse((170, 170, 630, 630), fill=c, outline=ink, width=8)
    d.ellipse((230, 230, 570, 570), outline=_shade(c, 0.2), width=6)
    d.ellipse((370, 370, 430, 430), fill=_shade(c, -0.4), outline=ink, width=4)


def _leaves(d, c, ink):
    d.line((400, 640, 400, 260), fill=ink, width=10)
    for i, (dx, y) in enumerate(((-1, 300), (1, 380), (-1, 460), (1, 540))):
        x0 = 400 + dx * 20
        box = (x0, y - 50, x0 + dx * 200, y + 50) if dx > 0 else (x0 + dx * 200, y - 50, x0, y + 50)
        d.ellipse(box, fill=_shade(c, 0.1 * (i % 2)), outline=ink, width=5)
    d.ellipse((340, 170, 460, 290), fill=c, outline=ink, width=5)


def _fruit(d, c, ink):
    for x, y, r in ((320, 430, 150), (500, 470, 120)):
        d.ellipse((x - r, y - r, x + r, y + r), fill=c, outline=ink, width=6)
        d.ellipse((x - r // 2, y - r // 2, x - r // 6, y - r // 6), fill=_shade(c, -0.5))
        d.line((x, y - r, x + 10, y - r - 60), fill=ink, width=8)
    _leaf(d, (380, 250), 50, (90, 150, 80))


def _bowl(d, c, ink):
    for x in (330, 400, 470):
        d.line((x, 170, x + 10, 320), fill=_shade(c, 0.3), width=8)
    d.chord((170, 240, 630, 640), 0, 180, fill=c, outline=ink, width=6)
    d.ellipse((170, 400, 630, 480), fill=_shade(c, -0.35), outline=ink, width=6)
    d.rectangle((330, 630, 470, 660), fill=_shade(c, 0.2), outline=ink, width=5)


def _box(d, c, ink):
    d.polygon([(200, 300), (400, 220), (600, 300), (600, 560), (400, 640), (200, 560)], fill=c, outline=ink, width=6)
    d.polygon([(200, 300), (400, 380), (600, 300), (400, 220)], fill=_shade(c, -0.3), outline=ink, width=6)
    d.line((400, 380, 400, 640), fill=ink, width=6)
    d.line((300, 260, 500, 340), fill=_shade(c, 0.25), width=14)


def _bottle(d, c, ink):
    d.rounded_rectangle((350, 150, 450, 240), 12, fill=_shade(c, 0.3), outline=ink, width=6)
    d.rounded_rectangle((280, 230, 520, 650), 50, fill=c, outline=ink, width=6)
    d.rounded_rectangle((310, 380, 490, 520), 16, fill=_shade(c, -0.6), outline=ink, width=4)


def _jar(d, c, ink):
    d.rounded_rectangle((250, 170, 550, 250), 16, fill=_shade(c, 0.25), outline=ink, width=6)
    d.rounded_rectangle((230, 240, 570, 640), 60, fill=c, outline=ink, width=6)
    d.ellipse((320, 370, 480, 530), fill=_shade(c, -0.5), outline=ink, width=5)


def _phone(d, c, ink):
    d.rounded_rectangle((270, 130, 530, 670), 40, fill=ink)
    d.rounded_rectangle((288, 160, 512, 640), 24, fill=c)
    d.rounded_rectangle((360, 145, 440, 158), 6, fill=_shade(c, 0.5))


def _earbuds(d, c, ink):
    d.rounded_rectangle((230, 380, 570, 620), 90, fill=c, outline=ink, width=6)
    d.line((240, 470, 560, 470), fill=_shade(c, 0.2), width=5)
    for x in (320, 480):
        d.ellipse((x - 55, 200, x + 55, 310), fill=(250, 250, 250), outline=ink, width=6)
        d.rounded_rectangle((x - 16, 290, x + 16, 380), 14, fill=(250, 250, 250), outline=ink, width=5)


def _keyboard(d, c, ink):
    d.rounded_rectangle((130, 260, 670, 560), 30, fill=c, outline=ink, width=6)
    for row in range(4):
        for col in range(9):
            x, y = 165 + col * 56, 295 + row * 62
            d.rounded_rectangle((x, y, x + 44, y + 48), 8, fill=_shade(c, -0.45 if (row + col) % 5 else 0.2),
                                outline=ink, width=2)


def _mouse(d, c, ink):
    d.rounded_rectangle((290, 180, 510, 620), 110, fill=c, outline=ink, width=6)
    d.line((400, 180, 400, 360), fill=ink, width=5)
    d.rounded_rectangle((385, 240, 415, 300), 12, fill=_shade(c, -0.5), outline=ink, width=3)


def _watch(d, c, ink):
    d.rounded_rectangle((330, 110, 470, 690), 40, fill=_shade(c, 0.2), outline=ink, width=5)
    d.rounded_rectangle((260, 250, 540, 550), 60, fill=ink)
    d.rounded_rectangle((285, 275, 515, 525), 44, fill=c)
    d.line((400, 400, 400, 320), fill=ink, width=8)
    d.line((400, 400, 460, 430), fill=ink, width=8)


def _speaker(d, c, ink):
    d.rounded_rectangle((250, 160, 550, 640), 40, fill=c, outline=ink, width=6)
    d.ellipse((310, 340, 490, 520), fill=_shade(c, 0.4), outline=ink, width=6)
    d.ellipse((360, 390, 440, 470), fill=ink)
    d.ellipse((370, 210, 430, 270), fill=_shade(c, 0.4), outline=ink, width=4)


def _charger(d, c, ink):
    d.rounded_rectangle((270, 240, 530, 560), 40, fill=c, outline=ink, width=6)
    d.rectangle((330, 170, 355, 240), fill=ink)
    d.rectangle((445, 170, 470, 240), fill=ink)
    d.polygon([(410, 300), (340, 420), (395, 420), (380, 510), (460, 380), (405, 380)], fill=_shade(c, 0.5))
    d.line((400, 560, 400, 650), fill=ink, width=10)


def _reader(d, c, ink):
    d.rounded_rectangle((230, 130, 570, 670), 30, fill=ink)
    d.rectangle((260, 170, 540, 600), fill=(236, 234, 226))
    for y in range(210, 570, 36):
        d.line((290, y, 510 - (y % 3) * 30, y), fill=(120, 120, 120), width=6)


def _lamp(d, c, ink):
    d.polygon([(290, 150), (510, 150), (580, 330), (220, 330)], fill=c, outline=ink, width=6)
    d.line((400, 330, 400, 620), fill=ink, width=10)
    d.ellipse((290, 600, 510, 660), fill=_shade(c, 0.3), outline=ink, width=6)
    d.chord((330, 300, 470, 380), 0, 180, fill=(255, 236, 170))


def _candle(d, c, ink):
    d.ellipse((360, 150, 440, 280), fill=(255, 190, 90))
    d.ellipse((380, 190, 420, 270), fill=(255, 240, 190))
    d.line((400, 270, 400, 320), fill=ink, width=6)
    d.rounded_rectangle((260, 300, 540, 640), 30, fill=c, outline=ink, width=6)
    d.rectangle((260, 430, 540, 520), fill=_shade(c, -0.5))


def _pillow(d, c, ink):
    d.rounded_rectangle((160, 270, 640, 560), 120, fill=c, outline=ink, width=6)
    d.arc((220, 330, 580, 500), 200, 340, fill=_shade(c, 0.2), width=6)


def _bedding(d, c, ink):
    d.rounded_rectangle((140, 360, 660, 620), 24, fill=c, outline=ink, width=6)
    d.rounded_rectangle((180, 250, 390, 380), 40, fill=_shade(c, -0.5), outline=ink, width=5)
    d.rounded_rectangle((410, 250, 620, 380), 40, fill=_shade(c, -0.5), outline=ink, width=5)
    d.line((140, 470, 660, 470), fill=_shade(c, 0.2), width=6)


def _containers(d, c, ink):
    for i, (x, y, w, h) in enumerate(((170, 400, 260, 200), (450, 420, 190, 180), (250, 220, 300, 160))):
        d.rounded_rectangle((x, y, x + w, y + h), 24, fill=(230, 240, 244), outline=ink, width=5)
        d.rounded_rectangle((x - 6, y - 20, x + w + 6, y + 20), 14, fill=_shade(c, 0.1 * i), outline=ink, width=5)


def _bear(d, c, ink):
    for x in (270, 530):
        d.ellipse((x - 70, 170, x + 70, 310), fill=c, outline=ink, width=6)
    d.ellipse((200, 210, 600, 610), fill=c, outline=ink, width=6)
    d.ellipse((320, 420, 480, 540), fill=_shade(c, -0.5), outline=ink, width=5)
    for x in (320, 480):
        d.ellipse((x - 18, 350, x + 18, 386), fill=ink)
    d.ellipse((385, 440, 415, 465), fill=ink)


def _ball(d, c, ink):
    d.ellipse((180, 180, 620, 620), fill=c, outline=ink, width=8)
    d.arc((180, 320, 620, 480), 0, 180, fill=ink, width=6)
    d.arc((180, 320, 620, 480), 180, 360, fill=ink, width=6)
    d.line((400, 180, 400, 620), fill=ink, width=6)


def _dumbbell(d, c, ink):
    d.rectangle((260, 380, 540, 420), fill=ink)
    for x in (180, 500):
        d.rounded_rectangle((x, 270, x + 120, 530), 20, fill=c, outline=ink, width=6)


def _mat(d, c, ink):
    d.rounded_rectangle((150, 420, 560, 600), 20, fill=c, outline=ink, width=6)
    d.ellipse((480, 380, 660, 620), fill=_shade(c, 0.15), outline=ink, width=6)
    d.ellipse((530, 440, 610, 560), fill=_shade(c, -0.3), outline=ink, width=5)


def _towel(d, c, ink):
    d.rounded_rectangle((200, 200, 600, 600), 30, fill=c, outline=ink, width=6)
    for x in range(240, 580, 60):
        d.line((x, 200, x, 600), fill=_shade(c, -0.35), width=6)
    d.rectangle((200, 540, 600, 570), fill=_shade(c, 0.15))


def _rice(d, c, ink):
    d.polygon([(250, 200), (550, 200), (590, 640), (210, 640)], fill=c, outline=ink, width=6)
    d.rectangle((250, 180, 550, 230), fill=_shade(c, 0.2), outline=ink, width=5)
    for i in range(8):
        x, y = 300 + (i % 4) * 60, 400 + (i // 4) * 70
        d.ellipse((x, y, x + 24, y + 44), fill=(252, 250, 240), outline=ink, width=3)


MOTIFS = {
    "tee": _tee, "hoodie": lambda d, c, ink: _tee(d, c, ink, hood=True, long=True),
    "shirt": lambda d, c, ink: _tee(d, c, ink, long=True), "pants": _pants, "skirt": _skirt, "bag": _bag,
    "shoe": _shoe, "socks": _socks, "cup": _cup, "tea_can": _tea_can, "cake": _cake, "leaves": _leaves,
    "fruit": _fruit, "bowl": _bowl, "box": _box, "bottle": _bottle, "jar": _jar, "phone": _phone,
    "earbuds": _earbuds, "keyboard": _keyboard, "mouse": _mouse, "watch": _watch, "speaker": _speaker,
    "charger": _charger, "reader": _reader, "lamp": _lamp, "candle": _candle, "pillow": _pillow,
    "bedding": _bedding, "containers": _containers, "bear": _bear, "ball": _ball, "dumbbell": _dumbbell,
    "mat": _mat, "towel": _towel, "rice": _rice,
}


def _fit_text(draw: ImageDraw.ImageDraw, text: str, max_w: int, size: int, cjk: bool = False):
    while size > 12:
        f = font(size, cjk)
        left, top, right, bottom = draw.textbbox((0, 0), text, font=f)
        if right - left <= max_w:
            return f, right - left, bottom - top, top
        size -= 4
    f = font(size, cjk)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=f)
    return f, right - left, bottom - top, top


def product_picture(*, key: str, motif: str, brand: str = "", colour: RGB | None = None,
                    variant: int = 0, hue: float | None = None) -> Image.Image:
    """An 800×800 product picture. `variant` 1 is a close-up (bigger motif, other light)."""
    pal = palette(key, hue)
    bg1, bg2 = pal["bg1"], pal["bg2"]
    if colour is not None:
        bg1, bg2 = _mix(colour, (255, 255, 255), 0.86), _mix(colour, (255, 255, 255), 0.62)
    angle = 30 + (_hash(key) % 4) * 30 + variant * 90
    img = gradient(SIZE, SIZE, bg1, bg2, angle)
    img = _blobs(img, f"{key}:{variant}", [pal["soft"], pal["accent"], (255, 255, 255)])
    d = ImageDraw.Draw(img)
    ink = pal["deep"] if colour is None or sum(colour) > 200 else _shade(colour, -0.7)
    fill = colour or pal["accent"]
    # a soft plate behind the motif
    d.ellipse((140, 110, 660, 630), fill=_mix(bg1, (255, 255, 255), 0.55))
    layer = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    MOTIFS.get(motif, _box)(ImageDraw.Draw(layer), fill, ink)
    if variant:
        layer = layer.resize((int(SIZE * 1.25), int(SIZE * 1.25))).crop((100, 60, 100 + SIZE, 60 + SIZE))
    q = 4  # the drop shadow is blurred at quarter size, then scaled up
    alpha = layer.split()[3].resize((SIZE // q, SIZE // q), Image.Resampling.BILINEAR)
    alpha = alpha.filter(ImageFilter.GaussianBlur(3)).point(lambda v: v * 60 // 255)
    alpha = alpha.resize((SIZE, SIZE), Image.Resampling.BILINEAR)
    shadow = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    shadow.paste((0, 0, 0, 255), (12, 16), alpha.crop((0, 0, SIZE - 12, SIZE - 16)))
    img = Image.alpha_composite(Image.alpha_composite(img.convert("RGBA"), shadow), layer).convert("RGB")
    d = ImageDraw.Draw(img)
    # the brand's monogram at the top left: no words, so the picture reads the same in either language
    if brand:
        pill = pal["deep"] if colour is None else (_shade(colour, 0.55) if sum(colour) > 300 else colour)
        monogram = "".join(word[0] for word in brand.split()[:2]).upper()
        fb, w, h, btop = _fit_text(d, monogram, 120, 34)
        # inside the middle three quarters, so a 3:4 card (the feed's) that crops the sides keeps it whole
        x, y = SIZE // 8 + 12, 36
        d.ellipse((x, y, x + 72, y + 72), fill=pill)
        d.text((x + (72 - w) // 2, y + (72 - h) // 2 - btop), monogram, font=fb, fill=(250, 250, 248))
    return img


def logo_picture(*, key: str, initials: str, name_cjk: str = "", hue: float | None = None) -> Image.Image:
    pal = palette(key, hue)
    img = gradient(512, 512, pal["accent"], pal["deep"], 60)
    d = ImageDraw.Draw(img)
    d.ellipse((56, 56, 456, 456), outline=(255, 255, 255), width=10)
    text = name_cjk if name_cjk and cjk_available() else initials
    f, w, h, top = _fit_text(d, text, 300, 180, cjk=text == name_cjk and bool(name_cjk))
    d.text(((512 - w) // 2, (512 - h) // 2 - top), text, font=f, fill=(255, 255, 255))
    return img


def banner_picture(*, key: str, colour: str, motifs: list[str], width: int = 1200, height: int = 500) -> Image.Image:
    """Banner art without words (the page sets the title over it): colour field, blobs, motifs on
    the right."""
    base = tuple(int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    img = gradient(width, height, _shade(base, -0.15), _shade(base, 0.12), 20)
    img = _blobs(img, key, [_shade(base, -0.5), (255, 255, 255), _shade(base, 0.3)], n=4)
    for i, motif in enumerate(motifs[:3]):
        layer = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
        MOTIFS.get(motif, _box)(ImageDraw.Draw(layer), _shade(base, -0.55 + 0.25 * i), (255, 255, 255))
        side = int(height * (0.78 - 0.14 * i))
        layer = layer.resize((side, side))
        x = width - side - 30 - i * int(height * 0.55)
        img.paste(layer, (x, (height - side) // 2 + (i % 2) * 30), layer)
    return img


# ---------------------------------------------------------------- storage

def _jpeg(img: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
    return buf.getvalue()


def store(name: str, render) -> str:
    """Store `render()`'s JPEG at `name` unless a file is already there; return the storage name."""
    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(_jpeg(render())))


def store_product_picture(name: str, **kwargs) -> tuple[str, str]:
    """(full, thumb) storage names under demo/<version>/products/."""
    digest = hashlib.sha256(repr(sorted(kwargs.items())).encode()).hexdigest()[:8]  # new look, new file
    full_name = f"demo/{VERSION}/products/{name}-{digest}.jpg"
    thumb_name = f"demo/{VERSION}/products/{name}-{digest}_t.jpg"
    if default_storage.exists(full_name) and default_storage.exists(thumb_name):
        return full_name, thumb_name
    img = product_picture(**kwargs)
    full = store(full_name, lambda: img)
    thumb = store(thumb_name, lambda: img.resize((THUMB, THUMB), Image.Resampling.LANCZOS))
    return full, thumb


def logo_upload(**kwargs) -> ContentFile:
    """A PNG 'upload' for shops.services.shop_apply(logo=…), which verifies and re-encodes it."""
    buf = io.BytesIO()
    logo_picture(**kwargs).save(buf, "PNG")
    return ContentFile(buf.getvalue(), name="logo.png")


def jpeg_upload(img: Image.Image, name: str):
    """A JPEG 'upload' of a generated picture, for services that take an uploaded file (notes, reviews)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def png_upload(img: Image.Image, name: str):
    """A PNG 'upload' of a generated picture (avatars)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    buf = io.BytesIO()
    img.save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")
