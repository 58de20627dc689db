"""Encrypt the narratives already on record (socialwork/crypto): a batch of rows per
transaction, resumable (a value already encrypted is left alone)."""

from django.db import migrations

from socialwork.crypto.migration_ops import encrypt_columns

COLUMNS = [
    ("HouseholdMember", ("situation",)),
    ("Case", ("presenting_problem",)),
    ("Assessment", ("summary",)),
    ("AssessmentDomain", ("needs", "strengths")),
    ("ServiceNote", ("content",)),
    ("Referral", ("request", "outcome_note")),
    ("Closing", ("summary", "goals_reached", "client_feedback")),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("casework", "0016_i19_crypto_narratives")]

    operations = [
        migrations.RunPython(*encrypt_columns("casework", model, *fields), elidable=False)
        for model, fields in COLUMNS
    ]
