"""Encrypt the workers' ID numbers and phones already on record, and fill their digests and
last characters: a batch of rows per transaction, so a large table is not locked at once and a
run that stops continues where it was (a value already encrypted is left alone)."""

from django.db import migrations

from socialwork.crypto.migration_ops import encrypt_columns

forward, backward = encrypt_columns("positions", "SocialWorker", "id_number", "phone")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("positions", "0009_i19_crypto_workers")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
