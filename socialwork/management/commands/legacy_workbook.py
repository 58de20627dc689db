"""Write the demo legacy workbook: the registers a district keeps in Excel, with the mistakes
people make, to try the imports on (`socialwork.imports.legacy`)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from socialwork.imports.legacy import WORKFORCE_SOURCES, legacy_workbook

DEFAULT = Path("var/legacy-registers.xlsx")  # the copies in the repo: docs/demo/
WORKFORCE = "legacy-workforce.xlsx"


class Command(BaseCommand):
    help = (
        "Write the demo legacy workbook (var/legacy-registers.xlsx unless a path is given; the copies in the "
        "repo are docs/demo/legacy-registers.xlsx and legacy-workforce.xlsx) and the "
        "workforce's exam results and awards beside it (legacy-workforce.xlsx)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT))

    def handle(self, *args, path, **options):
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(legacy_workbook())
        workforce = target.with_name(WORKFORCE)
        workforce.write_bytes(legacy_workbook(sources=WORKFORCE_SOURCES))
        self.stdout.write(f"{target}\n{workforce}")
