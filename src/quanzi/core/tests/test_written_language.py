"""The language a person wrote in decides which readers see it first (docs/i18n.md)."""

import pytest

from quanzi.core.text import written_language


@pytest.mark.parametrize("texts, language", [
    (("新手也能喝懂的大红袍", "沸水快出汤"), "zh-hans"),
    (("65W 氮化镓｜一个头充全家",), "zh-hans"),  # Chinese writing mixes in Latin units and brands
    (("My desk setup", "A quiet keyboard and one good cable."), "en"),
    (("iPhone 15 好用",), "zh-hans"),
    (("🍵☕", "12345"), ""),  # emoji and digits say nothing
    (("OK",), ""),
    (("", ""), ""),
])
def test_the_script_decides_the_language(texts, language):
    assert written_language(*texts) == language
