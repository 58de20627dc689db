from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from socialwork.demo import DEMO_OTP_SECRETS
from socialwork.models import User


class Command(BaseCommand):
    help = (
        "Print a demo account's current second-factor code (demo mode only): what its authenticator "
        "app would show. The demo secrets are in the README."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", choices=sorted(DEMO_OTP_SECRETS))

    def handle(self, *args, username, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo mode is off: the demo accounts and their devices exist only in demo mode."
            )
        user = User.objects.filter(username=username).first()
        device = user and user.totpdevice_set.filter(confirmed=True).first()
        if device is None or device.key.upper() != _hex(DEMO_OTP_SECRETS[username]):
            raise CommandError(f"{username} has no demo device: run `make seed` first.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        seconds = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"(valid for {seconds} more seconds; each code logs in once)")


def _hex(secret: str) -> str:
    from base64 import b32decode

    return b32decode(secret).hex().upper()
