"""Personal data held by recommend: the person's recommendation settings (personalisation on or off, hidden
interests). Deleted on erasure; the trained neighbour tables hold products only. Models are imported inside
the functions, so a change in recommend's models fails the inventory test, never the start-up."""

from quanzi.core.personal_data import declare, rows


def export(user) -> dict:
    from quanzi.recommend.models import RecommendPreference

    return {"preferences": rows(RecommendPreference.objects.filter(user=user), "personalised", "hidden_categories",
                                "updated_at")}


def erase(user) -> None:
    from quanzi.recommend.models import RecommendPreference

    RecommendPreference.objects.filter(user=user).delete()


declare(app="recommend", personal={"recommend.RecommendPreference.user": "link",
                                   "recommend.RecommendPreference.hidden_categories": "activity"},
        export=export, erase=erase)
