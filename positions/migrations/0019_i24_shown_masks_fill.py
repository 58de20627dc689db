"""The masked forms of the workers' ID numbers already recorded, a thousand rows per transaction
(not one transaction over the table: its rows stay writable while it runs). Run again, it
computes them again."""

from django.db import migrations

from socialwork.crypto.migration_ops import compute_shown


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("positions", "0018_i24_shown_masks"),
    ]

    operations = [
        migrations.RunPython(
            compute_shown("positions", "SocialWorker", "id_number"), migrations.RunPython.noop, elidable=False
        ),
    ]
