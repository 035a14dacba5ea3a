"""Rebuild the list of big authors and shops (merged on read) from the follow graph."""

from django.core.management.base import BaseCommand

from quanzi.feed.services import fanout_limit, rebuild_big_sources


class Command(BaseCommand):
    help = "Recompute which authors and shops have more than QUANZI_FEED_FANOUT_LIMIT followers."

    def handle(self, *args, **options):
        n = rebuild_big_sources()
        self.stdout.write(f"{n} big authors and shops (more than {fanout_limit()} followers)")
