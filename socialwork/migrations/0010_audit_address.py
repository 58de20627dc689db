"""Each audit row keeps the address its request came from (empty for background work). Adding a
nullable column changes no row, so the append-only triggers are left as they are."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('socialwork', '0009_constraint_messages'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='address',
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name='from address'),
        ),
    ]
