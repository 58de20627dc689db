"""Issue 18, point 2: the admin reads fully in Chinese, the third-party apps we ship included
(django-axes, django-celery-results, django-celery-beat, knox's tokens). Their words come from
`socialwork/third_party_words.py` (our catalogue comes first), their unnamed columns from our
admin classes, axes's name from `socialwork.apps.AxesConfig`."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.utils import translation
from django.utils.encoding import force_str

from tests.factories import make_user

CJK = re.compile(r"[\u4e00-\u9fff]")
OURS = {"socialwork", "positions", "training", "projects", "casework", "reports"}
# Words that read the same in a Chinese interface.
AS_THEY_ARE = {"ID", "API"}


def third_party_models():
    return [model for model in admin.site._registry if model._meta.app_label not in OURS]


def words_of(model, model_admin) -> list[tuple[str, object]]:
    """What the admin shows of a model: its app's and its own names, its fields' names and help,
    its columns, read-only fields and filters."""
    opts = model._meta
    words = [
        ("app", opts.app_config.verbose_name),
        ("verbose_name", opts.verbose_name),
        ("verbose_name_plural", opts.verbose_name_plural),
    ]
    for field in opts.get_fields():
        if field.auto_created and not field.concrete:
            continue
        words.append((f"field {field.name}", field.verbose_name))
        if field.help_text:
            words.append((f"help of {field.name}", field.help_text))
    for name in (*model_admin.list_display, *model_admin.readonly_fields):
        if name != "__str__":
            words.append((f"column {name}", label_for_field(name, model, model_admin)))
    for list_filter in model_admin.list_filter:
        if isinstance(list_filter, type) and getattr(list_filter, "title", None):
            words.append((f"filter {list_filter.__name__}", list_filter.title))
    return words


def english_words(models) -> list[str]:
    english = []
    with translation.override("zh-hans"):
        for model in models:
            for where, text in words_of(model, admin.site._registry[model]):
                shown = force_str(text)
                if shown not in AS_THEY_ARE and not CJK.search(shown):
                    english.append(f"{model._meta.label} {where}: {shown!r}")
    return english


def test_the_third_party_apps_we_ship_read_in_chinese_in_the_admin():
    models = third_party_models()
    labels = {model._meta.app_label for model in models}
    assert {"axes", "django_celery_results", "django_celery_beat", "sessions", "auth"} <= labels
    english = english_words(models)
    assert not english, (
        "give the word a translation in socialwork/third_party_words.py (or, when our catalogue "
        "already has the msgid with another meaning, a context in socialwork/admin.py):\n"
        + "\n".join(english)
    )


def test_every_app_and_model_of_the_admin_has_a_chinese_name():
    names = []
    with translation.override("zh-hans"):
        for model in admin.site._registry:
            opts = model._meta
            for text in (opts.app_config.verbose_name, opts.verbose_name_plural):
                if not CJK.search(force_str(text)):
                    names.append(f"{opts.label}: {force_str(text)!r}")
    assert names == []


# Fields the admin never shows: treebeard's tree, knox's token (its admin shows named columns).
NEVER_SHOWN = {"path", "depth", "numchild", "id", "digest", "token_key", "user", "created", "expiry"}


def test_our_models_fields_and_columns_have_chinese_names_in_the_admin():
    """A field without a verbose name is named after its attribute ("project", "closed by"),
    which no catalogue translates."""
    models = [model for model in admin.site._registry if model._meta.app_label in OURS]
    english = [
        line
        for line in english_words(models)
        if line.split(": ")[0].split()[-1] not in NEVER_SHOWN and " help of " not in line
    ]
    assert not english, (
        "give the field a verbose name (gettext_lazy, or pgettext_lazy for a shared word):\n"
        + ("\n".join(english))
    )


def test_the_api_tokens_columns_are_named(db):
    from socialwork.models import ApiToken

    with translation.override("zh-hans"):
        columns = [force_str(label_for_field(name, ApiToken, admin.site._registry[ApiToken])) for name in admin.site._registry[ApiToken].list_display]  # fmt: skip
    assert all(CJK.search(column) for column in columns), columns


def test_axes_is_named_by_its_app_config():
    assert apps.get_app_config("axes").__class__.__name__ == "AxesConfig"


@pytest.mark.django_db
def test_the_admin_index_shows_no_english_word(settings, network):
    settings.LANGUAGE_CODE = "zh-hans"
    from django.test import Client

    client = Client()
    client.force_login(make_user("管理员", is_superuser=True, is_staff=True))
    html = client.get("/admin/").content.decode()
    body = html[html.index("<body") :]
    text = re.sub(r"<script.*?</script>|<[^>]+>|&\w+;", " ", body, flags=re.S)
    assert [word for word in re.findall(r"[A-Za-z]{2,}", text) if word not in AS_THEY_ARE] == []


# Our catalogue comes before Django's and every app's: a msgid we share with them is read our way
# in their pages too (Django's "session" read 培训场次, auth's "group" 小组, a task's "Worker" 社工).
# The shared ones below were reviewed: they read right in their pages as well.
REVIEWED = {
    "English": "English",
    "This field is required.": "此项为必填项。",
    "Administration": "后台管理",
    "Remove": "移除",
    "Breadcrumbs": "当前位置",
    "Log out": "退出",
    "Logged out": "退出登录",
    "Filter": "筛选",
    "Summary": "摘要",
    "Your password was changed.": "您的密码已修改。",
    "Result": "结果",
    "Home": "首页",
    "All": "全部",
    "Yes": "是",
    "No": "否",
    "Submit": "提交",
    "date": "日期",
    "month": "月份",
    "year": "年度",
    "This month": "本月",
}
SHIPPED = ("django/conf", "django/contrib/admin", "django/contrib/auth", "django/contrib/sessions",
           "django/contrib/contenttypes", "django/contrib/messages", "django_celery_beat",
           "django_celery_results", "axes", "knox", "django_filters", "rest_framework")  # fmt: skip


def test_our_catalogue_gives_no_word_of_django_or_the_apps_we_ship_another_meaning():
    from pathlib import Path

    import django
    import polib

    site_packages = Path(django.__file__).resolve().parents[1]
    root = Path(__file__).resolve().parents[2]
    ours = {
        entry.msgid: entry
        for entry in polib.pofile(str(root / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
        if not entry.msgctxt and not entry.obsolete
    }
    shared = []
    for package in SHIPPED:
        catalogues = sorted((site_packages / package / "locale").glob("*/LC_MESSAGES/django.po"))
        chinese = [path for path in catalogues if path.parts[-3] == "zh_Hans"]
        # Their Chinese when they have some (a msgid we translate otherwise), else their msgids.
        for path in chinese or catalogues[:1]:
            for theirs in polib.pofile(str(path)):
                entry = ours.get(theirs.msgid)
                if theirs.msgctxt or entry is None or REVIEWED.get(entry.msgid) == entry.msgstr:
                    continue
                if any(file == "socialwork/third_party_words.py" for file, _line in entry.occurrences):
                    continue  # given by us on purpose, for that app
                if chinese and theirs.msgstr == entry.msgstr:
                    continue
                shared.append(f"{package}: {entry.msgid!r} reads {entry.msgstr!r} (ours, at {entry.occurrences[0][0]})")  # fmt: skip
    assert not shared, (
        "give our uses of these msgids a context (pgettext), or review them into REVIEWED:\n"
        + ("\n".join(sorted(set(shared))))
    )
