"""`manage.py seed_demo`: seed the demo once; later runs only add what is missing.

The demo data is registered by the apps that own it (`quanzi.core.seeding.seeders`; the shop itself
is demo/seed.py, each feature's data its app's `demo.py`). On a seeded database (the operator account
exists) only the seeders whose data is missing run — a feature added since — so the already-seeded
path that `make demo` takes on every start stays well under a second: heavy imports (Pillow, the
services) happen only when there is something to do.
"""

import time

from django.core.management.base import BaseCommand

from quanzi.demo import data


class Command(BaseCommand):
    help = "Seed a realistic demo shop (merchants, products with generated images, shoppers, order history). " \
           "Idempotent: does nothing if the demo operator account exists."

    def add_arguments(self, parser):
        parser.add_argument("--small", action="store_true",
                            help="a smaller shop (fewer products and shoppers) that still has every order state")
        parser.add_argument("--refresh-unpaid", action="store_true",
                            help="if already seeded: give the demo shopper a new unpaid order when the last expired")

    def handle(self, *args, small=False, refresh_unpaid=False, verbosity=1, **options):
        from quanzi.demo.runner import run_seeders
        from quanzi.demo.seed import already_seeded

        started = time.monotonic()
        out = self.stdout if verbosity > 1 else None
        if already_seeded():
            note = ""
            if refresh_unpaid:
                from quanzi.demo.seed import refresh_unpaid as refresh

                note = " Placed a new unpaid order for the demo shopper." if refresh() else ""
            # a database seeded before some feature existed gets that feature's demo data once
            added = run_seeders(out=out).added
            if added:
                note += f" Added the demo data of: {', '.join(added)}."
            self.stdout.write(f"Demo data already seeded (found {data.OPERATOR['email']}); nothing to do.{note}")
            self._logins()
            return
        self.stdout.write(f"Seeding the {'small ' if small else ''}demo shop…")
        run = run_seeders(small=small, out=out)
        self._report(run, time.monotonic() - started)
        self._logins()

    def _report(self, run, elapsed: float) -> None:
        from quanzi.demo.seed import summary

        fresh = summary()  # again, with the features' orders and commission books
        result = {**run.results["shop"], **{k: fresh[k] for k in ("orders", "ledger_unbalanced", "ledger_total")}}
        orders, shops = result["orders"], result["shops"]
        self.stdout.write(self.style.SUCCESS(f"Demo shop seeded in {elapsed:.1f} s."))
        self.stdout.write(
            f"  users {result['users']} · shops approved {shops['approved']}, awaiting review {shops['applied']}, "
            f"rejected {shops['rejected']} · products on shelf {result['products_on_shelf']}/{result['products']} · "
            f"SKUs {result['skus']}")
        self.stdout.write("  orders " + ", ".join(f"{k} {v}" for k, v in orders.items()) +
                          f" (total {sum(orders.values())})")
        self.stdout.write("  after-sales " + ", ".join(f"{k} {v}" for k, v in sorted(result["after_sales"].items())) +
                          " · payouts " + ", ".join(f"{k} {v}" for k, v in sorted(result["payouts"].items())))
        balanced = result["ledger_unbalanced"] == 0 and result["ledger_total"] == 0
        self.stdout.write("  ledger " + ("balanced" if balanced else
                                         f"NOT balanced ({result['ledger_unbalanced']} transactions, "
                                         f"total {result['ledger_total']})"))
        for line in run.lines(skip=["shop"]):  # each feature's line, in the seeders' order
            self.stdout.write(line)

    def _logins(self):
        d, op = data.DEMO_SHOPPER, data.OPERATOR
        self.stdout.write(f"  shopper   {d['phone']} / {d['password']}  ({d['nickname']})")
        self.stdout.write(f"  operator  {op['email']} / {op['password']}  (/admin/)")
        self.stdout.write(f"  merchants merchant1…5@quanzi.demo / {data.MERCHANT_PASSWORD}  (/merchant/); "
                          f"merchant6 awaits review, merchant7 was rejected")
        self.stdout.write(f"  creators  creator1…7@quanzi.demo / {data.SHOPPER_PASSWORD}  (6 and 7 write English)")
