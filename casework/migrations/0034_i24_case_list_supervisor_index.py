"""The case list's order by supervisor: the second part of a person's case list (see 0033)."""

from django.db import migrations, models

from socialwork.migration_indexes import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("casework", "0033_i24_case_list_worker_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="case",
            index=models.Index(
                condition=models.Q(("removed_at__isnull", True)),
                fields=["supervisor", "intake_on", "id"],
                name="case_supervisor_intake_idx",
            ),
        ),
    ]
