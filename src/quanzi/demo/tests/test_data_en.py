"""The demo's two languages: every shop-written text of data.py has its English in data_en.py, the
Chinese is pure Chinese (only the Latin tokens a Chinese store really writes), and the English has no
Chinese in it."""

from __future__ import annotations

import re
import string

import pytest

from quanzi.demo import data, data_en

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# Model names, standards and units a Chinese shop writes in Latin letters.
LATIN_TOKENS = {
    "AMOLED", "AUX", "BPA", "EPUB", "JJJ", "MOBI", "MagSafe", "Mbps", "NFC", "PBT", "PDF", "Pro", "SPF",
    "Switch", "TPE", "TPU", "UPF", "USB", "iPhone", "mAh", "ppi",
}


def _options() -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for p in data.PRODUCTS:
        for name, values in p["options"]:
            names.setdefault(name, set()).update(values)
    return names


def _chinese_texts():
    """(where, text) for every shop-written Chinese text of data.py."""
    for p in data.PRODUCTS:
        yield f"{p['key']}.title", p["title"]
        yield f"{p['key']}.subtitle", p["subtitle"]
        for i, para in enumerate(p["intro"]):
            yield f"{p['key']}.intro[{i}]", para
    for s in data.SHOPS:
        yield f"shop {s['key']}.description", s["description"]
        if s.get("review_note"):
            yield f"shop {s['key']}.review_note", s["review_note"]
    for cat, paras in data.CATEGORY_TEXT.items():
        for i, para in enumerate(paras):
            yield f"category {cat}[{i}]", para
    for key, text in data.SHOP_TEXT.items():
        yield f"shop text {key}", text
    for b in data.BANNERS:
        yield f"banner {b['title']}", b["title"]
        yield f"banner {b['title']}.subtitle", b["subtitle"]


def _english_strings(value, where: str):
    """(where, string) for every string inside data_en's values, however nested."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _english_strings(v, f"{where}[{k!r}]")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _english_strings(v, f"{where}[{i}]")


def test_every_product_has_english_title_subtitle_and_as_many_paragraphs():
    keys = {p["key"] for p in data.PRODUCTS}
    assert set(data_en.PRODUCTS) == keys
    for p in data.PRODUCTS:
        en = data_en.PRODUCTS[p["key"]]
        assert en["title"].strip() and en["subtitle"].strip(), p["key"]
        assert len(en["intro"]) == len(p["intro"]), p["key"]
        assert all(para.strip() for para in en["intro"]), p["key"]
    titles = [e["title"] for e in data_en.PRODUCTS.values()]
    assert len(set(titles)) == len(titles), "English titles must be unique, like the Chinese ones"


def test_every_option_name_and_non_neutral_value_has_english():
    options = _options()
    assert set(options) <= set(data_en.OPTION_NAMES)
    missing = sorted(v for values in options.values() for v in values
                     if HAN.search(v) and v not in data_en.OPTION_VALUES)
    assert not missing
    assert not [v for v in data_en.OPTION_VALUES if v not in set().union(*options.values())], "stale entries"
    for values in options.values():  # two values of one option must stay two values in English
        english = [data_en.OPTION_VALUES.get(v, v) for v in values]
        assert len(set(english)) == len(english), values


def test_option_names_stay_distinct_within_a_product():
    for p in data.PRODUCTS:
        english = [data_en.OPTION_NAMES[name] for name, _values in p["options"]]
        assert len(set(english)) == len(english), p["key"]


def test_shared_texts_shops_and_banners_have_english():
    assert set(data_en.CATEGORY_TEXT) == set(data.CATEGORY_TEXT)
    for cat, paras in data.CATEGORY_TEXT.items():
        assert len(data_en.CATEGORY_TEXT[cat]) == len(paras), cat
    assert set(data_en.SHOP_TEXT) == set(data.SHOP_TEXT)
    assert set(data_en.SHOP_DESCRIPTIONS) == {s["key"] for s in data.SHOPS}
    assert set(data_en.SHOP_REVIEW_NOTES) == {s["key"] for s in data.SHOPS if s.get("review_note")}
    assert set(data_en.BANNER_SUBTITLES) == {b["title"] for b in data.BANNERS}
    assert set(data_en.AFTERSALE_STORIES) == set(data.AFTERSALE_STORIES)
    assert set(data_en.ENGLISH_SHOPPERS) <= set(data.SHOPPER_NICKNAMES)


def test_chinese_texts_have_no_english_words_but_real_tokens():
    glued = [(where, word) for where, text in _chinese_texts()
             for word in LATIN_WORD.findall(text) if word not in LATIN_TOKENS]
    assert not glued, glued


def test_english_has_no_chinese():
    # Keys of {Chinese: English} dicts are Chinese on purpose; only the values are English.
    found = [(where, text) for name in dir(data_en) if name.isupper()
             for where, text in _english_strings(getattr(data_en, name), name) if HAN.search(text)]
    assert not found, found


def test_patterns_keep_their_placeholders():
    fields = string.Formatter()
    for name in ("FLASH_TITLES", "LIVE_TITLES", "GROUPBUY_TITLES", "BARGAIN_TITLES", "COMMENT_TEXTS_EN"):
        for zh, en in getattr(data_en, name).items():
            zh_fields = {f for _lit, f, _spec, _conv in fields.parse(zh) if f}
            en_fields = {f for _lit, f, _spec, _conv in fields.parse(en) if f}
            assert zh_fields == en_fields, (name, zh, en)
    assert data_en.LIVE_TITLES["{shop} 上新夜"].format(shop="Shanye Tea House").startswith("Shanye Tea House")


def test_english_creators_and_notes_fit_the_social_demo():
    from quanzi.content.demo import DRAFTS, NOTES
    from quanzi.content.services import TOPIC_RE
    from quanzi.social.demo import CREATORS

    taken = {c["n"] for c in CREATORS} | {c["nickname"] for c in CREATORS}
    numbers = [c["n"] for c in data_en.ENGLISH_CREATORS]
    assert numbers == sorted(data_en.ENGLISH_NOTES) == sorted(data_en.ENGLISH_DRAFTS)
    assert not (set(numbers) | {c["nickname"] for c in data_en.ENGLISH_CREATORS}) & taken
    assert set(data_en.ENGLISH_CREATORS[0]) == set(CREATORS[0])
    keys = {p["key"] for p in data.PRODUCTS}
    shape = [type(v) for v in NOTES[1][0]]
    for n, notes in data_en.ENGLISH_NOTES.items():
        assert 3 <= len(notes) <= 4, n
        for note in notes:
            title, body, tagged, images, _days = note
            assert [type(v) for v in note] in (shape, [*shape[:-1], int]), note
            assert len(title) <= 28, title  # drawn on the cover (and well inside a note title's limit)
            assert set(tagged) <= keys and 1 <= len(tagged) <= 3, title
            assert 2 <= images <= 4, title
            assert body.endswith(" ") and len(TOPIC_RE.findall(body.rsplit("\n\n", 1)[-1])) >= 2, title
    assert all(isinstance(d, tuple) and len(d) == len(DRAFTS[1]) for d in data_en.ENGLISH_DRAFTS.values())


@pytest.mark.parametrize("name, like", [
    ("COMMENTS_EN", "content.demo.COMMENTS"), ("REPLIES_EN", "content.demo.REPLIES"),
    ("MERCHANT_REPLIES_EN", "reviews.demo.MERCHANT_REPLIES"), ("SHOPPER_BIOS_EN", "social.demo.SHOPPER_BIOS"),
    ("LIVE_CHAT_EN", "live.demo.LIVE_CHAT"), ("REPLAY_CHAT_EN", "live.demo.REPLAY_CHAT"),
])
def test_english_lists_match_the_chinese_ones(name, like):
    import importlib

    module, attr = like.rsplit(".", 1)
    chinese = getattr(importlib.import_module(f"quanzi.{module}"), attr)
    assert len(getattr(data_en, name)) == len(chinese)


def test_reviews_and_gifts_cover_the_chinese():
    from quanzi.livesales.demo import GIFTS
    from quanzi.reviews.demo import REVIEW_TEXTS

    assert {k: len(v) for k, v in data_en.REVIEW_TEXTS_EN.items()} == {k: len(v) for k, v in REVIEW_TEXTS.items()}
    assert data_en.GIFTS == {zh: en for zh, en, *_rest in GIFTS}
    assert data_en.FOLLOWUP_TEXT_EN.strip()


@pytest.mark.parametrize("name, module", [
    ("FLASH_TITLES", "flashsale"), ("LIVE_TITLES", "live"), ("GROUPBUY_TITLES", "groupbuy"),
    ("BARGAIN_TITLES", "bargain"), ("PAYMENT_SUBJECTS", "reconciliation"),
])
def test_every_pattern_is_one_its_demo_module_writes(name, module):
    """Each Chinese pattern is a string literal of that module's demo.py (placeholders as any f-string field)."""
    import importlib
    import inspect

    source = inspect.getsource(importlib.import_module(f"quanzi.{module}.demo"))
    for zh in getattr(data_en, name):
        literal = re.sub(r"\\\{[^}]*\\\}", r"\\{[^}]+\\}", re.escape(zh))
        assert re.search(rf"f?\"{literal}\"", source), (module, zh)
