from django.core.management.base import BaseCommand, CommandError

from quanzi.core import architecture


class Command(BaseCommand):
    help = ("Rewrite (--write) or verify (--check) the blocks of docs/events.md and docs/architecture.md "
            "that are generated from the code: events and subscribers, extension points, sweeps, state machines.")

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--write", action="store_true")
        group.add_argument("--check", action="store_true")

    def handle(self, *args, write=False, check=False, **options):
        if write:
            for path in architecture.write():
                self.stdout.write(f"updated {path.relative_to(architecture.ROOT)}")
            return
        stale = architecture.stale_files()
        if stale:
            names = ", ".join(str(p.relative_to(architecture.ROOT)) for p in stale)
            raise CommandError(f"generated docs are out of date: {names} (run `manage.py architecture --write`)")
        self.stdout.write("generated docs match the code")
