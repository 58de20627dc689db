"""The audit log's time is set by the database and its actor kept as a snapshot.

On PostgreSQL the append-only trigger of 0004 let the actor become empty (when the user was
deleted); now no row changes at all, and a second trigger stamps `at` with the database's time on
insert, whatever time was supplied. The actor's username and name are copied into each row, the
existing rows from the accounts as they are now, and the actor id loses its foreign key so that
deleting an account never touches the log."""

import django.db.models.deletion
import django.db.models.functions.datetime
from django.conf import settings
from django.db import migrations, models


from socialwork.migrations import _audit_triggers as triggers


def snapshot_actors(apps, schema_editor):
    AuditEntry = apps.get_model("socialwork", "AuditEntry")
    User = apps.get_model("socialwork", "User")
    actors = AuditEntry.objects.filter(actor__isnull=False).values("actor_id").distinct()
    for user in User.objects.filter(pk__in=actors).only("username", "full_name"):
        AuditEntry.objects.filter(actor_id=user.pk).update(
            actor_username=user.username, actor_name=user.full_name
        )


def forget_dangling_actors(apps, schema_editor):
    """Backwards: the foreign key comes back, so rows of deleted accounts lose their actor id."""
    AuditEntry = apps.get_model("socialwork", "AuditEntry")
    User = apps.get_model("socialwork", "User")
    AuditEntry.objects.exclude(actor_id__in=User.objects.values("pk")).update(actor=None)


class Migration(migrations.Migration):
    dependencies = [
        ("socialwork", "0005_user_password_changed_at"),
    ]

    operations = [
        migrations.RunPython(triggers.drop_0004, triggers.create_0004),
        migrations.AddField(
            model_name="auditentry",
            name="actor_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="actor's name"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="actor_username",
            field=models.CharField(blank=True, max_length=150, verbose_name="actor's username"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="actor",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(),
                db_index=True,
                editable=False,
                verbose_name="time",
            ),
        ),
        migrations.RunPython(snapshot_actors, forget_dangling_actors),
        migrations.RunPython(triggers.create, triggers.drop),
    ]
