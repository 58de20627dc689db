"""The kinds of notification training sends (declared in socialwork.notifications)."""

from django.utils.translation import gettext_lazy as _

from socialwork.notifications import notification_kind

PLACE_FREED = notification_kind("training_place_freed", label=_("A training place came free for me"))
