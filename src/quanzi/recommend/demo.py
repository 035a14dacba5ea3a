"""Demo data of recommendation: train once on the seed's analytics history (after analytics, 94), so the
home page's 猜你喜欢 and the product pages' 看了又看 show on the first visit."""

from __future__ import annotations

from quanzi.core.seeding import DemoSeeder


def seed_recommend(ctx):
    from quanzi.recommend.services import train

    run = train()
    counts = {"interactions": run.interactions, "products": run.items, "neighbour lists": run.neighbours}
    ctx.log(f"  recommend: {counts}")
    return counts


def recommend_present(ctx) -> bool:
    from quanzi.recommend.models import TrainingRun

    return TrainingRun.objects.filter(finished_at__isnull=False).exists()


seeder = DemoSeeder(key="recommend", run=seed_recommend, present=recommend_present)
