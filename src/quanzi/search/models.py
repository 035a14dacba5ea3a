"""The search index, owned by search: one row per product (kept fresh from the catalog's events and by
`manage.py search_reindex`), the synonyms, the vocabulary the typo correction and suggestions read, and
the anonymous query log (docs/search.md)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanzi.shops.models import Shop


class SearchDocument(models.Model):
    """A product as search sees it. `tokens` is the pre-tokenised text (jieba search-mode words of title,
    subtitle, category and shop in both languages, plus the title's pinyin and initials), space separated;
    the database's full-text index is built from it: a generated `tsvector` with a GIN index on PostgreSQL,
    an FTS5 table kept by triggers on SQLite (migration 0002)."""

    product_id = models.BigIntegerField(unique=True)
    shop_id = models.BigIntegerField(db_index=True)
    category_id = models.BigIntegerField(db_index=True)
    title = models.CharField(max_length=120)
    title_en = models.CharField(max_length=120, blank=True)
    shop_label = models.CharField(max_length=80, blank=True)
    category_label = models.CharField(max_length=80, blank=True)
    category_label_en = models.CharField(max_length=80, blank=True)
    tokens = models.TextField(blank=True)
    min_price = models.BigIntegerField(default=0)  # fen
    sold_count = models.BigIntegerField(default=0)
    rating_sum = models.BigIntegerField(default=0)
    rating_count = models.BigIntegerField(default=0)
    boost = models.FloatField(default=1.0)  # sales (log-scaled) and rating, multiplied into the text relevance
    sellable = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [models.Index(fields=["sellable", "-sold_count"], name="search_doc_sales"),
                   models.Index(fields=["sellable", "min_price"], name="search_doc_price"),
                   models.Index(fields=["sellable", "-created_at"], name="search_doc_new")]

    def __str__(self) -> str:
        return self.title


class SearchRating(models.Model):
    """Stars per product from `reviews.created` (kept apart so a reindex never loses them)."""

    product_id = models.BigIntegerField(unique=True)
    rating_sum = models.BigIntegerField(default=0)
    rating_count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("search rating")
        verbose_name_plural = _("search ratings")


class Synonym(models.Model):
    """`term` ⇄ `synonym`, both ways: platform-wide (no shop, by operators) or for one shop's goods."""

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="search_synonyms")
    term = models.CharField(_("term"), max_length=40)
    synonym = models.CharField(_("synonym"), max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")
        ordering = ["term", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "term", "synonym"], name="search_uniq_shop_synonym",
                                    condition=Q(shop__isnull=False)),
            models.UniqueConstraint(fields=["term", "synonym"], name="search_uniq_platform_synonym",
                                    condition=Q(shop__isnull=True)),
        ]
        indexes = [models.Index(fields=["term"]), models.Index(fields=["synonym"])]

    def __str__(self) -> str:
        return f"{self.term} ⇄ {self.synonym}"


class VocabularyTerm(models.Model):
    """A word of the index with its pinyin: what typo correction and suggestions pick from."""

    term = models.CharField(max_length=40, unique=True)
    pinyin = models.CharField(max_length=160, blank=True, db_index=True)
    initials = models.CharField(max_length=40, blank=True)
    doc_count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("vocabulary term")
        verbose_name_plural = _("vocabulary terms")


class QueryStat(models.Model):
    """Searches per normalised query, with the last result count: no user, no time of a person."""

    query = models.CharField(max_length=60, unique=True)
    searches = models.BigIntegerField(default=0)
    zero_results = models.BigIntegerField(default=0)
    last_results = models.IntegerField(default=0)
    last_searched_at = models.DateTimeField()

    class Meta:
        verbose_name = _("query statistic")
        verbose_name_plural = _("query statistics")
        indexes = [models.Index(fields=["-searches"], name="search_query_popular")]

    def __str__(self) -> str:
        return self.query
