"""Training (a sweep, at most every `RETRAIN_EVERY`) and the person's settings.

Training reads the analytics log's product interactions of the last 90 days, fits item-kNN (the
generator serving uses first: cheap, explainable, and 3.4× popularity offline — docs/recommend.md) and
replaces the stored neighbour lists and the trending list in one transaction, so serving never sees a
half-written model.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import ValidationFailed
from quanzi.core.events import publish
from quanzi.recommend.algorithms import ItemKNN
from quanzi.recommend.data import Index, Interaction, matrix
from quanzi.recommend.events import PersonalisationChanged
from quanzi.recommend.models import (
    Arm,
    ArmDay,
    ItemNeighbour,
    NeighbourKind,
    PersonPicks,
    PickClick,
    RecommendPreference,
    RegionalTrendingItem,
    TrainingRun,
    TrendingItem,
)

NEIGHBOURS = 20
CONTENT_NEIGHBOURS = 10
MAX_COLD_PRODUCTS = 5_000  # newest first: products nobody touched yet get neighbours by their words
TRENDING = 100
TRAIN_DAYS = 90
TRENDING_DAYS = 14
RETRAIN_EVERY = dt.timedelta(hours=6)
CLICK_CREDIT = dt.timedelta(days=7)  # an order of a clicked pick within a week counts for the pick's arm
MAX_LIKED = 10


def _interactions(days: int) -> list[Interaction]:
    from quanzi.analytics.selectors import product_interactions

    return [Interaction(user=actor, item=str(item), ts=ts, event=event)
            for actor, item, ts, event in product_interactions(days=days)]


def _rows_of(sim, row_ids, col_ids, kind: str, keep: int) -> list[ItemNeighbour]:
    """ItemNeighbour rows from a sparse similarity matrix (row → its best `keep` columns, ties by id)."""
    rows = []
    for row in range(sim.shape[0]):
        start, end = sim.indptr[row], sim.indptr[row + 1]
        ranked = sorted(((score, int(col_ids[col])) for score, col in zip(
            sim.data[start:end].tolist(), sim.indices[start:end].tolist(), strict=True)
            if score > 0 and int(col_ids[col]) != int(row_ids[row])), key=lambda sv: (-sv[0], sv[1]))
        rows += [ItemNeighbour(kind=kind, product_id=int(row_ids[row]), rank=rank, neighbour_id=other,
                               score=round(float(score), 6))
                 for rank, (score, other) in enumerate(ranked[:keep], start=1)]
    return rows


def _neighbour_rows(interactions: list[Interaction], kind: str) -> list[ItemNeighbour]:
    """Item-kNN neighbour lists from these interactions (all of them: 看了又看; orders only: 买了还买)."""
    index = Index()
    train = matrix(interactions, index)
    if not train.nnz:
        return []
    items = np.array([int(key) for key in index.items])  # column → product id
    sim = ItemKNN(neighbours=NEIGHBOURS).fit(train).similarity
    return _rows_of(sim, items, items, kind, NEIGHBOURS)


def _content_rows(touched: set[int]) -> list[ItemNeighbour]:
    """Cold start for new products: a product nobody interacted with yet gets the products whose titles and
    category are most alike (TF-IDF over jieba terms, cosine), so it can be recommended from day one."""
    from quanzi.recommend.content import similar_by_words

    return [ItemNeighbour(kind=NeighbourKind.CONTENT, product_id=pk, rank=rank, neighbour_id=other, score=score)
            for pk, ranked in similar_by_words(exclude_sources=touched, keep=CONTENT_NEIGHBOURS,
                                               max_sources=MAX_COLD_PRODUCTS).items()
            for rank, (other, score) in enumerate(ranked, start=1)]


def _trending_rows(interactions: list[Interaction], since_ts: float) -> list[TrendingItem]:
    people: dict[str, set[str]] = {}
    for it in interactions:
        if it.ts >= since_ts:
            people.setdefault(it.item, set()).add(it.user)
    ranked = sorted(people.items(), key=lambda kv: (-len(kv[1]), int(kv[0])))[:TRENDING]
    return [TrendingItem(rank=rank, product_id=int(item), score=float(len(users)))
            for rank, (item, users) in enumerate(ranked, start=1)]


REGIONAL = 30  # products per province
REGIONAL_MIN_BUYERS = 2  # a product one person bought is not "popular" where they live


def _regional_rows() -> list[RegionalTrendingItem]:
    """Per province, the products most people there paid for in the last `TRENDING_DAYS` (units break ties)."""
    from quanzi.orders.selectors import units_paid_by_province

    by_region: dict[str, list[tuple[int, int, int]]] = {}
    for region, product_id, units, buyers in units_paid_by_province(
            since=clock.now() - dt.timedelta(days=TRENDING_DAYS)):
        if buyers >= REGIONAL_MIN_BUYERS:
            by_region.setdefault(region, []).append((buyers, units, product_id))
    rows = []
    for region, items in by_region.items():
        items.sort(key=lambda item: (-item[0], -item[1], item[2]))
        rows += [RegionalTrendingItem(region=region, rank=rank, product_id=pk, score=float(buyers))
                 for rank, (buyers, _units, pk) in enumerate(items[:REGIONAL], start=1)]
    return rows


def train() -> TrainingRun:
    """Fit the neighbour lists and the trending list from the last 90 days and swap them in."""
    run = TrainingRun.objects.create()
    interactions = _interactions(TRAIN_DAYS)
    index = Index()
    train_matrix = matrix(interactions, index)
    neighbours = _neighbour_rows(interactions, NeighbourKind.VIEWED)
    neighbours += _neighbour_rows([it for it in interactions if it.event == "order"], NeighbourKind.BOUGHT)
    neighbours += _content_rows({int(item) for item in index.items})
    trending = _trending_rows(interactions, clock.now().timestamp() - TRENDING_DAYS * 86_400)
    regional = _regional_rows()
    with transaction.atomic():
        ItemNeighbour.objects.all().delete()
        ItemNeighbour.objects.bulk_create(neighbours, batch_size=2_000)
        TrendingItem.objects.all().delete()
        TrendingItem.objects.bulk_create(trending)
        RegionalTrendingItem.objects.all().delete()
        RegionalTrendingItem.objects.bulk_create(regional, batch_size=2_000)
    from django.core.cache import cache

    from quanzi.recommend.selectors import TRENDING_KEY

    cache.delete(TRENDING_KEY)
    _stored_picks_due_after_training()
    run.finished_at, run.interactions = clock.now(), len(interactions)
    run.users, run.items, run.neighbours = train_matrix.shape[0], train_matrix.shape[1], len(neighbours)
    run.save()
    return run


def train_if_due(*, now: dt.datetime | None = None) -> int:
    """The sweep's entry: train when the last finished run is older than `RETRAIN_EVERY`. Returns 1 if it did."""
    now = now or clock.now()
    last = TrainingRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").values_list(
        "finished_at", flat=True).first()
    if last is not None and now - last < RETRAIN_EVERY:
        return 0
    train()
    return 1


@transaction.atomic
def preference_set(*, user, personalised: bool | None = None, hide_category: int | None = None,
                   show_category: int | None = None, use_region: bool | None = None,
                   announce: bool = True) -> RecommendPreference:
    """Turn personalisation on or off; hide an inferred interest (a category) or show it again; use the
    province of the default address for a new person's list or not (`use_region`). A change of
    personalisation is announced (`recommend.personalisation_changed`: the privacy centre shows it as the
    person's answer), unless it came from there (`announce=False`)."""
    pref, _created = RecommendPreference.objects.select_for_update().get_or_create(user=user)
    if personalised is not None and bool(personalised) != pref.personalised:
        pref.personalised = bool(personalised)
        if announce:
            publish(PersonalisationChanged(user_id=user.pk, personalised=pref.personalised))
    hidden = [int(c) for c in pref.hidden_categories]
    for value, add in ((hide_category, True), (show_category, False)):
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**63:
            raise ValidationFailed(_("Choose a category."), code="invalid_category", fields={"category": str(value)[:20]})
        hidden = sorted(set(hidden) | {value}) if add else [c for c in hidden if c != value]
    pref.hidden_categories = hidden[:200]
    if use_region is not None:
        pref.use_region = bool(use_region)
    pref.updated_at = clock.now()
    pref.save()
    picks_settings_changed(user_id=user.pk)
    return pref


def set_interests(*, user, category_ids) -> RecommendPreference:
    """The interests a new person picked (cold start: their 猜你喜欢 starts from these categories' trending
    products). Unknown categories are refused; at most `MAX_LIKED`, in the order given."""
    from quanzi.catalog.selectors import category_list

    try:
        wanted = list(dict.fromkeys(int(c) for c in category_ids))
    except (TypeError, ValueError):
        raise ValidationFailed(_("Choose a category."), code="invalid_category", fields={"categories": "?"}) from None
    known = {c.pk for c in category_list(top_level_only=False)}
    if any(c not in known for c in wanted) or len(wanted) > MAX_LIKED:
        raise ValidationFailed(_("Choose up to %(n)d of the categories shown.") % {"n": MAX_LIKED},
                               code="invalid_category", fields={"categories": ",".join(map(str, wanted))[:40]})
    with transaction.atomic():
        pref, _created = RecommendPreference.objects.select_for_update().get_or_create(user=user)
        pref.liked_categories = wanted
        pref.updated_at = clock.now()
        pref.save(update_fields=["liked_categories", "updated_at"])
    picks_settings_changed(user_id=user.pk)
    return pref


def _count(arm: str, field: str) -> None:
    """One more of `field` for the arm today: a conditional UPDATE, the row created on the day's first."""
    from django.db.models import F
    from django.utils import timezone

    day = timezone.localdate(clock.now())
    if not ArmDay.objects.filter(day=day, arm=arm).update(**{field: F(field) + 1}):
        from django.db import IntegrityError

        try:
            with transaction.atomic():
                ArmDay.objects.create(day=day, arm=arm, **{field: 1})
        except IntegrityError:  # another request created it first
            ArmDay.objects.filter(day=day, arm=arm).update(**{field: F(field) + 1})


def record_impression(*, arm: str | None) -> None:
    """A 猜你喜欢 rail was shown to someone in the experiment (signed in, personalisation on)."""
    if arm in Arm.values:
        _count(arm, "impressions")


def record_click(*, user_id: int, product_id: int, arm: str) -> None:
    """A pick was opened from a rail of `arm` (the link carries the arm): counted, and kept 7 days so an
    order of the product is credited to the arm."""
    if arm not in Arm.values or not user_id:
        return
    PickClick.objects.create(user_id=user_id, product_id=product_id, arm=arm)
    _count(arm, "clicks")


def credit_order(*, user_id: int, product_ids) -> str | None:
    """An order was paid: if the buyer opened one of its products from a rail in the last 7 days, the order
    counts once for the arm of the latest such click. Returns the arm credited."""
    arm = (PickClick.objects.filter(user_id=user_id, product_id__in=list(product_ids),
                                    at__gte=clock.now() - CLICK_CREDIT)
           .order_by("-at").values_list("arm", flat=True).first())
    if arm:
        _count(arm, "orders")
    return arm


def forget_old_clicks(*, now: dt.datetime | None = None) -> int:
    """Clicks older than the credit window are of no more use: deleted (the sweep)."""
    return PickClick.objects.filter(at__lt=(now or clock.now()) - CLICK_CREDIT).delete()[0]


# ---------------------------------------------------------------- each person's precomputed 猜你喜欢

REFRESH_BATCH = 200
STORED_DAYS = 30  # a person away this long gets their list worked out again on their next visit
AFTER_TRAINING = dt.timedelta(days=1)  # how far back a new model's refreshes queue (behind people's own acts)


def picks_mark_due(*, user_id: int) -> None:
    """The person did something recommendations learn from (looked at a product, added to their cart, paid):
    their stored picks are refreshed by the next sweep, ahead of the lists a new model made due. One UPDATE that
    changes nothing when they are already waiting in the front queue, and an INSERT for someone without stored
    picks yet. Nothing for someone in the A/B holdout: they are served trending, a stored list would go unread."""
    from quanzi.recommend.selectors import arm_of_id

    if not user_id or arm_of_id(user_id=user_id) == Arm.HOLDOUT:
        return
    now = clock.now()
    if not PersonPicks.objects.filter(Q(due=False) | Q(due_since__gt=now), user_id=user_id).update(
            due=True, due_since=now):
        PersonPicks.objects.bulk_create([PersonPicks(user_id=user_id)], ignore_conflicts=True)


def picks_refresh(*, user_id: int) -> bool:
    """Work the person's picks out again and store them (`selectors.STORED` of them). Returns whether it
    stored a list: someone with personalisation off has none (they are served trending)."""
    PersonPicks.objects.filter(user_id=user_id, due=True).update(due=False)
    return _refresh_claimed(user_id)


def picks_refresh_due(*, limit: int = REFRESH_BATCH) -> int:
    """The sweep: refresh the stored picks of the people marked due, longest waiting first. Each is claimed
    by clearing its mark before the work — so two sweeps at once never do one person twice, and something
    the person does meanwhile marks them due again rather than being lost."""
    refreshed = 0
    for user_id in PersonPicks.objects.filter(due=True).order_by("due_since").values_list("user_id", flat=True)[:limit]:
        if PersonPicks.objects.filter(user_id=user_id, due=True).update(due=False):
            _refresh_claimed(user_id)
            refreshed += 1
    return refreshed


def _refresh_claimed(user_id: int) -> bool:
    from quanzi.recommend.selectors import STORED, compute_picks, forget_picks, picks_as_rows, preference_of

    forget_picks(user_id=user_id)
    personalised, hidden, _liked = preference_of(user_id=user_id)
    if not personalised:
        PersonPicks.objects.filter(user_id=user_id).delete()
        return False
    rows = picks_as_rows(compute_picks(user_id=user_id, limit=STORED))
    values = {"picks": rows, "hidden_categories": sorted(hidden), "computed_at": clock.now()}
    if not PersonPicks.objects.filter(user_id=user_id).update(**values):  # the due mark stays as it is now
        PersonPicks.objects.bulk_create([PersonPicks(user_id=user_id, due=False, **values)], ignore_conflicts=True)
    return True


def picks_settings_changed(*, user_id: int) -> None:
    """The person changed their settings or interests: their stored list (if any) is worked out again now,
    so the next rail already follows the change; the cached one is dropped."""
    from quanzi.recommend.selectors import forget_picks

    forget_picks(user_id=user_id)
    if PersonPicks.objects.filter(user_id=user_id).exists():
        picks_refresh(user_id=user_id)


def _stored_picks_due_after_training() -> None:
    """A new model: every recent person's stored picks are refreshed by the sweep (in batches), queued behind
    everyone who does something meanwhile (`due_since` a day ahead: the sweep takes the oldest first, and a
    visit pulls the row to now); the lists of people away for `STORED_DAYS` are dropped (worked out on their
    next visit)."""
    now = clock.now()
    PersonPicks.objects.filter(computed_at__lt=now - dt.timedelta(days=STORED_DAYS)).delete()
    PersonPicks.objects.filter(due=False).update(due=True, due_since=now + AFTER_TRAINING)
