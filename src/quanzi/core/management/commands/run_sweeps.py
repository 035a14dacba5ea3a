import time

from django.core.management.base import BaseCommand

from quanzi.core.sweeps import registered_sweeps, run_sweeps


class Command(BaseCommand):
    help = "Run the deadline sweeps (payment timeout, auto-confirm, settlement, …) once or in a loop."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running every --interval seconds")
        parser.add_argument("--interval", type=float, default=10.0)
        parser.add_argument("names", nargs="*", help=f"only these sweeps; known: {', '.join(registered_sweeps())}")

    def handle(self, *args, loop=False, interval=10.0, names=(), **options):
        while True:
            results = run_sweeps(list(names) or None)
            acted = {k: v for k, v in results.items() if v}
            if acted or not loop:
                self.stdout.write(" ".join(f"{k}={v}" for k, v in results.items()))
            if not loop:
                return
            time.sleep(interval)
