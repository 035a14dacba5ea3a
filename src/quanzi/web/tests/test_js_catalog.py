"""The scripts take their words from Django's JavaScript catalog (/jsi18n/), in the visitor's language.

base.html loads `/jsi18n/?l=<page language>` before every other script; the scripts call `gettext()`,
`ngettext()` and `interpolate(fmt, obj, true)`, never write English (or Chinese) of their own and never
read words from server-rendered data- attributes. Checked here:

- the catalog answers in zh-Hans and in English, for every string any script asks for (the zh-Hans side
  passes once the djangojs catalogs are regenerated and compiled);
- it answers in the language core.language chooses, the same one the flash-sale ASGI fast path speaks;
- pages load it first, with the page's language in its address (a browser keeps it for a day: a
  language switch must not reuse the other language's copy);
- a scan of every script (vendor/ aside) for hard-coded words that reach the page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from quanzi.web.testing import WORD_ATTRIBUTES, assert_catalog_first

SRC = Path(__file__).resolve().parents[2]  # src/quanzi
SCRIPTS = sorted(path for path in SRC.rglob("*.js")
                 if "static" in path.parts and "vendor" not in path.parts and "tests" not in path.parts)
TEMPLATES = sorted(path for path in SRC.rglob("*.html") if "templates" in path.parts and "tests" not in path.parts)

# ------------------------------------------------------------------ reading the scripts

TRANSLATORS = {"gettext", "ngettext", "pgettext", "npgettext"}
_REGEX_MAY_FOLLOW = set("(,=:[!&|?{};+-*%<>~^")


def literals(source: str) -> list[tuple[str, bool]]:
    """Every string literal of a script as (text, inside a gettext-family call); comments and regular
    expression literals skipped. Enough of JavaScript's grammar for our own scripts."""
    out: list[tuple[str, bool]] = []
    calls: list[bool] = []  # one per open parenthesis: does it open a translation call?
    i, n, prev, ident = 0, len(source), "", ""
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            end = source.find("\n", i)
            i = n if end < 0 else end
            continue
        if source.startswith("/*", i):
            end = source.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if c in "'\"`":
            j, text = i + 1, []
            while j < n and source[j] != c:
                if source[j] == "\\":
                    text.append(source[j:j + 2])
                    j += 2
                    continue
                text.append(source[j])
                j += 1
            out.append(("".join(text), any(calls)))
            i, prev, ident = j + 1, c, ""
            continue
        if c == "/" and (prev == "" or prev in _REGEX_MAY_FOLLOW or ident in {"return", "typeof"}):
            j, in_class = i + 1, False  # a regular expression literal
            while j < n and source[j] != "\n" and (source[j] != "/" or in_class):
                if source[j] == "\\":
                    j += 2
                    continue
                in_class = True if source[j] == "[" else False if source[j] == "]" else in_class
                j += 1
            i, prev, ident = j + 1, "/", ""
            continue
        if c.isalnum() or c in "_$":
            j = i
            while j < n and (source[j].isalnum() or source[j] in "_$"):
                j += 1
            i, prev, ident = j, "a", source[i:j]
            continue
        if c == "(":
            calls.append(ident in TRANSLATORS)
        elif c == ")" and calls:
            calls.pop()
        if not c.isspace():
            prev, ident = c, ""
        i += 1
    return out


_LITERAL = r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
_CALL = re.compile(rf"\b(gettext|ngettext|pgettext|npgettext)\(\s*{_LITERAL}(?:\s*,\s*{_LITERAL})?")


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    if literal[0] == "'":
        body = body.replace("\\'", "'").replace('"', '\\"')
    return json.loads(f'"{body}"')


def msgids() -> dict[str, tuple[str, str | None, Path]]:
    """{catalog key: (msgid, plural or None, script)} for every gettext-family call of every script."""
    found = {}
    for path in SCRIPTS:
        for name, first, second in _CALL.findall(path.read_text(encoding="utf-8")):
            if name in {"pgettext", "npgettext"}:  # pgettext(context, msgid): the catalog key is context\x04msgid
                context, msgid = _unquote(first), _unquote(second)
                found[f"{context}\x04{msgid}"] = (msgid, None, path)
            else:
                found[_unquote(first)] = (_unquote(first), _unquote(second) if second and name == "ngettext" else None,
                                          path)
    return found


def catalog(response) -> dict:
    """The translations a /jsi18n/ answer carries (`const newcatalog = {…};`, left out when there are none)."""
    text = response.content.decode()
    if "const newcatalog = " not in text:
        return {}
    start = text.index("const newcatalog = ") + len("const newcatalog = ")
    return json.JSONDecoder().raw_decode(text, start)[0]


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", text))


def get_catalog(lang: str, **headers):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(f"/jsi18n/?l={lang}", **headers)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    return response


MOVED = {  # strings this change moved into the scripts, with the words shoppers see in Chinese
    "Link copied": "链接已复制",
    "Copied": "已复制",
    "Choose the options": "请选择规格",
    "Checking the payment…": "正在确认支付结果…",
    "%(days)sd %(time)s": "%(days)s天 %(time)s",
}


def test_the_scripts_ask_the_catalog_for_their_words():
    found = msgids()
    assert set(MOVED) <= set(found), "the scripts no longer ask for these: the test is out of date"
    assert found["%(n)s in stock"][1] == "%(n)s in stock"  # ngettext: singular and plural


def test_the_catalog_speaks_chinese_for_every_string_a_script_asks_for():
    """Passes once the djangojs catalogs are regenerated and compiled (makemessages -d djangojs)."""
    response = get_catalog("zh-hans")
    assert response["Content-Language"] == "zh-hans"
    zh = catalog(response)
    missing, untranslated, broken = [], [], []
    for key, (msgid, _plural, path) in msgids().items():
        value = zh.get(key)
        if value is None:
            missing.append(f"{path.relative_to(SRC)}: {key!r}")
            continue
        forms = value if isinstance(value, list) else [value]
        if not all(forms) or not any(CJK.search(form) for form in forms):
            untranslated.append(key)
        if any(placeholders(form) != placeholders(msgid) for form in forms):
            broken.append(key)
    assert not missing, f"not in the zh-Hans JavaScript catalog: {missing}"
    assert not untranslated and not broken, (untranslated, broken)
    for msgid, words in MOVED.items():
        assert zh[msgid] == words
    assert zh["%(n)s in stock"] == ["库存 %(n)s 件"]  # Chinese has one plural form


def test_the_scripts_say_what_the_server_says_in_chinese():
    """The countdown ticking in the browser reads like the one the server rendered, and so on."""
    zh = catalog(get_catalog("zh-hans"))
    with translation.override("zh-hans"):
        assert zh["%(days)sd %(time)s"] == translation.gettext("%(days)sd %(time)s") == "%(days)s天 %(time)s"
        assert zh["Sold out"] == translation.gettext("Sold out")
        assert zh["%(n)s in stock"][0] == translation.gettext("%(n)s in stock")  # the page's {% blocktrans %}


def test_the_catalog_speaks_english_too():
    response = get_catalog("en")
    assert response["Content-Language"] == "en"
    en = catalog(response)
    for key, (msgid, _plural, _path) in msgids().items():
        value = en.get(key)
        if value is not None:  # an untranslated English entry is left out: gettext() gives back the msgid
            assert (value if isinstance(value, str) else value[0]) in {msgid, ""}, key
    assert "链接已复制" not in response.content.decode()
    assert "django.gettext" in response.content.decode() and "django.interpolate" in response.content.decode()


# ------------------------------------------------------------------ pages

@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_product_page_loads_the_catalog_first_and_carries_no_words_for_its_script(lang, make_product, shop):
    product = make_product(shop=shop, title="卫衣 Hoodie", options=[{"name": "颜色", "values": ["红", "蓝"]}])
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(f"/p/{product.pk}/")
    html = response.content.decode()
    assert response.status_code == 200 and f'<html lang="{lang}">' in html
    sources = assert_catalog_first(html, lang)
    assert any(src.endswith("quanzi/js/product.js") for src in sources)
    assert "data-sku-picker" in html and not WORD_ATTRIBUTES.search(html)
    assert ("10 in stock" if lang == "en" else "库存 10 件") in html  # the server's text before the script runs


def _extends(path: Path) -> str | None:
    match = re.match(r"""\s*\{%\s*extends\s+["']([^"']+)["']""", path.read_text(encoding="utf-8"))
    return match.group(1) if match else None


# Pages that run someone else's scripts with their own words (django-ninja's Swagger UI at /api/v1/docs).
THIRD_PARTY_PAGES = {"web/swagger.html"}


def test_every_page_that_loads_a_script_extends_base_which_loads_the_catalog_first():
    """A page that does not extend base.html would run its script without gettext()."""
    base = (SRC / "web/templates/base.html").read_text(encoding="utf-8")
    head = base[:base.index("</head>")]
    assert head.index("{% url 'javascript-catalog' %}?l={{ LANG }}") < head.index("<script src=\"{% static")
    by_name = {}
    for path in TEMPLATES:
        parts = path.parts
        by_name["/".join(parts[parts.index("templates") + 1:])] = path
    checked = 0
    for name, path in by_name.items():
        if "<script src=" not in path.read_text(encoding="utf-8") or name == "base.html":
            continue
        if name.startswith("includes/") or "/partials/" in name:
            continue  # a fragment: rendered inside a page (an include, a slot, {% countdown %}), never alone
        if name in THIRD_PARTY_PAGES:
            continue
        chain, current = [name], name
        while current != "base.html":
            parent = _extends(by_name[current]) if current in by_name else None
            assert parent, f"{name} loads a script but does not extend base.html (chain {chain})"
            chain.append(parent)
            current = parent
        checked += 1
    assert checked >= 5


# ------------------------------------------------------------------ no words in the scripts themselves

PROSE = re.compile(r"[A-Za-z]{2,}[,.!?'’]?\s+[A-Za-z]{2,}")   # "Sold out", "Something went wrong"
WORD = re.compile(r"^[A-Z][a-z]+[.!?…]?$")                        # "Copied", "Buy"
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")    # "出错了"
NOT_WORDS = {"use strict", "toast toast-", "Accept", "Escape"}  # a directive, CSS classes, an HTTP header, a key
SELECTOR = re.compile(r"[\[\]=#>{}]|:not\(")  # "select, input:not([type=hidden])" is a CSS selector


def hard_coded_words(path: Path) -> list[str]:
    return [text for text, translated in literals(path.read_text(encoding="utf-8"))
            if not translated and text not in NOT_WORDS and not SELECTOR.search(text)
            and (CJK.search(text) or PROSE.search(text) or WORD.match(text))]


def test_the_scan_finds_words_and_leaves_code_alone(tmp_path):
    sample = tmp_path / "sample.js"
    sample.write_text("""
      "use strict"; // "Not this comment"
      /* nor "This one" */
      var a = "Sold out", b = 'Copied', c = `出错了`, d = "[data-testid=fs-clock]", e = /"quoted" text/;
      var f = gettext("Fine here"), g = ngettext("%(n)s item", "%(n)s items", 2), h = "dialog.sheet[open]";
      var i = interpolate(gettext("Also %(x)s fine"), { x: "Not fine" }, true), j = "POST", k = "99+";
      var l = "select, input:not([type=hidden]), a", m = e.key === "Escape";
    """, encoding="utf-8")
    assert hard_coded_words(sample) == ["Sold out", "Copied", "出错了", "Not fine"]


def test_no_script_writes_words_of_its_own():
    assert len(SCRIPTS) >= 8
    found = {str(path.relative_to(SRC)): words for path in SCRIPTS if (words := hard_coded_words(path))}
    assert not found, f"hard-coded words: put them through gettext() (JavaScript catalog): {found}"


def test_no_script_reads_its_words_from_the_page():
    reads = re.compile(r"""data-(?:t|text|msg)-|dataset\.(?:t|text|msg)[A-Z]\w*|data-days-format|dataset\.daysFormat"""
                       r"""|data-copied|dataset\.copied|dataset\.wonText|dataset\.soldOut""")
    found = {str(path.relative_to(SRC)): reads.findall(path.read_text(encoding="utf-8")) for path in SCRIPTS}
    assert not {name: hits for name, hits in found.items() if hits}
    templates = {str(path.relative_to(SRC)): WORD_ATTRIBUTES.findall(path.read_text(encoding="utf-8"))
                 for path in TEMPLATES}
    assert not {name: hits for name, hits in templates.items() if hits}, "words for a script in a data- attribute"
