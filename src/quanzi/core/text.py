"""Text that arrives from outside: the one place that decides what a string may contain.

Every string from a request (JSON body, form, query string), a WebSocket frame, an upload's metadata
or a provider's message passes through here before any app sees it (`quanzi.web.input` and the API's
parser call it, so no field needs its own check). The rules:

- **Lone UTF-16 surrogates** (U+D800–U+DFFF not part of a pair; only a JSON `\\ud800` escape can make
  one, never valid UTF-8) are rejected: 400 `invalid_characters`. Neither SQLite nor PostgreSQL can
  store them in a text column, a JSON column stores them escaped and every later page or WebSocket
  frame that shows them fails to encode.
- **NUL** (U+0000) is rejected the same way: PostgreSQL refuses it in text.
- **Bidirectional overrides, embeddings and isolates** (U+202A–U+202E, U+2066–U+2069) are removed:
  one unterminated RIGHT-TO-LEFT OVERRIDE in a nickname or a chat line reverses the text after it on
  the page ("‮gnp.exe" reads "exe.png") and can make an amount or a name read as another. Nobody
  types them on purpose in this shop, so they are dropped rather than refused; the marks LRM, RLM and
  ALM (U+200E, U+200F, U+061C), which only nudge neutral characters, are kept for Arabic and Hebrew.
- JSON is at most `MAX_JSON_DEPTH` containers deep; deeper nesting is refused before it is parsed. Its
  numbers fit a signed 64-bit integer (a BIGINT column): `1e400`, `1e30`, a 40-digit id or `NaN`
  is 400 `number_out_of_range`. (Money has a tighter bound, `core.money.MAX_AMOUNT`.)

On the way out, `scrub` replaces anything already stored that a response could not encode (a lone
surrogate kept escaped in a JSON column) with U+FFFD, so an old row never breaks a page.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from django.utils.translation import gettext as _

from quanzi.core.errors import ValidationFailed

MAX_JSON_DEPTH = 32
LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # in a decoded str, a surrogate is always a lone one
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BIDI_TABLE = {cp: None for cp in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
REPLACEMENT = "\ufffd"


class InvalidText(ValidationFailed):
    code = "invalid_characters"


class TooDeep(ValidationFailed):
    code = "too_deeply_nested"


def _where(field: str) -> dict:
    return {field: "invalid characters"} if field else {}


def check_text(value: str, field: str = "") -> str:
    """`value` without bidirectional controls; InvalidText if it holds a NUL or a lone surrogate."""
    if "\x00" in value:
        raise InvalidText(_("The text contains a NUL character."), fields=_where(field))
    if LONE_SURROGATE.search(value):
        raise InvalidText(_("The text contains an invalid character (a lone UTF-16 surrogate)."),
                          fields=_where(field))
    if BIDI_CONTROLS.search(value):
        value = value.translate(_BIDI_TABLE)
    return value


def needs_cleaning(value: str) -> bool:
    """Whether `check_text` would refuse or change `value` (cheap: no copy unless needed)."""
    return "\x00" in value or bool(LONE_SURROGATE.search(value)) or bool(BIDI_CONTROLS.search(value))


def clean_json(value: Any, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """A parsed JSON value with every string (keys included) through `check_text`, at most `max_depth`
    containers deep. Iterative, so a hostile depth cannot exhaust the stack."""
    root = [value]
    stack: list[tuple[Any, Any, int, str]] = [(root, 0, 0, "")]
    while stack:
        parent, key, depth, path = stack.pop()
        item = parent[key]
        if isinstance(item, str):
            if needs_cleaning(item):
                parent[key] = check_text(item, path or "body")
        elif isinstance(item, (dict, list)):
            if depth >= max_depth:
                raise TooDeep(_("The JSON is nested too deeply (%(n)d levels at most).") % {"n": max_depth})
            if isinstance(item, dict):
                if any(isinstance(k, str) and needs_cleaning(k) for k in item):
                    item = {check_text(k, path or "body"): v for k, v in item.items()}
                    parent[key] = item
                for k in item:
                    stack.append((item, k, depth + 1, f"{path}.{k}" if path else str(k)))
            else:
                for i in range(len(item)):
                    stack.append((item, i, depth + 1, f"{path}.{i}" if path else str(i)))
    return root[0]


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """How deeply the containers of a JSON text nest, without parsing it (strings skipped)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


INT64_MAX = 2**63 - 1


class OutOfRange(ValidationFailed):
    code = "number_out_of_range"


def _out_of_range(text: str):
    return OutOfRange(_("A number is out of range: %(n)s.") % {"n": text[:24]})


def _int(text: str) -> int:
    if len(text) > 20 or not -INT64_MAX - 1 <= (value := int(text)) <= INT64_MAX:
        raise _out_of_range(text)
    return value


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or abs(value) > INT64_MAX:
        raise _out_of_range(text)
    return value


def _constant(text: str):
    raise _out_of_range(text)  # NaN, Infinity, -Infinity: not JSON, although Python's parser takes them


def loads(data: bytes | str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON from outside: depth bounded before parsing, numbers within a signed 64-bit integer's
    range (`1e400`, `1e30`, 40-digit ids and NaN are refused: 400 `number_out_of_range`, before any
    column or arithmetic meets them), then every string checked (`clean_json`).

    Raises ValueError (json.JSONDecodeError, UnicodeDecodeError) for what is not JSON at all, and
    InvalidText / TooDeep (400 ValidationFailed) for JSON that is refused."""
    text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
    if text.count("[") + text.count("{") > max_depth and json_depth(text) > max_depth:
        raise TooDeep(_("The JSON is nested too deeply (%(n)d levels at most).") % {"n": max_depth})
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError:  # only if max_depth was set above the interpreter's own limit
        raise TooDeep(_("The JSON is nested too deeply (%(n)d levels at most).") % {"n": max_depth})
    return clean_json(value, max_depth=max_depth)


def scrub(value: Any) -> Any:
    """For output: lone surrogates in a string (or in the strings of a JSON-like value) become U+FFFD."""
    if isinstance(value, str):
        return LONE_SURROGATE.sub(REPLACEMENT, value) if LONE_SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    return value


# ---------------------------------------------------------------- the language a person wrote in

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def written_language(*texts: str) -> str:
    """The language of what a person wrote (a note, a review): "zh-hans", "en" or "" (cannot tell).

    Our two languages use different scripts, so the script decides: a text with Han characters is
    Chinese (Chinese writing mixes in Latin brand names and units — "65W 氮化镓" — never the other
    way round), one with Latin words and no Han is English, emoji or digits alone say nothing.
    A statistical detector (langdetect, lingua) earns its weight only with languages that share a
    script; when a third language arrives, replace this function and keep its contract.
    """
    text = " ".join(t for t in texts if t)
    if len(_HAN.findall(text)) >= 2:
        return "zh-hans"
    if len(_LATIN_LETTER.findall(text)) >= 3:
        return "en"
    return ""
