"""Check (and with --repair, rebuild) the engagement counters on notes against their rows."""

from django.core.management.base import BaseCommand, CommandError

from quanzi.content import counters


class Command(BaseCommand):
    help = "Compare Note.likes_total / comments_total / favourites_total with the rows; --repair rebuilds them."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="rebuild every note's counters from its rows")

    def handle(self, *args, repair=False, **options):
        if repair:
            n = counters.rebuild()
            self.stdout.write(f"content counters rebuilt for {n} notes")
            return
        wrong = counters.drifted()
        if wrong:
            for row in wrong:
                self.stdout.write(f"note {row.pop('note_id')}: " + ", ".join(
                    f"{field} stored {stored}, actual {actual}" for field, (stored, actual) in row.items()))
            raise CommandError(f"{len(wrong)} notes with drifted counters (run with --repair)")
        self.stdout.write("content counters ok")
