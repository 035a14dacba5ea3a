"""Demo data of recommendation: train once on the seed's analytics history (after analytics, 94), so the
home page's 猜你喜欢 (stored for the demo shopper and the seeded shoppers, as the refresh sweep would) and the
product pages' 看了又看 / 买了还买 show on the first visit; and two weeks of the
A/B arms' daily counts (made up, like the analytics history they stand beside: a personalised arm that
converts better than the holdout), so the operator's A/B report is not empty."""

from __future__ import annotations

from quanzi.core.seeding import DemoSeeder


def seed_recommend(ctx):
    from quanzi.recommend.services import picks_refresh, train

    run = train()
    shopper = ctx.demo_shopper()
    stored = sum(picks_refresh(user_id=person.pk) for person in [shopper, *ctx.demo_people()] if person)
    counts = {"interactions": run.interactions, "products": run.items, "neighbour lists": run.neighbours,
              "stored 猜你喜欢 lists": stored, "A/B days": _seed_arm_days()}
    ctx.log(f"  recommend: {counts}")
    return counts


def _seed_arm_days(days: int = 14) -> int:
    import datetime as dt
    import random

    from django.utils import timezone

    from quanzi.core import clock
    from quanzi.recommend.models import Arm, ArmDay

    rng = random.Random(18)
    today = timezone.localdate(clock.now())
    rows = []
    for back in range(1, days + 1):
        for arm, share, ctr, conversion in ((Arm.PERSONALISED, 0.9, 0.061, 0.12), (Arm.HOLDOUT, 0.1, 0.038, 0.09)):
            shown = int(rng.randint(1_800, 2_400) * share)
            clicks = int(shown * ctr * rng.uniform(0.85, 1.15))
            rows.append(ArmDay(day=today - dt.timedelta(days=back), arm=arm, impressions=shown, clicks=clicks,
                               orders=int(clicks * conversion * rng.uniform(0.8, 1.2))))
    ArmDay.objects.bulk_create(rows, ignore_conflicts=True)
    return days


def recommend_present(ctx) -> bool:
    from quanzi.recommend.models import TrainingRun

    return TrainingRun.objects.filter(finished_at__isnull=False).exists()


seeder = DemoSeeder(key="recommend", run=seed_recommend, present=recommend_present)
