"""foidesk manage rebuild_similar: build the similarity index again and regroup round-robins."""

import time

from django.core.management.base import BaseCommand

from foidesk.similar import services as similar_requests


class Command(BaseCommand):
    help = (
        "Build the similar-requests index again from every request, and regroup the "
        "round-robins (after a restore or an upgrade; it also runs itself as requests come in)."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        built = similar_requests.rebuild()
        self.stdout.write(
            f"Indexed {built['requests']:,} requests and found {built['round_robins']:,} "
            f"round-robins in {time.perf_counter() - started:.1f} s."
        )
