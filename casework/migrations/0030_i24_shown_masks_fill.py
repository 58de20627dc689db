"""The masked forms of the clients' and volunteers' numbers already recorded, a thousand rows per
transaction (not one transaction over the table: its rows stay writable while it runs). Run
again, it computes them again."""

from django.db import migrations

from socialwork.crypto.migration_ops import compute_shown


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("casework", "0029_i24_shown_masks"),
    ]

    operations = [
        migrations.RunPython(
            compute_shown("casework", "Client", "id_number", "phone"), migrations.RunPython.noop, elidable=False
        ),
        migrations.RunPython(compute_shown("casework", "Volunteer", "phone"), migrations.RunPython.noop, elidable=False),
    ]
