"""The figures' counts of cases opened and closed in a year, by place and category, read from two
covering indexes (station, day; category, status and id included; cases not removed), built
concurrently: a running installation keeps saving cases while a province's are indexed
(socialwork.migration_indexes). One index to a migration: should a build stop part-way, its
migration is the one left to run again (after `DROP INDEX CONCURRENTLY` of the invalid index)."""

from django.db import migrations, models

from socialwork.migration_indexes import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("casework", "0030_i24_shown_masks_fill"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="case",
            index=models.Index(
                condition=models.Q(("removed_at__isnull", True)),
                fields=["station", "intake_on"],
                include=("category", "id"),
                name="case_station_intake_idx",
            ),
        ),
    ]
