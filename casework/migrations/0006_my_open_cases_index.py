"""My cases: a worker's open cases in their order (highest risk first, then the longest quiet),
so that a page is read from one end of an index and the count never reads the table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("casework", "0005_caseload")]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                models.F("worker"),
                models.Case(
                    models.When(risk_level="high", then=models.Value(0)),
                    models.When(risk_level="medium", then=models.Value(1)),
                    models.When(risk_level="low", then=models.Value(2)),
                    default=models.Value(3),
                ),
                models.F("last_note_on"),
                models.F("id"),
                condition=models.Q(("removed_at__isnull", True), models.Q(("status", "closed"), _negated=True)),
                name="case_my_open_idx",
            ),
        ),
    ]
