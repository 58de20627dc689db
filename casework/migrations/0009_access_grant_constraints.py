"""Nobody is granted access by their own request, and a second person decides: in the database
too. Apart from 0008, so that its data step and these checks run in separate transactions."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("casework", "0008_access_grant_earlier")]

    operations = [
        migrations.AddConstraint(
            model_name="accessgrant",
            constraint=models.CheckConstraint(
                condition=models.Q(("user", models.F("requested_by")), _negated=True)
                | models.Q(("status", "revoked")),
                name="accessgrant_not_to_self",
            ),
        ),
        migrations.AddConstraint(
            model_name="accessgrant",
            constraint=models.CheckConstraint(
                condition=models.Q(("decided_by__isnull", True))
                | models.Q(
                    models.Q(("decided_by", models.F("requested_by")), _negated=True),
                    models.Q(("decided_by", models.F("user")), _negated=True),
                ),
                name="accessgrant_second_person_decides",
            ),
        ),
    ]
