"""The coupons' places on other apps' pages (quanzi.web.slots; docs/web-and-slots.md)."""


def register_page_slots() -> None:
    """Shop and product pages (claim), "Me" menu, console and operator navigation."""
