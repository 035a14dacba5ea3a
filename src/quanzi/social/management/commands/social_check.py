from django.core.management.base import BaseCommand

from quanzi.social.checks import bad_edges, repair

LABELS = {"self_follow": "self-follows", "blocked": "follows across a block", "duplicate": "duplicate edges",
          "target": "edges without exactly one target"}


class Command(BaseCommand):
    help = "Verify the social graph's invariants; --repair deletes the bad follow edges."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="delete the bad edges")

    def handle(self, *args, **options):
        found = bad_edges()
        total = sum(len(ids) for ids in found.values())
        for kind, ids in found.items():
            self.stdout.write(f"{LABELS[kind]}: {len(ids)}" + (f" {ids[:20]}" if ids else ""))
        if not total:
            self.stdout.write(self.style.SUCCESS("social graph OK"))
            return
        if options["repair"]:
            self.stdout.write(self.style.WARNING(f"repaired: deleted {repair(found)} edge(s)"))
        else:
            self.stdout.write(self.style.ERROR(f"{total} bad edge(s); run with --repair to delete them"))
            raise SystemExit(1)
