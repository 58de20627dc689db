"""Issue 18, point 2: one English word, two Chinese meanings. Each finding of the issue is
reproduced here on the page (or the admin) in Chinese: the word the user reads where the
catalogue gave a shared msgid the other meaning. The fix is a context (`pgettext`,
`{% translate "…" context "…" %}`), never a change of the shared msgid's translation."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from reports.figures import chapters
from tests.factories import make_user
from tests.positions.test_workforce import make_position, make_worker
from tests.training.test_views import make_series
from training.models import HoursRequirement, Trainer

TODAY = timezone.localdate()


@pytest.fixture
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def header_cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", "", cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)]


def options(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [label.strip() for label in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)]


# The admin


@pytest.fixture
def superuser(network):
    return make_user("root", is_superuser=True, is_staff=True)


def test_the_admins_change_link_reads_xiugai_not_year_on_year_change(as_user, superuser, chinese):
    html = page(as_user(superuser), "/admin/")
    assert "同比变化" not in html
    assert re.search(r'class="changelink"[^>]*>修改</a>', html)


def test_the_exam_lists_year_on_year_change_keeps_its_own_word(as_user, district_admin, chinese):
    assert header_cells(page(as_user(district_admin), reverse("positions:exam_list")))[2] == "同比变化"


def test_the_admin_is_headed_by_the_systems_name(as_user, superuser, chinese):
    html = page(as_user(superuser), "/admin/")
    assert "Django" not in re.sub(r"<(script|link)[^>]*>", "", html)
    assert '<div id="site-name"><a href="/admin/">社会工作管理系统 · 后台管理</a></div>' in html
    assert "<title>站点管理 | 社会工作管理系统 · 后台管理</title>" in html


def test_djangos_sessions_are_huihua_in_the_admin_not_training_sessions(as_user, superuser, chinese):
    html = page(as_user(superuser), "/admin/sessions/session/")
    assert "<title>选择会话查看 | " in html
    assert '&rsaquo; <a href="/admin/sessions/">会话</a>\n&rsaquo; 会话' in html
    assert '<a href="/admin/training/trainingsession/">培训场次</a>' in html  # the training's own


# Title and category on the pages that are not about posts


def test_a_training_series_has_a_name_and_a_training_category_not_a_posts(
    as_user, district_admin, network, chinese
):
    make_series(network)
    html = page(as_user(district_admin), reverse("training:series_list"))
    assert "岗位名称" not in html and "岗位类别" not in html
    assert {"名称", "培训类别"} <= set(header_cells(html))


def test_a_trainer_has_a_name_and_a_professional_title(as_user, district_admin, network, chinese):
    Trainer.objects.create(
        name="王老师", affiliation="三峡大学", affiliation_kind=Trainer.Affiliation.UNIVERSITY, title="副教授"
    )
    html = page(as_user(district_admin), reverse("training:trainer_list"))
    assert "岗位名称" not in html
    assert header_cells(html)[:4] == ["姓名", "所属单位", "类型", "职称"]


def test_the_dashboard_and_annual_reports_tables_use_each_chapters_own_category(
    district_admin, network, chinese
):
    with translation.override("zh-hans"):
        tables = {table.key: table for chapter in chapters(user=district_admin, year=TODAY.year) for table in chapter.tables}  # fmt: skip
        assert str(tables["positions_by_category"].columns[0]) == "岗位类别"
        assert str(tables["training_by_category"].columns[0]) == "培训类别"
        assert str(tables["training_by_category"].columns[1]) == "培训场次"
        assert str(tables["cases_by_category"].columns[0]) == "类别"


# Buttons and columns of a project


# Required hours, required applications, a form's required column


def test_the_hours_page_heads_its_columns_with_hours_required_and_short(
    as_user, district_admin, network, chinese
):
    HoursRequirement.objects.create(year=TODAY.year, hours=20)
    make_worker(unit=network.room_a)
    html = page(as_user(district_admin), reverse("training:hours"))
    assert "必填" not in html
    assert header_cells(html)[:4] == ["社会工作者", "学时", "应修学时", "差额"]


# A person's name


def test_a_persons_name_is_xingming_and_a_things_name_mingcheng(as_user, district_admin, network, chinese):
    make_worker(unit=network.room_a)
    client = as_user(district_admin)
    workers = page(client, reverse("positions:worker_list"))
    assert header_cells(workers)[0] == "姓名"
    assert '<label>姓名 <input type="text" name="name"' in workers
    units = page(client, network.station_a.get_absolute_url())
    assert header_cells(units)[0] == "名称"


# Sort options


def test_sort_options_read_descending_in_chinese_and_english_in_english(
    as_user, district_admin, network, chinese
):
    make_position(network.posts_a[0])
    client = as_user(district_admin)
    zh = options(page(client, reverse("positions:position_list")), "ordering")
    assert "编码（降序）" in zh and not any("descending" in label for label in zh)
    client.cookies["django_language"] = "en"
    district_admin.language = "en"
    district_admin.save(update_fields=["language"])
    en = options(page(client, reverse("positions:position_list")), "ordering")
    assert "Code (descending)" in en
    assert not any(re.search(r"[\u4e00-\u9fff]", label) for label in en), en


def test_a_training_series_sorts_by_its_name_and_category_not_a_posts(
    as_user, district_admin, network, chinese
):
    html = page(as_user(district_admin), reverse("training:series_list"))
    labels = options(html, "ordering")
    assert "名称" in labels and "培训类别（降序）" in labels
    assert not any("岗位" in label for label in labels)


# The case timeline


def test_every_translated_string_is_marked_with_a_name_makemessages_reads():
    """`gettext_lazy as _lazy` hid three transfer events from the catalogue: makemessages only
    reads the names Django gives (and `_`)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    known = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext"}
    known |= {"pgettext_lazy", "npgettext", "npgettext_lazy"}
    hidden = []
    for path in root.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        for alias in re.findall(r"from django\.utils\.translation import .*?\bas (\w+)", path.read_text()):
            if alias not in known:
                hidden.append(f"{path.relative_to(root)}: {alias}")
    assert hidden == []


def test_sort_labels_are_made_in_the_language_they_are_read_in():
    """A filter set's class is made once, at import, in whatever language is active then: its sort
    labels must still follow each reader's language."""
    import django_filters

    from socialwork.filters import SortFilter

    with translation.override("zh-hans"):

        class Made(django_filters.FilterSet):
            ordering = SortFilter(
                fields=(("code", "code"),), labels={"code": translation.gettext_lazy("Code")}
            )

    choices = Made.base_filters["ordering"].extra["choices"]
    with translation.override("en"):
        assert [str(label) for _value, label in choices] == ["Code", "Code (descending)"]
    with translation.override("zh-hans"):
        assert [str(label) for _value, label in choices] == ["编码", "编码（降序）"]


def test_the_studio_list_sorts_in_chinese_by_the_lists_own_words(as_user, district_admin, network, chinese):
    """The studios' "Sort by" offered "Established (descending)": django-filter's own
    OrderingFilter, with the model field's English name."""
    labels = options(page(as_user(district_admin), reverse("positions:studio_list")), "ordering")
    assert "设立日期（降序）" in labels, labels
    assert not any(re.search(r"[A-Za-z]", label) for label in labels), labels


def test_every_lists_sort_by_is_a_sort_filter():
    """A list's "Sort by" joins the translated, labelled SortFilter, never django-filter's own."""
    import django_filters

    from socialwork.filters import SortFilter

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    raw = [
        f"{filterset.__module__}.{filterset.__name__}.{name}"
        for filterset in subclasses(django_filters.FilterSet)
        for name, declared in filterset.declared_filters.items()
        if isinstance(declared, django_filters.OrderingFilter) and not isinstance(declared, SortFilter)
    ]
    assert raw == []


def test_a_status_change_reads_its_states_in_chinese_in_the_admin():
    """The admin listed a project's moves as "青少年人际交往训练营: draft → submitted": the stored
    codes of the states, not their names."""
    from casework.models import Case, CaseTransition
    from projects.models import Project, Transition

    with translation.override("zh-hans"):
        moved = str(Transition(project=Project(title="训练营"), from_status="draft", to_status="submitted"))
        closed = str(CaseTransition(case=Case(number="C-1"), from_status="evaluation", to_status="closed"))
    assert not re.search(r"[a-z]{3,}", moved) and moved.startswith("训练营: "), moved
    assert not re.search(r"[a-z]{3,}", closed) and closed.startswith("C-1: "), closed


def test_a_projects_status_change_heads_its_former_state_as_a_state_not_a_date():
    """The admin's list of a project's status changes headed the column of the former state
    起始日期 ("from" of a contract amendment's period)."""
    from projects.models import ContractAmendment, Transition

    with translation.override("zh-hans"):
        state = str(Transition._meta.get_field("from_status").verbose_name)
        date = str(ContractAmendment._meta.get_field("starts_on").verbose_name)
    assert state != date and "日期" not in state, state
