"""Poster titles wrap by character for Chinese and by word for Latin text."""

from PIL import Image, ImageDraw, ImageFont

from quanzi.sharing.poster import _wrap


def test_latin_words_stay_whole_and_chinese_wraps_by_character():
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = ImageFont.truetype("DejaVuSans.ttf", 30) if _has("DejaVuSans.ttf") else ImageFont.load_default(30)
    lines = _wrap(draw, "Wireless Earbuds Pro with Noise Cancelling", font, 300)
    assert len(lines) > 1
    assert all(word in "".join(f" {ln} " for ln in lines) for word in (" Earbuds ", " Pro ", " Cancelling "))
    assert all(draw.textlength(ln, font=font) <= 300 for ln in lines)
    long = _wrap(draw, "x" * 80, font, 300)  # a word wider than the line is split
    assert len(long) > 1 and "".join(long) == "x" * 80
    assert _wrap(draw, "", font, 300) == [""]


def _has(name: str) -> bool:
    try:
        ImageFont.truetype(name, 10)
        return True
    except OSError:
        return False
