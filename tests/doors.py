"""What each door offers, read as a person meets it: for the workflow tests that check that the
page, the API and the service agree (socialwork.actions)."""

import re

DATA_ACTION = re.compile(r'data-action="([a-z_]+)"')


def page_actions(html: str) -> set[str]:
    """The actions a page offers: every button or form marked data-action."""
    return set(DATA_ACTION.findall(html))
