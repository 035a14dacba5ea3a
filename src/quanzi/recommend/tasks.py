"""Recommendation's sweeps: retrain the neighbour and trending lists when they are over 6 hours old; refresh
the stored 猜你喜欢 of the people who did something since their list was worked out; forget old clicks."""

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


@sweeps.register(key="recommend_refresh_picks")
def recommend_refresh_picks() -> int:
    """Refresh the stored 猜你喜欢 of the people who did something since (seconds behind them)."""
    from quanzi.recommend.services import picks_refresh_due

    return picks_refresh_due()
