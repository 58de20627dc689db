"""Grants made before a second person had to approve stay approved, cut to the policy's 30 days
from today, except those a person made to themselves: they are revoked now. A migration of its
own: PostgreSQL refuses to change a table in the transaction that just updated its rows."""

from datetime import timedelta

from django.db import migrations
from django.db.models import F
from django.utils import timezone


def settle_earlier_grants(apps, schema_editor):
    AccessGrant = apps.get_model("casework", "AccessGrant")
    now = timezone.now()
    longest = timezone.localdate() + timedelta(days=30)
    earlier = AccessGrant.objects.all()
    earlier.filter(revoked_at__isnull=False).update(status="revoked")
    earlier.filter(revoked_at__isnull=True, user=F("requested_by")).update(status="revoked", revoked_at=now)
    earlier.filter(revoked_at__isnull=True).update(status="approved")
    earlier.filter(status="approved", expires_on__gt=longest).update(expires_on=longest)


class Migration(migrations.Migration):
    dependencies = [("casework", "0007_access_grant_approval")]

    operations = [migrations.RunPython(settle_earlier_grants, migrations.RunPython.noop)]
