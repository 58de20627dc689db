"""Password policy of MLPS 2.0 level 3: complex passwords, changed at least every few months.

Complexity is a validator (settings.AUTH_PASSWORD_VALIDATORS); expiry is the user's
`password_changed_at`, set whenever a password is set, and PasswordExpiryMiddleware, which sends
a person whose password is older than settings.PASSWORD_MAX_AGE_DAYS to the change page.
"""

import string
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CLASSES = (
    ("lower", lambda c: c.islower()),
    ("upper", lambda c: c.isupper()),
    ("digit", lambda c: c.isdigit()),
    ("symbol", lambda c: c in string.punctuation or c == " " or not c.isalnum()),
)


class ComplexityValidator:
    """At least `min_length` characters, from at least `min_classes` of lower case, upper case,
    digits and symbols."""

    def __init__(self, min_length: int = 10, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    def classes(self, password: str) -> int:
        return sum(1 for _name, test in CLASSES if any(test(c) for c in password))

    def validate(self, password, user=None):
        if len(password) < self.min_length or self.classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_not_complex")

    def get_help_text(self):
        return ngettext(
            "Your password must have at least %(min_length)d character and mix at least %(classes)d of: "
            "lower case letters, upper case letters, digits and symbols.",
            "Your password must have at least %(min_length)d characters and mix at least %(classes)d of: "
            "lower case letters, upper case letters, digits and symbols.",
            self.min_length,
        ) % {"min_length": self.min_length, "classes": self.min_classes}


# A password set by someone else (an account created or a password reset by the system
# administrator) is marked changed at this moment, long past: it has expired, and its holder
# chooses their own at the next login (socialwork.accounts.services).
PASSWORD_RESET_AT = datetime(2000, 1, 1, tzinfo=UTC)


def password_expired(user) -> bool:
    """Whether this person must change their password before going on."""
    if not user.is_authenticated or not user.has_usable_password():
        return False
    changed = user.password_changed_at
    if changed is None:
        return True
    return timezone.now() - changed > timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


def password_was_reset(user) -> bool:
    """Whether the password was set by an administrator and not yet changed by its holder."""
    return user.is_authenticated and user.password_changed_at == PASSWORD_RESET_AT


def expired_message(user=None) -> str:
    if user is not None and password_was_reset(user):
        return _("Your password was set by the system administrator. Choose your own to go on.")
    return _("Your password is more than %(days)d days old. Choose a new one to go on.") % {
        "days": settings.PASSWORD_MAX_AGE_DAYS
    }
