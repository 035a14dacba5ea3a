"""`manage.py search_reindex`: rebuild the search index and its vocabulary from the catalog (run it after
a bulk import, and on a schedule to refresh sales counts; events keep it fresh in between)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Rebuild the product search index and its vocabulary from the catalog."

    def handle(self, *args, **options):
        from quanzi.search.services import reindex_all

        result = reindex_all(log=lambda m: self.stdout.write(m) if options["verbosity"] > 1 else None)
        self.stdout.write(f"search: {result['indexed']} products indexed, {result['unlisted']} unlisted, "
                          f"{result['vocabulary']} vocabulary words")
