"""The base of time-boxed promotions (group buy, bargain, flash sale, live price) and the handle of
their stock pools. See docs/campaigns.md.

Catalog owns the stock a campaign sets aside (`CampaignStock`, one row per SKU and pool), so it owns
the handle that names a pool, too (`catalog.pools`, a plain value re-exported here):

    pool = StockPool("group", campaign.pk)        # campaign.stock_pool does this for you
    pool.key                                      # "group:12": what CampaignStock.campaign_key,
                                                  #  OrderLine.campaign_key and PriceQuote.campaign_key hold
    catalog.services.pool_set_aside(pool=pool, sku_id=…, quantity=…)
    catalog.services.pool_release(pool=pool)      # what is left goes back to the SKUs
    catalog.selectors.pool_units(pools=[pool])    # {pool: units left}
    catalog.selectors.pools_holding_units(kind="group")

A promotion's models inherit the abstract bases here instead of cloning the fields:

- `CampaignWindow`: `starts_at` / `ends_at` (the window), `status` (each campaign's own choices, built
  with `status_field`), `ended_at` (when it was ended, early or by the sweep), `phase()`,
  `is_running()` and `countdown()` (what a page counts down to: the start, then the end).
- `CampaignPool`: `per_user_limit` (units one user may take) and `stock_pool`, the typed handle of the
  pool its units live in (`POOL_KIND` + the row's id). Each kind is registered once in `pool_kinds`
  (from the app's `AppConfig.ready()`), so two promotions can never share pool keys.

Group buys and bargains share `CampaignStatus` (`catalog.constants`: draft → active → ended); flash sales (draft →
published → ended) and live prices (active → ended) keep their own choices and say which of their
statuses sells (`RUNNING_STATUS`) and which is final (`ENDED_STATUS`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.catalog.constants import CampaignStatus
from quanzi.catalog.pools import StockPool, pool_kinds
from quanzi.core import clock

__all__ = ["CampaignPool", "CampaignStatus", "CampaignWindow", "Countdown", "StockPool", "pool_kinds", "status_field"]


def status_field(choices: type[models.TextChoices], *, default: str) -> models.CharField:
    """The `status` column of a campaign, with the campaign's own choices."""
    return models.CharField(_("status"), max_length=12, choices=choices.choices, default=default)


@dataclass(frozen=True)
class Countdown:
    """What a page counts down to: `phase` is "upcoming" (to the start) or "running" (to the end)."""

    phase: str
    deadline: dt.datetime


class CampaignWindow(models.Model):
    """A promotion that runs between `starts_at` and `ends_at`, unless it is ended earlier (`ended_at`).

    Subclasses declare `status = status_field(TheirStatus, default=…)` and name the status that sells
    (`RUNNING_STATUS`) and the final one (`ENDED_STATUS`)."""

    RUNNING_STATUS: ClassVar[str] = CampaignStatus.ACTIVE
    ENDED_STATUS: ClassVar[str] = CampaignStatus.ENDED

    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        abstract = True

    def phase(self, now: dt.datetime | None = None) -> str:
        """draft / upcoming / running / finished, as a shopper sees it."""
        now = now or clock.now()
        if self.status == self.ENDED_STATUS or now >= self.ends_at:
            return "finished"
        if self.status != self.RUNNING_STATUS:
            return "draft"
        return "running" if now >= self.starts_at else "upcoming"

    def is_running(self, now: dt.datetime | None = None) -> bool:
        """Selling now: in the selling status and inside the window."""
        now = now or clock.now()
        return self.status == self.RUNNING_STATUS and self.starts_at <= now < self.ends_at

    @classmethod
    def running_q(cls, now: dt.datetime | None = None, *, prefix: str = "") -> models.Q:
        """The filter `is_running` stands for, for queries (`prefix`: "campaign__" through a relation)."""
        now = now or clock.now()
        return models.Q(**{f"{prefix}status": cls.RUNNING_STATUS, f"{prefix}starts_at__lte": now,
                           f"{prefix}ends_at__gt": now})

    def countdown(self, now: dt.datetime | None = None) -> Countdown | None:
        """The start while upcoming, the end while running; None for a draft or a finished campaign."""
        phase = self.phase(now)
        if phase == "upcoming":
            return Countdown(phase, self.starts_at)
        if phase == "running":
            return Countdown(phase, self.ends_at)
        return None

    def mark_ended(self, now: dt.datetime | None = None) -> list[str]:
        """Set the final status and `ended_at` (the caller checked the transition and saves the fields)."""
        self.status, self.ended_at = self.ENDED_STATUS, now or clock.now()
        return ["status", "ended_at"]


class CampaignPool(models.Model):
    """A promotion whose units wait in a stock pool of their own, `<POOL_KIND>:<id>`, with a limit of
    units per user."""

    POOL_KIND: ClassVar[str] = ""

    per_user_limit = models.PositiveSmallIntegerField(_("units per user"), default=1)

    class Meta:
        abstract = True

    @property
    def stock_pool(self) -> StockPool:
        if self.pk is None:
            raise ValueError("a campaign has a stock pool once it is saved")
        return StockPool(self.POOL_KIND, self.pk)

    @property
    def campaign_key(self) -> str:
        """The pool's stored key ("group:12"), as the order lines that took units from it carry it."""
        return self.stock_pool.key

    @classmethod
    def pool_of(cls, pk: int) -> StockPool:
        """The pool of the row `pk`, without loading the row."""
        return StockPool(cls.POOL_KIND, pk)
