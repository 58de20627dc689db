"""The host institutions seed 000 names; the district adds others in the admin."""

from django.db import migrations

HOSTS = ["民政", "卫生", "教育", "计划生育", "工会", "共青团", "残疾人联合会", "妇女联合会", "司法所"]


def create(apps, schema_editor):
    HostInstitution = apps.get_model("positions", "HostInstitution")
    for name in HOSTS:
        HostInstitution.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("positions", "0002_hostinstitution_allowancepolicy_allowanceroll_and_more")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
