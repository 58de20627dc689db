# The message each constraint means, on its field (socialwork.constraints): state only, no SQL.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0003_project_year'),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name='bid',
            name='bid_once_per_organization',
            constraint=models.UniqueConstraint(fields=('procurement', 'organization'), name='bid_once_per_organization', violation_error_code='bid_once_per_organization', violation_error_message='This organization has already bid in this procurement.'),
        ),
        migrations.AlterConstraint(
            model_name='bid',
            name='bid_one_award',
            constraint=models.UniqueConstraint(condition=models.Q(('awarded', True)), fields=('procurement',), name='bid_one_award', violation_error_code='bid_one_award', violation_error_message='Another bid has already won this procurement.'),
        ),
        migrations.AlterConstraint(
            model_name='budgetline',
            name='budget_line_positive',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='budget_line_positive', violation_error_code='budget_line_positive', violation_error_message='The amount must be more than zero.'),
        ),
        migrations.AlterConstraint(
            model_name='call',
            name='call_closes_after_opening',
            constraint=models.CheckConstraint(condition=models.Q(('closes_on__gte', models.F('opens_on'))), name='call_closes_after_opening', violation_error_code='call_closes_after_opening', violation_error_message='A call cannot close before it opens.'),
        ),
        migrations.AlterConstraint(
            model_name='contract',
            name='contract_amount_positive',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='contract_amount_positive', violation_error_code='contract_amount_positive', violation_error_message='The amount must be more than zero.'),
        ),
        migrations.AlterConstraint(
            model_name='contract',
            name='contract_ends_after_start',
            constraint=models.CheckConstraint(condition=models.Q(('ends_on__gte', models.F('starts_on'))), name='contract_ends_after_start', violation_error_code='contract_ends_after_start', violation_error_message='A contract cannot end before it starts.'),
        ),
        migrations.AlterConstraint(
            model_name='payment',
            name='payment_positive',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='payment_positive', violation_error_code='payment_positive', violation_error_message='The amount must be more than zero.'),
        ),
        migrations.AlterConstraint(
            model_name='review',
            name='review_once_per_reviewer',
            constraint=models.UniqueConstraint(fields=('project', 'reviewer'), name='review_once_per_reviewer', violation_error_code='review_once_per_reviewer', violation_error_message='This reviewer has already reviewed this project.'),
        ),
        migrations.AlterConstraint(
            model_name='review',
            name='review_score_0_100',
            constraint=models.CheckConstraint(condition=models.Q(('score__gte', 0), ('score__lte', 100)), name='review_score_0_100', violation_error_code='review_score_0_100', violation_error_message='Enter a score from 0 to 100.'),
        ),
        migrations.AlterConstraint(
            model_name='socialorganization',
            name='organization_credit_code_unique',
            constraint=models.UniqueConstraint(condition=models.Q(('credit_code', ''), _negated=True), fields=('credit_code',), name='organization_credit_code_unique', violation_error_code='organization_credit_code_unique', violation_error_message='Another organization already has this unified social credit code.'),
        ),
        migrations.AlterConstraint(
            model_name='yearbudget',
            name='year_budget_not_negative',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='year_budget_not_negative', violation_error_code='year_budget_not_negative', violation_error_message='The amount cannot be negative.'),
        ),
    ]
