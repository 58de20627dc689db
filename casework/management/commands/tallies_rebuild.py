"""manage.py tallies_rebuild

Make the figures' tallies (service notes per station and year, clients served) and the caseloads
again from the case records: a repair that should never be needed, since the services keep them.
Run it while nobody writes cases (at night): it rewrites both tables in one transaction.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from casework.services.caseload import caseload_rebuild
from casework.services.tallies import tallies_rebuild


class Command(BaseCommand):
    help = "Rebuild the caseloads and the figures' tallies from the case records."

    def handle(self, *args, **options):
        with transaction.atomic():
            entries = caseload_rebuild()
            rows = tallies_rebuild()
        self.stdout.write(f"caseload entries: {entries}")
        self.stdout.write(f"stations' years: {rows['stations']}")
        self.stdout.write(f"clients served, by station and year: {rows['served']}")
