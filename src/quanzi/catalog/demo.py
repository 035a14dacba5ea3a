"""Demo data of the catalog: the categories and banners the operator manages in the admin (no services
exist for them; products are made through `catalog.services` like a merchant makes them)."""

from __future__ import annotations

from quanzi.catalog.models import Banner, Category


def category_ensure(*, slug: str, name: str, name_en: str, icon: str = "", sort: int = 0,
                    take_rate_bps: int | None = None) -> Category:
    """The category with this slug (made with these fields if it does not exist yet)."""
    category, _ = Category.objects.get_or_create(slug=slug, defaults={
        "name": name, "name_en": name_en, "icon": icon, "sort": sort, "take_rate_bps": take_rate_bps})
    return category


def banner_create(*, title: str, title_en: str, subtitle: str, subtitle_en: str = "", image: str, link: str,
                  color: str, sort: int) -> Banner:
    return Banner.objects.create(title=title, title_en=title_en, subtitle_zh_hans=subtitle,
                                 subtitle_en=subtitle_en or None, image=image, link=link, color=color, sort=sort)
