from django.db import migrations

from casework.categories import BUILT_IN, NAMES_ZH


def create(apps, schema_editor):
    Category = apps.get_model("casework", "VulnerabilityCategory")
    for order, code in enumerate(BUILT_IN, start=1):
        Category.objects.update_or_create(code=code, defaults={"name": NAMES_ZH[code], "order": order})
    apps.get_model("casework", "CaseworkPolicy").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
