"""The starting gift catalogue (operators edit it in the admin)."""

from django.db import migrations

GIFTS = [
    ("小心心", "Heart", "❤️", 10, 1),
    ("玫瑰", "Rose", "🌹", 100, 2),
    ("棒棒糖", "Lollipop", "🍭", 660, 3),
    ("跑车", "Sports car", "🏎️", 5200, 4),
    ("火箭", "Rocket", "🚀", 10000, 5),
]


def add(apps, schema_editor):
    Gift = apps.get_model("livesales", "Gift")
    for name, name_en, icon, price, sort in GIFTS:
        Gift.objects.get_or_create(name=name, defaults={"name_en": name_en, "icon": icon, "price": price, "sort": sort})


def remove(apps, schema_editor):
    apps.get_model("livesales", "Gift").objects.filter(name__in=[g[0] for g in GIFTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("livesales", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
