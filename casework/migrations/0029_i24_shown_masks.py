"""Clients' ID numbers and phones, and volunteers' phones, keep their masked forms beside them
(420506********123X, 138****5678): what lists, exports and paper show, read without decrypting
each row. The columns are added with a constant default (no table rewrite on PostgreSQL);
the next migration fills them for the rows already there."""

import socialwork.crypto.fields
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0028_i23_localrules4_casework_policy_owner"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="id_number_masked",
            field=socialwork.crypto.fields.ShownMaskField(
                mask="casework.masking.mask_id_number", max_length=18, source="id_number",
                verbose_name="ID number as shown",
            ),
        ),
        migrations.AddField(
            model_name="client",
            name="phone_masked",
            field=socialwork.crypto.fields.ShownMaskField(
                mask="casework.masking.mask_phone", max_length=30, source="phone", verbose_name="phone as shown"
            ),
        ),
        migrations.AddField(
            model_name="volunteer",
            name="phone_masked",
            field=socialwork.crypto.fields.ShownMaskField(
                mask="casework.masking.mask_phone", max_length=30, source="phone", verbose_name="phone as shown"
            ),
        ),
    ]
