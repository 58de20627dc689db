from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialwork.roles import DISTRICT_WIDE_ROLES, Role, role_label


class User(AbstractUser):
    """A person who logs in, with a place in the network that decides what they see."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    region = models.ForeignKey(
        "positions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("The area this person works in."),
    )
    unit = models.ForeignKey(
        "positions.ServiceUnit",
        verbose_name=_("service unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("The unit of the network this person belongs to."),
    )
    organization = models.ForeignKey(
        "projects.SocialOrganization",
        verbose_name=_("social organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("For social organization staff: the organization they work for."),
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    messenger_id = models.CharField(
        _("messenger account"),
        max_length=64,
        blank=True,
        help_text=_(
            "The person's user ID in the enterprise messenger (WeCom or DingTalk); empty: nothing "
            "is sent to them there."
        ),
    )
    language_chosen_at = models.DateTimeField(
        _("language chosen"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the person chose their language with the switch; applied at each login."),
    )
    password_changed_at = models.DateTimeField(
        _("password changed"),
        default=timezone.now,
        help_text=_(
            "When the password was last set; an old password must be changed (socialwork.passwords)."
        ),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.full_name or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def get_full_name(self):
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """The role names of this user's groups (prefetched by the auth backend)."""
        return frozenset(group.name for group in self.groups.all())

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_district_wide(self) -> bool:
        """Whether this person sees all of their region, not just their unit."""
        return self.is_superuser or self.has_role(*DISTRICT_WIDE_ROLES)

    def role_labels(self) -> list[str]:
        """The names of the person's roles as the pages show them: a district administrator placed
        at a city or province is the city's (or province's) administrator (socialwork.roles)."""
        place = self.region.level if self.region_id else None
        return [role_label(name, place) for name in sorted(self.roles) if name in Role.values]
