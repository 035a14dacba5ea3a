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
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import ValidationFailed
from quanzi.core.events import publish
from quanzi.recommend.algorithms import ItemKNN
from quanzi.recommend.data import Index, Interaction, matrix
from quanzi.recommend.events import PersonalisationChanged
from quanzi.recommend.models import ItemNeighbour, RecommendPreference, TrainingRun, TrendingItem

NEIGHBOURS = 20
TRENDING = 100
TRAIN_DAYS = 90
TRENDING_DAYS = 14
RETRAIN_EVERY = dt.timedelta(hours=6)


def _interactions(days: int) -> list[Interaction]:
    from quanzi.analytics.selectors import product_interactions

    return [Interaction(user=actor, item=str(item), ts=ts, event=event)
            for actor, item, ts, event in product_interactions(days=days)]


def _neighbour_rows(train, index: Index) -> list[ItemNeighbour]:
    items = np.array([int(key) for key in index.items])  # column → product id
    sim = ItemKNN(neighbours=NEIGHBOURS).fit(train).similarity
    rows = []
    for col in range(sim.shape[0]):
        start, end = sim.indptr[col], sim.indptr[col + 1]
        ranked = sorted(zip(sim.data[start:end].tolist(), sim.indices[start:end].tolist(), strict=True),
                        key=lambda sv: (-sv[0], items[sv[1]]))
        rows += [ItemNeighbour(product_id=int(items[col]), rank=rank, neighbour_id=int(items[other]),
                               score=round(float(score), 6))
                 for rank, (score, other) in enumerate(ranked[:NEIGHBOURS], start=1) if score > 0]
    return rows


def _trending_rows(interactions: list[Interaction], since_ts: float) -> list[TrendingItem]:
    people: dict[str, set[str]] = {}
    for it in interactions:
        if it.ts >= since_ts:
            people.setdefault(it.item, set()).add(it.user)
    ranked = sorted(people.items(), key=lambda kv: (-len(kv[1]), int(kv[0])))[:TRENDING]
    return [TrendingItem(rank=rank, product_id=int(item), score=float(len(users)))
            for rank, (item, users) in enumerate(ranked, start=1)]


def train() -> TrainingRun:
    """Fit the neighbour lists and the trending list from the last 90 days and swap them in."""
    run = TrainingRun.objects.create()
    interactions = _interactions(TRAIN_DAYS)
    index = Index()
    train_matrix = matrix(interactions, index)
    neighbours = _neighbour_rows(train_matrix, index) if train_matrix.nnz else []
    trending = _trending_rows(interactions, clock.now().timestamp() - TRENDING_DAYS * 86_400)
    with transaction.atomic():
        ItemNeighbour.objects.all().delete()
        ItemNeighbour.objects.bulk_create(neighbours, batch_size=2_000)
        TrendingItem.objects.all().delete()
        TrendingItem.objects.bulk_create(trending)
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
                   show_category: int | None = None, announce: bool = True) -> RecommendPreference:
    """Turn personalisation on or off; hide an inferred interest (a category) or show it again. A change of
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
    pref.updated_at = clock.now()
    pref.save()
    from quanzi.recommend.selectors import forget_picks

    forget_picks(user_id=user.pk)
    return pref
