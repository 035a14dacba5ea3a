"""Notes (图文笔记) with images and product tags, likes, favourites, comments, reports, moderation.

A note stores its engagement counters (likes, visible comments, favourites): the services keep them
through content/counters.py and `manage.py content_check` reconciles them with the rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quanzi.content.constants import CommentStatus, NoteStatus

USER = settings.AUTH_USER_MODEL

TITLE_MAX = 60
BODY_MAX = 2000
COMMENT_MAX = 500
MAX_IMAGES = 9
MAX_TAGS = 9


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return f"#{self.name}"


class Note(models.Model):
    author = models.ForeignKey(USER, verbose_name=_("author"), on_delete=models.CASCADE, related_name="notes")
    title = models.CharField(_("title"), max_length=TITLE_MAX, blank=True)
    body = models.TextField(_("text"), max_length=BODY_MAX, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    location = models.CharField(_("location"), max_length=60, blank=True)
    # The language the author wrote in (core.text.written_language), kept by the services on every
    # save: discovery shows a reader the notes of their language first (docs/i18n.md).
    language = models.CharField(_("language"), max_length=8, blank=True, default="", editable=False)
    topics = models.ManyToManyField(Topic, blank=True, related_name="notes", verbose_name=_("topics"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Engagement counters for cards (reading them is free; counting a popular note's likes is not).
    # Kept by the services (content/counters.py) on every like, favourite and comment change, and
    # reconciled with the rows by `manage.py content_check [--repair]`.
    likes_total = models.PositiveIntegerField(_("likes"), default=0, editable=False)
    comments_total = models.PositiveIntegerField(_("visible comments"), default=0, editable=False)
    favourites_total = models.PositiveIntegerField(_("favourites"), default=0, editable=False)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        indexes = [models.Index(fields=["author", "status", "-id"]), models.Index(fields=["status", "-id"]),
                   # the following feed merges big authors' newest notes on read (feed.selectors)
                   models.Index(fields=["author", "-published_at", "-id"], condition=Q(status="published"),
                                name="content_note_author_pub")]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return f"/n/{self.pk}/"


class NoteImage(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="images")
    image = models.CharField(max_length=255)
    thumb = models.CharField(max_length=255)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "id"]
        # Feed cards read a page's images with an index-only scan (PostgreSQL; `include` is ignored
        # elsewhere): measured 4.0 → 1.2 ms for 20 notes at 1M notes.
        indexes = [models.Index(fields=["note", "sort", "id"], include=["image", "thumb"],
                                name="content_noteimage_card")]


class NoteProductTag(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="product_tags")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="note_tags")
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "id"]
        constraints = [models.UniqueConstraint(fields=["note", "product"], name="content_tag_once")]


class Like(models.Model):
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="note_likes")
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "note"], name="content_like_once")]


class Collection(models.Model):
    DEFAULT_NAME = "收藏"
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="collections")
    name = models.CharField(_("name"), max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="content_collection_name")]

    def __str__(self) -> str:
        return self.name


class Favourite(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="favourites")
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["collection", "note"], name="content_favourite_once")]


class Comment(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, verbose_name=_("author"), on_delete=models.CASCADE, related_name="note_comments")
    # One level of replies: a reply always points at a top-level comment.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(_("text"), max_length=COMMENT_MAX)
    status = models.CharField(_("status"), max_length=10, choices=CommentStatus.choices,
                              default=CommentStatus.VISIBLE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["note", "status", "-id"])]

    def __str__(self) -> str:
        return self.body[:40]


class Mention(models.Model):
    note = models.ForeignKey(Note, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class Share(models.Model):
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="shares")
    created_at = models.DateTimeField(auto_now_add=True)


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Harassment or abuse")
    ILLEGAL = "illegal", _("Illegal or dangerous content")
    FAKE = "fake", _("Fake goods or fraud")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTIONED = "actioned", _("Actioned")
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    reporter = models.ForeignKey(USER, verbose_name=_("reporter"), on_delete=models.CASCADE, related_name="+")
    note = models.ForeignKey(Note, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("reason"), max_length=12, choices=ReportReason.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        target = f"note {self.note_id}" if self.note_id else f"comment {self.comment_id}"
        return f"{self.get_reason_display()} · {target}"


class ModerationDecision(models.Model):
    class Action(models.TextChoices):
        HIDE = "hide", _("Hide")
        RESTORE = "restore", _("Restore")

    operator = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.ForeignKey(Note, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")

    def __str__(self) -> str:
        target = f"note {self.note_id}" if self.note_id else f"comment {self.comment_id}"
        return f"{self.action} {target}"


class SensitiveWord(models.Model):
    class Action(models.TextChoices):
        BLOCK = "block", pgettext_lazy("sensitive word action", "Block")
        MASK = "mask", pgettext_lazy("sensitive word action", "Mask")

    word = models.CharField(_("word"), max_length=40, unique=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices, default=Action.MASK)

    class Meta:
        verbose_name = _("sensitive word")
        verbose_name_plural = _("sensitive words")

    def __str__(self) -> str:
        return self.word


class NoteSearchTerm(models.Model):
    """Inverted index of jieba-segmented note words: term → published note (see content/search.py)."""

    term = models.CharField(max_length=40)
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="search_terms")
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("note search term")
        verbose_name_plural = _("note search terms")
        constraints = [models.UniqueConstraint(fields=["term", "note"], name="content_search_term_once")]
        indexes = [models.Index(fields=["term"], name="content_search_term_idx")]
