# The message each constraint means, on its field (socialwork.constraints): state only, no SQL.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0004_export_request'),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name='annualreport',
            name='annual_report_year_range',
            constraint=models.CheckConstraint(condition=models.Q(('year__gte', 2000), ('year__lte', 2100)), name='annual_report_year_range', violation_error_code='annual_report_year_range', violation_error_message='Give a year between 2000 and 2100.'),
        ),
    ]
