from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BackupRun(models.Model):
    """One backup made, or one restore check of a backup: when, which, and whether it worked.

    Written by `socialwork.backups.services` (the nightly tasks and the commands); the latest of
    each kind is what `/healthz/` shows the operator."""

    class Kind(models.TextChoices):
        BACKUP = "backup", pgettext_lazy("backup run", "Backup")
        RESTORE_CHECK = "restore_check", pgettext_lazy("backup run", "Restore check")

    kind = models.CharField(pgettext_lazy("backup run", "kind"), max_length=20, choices=Kind.choices)
    started_at = models.DateTimeField(pgettext_lazy("backup run", "started at"))
    finished_at = models.DateTimeField(pgettext_lazy("backup run", "finished at"))
    backup_name = models.CharField(pgettext_lazy("backup run", "backup"), max_length=100, blank=True)
    ok = models.BooleanField(pgettext_lazy("backup run", "succeeded"))
    reason = models.TextField(pgettext_lazy("backup run", "reason"), blank=True)
    details = models.JSONField(pgettext_lazy("backup run", "details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("backup run")
        verbose_name_plural = _("backup runs")
        ordering = ["-finished_at", "-pk"]
        indexes = [models.Index(fields=["kind", "-finished_at"], name="backuprun_kind_latest")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.backup_name}"
