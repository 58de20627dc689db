"""The case list's order by worker: a social worker's page of cases read from one end of the index
(socialwork.pages.InParts), not by walking every case's intake day past those of others."""

from django.db import migrations, models

from socialwork.migration_indexes import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("casework", "0032_i24_figures_closed_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="case",
            index=models.Index(
                condition=models.Q(("removed_at__isnull", True)),
                fields=["worker", "intake_on", "id"],
                name="case_worker_intake_idx",
            ),
        ),
    ]
