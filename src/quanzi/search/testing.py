"""Helpers of search for tests and bench/ (never imported by application code)."""

from __future__ import annotations


def index_clear() -> None:
    """Empty the index, the vocabulary, ratings, synonyms and the query log (the bench's fresh start)."""
    from quanzi.search.models import QueryStat, SearchDocument, SearchRating, Synonym, VocabularyTerm

    for model in (SearchDocument, VocabularyTerm, SearchRating, Synonym, QueryStat):
        model.objects.all().delete()


def documents_bulk_create(rows: list[dict]) -> None:
    """Index rows made directly (SearchDocument fields as dicts), bypassing the catalog: the bench's 100,000."""
    from quanzi.search.models import SearchDocument

    SearchDocument.objects.bulk_create([SearchDocument(**row) for row in rows], batch_size=2000)


def document_count() -> int:
    from quanzi.search.models import SearchDocument

    return SearchDocument.objects.count()


def vocabulary_size() -> int:
    from quanzi.search.models import VocabularyTerm

    return VocabularyTerm.objects.count()
