"""zh-Hans is the default language: the catalog is complete, compiled, and actually used.

The .po files are parsed with a small parser here (no polib dependency). The committed .mo files
must match the .po files, so a fresh clone runs in Chinese without gettext installed.
The test settings default to English (most tests assert English copy); the tests here that check
the zh-Hans default set LANGUAGE_CODE = "zh-hans" themselves, as the base settings do.
"""

from __future__ import annotations

import ast
import gettext as gettext_module
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

LOCALE = Path(settings.LOCALE_PATHS[0])
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
ZH_MO = ZH_PO.with_suffix(".mo")
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
EN_MO = EN_PO.with_suffix(".mo")

PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sd]|%[sd]")


def parse_po(path: Path) -> list[dict]:
    """Entries as dicts: msgctxt, msgid, msgid_plural, msgstr (list), flags, obsolete."""
    entries: list[dict] = []
    entry: dict = {}
    field: tuple | None = None

    def flush():
        nonlocal entry
        if "msgid" in entry:
            entry.setdefault("msgstr", [])
            entry.setdefault("flags", [])
            entries.append(entry)
        entry = {}

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            field = None
            continue
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry.setdefault("flags", []).extend(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if m:
            key, value = m.group(1), ast.literal_eval(m.group(3))
            if key.startswith("msgstr"):
                entry.setdefault("msgstr", []).append(value)
                field = ("msgstr", len(entry["msgstr"]) - 1)
            else:
                entry[key] = value
                field = (key,)
            continue
        assert line.startswith('"') and field, f"{path}: cannot parse {raw!r}"
        value = ast.literal_eval(line)
        if field[0] == "msgstr":
            entry["msgstr"][field[1]] += value
        else:
            entry[field[0]] += value
    flush()
    return [e for e in entries if not e.get("obsolete")]


def _messages(path: Path) -> list[dict]:
    return [e for e in parse_po(path) if e["msgid"]]


def test_zh_hans_catalog_is_complete_and_not_fuzzy():
    entries = _messages(ZH_PO)
    assert len(entries) > 300
    untranslated = [e["msgid"] for e in entries if not e["msgstr"] or not all(s.strip() for s in e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"
    header = parse_po(ZH_PO)[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert "nplurals=1; plural=0;" in header["msgstr"][0]


def test_zh_hans_translations_keep_placeholders():
    for e in _messages(ZH_PO):
        for msgstr in e["msgstr"]:
            expected = sorted(set(PLACEHOLDER.findall(e["msgid"]) + PLACEHOLDER.findall(e.get("msgid_plural", ""))))
            assert sorted(set(PLACEHOLDER.findall(msgstr))) == expected, (e["msgid"], msgstr)
            # Chinese has one plural form.
        if "msgid_plural" in e:
            assert len(e["msgstr"]) == 1, e["msgid"]


def test_en_catalog_exists_with_the_same_messages():
    zh = {(e.get("msgctxt"), e["msgid"]) for e in _messages(ZH_PO)}
    en = {(e.get("msgctxt"), e["msgid"]) for e in _messages(EN_PO)}
    assert zh == en
    assert EN_MO.exists()


def _po_catalog(path: Path) -> dict:
    """What msgfmt puts in the .mo: translated, non-fuzzy entries, keyed like gettext's _catalog."""
    catalog = {}
    for e in _messages(path):
        if "fuzzy" in e["flags"] or not any(e["msgstr"]):
            continue
        key = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if "msgid_plural" in e:
            for n, msgstr in enumerate(e["msgstr"]):
                catalog[(key, n)] = msgstr
        else:
            catalog[key] = e["msgstr"][0]
    return catalog


@pytest.mark.parametrize("po", [ZH_PO, EN_PO], ids=["zh_Hans", "en"])
def test_committed_mo_matches_po(po):
    """The .mo next to the .po holds exactly the .po's translations (no stale compile)."""
    with po.with_suffix(".mo").open("rb") as fp:
        compiled = dict(gettext_module.GNUTranslations(fp)._catalog)
    compiled.pop("", None)  # the header
    assert compiled == _po_catalog(po), f"{po.with_suffix('.mo')} is stale: run `manage.py compilemessages`"


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext tools not installed")
@pytest.mark.parametrize("po", [ZH_PO, EN_PO], ids=["zh_Hans", "en"])
def test_po_passes_msgfmt_check(po, tmp_path):
    """Format strings in every translation match their msgid (msgfmt --check)."""
    result = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(po)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def zh_default(settings):
    """The production default (config/settings/base.py): zh-Hans unless the person chose otherwise."""
    from config.settings import base

    assert base.LANGUAGE_CODE == "zh-hans"
    settings.LANGUAGE_CODE = base.LANGUAGE_CODE
    return settings


def test_gettext_returns_chinese_in_zh_hans_and_english_in_en():
    with translation.override("zh-hans"):
        assert gettext("Cart") == "购物车"
        assert gettext("Checkout") == "结算"
        assert gettext("Confirm receipt") == "确认收货"
        assert gettext("Merchant console") == "商家后台"
        assert gettext("Refund only") == "仅退款"
        assert gettext("Return and refund") == "退货退款"
        assert gettext("7-day no-reason return") == "七天无理由退货"
        assert gettext("To pay") == "待付款"
        assert pgettext("amount due", "To pay") == "需付款"
        assert gettext("Welcome back, %(name)s!") % {"name": "小红"} == "欢迎回来，小红！"
        assert ngettext("%(n)s item", "%(n)s items", 3) % {"n": 3} == "共 3 件"
    with translation.override("en"):
        assert gettext("Cart") == "Cart"
        assert ngettext("%(n)s item", "%(n)s items", 3) % {"n": 3} == "3 items"


@pytest.mark.django_db
def test_pages_render_chinese_by_default_and_english_after_switching(zh_default):
    client = Client()
    home = client.get("/")
    assert home.status_code == 200
    body = home.content.decode()
    assert "购物车" in body and 'lang="zh-hans"' in body.lower()
    login = client.get("/login/")
    assert login.status_code == 200 and "登录" in login.content.decode()

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    body = client.get("/").content.decode()
    assert "Cart" in body and "购物车" not in body
    assert "Log in" in client.get("/login/").content.decode()

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "登录" in client.get("/login/").content.decode()


@pytest.mark.django_db
def test_service_errors_are_translated(sku):
    from quanzi.catalog.services import OutOfStock, StockItem, stock_take

    with translation.override("zh-hans"), pytest.raises(OutOfStock) as error:
        stock_take(items=[StockItem(sku_id=sku.pk, quantity=sku.stock + 1)])
    assert error.value.message == "库存不足。"
    with translation.override("en"), pytest.raises(OutOfStock) as error:
        stock_take(items=[StockItem(sku_id=sku.pk, quantity=sku.stock + 1)])
    assert error.value.message == "Not enough stock left."


@pytest.mark.django_db
def test_api_errors_are_chinese_by_default(zh_default, api, shopper, sku):
    response = api(shopper).post("/api/v1/cart/lines", {"sku_id": sku.pk, "quantity": sku.stock + 1},
                                 content_type="application/json")
    assert response.status_code in (409, 422), response.content
    message = response.json()["error"]["message"]
    assert re.search(r"[\u4e00-\u9fff]", message), message
