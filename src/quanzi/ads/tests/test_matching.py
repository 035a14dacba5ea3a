"""Keyword matching in Chinese with jieba, and the organic relevance floor."""

import pytest

from quanzi.ads.matching import index_terms, matches, normalize, parse_query, relevance


@pytest.mark.parametrize(("keyword", "match_type", "query", "expected"), [
    ("绿茶", "exact", "绿茶", True),
    ("绿茶", "exact", " 绿 茶 ", True),
    ("绿茶", "exact", "西湖龙井绿茶", False),
    ("Bluetooth 耳机", "exact", "bluetooth耳机", True),
    ("茶杯", "phrase", "陶瓷茶杯套装", True),
    ("茶杯", "phrase", "杯茶", False),
    ("蓝牙耳机", "phrase", "无线蓝牙耳机", True),
    ("cotton tee", "phrase", "white cotton tee shirt", True),
    ("cotton tee", "phrase", "tee cotton", False),
    ("绿茶", "broad", "西湖龙井绿茶", True),
    ("绿茶", "broad", "茶", True),  # the query's word is in the keyword
    ("蓝牙耳机", "broad", "耳机", True),
    ("蓝牙耳机", "broad", "耳机 蓝牙", True),  # any order
    ("绿茶", "broad", "耳机", False),
    ("绿茶", "unknown", "绿茶", False),
])
def test_match_types(keyword, match_type, query, expected):
    assert matches(keyword=keyword, match_type=match_type, query=parse_query(query)) is expected


def test_every_keyword_that_can_match_shares_an_index_term_with_the_query():
    for keyword, query in [("绿茶", "西湖龙井绿茶"), ("茶杯", "陶瓷茶杯套装"), ("蓝牙耳机", "耳机"), ("cotton tee", "cotton tee shirt")]:
        assert set(index_terms(keyword)) & parse_query(query).terms


def test_normalize_folds_case_width_and_spaces():
    assert normalize("  ＡＢＣ   绿茶\t") == "abc 绿茶"
    assert normalize(None) == ""


def test_relevance_is_the_share_of_query_words_in_the_title():
    q = parse_query("龙井绿茶")
    assert relevance(title="西湖龙井绿茶 250g", query=q) == 1.0
    assert relevance(title="无线蓝牙耳机", query=q) == 0.0
    assert relevance(title="任何东西", query=parse_query("   ")) == 0.0
