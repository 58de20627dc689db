# The message each constraint means, on its field (socialwork.constraints): state only, no SQL.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('positions', '0005_allowance_roll_run'),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name='allowanceline',
            name='allowance_line_once',
            constraint=models.UniqueConstraint(fields=('roll', 'worker'), name='allowance_line_once', violation_error_code='allowance_line_once', violation_error_message='This social worker is already on this roll.'),
        ),
        migrations.AlterConstraint(
            model_name='allowancepolicy',
            name='allowance_policy_once',
            constraint=models.UniqueConstraint(fields=('level', 'effective_from'), name='allowance_policy_once', violation_error_code='allowance_policy_once', violation_error_message='An allowance for this level already takes effect on this date.'),
        ),
        migrations.AlterConstraint(
            model_name='allowancepolicy',
            name='allowance_policy_not_negative',
            constraint=models.CheckConstraint(condition=models.Q(('monthly_amount__gte', 0)), name='allowance_policy_not_negative', violation_error_code='allowance_policy_not_negative', violation_error_message='The amount cannot be negative.'),
        ),
        migrations.AlterConstraint(
            model_name='allowanceroll',
            name='allowance_roll_first_of_month',
            constraint=models.CheckConstraint(condition=models.Q(('month__day', 1)), name='allowance_roll_first_of_month', violation_error_code='allowance_roll_first_of_month', violation_error_message="An allowance roll covers a whole month: give the month's first day."),
        ),
        migrations.AlterConstraint(
            model_name='appointment',
            name='appointment_active_once',
            constraint=models.UniqueConstraint(condition=models.Q(('ends_on__isnull', True)), fields=('worker', 'position'), name='appointment_active_once', violation_error_code='appointment_active_once', violation_error_message='This social worker already holds this position.'),
        ),
        migrations.AlterConstraint(
            model_name='appointment',
            name='appointment_ends_after_start',
            constraint=models.CheckConstraint(condition=models.Q(('ends_on__isnull', True), ('ends_on__gte', models.F('starts_on')), _connector='OR'), name='appointment_ends_after_start', violation_error_code='appointment_ends_after_start', violation_error_message='An appointment cannot end before it starts.'),
        ),
        migrations.AlterConstraint(
            model_name='assessment',
            name='assessment_one_subject',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('position__isnull', True), ('unit__isnull', True), ('worker__isnull', False)), models.Q(('position__isnull', True), ('unit__isnull', False), ('worker__isnull', True)), models.Q(('position__isnull', False), ('unit__isnull', True), ('worker__isnull', True)), _connector='OR'), name='assessment_one_subject', violation_error_code='assessment_one_subject', violation_error_message='An assessment is of one social worker, one institution or one post.'),
        ),
        migrations.AlterConstraint(
            model_name='assessment',
            name='assessment_worker_once',
            constraint=models.UniqueConstraint(fields=('scheme', 'worker'), name='assessment_worker_once', violation_error_code='assessment_worker_once', violation_error_message='This social worker has already been assessed under this scheme.'),
        ),
        migrations.AlterConstraint(
            model_name='assessment',
            name='assessment_unit_once',
            constraint=models.UniqueConstraint(fields=('scheme', 'unit'), name='assessment_unit_once', violation_error_code='assessment_unit_once', violation_error_message='This institution has already been assessed under this scheme.'),
        ),
        migrations.AlterConstraint(
            model_name='assessment',
            name='assessment_position_once',
            constraint=models.UniqueConstraint(fields=('scheme', 'position'), name='assessment_position_once', violation_error_code='assessment_position_once', violation_error_message='This post has already been assessed under this scheme.'),
        ),
        migrations.AlterConstraint(
            model_name='assessmentcriterion',
            name='criterion_source_with_full_marks',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('full_marks_at__isnull', True), ('source', '')), models.Q(models.Q(('source', ''), _negated=True), ('full_marks_at__gt', 0), ('full_marks_at__isnull', False)), _connector='OR'), name='criterion_source_with_full_marks', violation_error_code='criterion_source_with_full_marks', violation_error_message='A criterion scored from a figure needs the value that earns full marks, more than zero; one scored by hand has none.'),
        ),
        migrations.AlterConstraint(
            model_name='assessmentscheme',
            name='assessment_scheme_per_year',
            constraint=models.UniqueConstraint(fields=('year', 'subject'), name='assessment_scheme_per_year', violation_error_code='assessment_scheme_per_year', violation_error_message='That year already has an assessment scheme of this kind.'),
        ),
        migrations.AlterConstraint(
            model_name='exam',
            name='exam_once_per_year_level',
            constraint=models.UniqueConstraint(fields=('worker', 'year', 'level'), name='exam_once_per_year_level', violation_error_code='exam_once_per_year_level', violation_error_message="This person's exam at this level in this year is already recorded."),
        ),
        migrations.AlterConstraint(
            model_name='graderule',
            name='grade_rule_once',
            constraint=models.UniqueConstraint(fields=('scheme', 'grade'), name='grade_rule_once', violation_error_code='grade_rule_once', violation_error_message='This scheme already has a rule for this grade.'),
        ),
        migrations.AlterConstraint(
            model_name='position',
            name='position_quota_positive',
            constraint=models.CheckConstraint(condition=models.Q(('quota__gte', 1)), name='position_quota_positive', violation_error_code='position_quota_positive', violation_error_message='The quota must be at least 1.'),
        ),
        migrations.AlterConstraint(
            model_name='socialworker',
            name='worker_certificate_number_unique',
            constraint=models.UniqueConstraint(condition=models.Q(('certificate_number', ''), _negated=True), fields=('certificate_number',), name='worker_certificate_number_unique', violation_error_code='worker_certificate_number_unique', violation_error_message='Another social worker already holds this certificate number.'),
        ),
    ]
