"""A phone in the browser journeys: a small touch screen in Chinese, and logging in on it through
the login page, as a social worker in the field does."""

from contextlib import contextmanager

from tests.browser.second_factor import enter_second_factor, with_device
from tests.browser.steps import paced


@contextmanager
def phone_page(browser, **options):
    """A page on a phone-sized touch screen (390×844) in zh-CN, closed afterwards; `options` go to
    the browser context (e.g. service_workers="allow")."""
    phone = {
        "locale": "zh-CN", "viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True,
        "has_touch": True,
    }  # fmt: skip
    context = browser.new_context(**{**phone, **options})
    page = paced(context.new_page())
    try:
        yield page
    finally:
        context.close()


def log_in_on(page, base_url: str, username: str, password: str) -> None:
    """Log `username` in on `page` through the login page (whoever was logged in there before is
    logged out first), with the code of their authenticator app where they use a second factor."""
    from socialwork.accounts.twofactor import totp_device_of
    from socialwork.models import User

    with_device(username)
    # The page before may still be fetching in the background (the field app's precache); its answer
    # would set the old session's CSRF cookie after the login page's, and the login be refused. Leaving
    # it for a blank page first ends those fetches.
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    user = User.objects.filter(username=username).first()
    if user is not None and totp_device_of(user) is not None:
        enter_second_factor(page, username)
    page.wait_for_url(f"{base_url}/")
