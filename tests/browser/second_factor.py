"""The second factor in the browser journeys: a person's authenticator app, and its code typed on
the page after the password, as a person does."""


def enter_second_factor(page, username: str) -> None:
    """On the second factor's page, type the code the person's authenticator app shows now
    (computed from their device's secret, as the app does) and submit it."""
    from socialwork.models import User
    from tests.factories import otp_code

    device = User.objects.get(username=username).totpdevice_set.get(confirmed=True)
    # The code's input is enough to type in: waiting for the page's `load` as well timed out now and
    # then on a busy machine once the field app's script and manifest came on every page.
    page.wait_for_url("**/accounts/two-factor/verify/**", wait_until="commit")
    page.locator("#id_code").wait_for()
    page.fill("#id_code", otp_code(device))
    page.click("main button[type=submit]")


def with_device(username: str) -> None:
    """A person who must use a second factor has their authenticator app, as each demo account has
    one (socialwork.demo): the demo's secret for a demo username, a test secret otherwise."""
    from socialwork.accounts.twofactor import second_factor_required, totp_device_of
    from socialwork.demo import DEMO_OTP_SECRETS
    from socialwork.models import User
    from tests.factories import TEST_OTP_SECRET, make_device

    user = User.objects.filter(username=username).first()
    if user is not None and second_factor_required(user) and totp_device_of(user) is None:
        make_device(user, DEMO_OTP_SECRETS.get(username, TEST_OTP_SECRET))
