import signal
import time

from django.core.management.base import BaseCommand

from quanzi.core import outbox


class Command(BaseCommand):
    help = ("Deliver outbox events to their after-commit subscribers: once, or in a loop "
            "(QUANZI_OUTBOX_DISPATCH=worker runs these processes instead of delivering after each commit).")

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep polling for due events")
        parser.add_argument("--interval", type=float, default=0.5, help="seconds between polls when idle")
        parser.add_argument("--batch", type=int, default=200, help="events per poll")

    def handle(self, *args, loop=False, interval=0.5, batch=200, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        while True:
            delivered = outbox.dispatch_due(limit=batch)
            if delivered or not loop:
                self.stdout.write(f"delivered={delivered}")
            if not loop or stopping:
                return
            if not delivered:
                time.sleep(interval)
