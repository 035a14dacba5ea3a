"""Personal data held by recommend: the person's recommendation settings (personalisation on or off, hidden
interests, interests they picked), their clicks on picks (kept 7 days, for the A/B report) and their
precomputed 猜你喜欢 (worked out from their history). Deleted on
erasure; the trained neighbour tables hold products only. Models are imported inside
the functions, so a change in recommend's models fails the inventory test, never the start-up."""

from quanzi.core.personal_data import declare, rows


def export(user) -> dict:
    from quanzi.recommend.models import PersonPicks, PickClick, RecommendPreference

    return {"preferences": rows(RecommendPreference.objects.filter(user=user), "personalised", "hidden_categories",
                                "liked_categories", "use_region", "updated_at"),
            "clicks": rows(PickClick.objects.filter(user_id=user.pk), "product_id", "at"),
            "picks": rows(PersonPicks.objects.filter(user_id=user.pk), "picks", "computed_at")}


def erase(user) -> None:
    from quanzi.recommend.models import PersonPicks, PickClick, RecommendPreference
    from quanzi.recommend.selectors import forget_picks

    RecommendPreference.objects.filter(user=user).delete()
    PickClick.objects.filter(user_id=user.pk).delete()
    PersonPicks.objects.filter(user_id=user.pk).delete()
    forget_picks(user_id=user.pk)  # the cached rail was chosen from their history


declare(app="recommend", personal={"recommend.RecommendPreference.user": "link",
                                   "recommend.RecommendPreference.hidden_categories": "activity",
                                   "recommend.RecommendPreference.liked_categories": "activity",
                                   "recommend.PickClick.user_id": "link",
                                   "recommend.PersonPicks.user_id": "link",
                                   "recommend.PersonPicks.picks": "activity",
                                   "recommend.PersonPicks.hidden_categories": "activity"},
        export=export, erase=erase)
