"""The second of the figures' case indexes: the cases closed in a year (see 0031)."""

from django.db import migrations, models

from socialwork.migration_indexes import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("casework", "0031_i24_figures_intake_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="case",
            index=models.Index(
                condition=models.Q(("removed_at__isnull", True)),
                fields=["station", "closed_on"],
                include=("category", "status", "id"),
                name="case_station_closed_idx",
            ),
        ),
    ]
