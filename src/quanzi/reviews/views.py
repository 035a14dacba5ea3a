"""Review pages: write a review, "to review" + my reviews, a product's reviews, helpful (HTMX),
follow-up, and the merchant's reviews with a reply box."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.catalog.selectors import product_get
from quanzi.core.errors import DomainError, ValidationFailed
from quanzi.orders.selectors import order_line_for_buyer
from quanzi.reviews import selectors, services
from quanzi.reviews.models import MAX_FOLLOWUP, MAX_IMAGES, MAX_REPLY, MAX_TEXT
from quanzi.shops.selectors import shop_for_owner
from quanzi.web.helpers import error_context, int_or_none, is_htmx, login_required, next_url, trigger

STARS = (5, 4, 3, 2, 1)


def _uploads(request) -> list:
    return request.FILES.getlist("images") + request.FILES.getlist("images[]")


# ---------------------------------------------------------------- write a review


@login_required
def review_new(request):
    line_id = int_or_none(request.POST.get("line") or request.GET.get("line"))
    line = order_line_for_buyer(user=request.user, line_id=line_id) if line_id else None
    if line is None:
        raise Http404
    existing = selectors.review_for_line(line_id=line.pk)
    if existing is not None:
        messages.info(request, _("You have already reviewed this item."))
        return HttpResponseRedirect(reverse("reviews:my_reviews"))
    order_url = reverse("storefront:order_detail", args=[line.order.number])
    context = {"line": line, "order": line.order, "order_url": order_url, "stars": STARS, "max_text": MAX_TEXT,
               "max_images": MAX_IMAGES, "form": {}}
    state = selectors.line_review_state(line=line, order=line.order)
    status = 200
    if request.method == "POST":
        form = {"rating": request.POST.get("rating", ""), "text": request.POST.get("text", "")}
        try:
            services.review_create(user=request.user, order_line_id=line.pk, rating=form["rating"],
                                   text=form["text"], images=_uploads(request))
        except DomainError as exc:
            context.update(error_context(exc), form=form)
            status = exc.status
        else:
            messages.success(request, _("Thanks for your review!"))
            return HttpResponseRedirect(next_url(request, order_url))
    elif not state["can_review"]:
        context["error"] = _("You can review the item once it has been delivered.") \
            if line.refunded_quantity < line.quantity else _("This item was refunded, so it cannot be reviewed.")
    context["can_review"] = state["can_review"]
    return TemplateResponse(request, "reviews/review_new.html", context, status=status)


# ---------------------------------------------------------------- follow-up


@login_required
def followup_new(request, review_id: int):
    review = selectors.review_of_author(review_id=review_id, user=request.user)
    if review is None:
        raise Http404
    if hasattr(review, "followup"):
        messages.info(request, _("You have already added a follow-up."))
        return HttpResponseRedirect(reverse("reviews:my_reviews"))
    context = {"review": review, "max_text": MAX_FOLLOWUP, "max_images": MAX_IMAGES, "form": {}}
    status = 200
    if request.method == "POST":
        form = {"text": request.POST.get("text", "")}
        try:
            services.followup_create(user=request.user, review_id=review.pk, text=form["text"],
                                     images=_uploads(request))
        except DomainError as exc:
            context.update(error_context(exc), form=form)
            status = exc.status
        else:
            messages.success(request, _("Follow-up added."))
            return HttpResponseRedirect(reverse("reviews:my_reviews"))
    return TemplateResponse(request, "reviews/followup_new.html", context, status=status)


# ---------------------------------------------------------------- my reviews


@login_required
def my_reviews(request):
    return TemplateResponse(request, "reviews/my_reviews.html", {
        "to_review": selectors.reviewable_lines(user=request.user),
        "reviews": selectors.reviews_by_author(user=request.user),
    })


# ---------------------------------------------------------------- a product's reviews


def product_reviews(request, product_id: int):
    product = product_get(product_id=product_id)
    if product is None:
        raise Http404
    every_language = request.GET.get("languages") == "all"
    try:
        reviews, next_cursor = selectors.reviews_for_product(product_id=product.pk, cursor=request.GET.get("cursor"),
                                                             limit=10, viewer=request.user, every_language=every_language)
    except ValidationFailed:
        reviews, next_cursor = selectors.reviews_for_product(product_id=product.pk, limit=10, viewer=request.user,
                                                             every_language=every_language)
    context = {"product": product, "reviews": reviews, "next_cursor": next_cursor, "every_language": every_language,
               "rating": selectors.product_rating(product_id=product.pk), "stars": STARS}
    template = "reviews/product_reviews.html#review_items" if is_htmx(request) and request.GET.get("cursor") \
        else "reviews/product_reviews.html"
    return TemplateResponse(request, template, context)


@login_required
@require_POST
def helpful_toggle(request, review_id: int):
    helped = selectors.has_marked_helpful(user=request.user, review_id=review_id)
    error = ""
    try:
        if helped:
            count = services.helpful_unmark(user=request.user, review_id=review_id)
        else:
            count = services.helpful_mark(user=request.user, review_id=review_id)
        helped = not helped
    except DomainError as exc:
        if exc.status == 404:
            raise Http404
        error = exc.message
        count = selectors.helpful_count(review_id=review_id)
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        review = selectors.review_product_id(review_id=review_id)
        return HttpResponseRedirect(next_url(request, reverse("reviews:product_reviews", args=[review])))
    response = TemplateResponse(request, "reviews/partials/helpful_button.html",
                                {"review": {"pk": review_id, "helpful_count": count, "helped": helped}})
    if error:
        trigger(response, **{"qz:toast": {"message": error, "kind": "error"}})
    return response


# ---------------------------------------------------------------- merchant


@login_required
def merchant_reviews(request):
    shop = shop_for_owner(user=request.user)
    if shop is None:
        return HttpResponseRedirect(reverse("console:apply"))
    errors: dict[int, dict] = {}
    status = 200
    if request.method == "POST":
        review_id = int_or_none(request.POST.get("review"))
        try:
            services.merchant_reply(shop=shop, review_id=review_id or 0, text=request.POST.get("text", ""))
        except DomainError as exc:
            if exc.status == 404:
                raise Http404
            errors[review_id] = {**error_context(exc), "text": request.POST.get("text", "")}
            status = exc.status
        else:
            messages.success(request, _("Reply posted."))
            return HttpResponseRedirect(reverse("reviews:merchant_reviews"))
    try:
        reviews, next_cursor = selectors.reviews_for_shop(shop=shop, cursor=request.GET.get("cursor"))
    except ValidationFailed:
        reviews, next_cursor = selectors.reviews_for_shop(shop=shop)
    for review in reviews:
        review.form_error = errors.get(review.pk)
    return TemplateResponse(request, "reviews/merchant_reviews.html", {
        "shop": shop, "reviews": reviews, "next_cursor": next_cursor, "console_tab": "reviews",
        "max_text": MAX_REPLY, "stars": STARS,
    }, status=status)
