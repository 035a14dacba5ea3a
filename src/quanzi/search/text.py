"""Words for the index and for queries: jieba segmentation (catalog.search), pinyin and initials
(pypinyin), and the cleaning that keeps hostile input away from the full-text parsers.

Only `\\w` words ever reach a full-text query: every operator character (`"` `*` `:` `&` `|` `!` `(`),
lone surrogates and NUL are dropped here, and the backends quote each word on top of that."""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

from quanzi.catalog import search as jieba_words

MAX_QUERY_CHARS = 60
MAX_TERM_CHARS = 40
MAX_GROUPS = 6
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
_LATIN = re.compile(r"^[a-z]+$")


def clean_query(raw) -> str:
    """The query as it is logged and shown: printable, trimmed, at most 60 characters, lower case."""
    text = str(raw or "")[:4 * MAX_QUERY_CHARS]
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cs", "Cc", "Cf", "Co", "Cn"))
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(text.split())[:MAX_QUERY_CHARS].strip()


def words(text: str) -> list[str]:
    """The `\\w` words of a text (no underscores: FTS5 would split on them)."""
    return [w for w in _WORD.findall(unicodedata.normalize("NFKC", text or "").lower()) if w]


def is_han(word: str) -> bool:
    return bool(_HAN.match(word))


def is_latin(word: str) -> bool:
    return bool(_LATIN.match(word))


def pinyin_of(word: str) -> tuple[str, str]:
    """("weiyi", "wy") for 卫衣; ("", "") for anything that is not all Chinese characters."""
    if not is_han(word):
        return "", ""
    return "".join(lazy_pinyin(word)), "".join(lazy_pinyin(word, style=Style.FIRST_LETTER))


def segment(text: str) -> list[str]:
    """jieba's search-mode words and single characters of a text, as the catalog segments it."""
    return [t for t in jieba_words.segment(" ".join(words(text))) if _ok(t)]


def _ok(term: str) -> bool:
    return 0 < len(term) <= MAX_TERM_CHARS and bool(_WORD.fullmatch(term))


def document_tokens(*, titles: list[str], others: list[str]) -> list[str]:
    """Every token of a product: the words of all its texts, plus the pinyin and initials of its titles'
    Chinese words (2+ characters) and of each Chinese run as a whole ("jiarongweiyi", "jrwy")."""
    tokens: dict[str, None] = {}
    for text in [*titles, *others]:
        for term in [*segment(text), *(b for w in words(text) if is_han(w) for b in bigrams(w))]:
            tokens[term] = None
    for title in titles:
        runs = [w for w in words(title) if is_han(w)]
        han_words = [t for t in segment(" ".join(runs)) if len(t) > 1]
        for word in [*han_words, *(b for r in runs for b in bigrams(r)), *(r for r in runs if len(r) <= 12)]:
            full, initials = pinyin_of(word)
            for t in (full, initials):
                if _ok(t):
                    tokens[t] = None
    return list(tokens)


def bigrams(run: str) -> list[str]:
    """Overlapping two-character pieces of a Chinese run (加绒卫衣 → 加绒 绒卫 卫衣): the index holds them,
    so a word jieba kept whole in a title (加绒卫衣) is still found by its parts (卫衣)."""
    return [run[i:i + 2] for i in range(len(run) - 1)]


def query_terms(query: str) -> list[str]:
    """The query's words that must all match (at most six): jieba's precise segmentation, single Chinese
    characters dropped when longer words exist."""
    return [t for t in jieba_words.query_terms(" ".join(words(query))) if _ok(t)][:MAX_GROUPS]


def term_tokens(term: str) -> list[str]:
    """The index tokens that together mean `term`: itself, or the bigrams of a Chinese word of three or more
    characters (the index may hold that word only as bigrams)."""
    if is_han(term) and len(term) > 2:
        return list(dict.fromkeys(bigrams(term)))
    return [term]


def phrase_tokens(phrase: str) -> list[str]:
    """The tokens a document must hold to match a phrase the way a query of it would."""
    return list(dict.fromkeys(tok for word in query_terms(phrase) for tok in term_tokens(word)))
