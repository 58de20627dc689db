"""Access grants become requests that a second district administrator approves, within the
policy's longest duration (the fields; 0008 settles the earlier grants, 0009 adds the checks)."""

from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F
from django.utils import timezone


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0006_my_open_cases_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="accessgrant", old_name="granted_by", new_name="requested_by"),
        migrations.AlterField(
            model_name="accessgrant",
            name="requested_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="requested by",
            ),
        ),
        migrations.AddField(
            model_name="accessgrant",
            name="status",
            field=models.CharField(
                choices=[
                    ("requested", "Requested"),
                    ("approved", "Approved"),
                    ("declined", "Declined"),
                    ("revoked", "Revoked"),
                ],
                db_index=True,
                default="requested",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="accessgrant",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AddField(
            model_name="accessgrant",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AddField(
            model_name="accessgrant",
            name="decision_comment",
            field=models.CharField(blank=True, max_length=200, verbose_name="comment"),
        ),
        migrations.AddField(
            model_name="accessgrant",
            name="revoked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="revoked by",
            ),
        ),
        migrations.AddField(
            model_name="caseworkpolicy",
            name="grant_max_days",
            field=models.PositiveSmallIntegerField(
                default=30,
                help_text="An access grant to a case lasts at most this many days from its request.",
                verbose_name="longest access grant (days)",
            ),
        ),
    ]
