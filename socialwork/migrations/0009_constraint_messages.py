# The message each constraint means, on its field (socialwork.constraints): state only, no SQL.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('socialwork', '0008_api_tokens'),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name='apitokenpolicy',
            name='api_token_policy_singleton',
            constraint=models.CheckConstraint(condition=models.Q(('id', 1)), name='api_token_policy_singleton', violation_error_code='api_token_policy_singleton', violation_error_message='There is one API token policy; change it rather than adding another.'),
        ),
        migrations.AlterConstraint(
            model_name='notification',
            name='notification_key_unique',
            constraint=models.UniqueConstraint(fields=('key',), name='notification_key_unique', violation_error_code='notification_key_unique', violation_error_message='This notice has already been sent.'),
        ),
        migrations.AlterConstraint(
            model_name='notificationpreference',
            name='notification_preference_unique',
            constraint=models.UniqueConstraint(fields=('user', 'kind'), name='notification_preference_unique', violation_error_code='notification_preference_unique', violation_error_message='This person already has a setting for this kind of notice.'),
        ),
    ]
