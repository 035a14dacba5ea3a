"""The default shopkeeper tiers (会员 → 店主 → 主管 → 经理); the operator renames or retunes them in the admin.

Thresholds are distribution sales in fen over the evaluation period (default 30 days); directs'
sales only count when the operator switches "directs' sales count for tiers" on.
"""

from django.db import migrations

TIERS = [
    # rank, name, name_en, level-1 share of the pool (bps), own sales, directs' sales
    (1, "会员", "Member", 5000, 0, 0),
    (2, "店主", "Shopkeeper", 6000, 100_000, 500_000),
    (3, "主管", "Supervisor", 7000, 500_000, 2_000_000),
    (4, "经理", "Manager", 8000, 2_000_000, 10_000_000),
]


def seed(apps, schema_editor):
    Tier = apps.get_model("commission", "Tier")
    for rank, name, name_en, share, own, team in TIERS:
        Tier.objects.get_or_create(rank=rank, defaults={"name": name, "name_en": name_en, "level1_share_bps": share,
                                                        "min_own_sales": own, "min_team_sales": team})


class Migration(migrations.Migration):
    dependencies = [("commission", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
