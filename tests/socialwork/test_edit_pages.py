"""Every page that edits an existing record is registered in tests/edit_pages.py, so that the
browser's round trip (tests/browser/test_round_trip.py) opens it: a new edit page that is not
fails here, by name."""

import inspect
import re

from django.urls import URLPattern, URLResolver, get_resolver

from tests.edit_pages import EDIT_PAGES

# What makes a page an edit page: its URL's name (`thing_update`, `thing_edit`, `thing_change`),
# its path (`.../edit/`), or a view that binds a form to a record it loaded (`instance=`).
EDIT_NAME = re.compile(r"_(update|edit|change)$")
BINDS_A_RECORD = re.compile(r"\binstance=")
NOT_PAGES = ("admin", "api")  # the admin and the API have their own tests of what they keep
# Pages the rule finds that show nothing of a record back, each with the reason.
NOT_ROUND_TRIPS = {
    "password_change": "a password is typed anew, never shown back",
}


def url_patterns(resolver=None, namespace="", route=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        path = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not path.startswith(NOT_PAGES):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from url_patterns(pattern, inner, path)
        elif isinstance(pattern, URLPattern) and pattern.name and not path.startswith(NOT_PAGES):
            yield f"{namespace}{pattern.name}", path, pattern.callback


def view_source(callback) -> str:
    view = getattr(callback, "view_class", None) or inspect.unwrap(callback)
    try:
        return inspect.getsource(view)
    except (OSError, TypeError):
        return ""


def edit_pages() -> set[str]:
    return {
        name
        for name, path, callback in url_patterns()
        if EDIT_NAME.search(name) or path.endswith("edit/") or BINDS_A_RECORD.search(view_source(callback))
    }


def test_the_rule_finds_the_edit_pages_it_must():
    found = edit_pages()
    assert {"positions:position_update", "positions:worker_update", "positions:unit_update"} <= found
    assert "training:hours" in found  # binds the year's requirement; not named an edit page
    assert "positions:position_create" not in found


def test_every_edit_page_is_registered_for_the_round_trip():
    missing = sorted(edit_pages() - set(EDIT_PAGES) - set(NOT_ROUND_TRIPS))
    assert not missing, (
        "register these edit pages in tests/edit_pages.py (a record filled in every field), so that "
        "the browser test saves them unchanged:\n" + "\n".join(missing)
    )


def test_every_registered_page_exists():
    names = {name for name, _path, _callback in url_patterns()}
    assert not set(EDIT_PAGES) - names
