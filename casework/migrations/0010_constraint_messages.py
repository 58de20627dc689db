# The message each constraint means, on its field (socialwork.constraints): state only, no SQL.

from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0009_access_grant_constraints'),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name='accessgrant',
            name='accessgrant_not_to_self',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('user', models.F('requested_by')), _negated=True), ('status', 'revoked'), _connector='OR'), name='accessgrant_not_to_self', violation_error_code='accessgrant_not_to_self', violation_error_message='Nobody is granted access by their own request: name someone else.'),
        ),
        migrations.AlterConstraint(
            model_name='accessgrant',
            name='accessgrant_second_person_decides',
            constraint=models.CheckConstraint(condition=models.Q(('decided_by__isnull', True), models.Q(models.Q(('decided_by', models.F('requested_by')), _negated=True), models.Q(('decided_by', models.F('user')), _negated=True)), _connector='OR'), name='accessgrant_second_person_decides', violation_error_code='accessgrant_second_person_decides', violation_error_message='Access is decided by someone other than the person who asked for it and the person it is for.'),
        ),
        migrations.AlterConstraint(
            model_name='assessmentdomain',
            name='assessment_domain_unique',
            constraint=models.UniqueConstraint(fields=('assessment', 'domain'), name='assessment_domain_unique', violation_error_code='assessment_domain_unique', violation_error_message='This domain is already in the assessment.'),
        ),
        migrations.AlterConstraint(
            model_name='case',
            name='case_number_unique',
            constraint=models.UniqueConstraint(fields=('numbered_by', 'year', 'sequence'), name='case_number_unique', violation_error_code='case_number_unique', violation_error_message='Another case took this number at the same moment; save again.'),
        ),
        migrations.AlterConstraint(
            model_name='caseclient',
            name='case_client_unique',
            constraint=models.UniqueConstraint(fields=('case', 'client'), name='case_client_unique', violation_error_code='case_client_unique', violation_error_message='This client is already on the case.'),
        ),
        migrations.AlterConstraint(
            model_name='caseclient',
            name='case_one_primary_client',
            constraint=models.UniqueConstraint(condition=models.Q(('primary', True)), fields=('case',), name='case_one_primary_client', violation_error_code='case_one_primary_client', violation_error_message='A case has one main client.'),
        ),
        migrations.AlterConstraint(
            model_name='caseloadentry',
            name='caseload_person_client_unique',
            constraint=models.UniqueConstraint(fields=('person', 'client'), name='caseload_person_client_unique', violation_error_code='caseload_person_client_unique', violation_error_message="This client is already in this person's caseload."),
        ),
        migrations.AlterConstraint(
            model_name='caseworkpolicy',
            name='casework_policy_single_row',
            constraint=models.CheckConstraint(condition=models.Q(('pk', 1)), name='casework_policy_single_row', violation_error_code='casework_policy_single_row', violation_error_message='There is one case records policy; change it rather than adding another.'),
        ),
        migrations.AlterConstraint(
            model_name='closing',
            name='closing_one_pending_per_case',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'submitted')), fields=('case',), name='closing_one_pending_per_case', violation_error_code='closing_one_pending_per_case', violation_error_message='A closing of this case already waits for a decision.'),
        ),
        migrations.AlterConstraint(
            model_name='group',
            name='group_dates_ok',
            constraint=models.CheckConstraint(condition=models.Q(('ends_on__isnull', True), ('ends_on__gte', models.F('starts_on')), _connector='OR'), name='group_dates_ok', violation_error_code='group_dates_ok', violation_error_message='A group cannot end before it starts.'),
        ),
        migrations.AlterConstraint(
            model_name='groupattendance',
            name='group_attendance_unique',
            constraint=models.UniqueConstraint(fields=('session', 'member'), name='group_attendance_unique', violation_error_code='group_attendance_unique', violation_error_message="This member's attendance at this session is already recorded."),
        ),
        migrations.AlterConstraint(
            model_name='groupmember',
            name='group_member_unique',
            constraint=models.UniqueConstraint(fields=('group', 'client'), name='group_member_unique', violation_error_code='group_member_unique', violation_error_message='This client is already a member of the group.'),
        ),
        migrations.AlterConstraint(
            model_name='groupsession',
            name='group_session_number_unique',
            constraint=models.UniqueConstraint(fields=('group', 'number'), name='group_session_number_unique', violation_error_code='group_session_number_unique', violation_error_message='Another session took this number at the same moment; save again.'),
        ),
        migrations.AlterConstraint(
            model_name='referral',
            name='referral_amount_ok',
            constraint=models.CheckConstraint(condition=models.Q(('amount__isnull', True), ('amount__gte', 0), _connector='OR'), name='referral_amount_ok', violation_error_code='referral_amount_ok', violation_error_message='The amount cannot be negative.'),
        ),
        migrations.AlterConstraint(
            model_name='servicenote',
            name='note_minutes_positive',
            constraint=models.CheckConstraint(condition=models.Q(('minutes__gt', 0)), name='note_minutes_positive', violation_error_code='note_minutes_positive', violation_error_message='Give the minutes spent, more than zero.'),
        ),
        migrations.AlterConstraint(
            model_name='serviceplan',
            name='plan_version_unique',
            constraint=models.UniqueConstraint(fields=('case', 'version'), name='plan_version_unique', violation_error_code='plan_version_unique', violation_error_message='Another version of this plan was saved at the same moment; open the case again and retry.'),
        ),
        migrations.AlterConstraint(
            model_name='transfer',
            name='transfer_one_pending_per_case',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('case',), name='transfer_one_pending_per_case', violation_error_code='transfer_one_pending_per_case', violation_error_message='A transfer of this case already waits for a decision.'),
        ),
        migrations.AlterConstraint(
            model_name='transfer',
            name='transfer_goes_somewhere',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('to_worker', models.F('from_worker')), _negated=True), models.Q(('to_station', models.F('from_station')), _negated=True), _connector='OR'), name='transfer_goes_somewhere', violation_error_code='transfer_goes_somewhere', violation_error_message='A transfer goes to another worker or another station.'),
        ),
        migrations.AlterConstraint(
            model_name='volunteerhours',
            name='volunteer_hours_in_a_day',
            constraint=models.CheckConstraint(condition=models.Q(('hours__gt', Decimal('0')), ('hours__lte', Decimal('24'))), name='volunteer_hours_in_a_day', violation_error_code='volunteer_hours_in_a_day', violation_error_message='Hours in a day are more than 0 and at most 24.'),
        ),
        migrations.AlterConstraint(
            model_name='volunteerpairing',
            name='pairing_one_open',
            constraint=models.UniqueConstraint(condition=models.Q(('ends_on__isnull', True)), fields=('volunteer', 'client'), name='pairing_one_open', violation_error_code='pairing_one_open', violation_error_message='The volunteer is already paired with this client.'),
        ),
    ]
