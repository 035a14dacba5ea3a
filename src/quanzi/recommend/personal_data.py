"""Personal data held by recommend: the person's recommendation settings (personalisation on or off, hidden
interests, interests they picked) and their clicks on picks (kept 7 days, for the A/B report). Deleted on
erasure; the trained neighbour tables hold products only. Models are imported inside
the functions, so a change in recommend's models fails the inventory test, never the start-up."""

from quanzi.core.personal_data import declare, rows


def export(user) -> dict:
    from quanzi.recommend.models import PickClick, RecommendPreference

    return {"preferences": rows(RecommendPreference.objects.filter(user=user), "personalised", "hidden_categories",
                                "liked_categories", "updated_at"),
            "clicks": rows(PickClick.objects.filter(user_id=user.pk), "product_id", "at")}


def erase(user) -> None:
    from quanzi.recommend.models import PickClick, RecommendPreference
    from quanzi.recommend.selectors import forget_picks

    RecommendPreference.objects.filter(user=user).delete()
    PickClick.objects.filter(user_id=user.pk).delete()
    forget_picks(user_id=user.pk)  # the cached rail was chosen from their history


declare(app="recommend", personal={"recommend.RecommendPreference.user": "link",
                                   "recommend.RecommendPreference.hidden_categories": "activity",
                                   "recommend.RecommendPreference.liked_categories": "activity",
                                   "recommend.PickClick.user_id": "link"},
        export=export, erase=erase)
