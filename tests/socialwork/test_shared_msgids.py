"""Issue 18, point 2: short words shared by several apps without a context. On main (92aa149) 69
msgids of one or two words were used by three or more apps with one translation (Name → 名称 also
for people, From → 起始日期 also for a workflow state, Title → 岗位名称 also for a project...).
Each is now either given a context where it is used or reviewed into socialwork/shared_words.py."""

from collections import defaultdict
from pathlib import Path

import polib

from socialwork.shared_words import SHARED_WORDS

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MAX_WORDS = 2
MIN_APPS = 3


def app_of(path: str) -> str:
    """positions/templates/positions/x.html → positions; templates/partials/x.html → templates/partials."""
    parts = path.split("/")
    if parts[0] == "templates" and len(parts) > 2:
        return "/".join(parts[:2])
    return parts[0]


def shared_without_context(catalogue) -> dict[str, polib.POEntry]:
    shared = {}
    for entry in catalogue:
        if entry.obsolete or entry.msgctxt or len(entry.msgid.split()) > MAX_WORDS:
            continue
        apps = {app_of(path) for path, _line in entry.occurrences} - {"tests"}
        if len(apps) >= MIN_APPS:
            shared[entry.msgid] = entry
    return shared


def explain(entry: polib.POEntry) -> str:
    by_app = defaultdict(list)
    for path, line in entry.occurrences:
        by_app[app_of(path)].append(f"{path}:{line}")
    where = "; ".join(f"{app}: {', '.join(places)}" for app, places in sorted(by_app.items()))
    return f"{entry.msgid!r} → {entry.msgstr!r}, used by {len(by_app)} apps without a context ({where})"


def test_a_short_word_shared_by_three_apps_has_a_context_or_reads_right_everywhere():
    shared = shared_without_context(polib.pofile(str(PO)))
    unreviewed = [explain(entry) for msgid, entry in sorted(shared.items()) if msgid not in SHARED_WORDS]
    assert unreviewed == [], (
        'Give each use a context (pgettext / pgettext_lazy, {% translate "…" context "…" %}) '
        "where the word means different things, or, if it reads right in every place listed, add "
        "it with its translation to socialwork/shared_words.py:\n" + "\n".join(unreviewed)
    )


def test_a_reviewed_word_keeps_the_translation_it_was_reviewed_in():
    catalogue = {entry.msgid: entry for entry in polib.pofile(str(PO)) if not entry.msgctxt}
    changed = [
        f"{msgid!r}: reviewed as {reviewed!r}, the catalogue says {catalogue[msgid].msgstr!r}"
        for msgid, reviewed in SHARED_WORDS.items()
        if msgid in catalogue and catalogue[msgid].msgstr != reviewed
    ]
    assert changed == [], "review the word again in socialwork/shared_words.py:\n" + "\n".join(changed)


def test_the_rule_counts_apps_not_files_and_leaves_words_with_a_context_alone():
    """The rule that found the issue's 69 words on main (92aa149): one or two words, three apps or
    more (a template directory of the project counts as one, the tests as none), no context."""
    entries = [
        polib.POEntry(msgid=msgid, msgstr="x", occurrences=[(f"{app}/x.py", "1") for app in apps])
        for msgid, apps in (
            ("Name", ["casework", "positions", "projects"]),
            ("Title", ["positions", "templates/partials", "training"]),
            ("Year", ["positions", "training"]),  # two apps
            ("Service network", ["positions", "reports", "tests"]),  # tests are not an app
            ("Sort the list by", ["positions", "projects", "training"]),  # four words
        )
    ]
    context = polib.POEntry(msgid="Name", msgctxt="person", msgstr="x", occurrences=entries[0].occurrences)
    assert set(shared_without_context([*entries, context])) == {"Name", "Title"}
