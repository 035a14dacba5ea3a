"""`manage.py recommend_eval`: on a CSV (bad rows reported, JSON written, exit 0) and on the database."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quanzi.recommend import synthetic


def test_a_csv_is_evaluated_and_written_as_json(tmp_path):
    path = tmp_path / "interactions.csv"
    rows = synthetic.generate(synthetic.World(users=150, items=80, clusters=5), seed=5)
    lines = ["user_id,item_id,timestamp,event", *(f"{r.user},{r.item},{int(r.ts)},{r.event}" for r in rows),
             "ghost,,17,view"]
    path.write_text("\n".join(lines), encoding="utf-8")
    out = io.StringIO()
    call_command("recommend_eval", "--interactions", str(path), "--json", str(tmp_path / "out.json"), stdout=out)
    text = out.getvalue()
    assert "skipped 1 rows: bad_id" in text and "NDCG@10" in text
    result = json.loads((tmp_path / "out.json").read_text())
    assert set(result) == {"popularity", "itemknn", "ease", "als"}
    assert set(result["ease"]) >= {"ndcg@10", "recall@20", "coverage"}


def test_bad_arguments_are_clear(tmp_path):
    with pytest.raises(CommandError, match="unknown models: magic"):
        call_command("recommend_eval", "--models", "magic", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No such file"):
        call_command("recommend_eval", "--interactions", str(tmp_path / "none.csv"), stdout=io.StringIO())


@pytest.mark.django_db
def test_the_database_is_the_analytics_logs_product_interactions():
    from quanzi.analytics import constants as names
    from quanzi.analytics.services import SHANGHAI, Fact, record

    now = dt.datetime.now(SHANGHAI)
    facts = []
    for u in range(30):
        for k, product in enumerate((1 + u % 3, 4 + u % 3, 7 + u % 2)):
            facts.append(Fact(key=f"v{u}-{k}", name=names.PRODUCT_VIEW, actor=f"a{u}", object_type="product",
                              object_id=product, occurred_at=now - dt.timedelta(hours=10 - k)))
    facts.append(Fact(key="s", name=names.SHARE_CREATED, actor="a1", object_type="share", object_id=99,
                      occurred_at=now, props={"target": "product", "target_id": 5}))
    record(facts)
    out = io.StringIO()
    call_command("recommend_eval", "--models", "itemknn", stdout=out)
    assert "91 interactions · 30 users" in out.getvalue() and "itemknn" in out.getvalue()
