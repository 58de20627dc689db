"""Each project keeps its call's year, so that the project list sorts on an index."""

from django.db import migrations, models
from django.db.models import F


def fill_years(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    for call_id, year in apps.get_model("projects", "Call").objects.values_list("pk", "year"):
        Project.objects.filter(call_id=call_id).update(year=year)


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_acceptance_bid_budgetline_call_contract_honour_and_more")]

    operations = [
        migrations.AddField(
            model_name="project",
            name="year",
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="year"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_years, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(F("year").desc(), F("created_at").desc(), "id", name="project_list_order"),
        ),
    ]
