"""Recommendation's sweep: retrain the neighbour and trending lists when they are over 6 hours old."""

from __future__ import annotations

from quanzi.core.sweeps import sweeps


@sweeps.register(key="recommend_train")
def recommend_train() -> int:
    from quanzi.recommend.services import train_if_due

    return train_if_due()


@sweeps.register(key="recommend_forget_clicks")
def recommend_forget_clicks() -> int:
    from quanzi.recommend.services import forget_old_clicks

    return forget_old_clicks()
