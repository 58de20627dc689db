"""Workers' ID numbers and phones are encrypted (socialwork/crypto): the ID number is found by
its keyed digest (unique in its place) or by its last four characters, which the masked number
shows anyway. The index on the reversed plain number (0008) goes: it would index ciphertext.
The next migration encrypts the rows."""

import socialwork.crypto.fields
import socialwork.idnumbers
from django.conf import settings
from django.db import migrations, models


def drop_reversed_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS positions_socialworker_id_reversed")


def create_reversed_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS positions_socialworker_id_reversed "
            "ON positions_socialworker ((reverse(id_number::text)) text_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0008_search_indexes"),
        ("projects", "0007_i18_words_field_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_reversed_index, create_reversed_index, elidable=False),
        migrations.AddField(
            model_name="socialworker",
            name="id_number_digest",
            field=socialwork.crypto.fields.DigestField(
                normalize="socialwork.idnumbers.normalize",
                purpose="positions.socialworker.id_number",
                source="id_number",
                verbose_name="ID number digest",
            ),
        ),
        migrations.AddField(
            model_name="socialworker",
            name="id_number_tail",
            field=socialwork.crypto.fields.ShownTailField(
                db_index=True,
                length=4,
                normalize="socialwork.idnumbers.normalize",
                source="id_number",
                verbose_name="last characters of the ID number",
            ),
        ),
        migrations.AlterField(
            model_name="socialworker",
            name="id_number",
            field=socialwork.crypto.fields.EncryptedCharField(
                max_length=18, validators=[socialwork.idnumbers.validate_id_number], verbose_name="ID number"
            ),
        ),
        migrations.AlterField(
            model_name="socialworker",
            name="phone",
            field=socialwork.crypto.fields.EncryptedCharField(
                blank=True, max_length=30, verbose_name="phone"
            ),
        ),
        migrations.AddConstraint(
            model_name="socialworker",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_number_digest", ""), _negated=True),
                fields=("id_number_digest",),
                name="worker_id_number_digest_unique",
                violation_error_code="worker_id_number_digest_unique",
                violation_error_message="Another social worker already has this ID number.",
            ),
        ),
    ]
