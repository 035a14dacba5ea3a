"""`manage.py demo_rearm`: bring the seeded demo's time-bound scenes back to now (demo/rearm.py).

`make demo` runs it on every start; the `demo_rearm` sweep runs the same thing every few minutes
while the demo serves. Idempotent, and a no-op on a database the demo has not seeded.
"""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Re-arm the demo's scenes (a flash sale on now and one upcoming, an open group, a bargain to " \
           "start or help, a live room on air). Idempotent; touches only the demo's own shops and people."

    def handle(self, *args, **options):
        from quanzi.demo.rearm import rearm_demo
        from quanzi.demo.seed import already_seeded

        if not already_seeded():
            self.stdout.write("The demo is not seeded (run `manage.py seed_demo` first); nothing to re-arm.")
            return
        made = rearm_demo()
        if not made:
            self.stdout.write("Demo scenes are all alive; nothing to re-arm.")
            return
        for key, result in made.items():
            self.stdout.write(f"  re-armed {key}: " + ", ".join(f"{k} {v}" for k, v in result.items()))
