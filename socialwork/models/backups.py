from django.db import models
from django.utils.translation import gettext_lazy as _


class BackupRun(models.Model):
    """One backup made, or one restore check of a backup: when, which, and whether it worked.

    Written by `socialwork.backups.services` (the nightly tasks and the commands); the latest of
    each kind is what `/healthz/` shows the operator."""

    class Kind(models.TextChoices):
        BACKUP = "backup", _("Backup")
        RESTORE_CHECK = "restore_check", _("Restore check")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    backup_name = models.CharField(_("backup"), max_length=100, blank=True)
    ok = models.BooleanField(_("succeeded"))
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("backup run")
        verbose_name_plural = _("backup runs")
        ordering = ["-finished_at", "-pk"]
        indexes = [models.Index(fields=["kind", "-finished_at"], name="backuprun_kind_latest")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.backup_name}"
