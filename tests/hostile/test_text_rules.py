"""The rules for text and numbers from outside (quanzi.core.text, quanzi.core.money), as pure functions."""

from __future__ import annotations

import pytest

from quanzi.core.money import MAX_AMOUNT, check_amount, yuan_to_fen
from quanzi.core.text import (
    MAX_JSON_DEPTH,
    InvalidText,
    OutOfRange,
    TooDeep,
    check_text,
    json_depth,
    loads,
    scrub,
)


@pytest.mark.parametrize("text", ["a\ud800b", "\udfff", "x\x00y"])
def test_lone_surrogates_and_nul_are_refused(text):
    with pytest.raises(InvalidText) as refused:
        check_text(text, "bio")
    assert refused.value.status == 400 and refused.value.fields == {"bio": "invalid characters"}


def test_bidi_controls_are_removed_and_marks_are_kept():
    assert check_text("\u202egnp.exe\u2066x\u2069") == "gnp.exex"
    assert check_text("שלום\u200fabc\u200e") == "שלום\u200fabc\u200e"
    assert check_text("😀 emoji pairs are fine") == "😀 emoji pairs are fine"


@pytest.mark.parametrize("text", ['{"a": "\\ud800"}', '["ok", {"k": "\\u0000"}]', '{"\\udfff": 1}'])
def test_loads_refuses_bad_strings_anywhere_keys_included(text):
    with pytest.raises(InvalidText):
        loads(text)


def test_loads_keeps_valid_surrogate_pairs_and_cleans_bidi():
    assert loads('{"t": "\\ud83d\\ude00", "n": "\\u202ex"}') == {"t": "😀", "n": "x"}


@pytest.mark.parametrize("text", ["1e400", "-1e400", "1e30", "1" + "0" * 40, "9223372036854775808", "NaN",
                                  "Infinity", "-Infinity", '{"a": [1e400]}'])
def test_loads_refuses_numbers_beyond_a_bigint(text):
    with pytest.raises(OutOfRange):
        loads(text)


def test_loads_accepts_the_bigint_range():
    assert loads("[9223372036854775807, -9223372036854775808, 0.5]") == [2**63 - 1, -(2**63), 0.5]


def test_loads_refuses_deep_nesting_before_parsing_it():
    assert json_depth('{"a": ["[[[[", {"b": 1}]}') == 3  # brackets inside strings do not count
    with pytest.raises(TooDeep):
        loads("[" * 100_000 + "]" * 100_000)  # no RecursionError, no time spent parsing
    assert loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None


def test_scrub_replaces_what_cannot_be_encoded():
    assert scrub({"a\ud800": ["x\udfff", 1]}) == {"a\ufffd": ["x\ufffd", 1]}
    same = "plain"
    assert scrub(same) is same


@pytest.mark.parametrize(("text", "fen"), [("12.30", 1230), ("0.01", 1), ("7", 700), ("-1.5", -150), (".5", 50)])
def test_yuan_to_fen_is_exact(text, fen):
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("text", ["1e400", "1e30", "NaN", "inf", "abc", "1.005", "１２", "\u0661\u0662",
                                  "1" * 17, "", " . "])
def test_yuan_to_fen_refuses_anything_but_a_plain_amount(text):
    with pytest.raises(ValueError):
        yuan_to_fen(text)


def test_check_amount_bounds():
    assert check_amount(MAX_AMOUNT) == MAX_AMOUNT
    for bad in (-1, MAX_AMOUNT + 1, 1.5, True, "5"):
        with pytest.raises(ValueError):
            check_amount(bad)
