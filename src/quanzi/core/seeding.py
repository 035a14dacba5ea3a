"""Demo data, contributed by the app that owns it.

`manage.py seed_demo` (the demo app, a shell above every other app) runs the registered seeders in
`order`, in one transaction, with one shared `SeedContext`. An app that has demo data to show keeps
it in its own `demo.py` (allowed to import its own models, to backdate rows the way real use would
have left them, and other apps' services and selectors) and registers it from its `AppConfig.ready()`:

    class GroupbuyConfig(AppConfig):
        def ready(self):
            from quanzi.core.seeding import seeders
            from quanzi.groupbuy import demo
            seeders.register(demo.seeder, order=50)

so adding a feature's demo data means adding a seeder in that feature's app, never editing the demo
app. The orders in use: 0 the shop itself (merchants, products, shoppers, order history: the demo
app), 30–34 the social layer, 40 share-to-earn, 50–70 promotions, 80–90 live rooms.

A seeder is idempotent through `present(ctx)`: the runner asks every seeder whether its data is already
there BEFORE any of them runs, then runs the others. So a database seeded before a feature existed
gets that feature's data on the next `seed_demo`, and a second run adds nothing. Seeders of one
`section` (the social layer spans social, content and reviews) share that answer, one random
stream and one start time, exactly as if they were one seeder; the section is also the line of
the report `seed_demo` prints.

The context carries what seeders share: the demo's fixture data (`ctx.data`: the shops, products and
people the demo is made of) and picture generator (`ctx.images`), a clock that can be moved back
(`ctx.at(ctx.ago(days=3))`), and the shell's drivers of an order's life (`ctx.story`, `ctx.pay`, …)
declared below; the demo app provides them, so a feature app never imports the demo app.

Scenes that run out (a flash sale's hour, an open group's deadline, a bargain's time limit, a live
room) are kept alive by the seeder's optional `rearm(ctx)`: `manage.py demo_rearm` (run by `make
demo` on every start, and every few minutes by the demo-only `demo_rearm` sweep) calls it on a seeded
database with the clock at now. A re-arm is idempotent (a second run adds nothing) and acts only on
the demo's own objects: the demo merchants' shops (`ctx.demo_shop_ids()`), the demo shopper and the
seeded shoppers (`ctx.demo_people()`) — never on a shop, person or campaign the demo did not make.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from quanzi.core import clock
from quanzi.core.registry import Registry


@dataclass(frozen=True)
class DemoSeeder:
    """One piece of demo data.

    `run(ctx)` makes it and returns what it added (a dict for the report) or None when there was
    nothing to do (its prerequisites are missing). `present(ctx)` says whether it is already in the
    database (None for the later seeders of a section: the section's first seeder answers for all).
    `section` groups seeders that make one story together (default: its own key);
    `label` names the section's report line (default: the section) and `describe(result)` is this
    seeder's part of that line (default: "k v, k v")."""

    key: str
    run: Callable[[SeedContext], dict[str, Any] | None]
    present: Callable[[SeedContext], bool] | None
    section: str = ""
    label: str = ""
    describe: Callable[[dict[str, Any]], str] | None = None
    rearm: Callable[[SeedContext], dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        # the registry (and the generated docs) name a registration's owner by the item's module:
        # the app whose demo.py made this seeder, not this module
        object.__setattr__(self, "__module__", getattr(self.run, "__module__", __name__))

    @property
    def section_name(self) -> str:
        return self.section or self.key

    def report(self, result: dict[str, Any]) -> str:
        if self.describe is not None:
            return self.describe(result)
        return ", ".join(f"{k} {v}" for k, v in result.items())


seeders: Registry[DemoSeeder] = Registry(
    "core.seeders", keyed=True, owner=__name__,
    doc="Demo data (`DemoSeeder`), run in order by `manage.py seed_demo`; each app registers its own `demo.py`.")


class SeedContext:
    """What the seeders of one `seed_demo` run share. The demo app subclasses it (`DemoContext`) to
    provide the fixture data, the lookups and the order drivers; the base keeps the clock and the
    random streams, which need no app."""

    def __init__(self, *, small: bool = False, out=None, seed: int = 2026, data: Any = None, data_en: Any = None,
                 images: Any = None):
        self.small = small
        self.out = out
        self.seed = seed
        self.data = data  # the demo's fixture module (people, shops, products, passwords)
        self.data_en = data_en  # its English: what the shops and the English-writing people write (docs/i18n.md)
        self._images = images
        self.shared: dict[str, Any] = {}  # what one seeder leaves for a later one of its section
        self._streams: dict[str, tuple[random.Random, dt.datetime]] = {}
        self.rng = random.Random(seed)
        self.t0 = clock.now()
        # the clock's offset when the run began (0, or a test's travel): "now" for `at` below
        self._offset = self.t0 - timezone.now()

    @property
    def images(self) -> Any:
        """The demo's picture generator (logos, product pictures, covers)."""
        return self._images

    def begin(self, seeder: DemoSeeder) -> None:
        """Called by the runner before `seeder` runs: its section's random stream and start time (a
        fresh stream per section, so one feature's data does not change when another is added)."""
        name = seeder.section_name
        if name not in self._streams:
            self._streams[name] = (random.Random(self.seed), clock.now())
        self.rng, self.t0 = self._streams[name]

    # ------------------------------------------------------------ time
    def ago(self, days: float = 0, hours: float = 0, minutes: float = 0) -> dt.datetime:
        return self.t0 - dt.timedelta(days=days, hours=hours, minutes=minutes)

    @contextlib.contextmanager
    def at(self, moment: dt.datetime) -> Iterator[None]:
        """Run the block with the clock at `moment` (never later than now)."""
        moment = min(moment, timezone.now() + self._offset)
        with clock.travel(moment - clock.now()):
            yield

    def log(self, msg: str) -> None:
        if self.out is not None:
            self.out.write(msg)

    def reset_rate_limits(self, actions: dict[str, int], users) -> None:
        """Forget this window's rate-limit counts of `actions` ({action: window seconds}) for `users`.

        Each seeded actor does far fewer actions than any limit allows, but a seed run (or a test
        that seeds twice in one process) can land in the same window as an earlier run with the same
        user ids; only those counters are deleted, so a shared cache keeps its sessions."""
        from quanzi.core import ratelimit

        for action, window in actions.items():
            ratelimit.reset(action, [u.pk for u in users], window=window)

    # ------------------------------------------------------------ provided by the shell (the demo app)
    def demo_shopper(self):
        """The demo shopper's user (小圈), or None before the shop is seeded."""
        raise NotImplementedError

    def demo_shop_ids(self) -> set[int]:
        """The shops of the demo merchants (merchant1…N@quanzi.demo): the only shops a re-arm acts on."""
        raise NotImplementedError

    def demo_people(self) -> list:
        """The seeded background shoppers (joined before the demo was seeded; not the demo shopper,
        not a merchant), oldest first: the only people a re-arm acts for, besides the demo shopper."""
        raise NotImplementedError

    def products_on_sale(self) -> dict[str, tuple[Any, dict]]:
        """Fixture product key → (the product, its fixture definition), for products on sale."""
        raise NotImplementedError

    def start_for(self, stage: str) -> dt.datetime:
        """A believable start for an order that should have reached `stage` by now."""
        raise NotImplementedError

    def story(self, user, lines: list, stages, start: dt.datetime, **kwargs) -> list:
        """Check out `lines` [(sku, qty)] for `user` at `start` and take the orders to `stages`."""
        raise NotImplementedError

    def fulfil(self, order, stage: str, paid_at: dt.datetime) -> None:
        """Take a paid order on to `stage` (shipped, delivered, completed, returns…)."""
        raise NotImplementedError

    def pay(self, payment, when: dt.datetime) -> None:
        """The shopper pays `payment` on the sandbox cashier at `when`; the platform is notified."""
        raise NotImplementedError

    def flush_refunds(self) -> None:
        """Send pending refunds to the sandbox now (normally after commit)."""
        raise NotImplementedError

    def settle_due(self) -> None:
        """Settle every order whose return window has closed, at the moment the sweep would have."""
        raise NotImplementedError
