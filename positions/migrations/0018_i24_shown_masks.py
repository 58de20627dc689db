"""Social workers' ID numbers keep their masked form beside them (420506********123X): what the
worker list and its export show, read without decrypting each row. The column is added with a
constant default (no table rewrite on PostgreSQL); the next migration fills it for the rows
already there."""

import socialwork.crypto.fields
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0017_i23_localrules3_scheme_owner"),
    ]

    operations = [
        migrations.AddField(
            model_name="socialworker",
            name="id_number_masked",
            field=socialwork.crypto.fields.ShownMaskField(
                mask="socialwork.idnumbers.mask", max_length=18, source="id_number",
                verbose_name="ID number as shown",
            ),
        ),
    ]
