"""The kinds of notification reports send (declared in socialwork.notifications)."""

from django.utils.translation import gettext_lazy as _

from socialwork.notifications import notification_kind

EXPORT_READY = notification_kind("export_ready", label=_("My export is ready to download"))
ARCHIVE_WRITTEN = notification_kind("archive_written", label=_("A district archive was exported (auditors)"))
