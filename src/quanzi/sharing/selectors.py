"""Sharing reads: the public helpers other apps call, and what the pages and the API show.

Public (commission, groupbuy, bargain and the dashboards call these; keyword-only): `upline_chain`,
`upline_chains`, `direct_ids`, `directs`, `link_stats`, `clicks_count`, `my_link_for_target`,
`share_link_get`, and the URL helpers `absolute`, `short_path`, `poster_path`, `share_payload`.
None of them writes.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from quanzi.core.errors import NotFound, ValidationFailed
from quanzi.sharing import targets
from quanzi.sharing.models import AttributionBinding, ShareClick, ShareConversion, ShareLink, Upline

MAX_UPLINE_DEPTH = 3


def upline_chain(*, user_id: int, depth: int = 2) -> list[int]:
    """The user's uplines, nearest first: [upline, upline's upline, …], at most `depth` (≤ 3), one query."""
    if depth > MAX_UPLINE_DEPTH or depth < 0:
        raise ValidationFailed(_("At most %(n)d levels.") % {"n": MAX_UPLINE_DEPTH}, code="depth_above_cap",
                               fields={"depth": str(depth)})
    if depth == 0:
        return []
    columns = ["upline_id", "upline__upline_link__upline_id",
               "upline__upline_link__upline__upline_link__upline_id"][:depth]
    row = Upline.objects.filter(user_id=user_id).values_list(*columns).first()
    chain: list[int] = []
    for upline_id in row or ():
        if upline_id is None:
            break
        chain.append(upline_id)
    return chain


def upline_chains(*, user_ids, depth: int) -> dict[int, list[int]]:
    """`upline_chain` of many users in one query (batched commission accrual):
    {user_id: [upline, upline's upline, …]}, the same rule (the chain stops at the first missing link)."""
    if depth > MAX_UPLINE_DEPTH or depth < 0:
        raise ValidationFailed(_("At most %(n)d levels.") % {"n": MAX_UPLINE_DEPTH}, code="depth_above_cap",
                               fields={"depth": str(depth)})
    ids = sorted(set(user_ids))
    chains: dict[int, list[int]] = {u: [] for u in ids}
    if depth == 0 or not ids:
        return chains
    columns = ["upline_id", "upline__upline_link__upline_id",
               "upline__upline_link__upline__upline_link__upline_id"][:depth]
    for user_id, *links in Upline.objects.filter(user_id__in=ids).values_list("user_id", *columns):
        for upline_id in links:
            if upline_id is None:
                break
            chains[user_id].append(upline_id)
    return chains


def upline_of(*, user_id: int) -> Upline | None:
    return Upline.objects.select_related("upline").filter(user_id=user_id).first()


def directs(*, user_id: int) -> QuerySet:
    """Users whose upline is `user_id` (a queryset of the user model: filter, count or page it)."""
    return get_user_model().objects.filter(upline_link__upline_id=user_id)


def direct_ids(*, user_id: int) -> list[int]:
    """Ids of the users whose upline is `user_id`, in id order (one query)."""
    return list(Upline.objects.filter(upline_id=user_id).order_by("user_id").values_list("user_id", flat=True))


def directs_page(*, user_id: int, limit: int = 50) -> list[Upline]:
    """The latest directs with their bind time and how, for the invite page (one query)."""
    return list(Upline.objects.filter(upline_id=user_id).select_related("user").order_by("-bound_at", "-id")[:limit])


def clicks_count(*, user_id: int, since: dt.datetime | None = None) -> int:
    """Clicks on the user's links (own clicks excluded), optionally since a time."""
    qs = ShareClick.objects.filter(link__sharer_id=user_id, self_click=False)
    if since is not None:
        qs = qs.filter(at__gte=since)
    return qs.count()


def link_stats(*, user_id: int, since: dt.datetime | None = None) -> dict:
    """{"links", "clicks", "orders", "gmv"} over all of the user's links (own clicks and purchases excluded)."""
    conversions = ShareConversion.objects.filter(sharer_id=user_id, self_purchase=False)
    if since is not None:
        conversions = conversions.filter(at__gte=since)
    totals = conversions.aggregate(orders=Count("order_id", distinct=True), gmv=Sum("amount"))
    return {"links": ShareLink.objects.filter(sharer_id=user_id).count(),
            "clicks": clicks_count(user_id=user_id, since=since), "orders": totals["orders"] or 0, "gmv": totals["gmv"] or 0}


def _with_stats(qs: QuerySet) -> QuerySet:
    """Annotate click_count, order_count and gmv per link with subqueries (no N+1, no join fan-out)."""
    clicks = (ShareClick.objects.filter(link=OuterRef("pk"), self_click=False).order_by()
              .values("link").annotate(n=Count("id")).values("n"))
    conversions = ShareConversion.objects.filter(link=OuterRef("pk"), self_purchase=False).order_by().values("link")
    orders = conversions.annotate(n=Count("order_id", distinct=True)).values("n")
    gmv = conversions.annotate(s=Sum("amount")).values("s")
    zero = Value(0, output_field=IntegerField())
    return qs.annotate(click_count=Coalesce(Subquery(clicks, output_field=IntegerField()), zero),
                       order_count=Coalesce(Subquery(orders, output_field=IntegerField()), zero),
                       gmv=Coalesce(Subquery(gmv, output_field=IntegerField()), zero))


def my_links(*, user_id: int, cursor: str | None = None, limit: int = 20) -> tuple[list[ShareLink], str | None]:
    from quanzi.core.http import cursor_page

    return cursor_page(_with_stats(ShareLink.objects.filter(sharer_id=user_id)), cursor=cursor, limit=limit)


def my_link(*, user_id: int, code: str) -> ShareLink:
    """One of the user's own links with its stats; anybody else's (or an unknown code) → 404."""
    link = _with_stats(ShareLink.objects.filter(sharer_id=user_id, code=code)).first()
    if link is None:
        raise NotFound(_("Share link not found."))
    return link


def my_link_for_target(*, user_id: int, target_type: str, target_id: int) -> ShareLink | None:
    return _with_stats(ShareLink.objects.filter(sharer_id=user_id, target_type=target_type,
                                                target_id=target_id)).first()


# ------------------------------------------------------------------ URLs and copy-text

def share_link_get(*, code: str) -> ShareLink | None:
    """The link behind a code (any sharer's), or None."""
    return ShareLink.objects.filter(code=str(code)[:32]).first()


def binding_for(*, user_id: int, product_id: int) -> AttributionBinding | None:
    """The user's attribution binding for a product (live or expired), or None."""
    return AttributionBinding.objects.filter(user_id=user_id, product_id=product_id).select_related("link").first()


def absolute(*, path: str) -> str:
    return settings.QUANZI["SITE_URL"].rstrip("/") + path


def share_path(*, link: ShareLink, target: targets.ShareTarget) -> str:
    return f"{target.url}?share={link.code}"


def short_path(*, link: ShareLink) -> str:
    return reverse("sharing:short", args=[link.code])


def poster_path(*, link: ShareLink) -> str:
    return reverse("sharing:poster", args=[link.code])


def copy_text(*, link: ShareLink, target: targets.ShareTarget) -> str:
    """What a sharer pastes into a chat group: title, price, short link."""
    from quanzi.core.money import format_yuan

    lines = [f"【{target.title}】"]
    if target.price:
        lines.append(_("Only ¥%(price)s") % {"price": format_yuan(target.price)})
    lines.append(_("Have a look: %(url)s") % {"url": absolute(path=short_path(link=link))})
    return "\n".join(lines)


def share_payload(*, link: ShareLink, target: targets.ShareTarget) -> dict:
    """What the API and the share page show for a link."""
    return {"code": link.code, "target_type": link.target_type, "target_id": link.target_id,
            "url": absolute(path=share_path(link=link, target=target)),
            "short_url": absolute(path=short_path(link=link)),
            "poster_url": absolute(path=poster_path(link=link)), "poster_path": poster_path(link=link),
            "copy_text": copy_text(link=link, target=target),
            "expires_at": link.expires_at}
