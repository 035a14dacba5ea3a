"""Note pages: the note, the editor, topics, and HTMX like/favourite/comment endpoints."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from quanzi.core.errors import DomainError, ValidationFailed
from quanzi.social.selectors import relationship
from quanzi.web.forms import parse_int
from quanzi.web.helpers import is_htmx, login_required, redirect

from . import selectors, services
from .models import MAX_IMAGES, MAX_TAGS, NoteStatus, ReportReason


def _viewer(request):
    return request.user if request.user.is_authenticated else None


def _note_or_404(note_id: int, viewer):
    note = selectors.note_detail(note_id=note_id, viewer=viewer)
    if note is None:
        raise Http404
    return note


def _comments_context(note, cursor=None, error=None, body=""):
    comments, next_cursor = selectors.comments_for_note(note_id=note.pk, cursor=cursor)
    return {"note": note, "comments": comments, "next_cursor": next_cursor, "comment_error": error,
            "comment_body": body}


def note(request, note_id: int):
    viewer = _viewer(request)
    item = _note_or_404(note_id, viewer)
    cursor = request.GET.get("cursor")
    try:
        ctx = _comments_context(item, cursor=cursor)
    except DomainError:
        ctx = _comments_context(item)
    if is_htmx(request) and cursor:
        return TemplateResponse(request, "content/partials/comment_items.html", ctx)
    is_author = viewer is not None and item.author_id == viewer.pk
    ctx.update({"is_author": is_author, "images": list(item.images.all()), "tags": list(item.product_tags.all()),
                # the author's follow button: the reader follows the person whose note this is, right here
                # topics the body does not already show as #links (rich_text links them there)
                "extra_topics": [t for t in item.topics.all() if f"#{t.name}" not in item.body],
                "author_rel": None if is_author else relationship(viewer_id=viewer.pk if viewer else None,
                                                                    user_id=item.author_id)})
    if request.GET.get("shared") and item.status == NoteStatus.PUBLISHED:  # the no-JS share fallback
        ctx.update({"shared": True, "share_url": request.build_absolute_uri(item.get_absolute_url()),
                    "share_count": selectors.share_count(note_id=item.pk)})
    return TemplateResponse(request, "content/note.html", ctx)


@login_required
def note_new(request):
    error, data = None, {"title": "", "body": "", "location": ""}
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in data}
        try:
            item = services.note_create_draft(author=request.user, **data)
        except DomainError as exc:
            error = exc
        else:
            return redirect(request, reverse("content:note_edit", args=[item.pk]))
    return TemplateResponse(request, "content/edit.html", {"note": None, "data": data, "error": error,
                                                           "max_images": MAX_IMAGES},
                            status=400 if error else 200)


@login_required
def note_edit(request, note_id: int):
    item = selectors.note_for_edit(note_id=note_id, author=request.user)
    if item is None:
        raise Http404
    error = None
    data = {"title": item.title, "body": item.body, "location": item.location}
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "save" or action == "publish":
                data = {k: request.POST.get(k, "") for k in data}
                services.note_update(user=request.user, note_id=item.pk, **data)
                if action == "publish":
                    services.note_publish(user=request.user, note_id=item.pk)
                    messages.success(request, _("Your note is published."))
                    return redirect(request, reverse("content:note", args=[item.pk]))
                messages.success(request, _("Saved."))
            elif action == "upload":
                uploads = request.FILES.getlist("images")
                if not uploads:
                    raise ValidationFailed(_("Choose an image."), fields={"images": _("Required.")})
                for upload in uploads:
                    services.note_add_image(user=request.user, note_id=item.pk, upload=upload)
            elif action == "remove_image":
                services.note_remove_image(user=request.user, note_id=item.pk,
                                           image_id=parse_int(request.POST.get("image_id"), "image_id"))
            elif action == "tag":
                services.note_tag_product(user=request.user, note_id=item.pk,
                                          product_id=parse_int(request.POST.get("product_id"), "product_id"))
            elif action == "untag":
                services.note_untag_product(user=request.user, note_id=item.pk,
                                            product_id=parse_int(request.POST.get("product_id"), "product_id"))
            elif action == "delete":
                services.note_delete(user=request.user, note_id=item.pk)
                messages.success(request, _("Note deleted."))
                return redirect(request, reverse("storefront:me"))
        except DomainError as exc:
            error = exc
        except ValueError:
            error = ValidationFailed(_("Something in the form is not valid."))
        if error is None:
            return redirect(request, reverse("content:note_edit", args=[item.pk]))
        item = selectors.note_for_edit(note_id=note_id, author=request.user)
    query = request.GET.get("q", "").strip()
    results = []
    if query:
        from quanzi.catalog.selectors import product_search

        results = product_search(query=query, limit=10)
    tagged = {t.product_id for t in item.product_tags.all()}
    return TemplateResponse(request, "content/edit.html", {
        "note": item, "data": data, "error": error, "query": query, "results": results, "tagged": tagged,
        "images": list(item.images.all()), "tags": list(item.product_tags.all()),
        "max_images": MAX_IMAGES, "max_tags": MAX_TAGS, "is_draft": item.status == NoteStatus.DRAFT,
    }, status=400 if error else 200)


def topic(request, name: str):
    items, next_cursor = selectors.topic_notes(name=name, viewer=_viewer(request), cursor=request.GET.get("cursor"))
    return TemplateResponse(request, "content/topic.html", {"name": name, "notes": items,
                                                            "next_cursor": next_cursor})


def _button(request, note_id: int, template: str, error=None):
    item = selectors.annotated_notes(viewer=_viewer(request)).filter(pk=note_id).first()
    if item is None:
        raise Http404
    response = TemplateResponse(request, template, {"note": item, "error": error})
    if error is not None:
        response.status_code = 200 if is_htmx(request) else error.status
    return response


@login_required
def like_toggle(request, note_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    error = None
    try:
        if request.POST.get("liked") == "1":
            services.unlike(user=request.user, note_id=note_id)
        else:
            services.like(user=request.user, note_id=note_id)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404
        error = exc
    if not is_htmx(request):
        if error:
            messages.error(request, error.message)
        return redirect(request, reverse("content:note", args=[note_id]))
    return _button(request, note_id, "content/partials/like_button.html", error)


@login_required
def favourite_toggle(request, note_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    error = None
    try:
        if request.POST.get("collection"):  # "Save to…" a named collection always adds
            services.favourite(user=request.user, note_id=note_id, collection=request.POST.get("collection"))
        elif request.POST.get("favourited") == "1":
            services.unfavourite(user=request.user, note_id=note_id)
        else:
            services.favourite(user=request.user, note_id=note_id)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404
        error = exc
    if not is_htmx(request):
        if error:
            messages.error(request, error.message)
        return redirect(request, reverse("content:note", args=[note_id]))
    return _button(request, note_id, "content/partials/favourite_button.html", error)


@login_required
def comment_create(request, note_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    item = _note_or_404(note_id, request.user)
    body = request.POST.get("body", "")
    parent = request.POST.get("parent_id") or None
    error = None
    try:
        services.comment_create(user=request.user, note_id=note_id, body=body,
                                parent_id=int(parent) if parent else None)
        body = ""
    except DomainError as exc:
        if exc.status == 404 and exc.code == "not_found" and not parent:
            raise Http404
        error = exc
    except ValueError:
        error = ValidationFailed(_("Something in the form is not valid."))
    if not is_htmx(request):
        if error:
            messages.error(request, error.message)
        return redirect(request, reverse("content:note", args=[note_id]) + "#comments")
    item = _note_or_404(note_id, request.user)
    ctx = _comments_context(item, error=error, body=body)
    ctx["user"] = request.user
    ctx["oob_count"] = True  # the 💬 counter above the comments is updated out of band
    return TemplateResponse(request, "content/partials/comments.html", ctx)


@login_required
def comment_delete(request, comment_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    comment = selectors.comment_of(comment_id=comment_id)
    if comment is None:
        raise Http404
    try:
        services.comment_delete(user=request.user, comment_id=comment_id)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404
        messages.error(request, exc.message)
    if is_htmx(request):
        item = _note_or_404(comment.note_id, request.user)
        return TemplateResponse(request, "content/partials/comments.html", _comments_context(item))
    return redirect(request, reverse("content:note", args=[comment.note_id]) + "#comments")


@login_required
def report(request, note_id: int):
    item = _note_or_404(note_id, request.user)
    comment_id = request.POST.get("comment") or request.GET.get("comment") or None
    error = None
    if request.method == "POST":
        try:
            services.report_create(user=request.user, reason=request.POST.get("reason", ""),
                                   note_id=None if comment_id else item.pk,
                                   comment_id=int(comment_id) if comment_id else None,
                                   detail=request.POST.get("detail", ""))
        except DomainError as exc:
            error = exc
        except ValueError:
            error = ValidationFailed(_("Something in the form is not valid."))
        else:
            messages.success(request, _("Thanks. We will look at your report."))
            return redirect(request, reverse("content:note", args=[item.pk]))
    return TemplateResponse(request, "content/report.html", {
        "note": item, "comment_id": comment_id, "reasons": ReportReason.choices, "error": error,
        "chosen": request.POST.get("reason", ""), "detail": request.POST.get("detail", "")},
        status=error.status if error else 200)


# ---------------------------------------------------------------- collections (收藏夹) and sharing

@login_required
def collections(request):
    """My collections, with a form to add one."""
    error, name = None, ""
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            created = services.collection_create(user=request.user, name=name)
        except DomainError as exc:
            error = exc
        else:
            return redirect(request, reverse("content:collection", args=[created.pk]))
    response = TemplateResponse(request, "content/collections.html", {
        "collections": selectors.collections_for_user(user=request.user), "error": error, "name": name})
    if error is not None:
        response.status_code = error.status
    return response


@login_required
def collection(request, collection_id: int):
    """One of my collections: its notes (someone else's collection → 404), rename, delete, remove a note."""
    item = selectors.collection_of(user=request.user, collection_id=collection_id)
    if item is None:
        raise Http404
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "rename":
                services.collection_rename(user=request.user, collection_id=item.pk, name=request.POST.get("name", ""))
                messages.success(request, _("Collection renamed."))
            elif action == "delete":
                services.collection_delete(user=request.user, collection_id=item.pk)
                messages.success(request, _("Collection deleted."))
                return redirect(request, reverse("content:collections"))
            elif action == "remove":
                services.collection_remove_note(user=request.user, collection_id=item.pk,
                                                note_id=parse_int(request.POST.get("note_id"), "note_id"))
            else:
                raise ValidationFailed(_("Unknown action."), fields={"action": "invalid"})
        except DomainError as exc:
            error = exc
        else:
            return redirect(request, reverse("content:collection", args=[item.pk]))
        item.refresh_from_db()
    try:
        notes, next_cursor = selectors.collection_notes(collection=item, viewer=request.user, cursor=request.GET.get("cursor"))
    except DomainError:
        notes, next_cursor = selectors.collection_notes(collection=item, viewer=request.user)
    response = TemplateResponse(request, "content/collection.html", {
        "collection": item, "notes": notes, "next_cursor": next_cursor, "error": error})
    if error is not None:
        response.status_code = error.status
    return response


def share(request, note_id: int):
    """Record a share and show the note's share link with a copy button (HTMX swaps the panel in)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    viewer = _viewer(request)
    if viewer is None:  # anonymous visitors get the link; only signed-in shares are counted
        path = _note_or_404(note_id, None).get_absolute_url()
    else:
        try:
            path = services.note_share(user=viewer, note_id=note_id)
        except DomainError as exc:
            if exc.status == 404:
                raise Http404
            if not is_htmx(request):
                messages.error(request, exc.message)
                return redirect(request, reverse("content:note", args=[note_id]))
            return TemplateResponse(request, "content/partials/share_panel.html",
                                    {"note_id": note_id, "error": exc})
    ctx = {"note_id": note_id, "share_url": request.build_absolute_uri(path),
           "share_count": selectors.share_count(note_id=note_id)}
    if not is_htmx(request):
        return redirect(request, reverse("content:note", args=[note_id]) + "?shared=1#share")
    return TemplateResponse(request, "content/partials/share_panel.html", ctx)
