"""foidesk manage rebuild_search: index every live disclosure log entry again."""

import time

from django.core.management.base import BaseCommand

from foidesk.publication import search


class Command(BaseCommand):
    help = (
        "Empty the disclosure log's search index and index every live entry again "
        "(after a restore, an upgrade, or if the index is suspected stale)."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = search.rebuild()
        elapsed = time.perf_counter() - started
        noun = "entry" if count == 1 else "entries"
        self.stdout.write(f"Indexed {count:,} disclosure log {noun} in {elapsed:.1f} s.")
