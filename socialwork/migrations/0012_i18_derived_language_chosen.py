from django.db import migrations, models
from django.utils import timezone


def chosen_before(apps, schema_editor):
    """Someone whose account holds another language than the default chose it with the switch."""
    apps.get_model("socialwork", "User").objects.exclude(language="zh-hans").update(
        language_chosen_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [("socialwork", "0011_i18_derived_natural_collation")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="language_chosen_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When the person chose their language with the switch; applied at each login.",
                null=True,
                verbose_name="language chosen",
            ),
        ),
        migrations.RunPython(chosen_before, migrations.RunPython.noop),
    ]
