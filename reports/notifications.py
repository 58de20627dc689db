"""The kinds of notification reports send (declared in socialwork.notifications)."""

from django.utils.translation import gettext_lazy as _

from socialwork.notifications import notification_kind

EXPORT_READY = notification_kind("export_ready", label=_("My export is ready to download"))
ARCHIVE_WRITTEN = notification_kind("archive_written", label=_("A district archive was exported (auditors)"))
DOSSIER_READY = notification_kind("dossier_ready", label=_("A dossier I asked for is ready"))
# Statistical returns (reports.upward): the city told of a submission and of a locked period's
# records changing; the district of the city's decision.
RETURN_SUBMITTED = notification_kind(
    "statistical_return_submitted", label=_("A statistical return was submitted to my place")
)
RETURN_DECIDED = notification_kind(
    "statistical_return_decided", label=_("My place's statistical return was returned, approved or reopened")
)
RETURN_FLAGGED = notification_kind(
    "statistical_return_flagged", label=_("The records of a locked statistical return changed")
)
