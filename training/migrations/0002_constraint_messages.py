# The message each constraint means, on its field (socialwork.constraints): state only, no SQL.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('training', '0001_initial'),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name='certificate',
            name='certificate_worker_once',
            constraint=models.UniqueConstraint(condition=models.Q(('worker__isnull', False)), fields=('series', 'worker'), name='certificate_worker_once', violation_error_code='certificate_worker_once', violation_error_message='This social worker already has a certificate for this series.'),
        ),
        migrations.AlterConstraint(
            model_name='certificate',
            name='certificate_outside_person_once',
            constraint=models.UniqueConstraint(condition=models.Q(('worker__isnull', True)), fields=('series', 'outside_name', 'outside_unit'), name='certificate_outside_person_once', violation_error_code='certificate_outside_person_once', violation_error_message='This person already has a certificate for this series.'),
        ),
        migrations.AlterConstraint(
            model_name='enrolment',
            name='enrolment_worker_or_outside_person',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('worker__isnull', False), ('outside_name', '')), models.Q(('worker__isnull', True), models.Q(('outside_name', ''), _negated=True)), _connector='OR'), name='enrolment_worker_or_outside_person', violation_error_code='enrolment_worker_or_outside_person', violation_error_message='Enrol either a registered social worker or an outside person by name, not both.'),
        ),
        migrations.AlterConstraint(
            model_name='enrolment',
            name='enrolment_worker_once_per_session',
            constraint=models.UniqueConstraint(condition=models.Q(('worker__isnull', False), models.Q(('status', 'cancelled'), _negated=True)), fields=('session', 'worker'), name='enrolment_worker_once_per_session', violation_error_code='enrolment_worker_once_per_session', violation_error_message='This social worker is already enrolled in this session.'),
        ),
        migrations.AlterConstraint(
            model_name='trainingseries',
            name='series_share_is_a_percentage',
            constraint=models.CheckConstraint(condition=models.Q(('completion_share__gte', 1), ('completion_share__lte', 100)), name='series_share_is_a_percentage', violation_error_code='series_share_is_a_percentage', violation_error_message='The attendance needed is a percentage from 1 to 100.'),
        ),
        migrations.AlterConstraint(
            model_name='trainingsession',
            name='session_ends_after_start',
            constraint=models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='session_ends_after_start', violation_error_code='session_ends_after_start', violation_error_message='A session ends after it starts.'),
        ),
        migrations.AlterConstraint(
            model_name='trainingsession',
            name='session_capacity_positive',
            constraint=models.CheckConstraint(condition=models.Q(('capacity__gte', 1)), name='session_capacity_positive', violation_error_code='session_capacity_positive', violation_error_message='A session has room for at least one person.'),
        ),
    ]
