"""Each audit row keeps the address its request came from (empty for background work). Adding a
nullable column changes no row, so the append-only triggers are left as they are."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('socialwork', '0008_api_tokens'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='address',
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name='from address'),
        ),
    ]
