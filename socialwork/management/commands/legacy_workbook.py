"""Write the demo legacy workbook: the registers a district keeps in Excel, with the mistakes
people make, to try the imports on (`socialwork.imports.legacy`)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from socialwork.imports.legacy import legacy_workbook

DEFAULT = Path("docs/demo/legacy-registers.xlsx")


class Command(BaseCommand):
    help = "Write the demo legacy workbook (docs/demo/legacy-registers.xlsx unless a path is given)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT))

    def handle(self, *args, path, **options):
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(legacy_workbook())
        self.stdout.write(f"{target}")
