from django.core.management.base import BaseCommand

from quanzi.content.models import Note, NoteStatus
from quanzi.content.search import note_reindex


class Command(BaseCommand):
    help = "Rebuild the note search index (jieba terms) for every published note."

    def handle(self, *args, **options):
        done = 0
        notes = Note.objects.filter(status=NoteStatus.PUBLISHED).order_by("pk")
        for note in notes.iterator(chunk_size=500):
            note_reindex(note)
            done += 1
        self.stdout.write(self.style.SUCCESS(f"reindexed {done} published notes"))
