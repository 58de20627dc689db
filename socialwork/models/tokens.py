from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

from socialwork.constraints import CheckConstraint

# How many of a token's first characters identify it on pages and in the admin: enough to tell a
# person's tokens apart, far too few to guess the rest (a token is 64 random hexadecimal digits).
TOKEN_PREFIX_LENGTH = 8
# The longest lifetime the security administrator may set: a password lasts no longer either.
MAX_LIFETIME_HOURS = 24 * 90


class ApiToken(AbstractAuthToken):
    """A key a program uses to call the API in a person's name (django-rest-knox's token).

    Only a hash of the token is stored (`digest`, SHA-512) and its first characters, by which
    knox finds it; the token itself is shown once, when it is made. It ends at `expiry`, when its
    owner logs out with it or revokes it, when their password changes and when the account is
    deactivated (socialwork.tokens).
    """

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(
        pgettext_lazy("thing", "name"),
        max_length=100,
        blank=True,
        help_text=_("What the token is for, such as the program that uses it."),
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created", "-id"]

    def __str__(self):
        # Never the digest (knox's own __str__ shows it), nor more of the token than its prefix.
        return f"{self.prefix}…"

    @property
    def prefix(self) -> str:
        return self.token_key[:TOKEN_PREFIX_LENGTH]


class ApiTokenPolicy(models.Model):
    """The installation's rule for API tokens, one row, set by the security administrator."""

    lifetime_hours = models.PositiveIntegerField(
        _("token lifetime (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LIFETIME_HOURS)],
        help_text=_(
            "A new API token works for this many hours. Shortening it also shortens the tokens "
            "already issued."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("API token policy")
        verbose_name_plural = _("API token policy")
        constraints = [
            CheckConstraint(
                condition=models.Q(id=1),
                name="api_token_policy_singleton",
                field=None,
                violation_error_message=_(
                    "There is one API token policy; change it rather than adding another."
                ),
            )
        ]

    def __str__(self):
        return str(_("API token policy"))
