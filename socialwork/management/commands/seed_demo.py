from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from socialwork import demo


class Command(BaseCommand):
    help = "Load the demo district (idempotent). Demo accounts are created only in demo mode."

    def handle(self, *args, **options):
        with transaction.atomic():
            report = demo.seed(with_accounts=settings.DEMO_MODE)
        for line in report:
            self.stdout.write(line)
