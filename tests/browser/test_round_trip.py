"""Every edit page, opened in Chromium on a record filled in every field and saved unchanged,
leaves the record as it was, in Chinese and in English (the pages are registered in
tests/edit_pages.py). A value the browser cannot hold (a date as 2014/11/01 in a date input,
1,290,000.00 in a number input), a choice not selected, a list losing one of its values, a text
losing its line breaks: each shows here as a field that changed or an input the browser emptied."""

import pytest

from tests.edit_pages import EDIT_PAGES, retire, snapshot, world_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The form posting to the edit URL, what its inputs hold, and which values the browser threw away
# (an HTML5 input whose value attribute it could not parse is empty).
READ_FORM = """
(url) => {
  const form = [...document.querySelectorAll("form")].find(
    (f) => f.method === "post" && new URL(f.action).pathname === url
  );
  if (!form) return null;
  form.setAttribute("data-round-trip", "");
  const typed = ["date", "month", "time", "datetime-local", "week", "number", "range"];
  const discarded = [...form.querySelectorAll("input")]
    .filter((i) => typed.includes(i.type) && i.getAttribute("value") && i.value === "")
    .map((i) => `${i.name}: ${i.getAttribute("value")} in <input type=${i.type}>`);
  const names = [...form.elements].map((e) => e.name).filter(Boolean);
  return { discarded, names };
}
"""

SUBMIT = """
() => {
  const form = document.querySelector("form[data-round-trip]");
  form.requestSubmit(form.querySelector("[type=submit]"));
}
"""

# The pages of the report (dates lost in Chinese), kept as pictures of the form before it is saved.
SHOWN = {"positions:unit_update", "positions:position_update", "positions:worker_update"}
EMPTY = (None, "", [], {})


def shown_in(names: list[str], field: str) -> bool:
    return any(name == field or name.endswith(f"-{field}") for name in names)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_edit_page_saves_an_unchanged_record_unchanged(
    language, settings, live_server, page, log_in, screenshot, network
):
    settings.LANGUAGE_CODE = language
    world = world_for(network)
    records = {name: (entry, entry.build(world)) for name, entry in EDIT_PAGES.items()}
    retire(world)
    before = {name: snapshot(record, entry) for name, (entry, record) in records.items()}
    problems = []
    for editor in sorted({entry.editor for entry in EDIT_PAGES.values()}):
        log_in(world.people[editor].username)
        for name, (entry, record) in records.items():
            if entry.editor != editor:
                continue
            url = entry.url(record)
            page.goto(live_server.url + (entry.shown_on(record) if entry.shown_on else url))
            form = page.evaluate(READ_FORM, url)
            if form is None:
                problems.append(f"{name}: no form posting to {url} on {page.url}")
                continue
            if name in SHOWN:
                screenshot(f"{language}-{name.replace(':', '-')}-form")
            problems += [f"{name}: the browser emptied {what}" for what in form["discarded"]]
            problems += [
                f"{name}: the record leaves {field} empty; fill it in tests/edit_pages.py"
                for field, value in before[name].items()
                if value in EMPTY and shown_in(form["names"], field)
            ]
            with page.expect_navigation() as navigation:  # as its Save button does, also when folded away
                page.evaluate(SUBMIT)
            errors = page.locator("main .errors, main [role=alert]").all_inner_texts()
            if errors or navigation.value.request.redirected_from is None:  # saved: redirected
                screenshot(f"{language}-{name.replace(':', '-')}")
                problems.append(f"{name}: not saved ({' / '.join(errors) or page.url})")
            after = snapshot(record, entry)
            problems += [
                f"{name}: {field} was {before[name][field]!r}, is {after[field]!r}"
                for field in before[name]
                if after[field] != before[name][field]
            ]
    assert not problems, "\n".join(problems)
