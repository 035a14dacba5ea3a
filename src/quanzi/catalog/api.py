from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from quanzi.catalog import selectors
from quanzi.core.errors import NotFound
from quanzi.core.images import media_url

router = Router(tags=["catalog"])


class MoneyOut(Schema):
    amount: int
    currency: str = "CNY"


class CategoryOut(Schema):
    id: int
    name: str = Field(description="In the request's language (Accept-Language), else the other one")
    name_en: str
    slug: str
    icon: str

    @staticmethod
    def resolve_name_en(category) -> str:
        return category.name_en or ""  # NULL: no English name written


class ProductCardOut(Schema):
    id: int
    title: str
    subtitle: str
    price: MoneyOut
    sold_count: int
    image: str
    shop_id: int
    shop_name: str


class SkuOut(Schema):
    id: int
    label: str
    options: dict
    price: MoneyOut
    compare_at_price: MoneyOut | None
    stock: int
    image: str


class OptionOut(Schema):
    name: str
    values: list[str]


class ProductOut(ProductCardOut):
    description: str
    category: CategoryOut
    images: list[str]
    options: list[OptionOut]
    skus: list[SkuOut]
    returnable_7day: bool
    max_per_order: int


class ProductPageOut(Schema):
    items: list[ProductCardOut]
    next_offset: int | None


def money(amount: int | None) -> dict | None:
    return None if amount is None else {"amount": amount, "currency": "CNY"}


def card(p) -> dict:
    return {"id": p.pk, "title": p.title, "subtitle": p.subtitle, "price": money(p.min_price),
            "sold_count": p.sold_count, "image": media_url(p.cover_thumb), "shop_id": p.shop_id,
            "shop_name": p.shop.name}


def detail(p) -> dict:
    return {**card(p), "description": p.description, "category": p.category, "returnable_7day": p.returnable_7day,
            "max_per_order": p.max_per_order, "images": [media_url(i.image) for i in p.images.all()],
            "options": [{"name": o.name, "values": o.values} for o in p.options.all()],
            "skus": [{"id": s.pk, "label": s.label, "options": s.option_values, "price": money(s.price),
                      "compare_at_price": money(s.compare_at_price), "stock": s.stock,
                      "image": media_url(s.image)} for s in p.skus.all()]}


def _page(items: list, offset: int, limit: int) -> dict:
    return {"items": [card(p) for p in items[:limit]], "next_offset": offset + limit if len(items) > limit else None}


@router.get("/categories", response=list[CategoryOut], auth=None)
def categories(request):
    return selectors.category_list()


@router.get("/products", response=ProductPageOut, auth=None, summary="List products (new, popular, by category or shop)")
def products(request, category: str | None = None, shop_id: int | None = None, order: str = "new",
             offset: int = 0, limit: int = 20):
    limit, offset = max(1, min(limit, 100)), max(0, offset)
    cat = None
    if category:
        cat = selectors.category_by_slug(slug=category)
        if cat is None:
            raise NotFound(_("Category not found."))
    items = selectors.product_list(category=cat, shop_id=shop_id, order=order, limit=limit + 1, offset=offset)
    return _page(items, offset, limit)


@router.get("/search", response=ProductPageOut, auth=None, summary="Search products (Chinese or English words)")
def search(request, q: str, offset: int = 0, limit: int = 20):
    limit, offset = max(1, min(limit, 100)), max(0, offset)
    return _page(selectors.product_search(query=q[:100], limit=limit + 1, offset=offset), offset, limit)


@router.get("/products/{product_id}", response=ProductOut, auth=None)
def product(request, product_id: int):
    p = selectors.product_detail(product_id=product_id)
    if p is None:
        raise NotFound(_("Product not found."))
    return detail(p)
