"""The national figures of continuing education per registration period (72 hours for an
assistant social worker, 90 for a social worker and a senior one), and each registered worker's
current registration period, read from their registration fields as
positions.services.registration.registration_period_sync reads them."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import migrations

HOURS = {"assistant": 72, "social_worker": 90, "senior": 90}


def forwards(apps, schema_editor):
    Policy = apps.get_model("positions", "RegistrationHoursPolicy")
    Worker = apps.get_model("positions", "SocialWorker")
    Period = apps.get_model("positions", "RegistrationPeriod")
    for level, hours in HOURS.items():
        Policy.objects.get_or_create(level=level, defaults={"hours": hours})
    workers = Worker.objects.exclude(registration_number="").filter(registered_on__isnull=False)
    periods, missing_end = [], []
    for worker in workers.only("pk", "registration_number", "registered_on", "registration_valid_until"):
        if worker.registration_valid_until is None:
            worker.registration_valid_until = worker.registered_on + relativedelta(years=3) - timedelta(days=1)
            missing_end.append(worker)
        ends_on = worker.registration_valid_until
        if ends_on <= worker.registered_on:
            continue
        starts_on = max(worker.registered_on, ends_on - relativedelta(years=3) + timedelta(days=1))
        periods.append(
            Period(worker_id=worker.pk, number=worker.registration_number, starts_on=starts_on, ends_on=ends_on)
        )
    Worker.objects.bulk_update(missing_end, ["registration_valid_until"], batch_size=1000)
    Period.objects.bulk_create(periods, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("positions", "0012_i21_registration_periods")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
