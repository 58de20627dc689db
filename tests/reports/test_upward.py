"""Statistical reports submitted upward: a city's form, its districts' returns filled from their
records, reviewed, submitted, returned, approved (locked), reopened; the city's own return gated
on its districts'; changes to a locked period flagged; who sees and does what through the pages,
the API and the admin; and what a page costs."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from positions.models import Region, ServiceUnit
from reports.demo import FORM_NAME, seed_statistical_returns
from reports.models import StatisticalFlag, StatisticalForm, StatisticalReturn
from reports.upward import selectors, services
from reports.upward.tasks import statistical_flags_check
from socialwork.models import AuditEntry, Notification
from socialwork.roles import Role
from tests.casework.factories import make_case
from tests.factories import make_region, make_unit, make_user
from tests.positions.test_workforce import make_worker

L, U = Region.Level, ServiceUnit.Level
YEAR = 2015
Status = StatisticalReturn.Status


@dataclass
class City:
    city: Region
    yiling: Region
    dianjun: Region
    station: ServiceUnit
    chief: object  # the city's administrator
    yiling_admin: object
    dianjun_admin: object
    form: StatisticalForm


def build_city(city_code=None, codes=(None, None)) -> City:
    """A city with two districts, each with a centre and a station; an administrator of each
    place; and the city's yearly form asking for certified workers and cases."""
    city = make_region("测试市", L.CITY, code=city_code)
    yiling = make_region("甲区", L.DISTRICT, city, code=codes[0])
    dianjun = make_region("乙区", L.DISTRICT, city, code=codes[1])
    town = make_region("甲镇", L.TOWN, yiling)
    make_region("乙镇", L.TOWN, dianjun)
    city_centre = make_unit("市社工服务中心", U.CENTRE, None, city)
    centre = make_unit("甲区社工服务中心", U.CENTRE, None, yiling)
    station = make_unit("甲镇服务站", U.STATION, centre, town)
    other_centre = make_unit("乙区社工服务中心", U.CENTRE, None, dianjun)
    chief = make_user("city", Role.DISTRICT_ADMIN, unit=city_centre, region=city, is_staff=True)
    yiling_admin = make_user("district", Role.DISTRICT_ADMIN, unit=centre, region=yiling, is_staff=True)
    dianjun_admin = make_user(
        "dianjun", Role.DISTRICT_ADMIN, unit=other_centre, region=dianjun, is_staff=True
    )
    for name in ("甲一", "甲二"):
        make_worker(name, unit=centre, certificate_year=2014)
    make_worker("乙一", unit=other_centre, certificate_year=2015)
    make_worker("甲三", unit=centre, certificate_year=2016)  # certified after the period
    form = services.form_define(
        actor=chief, owner=city, name="年报", period=StatisticalForm.Period.YEARLY,
        figure_keys=["certified", "cases_opened", "money_paid"],
    )  # fmt: skip
    return City(city, yiling, dianjun, station, chief, yiling_admin, dianjun_admin, form)


@pytest.fixture
def c(db) -> City:
    return build_city()


def prepared(c: City, admin=None, region=None) -> StatisticalReturn:
    return services.return_prepare(
        actor=admin or c.yiling_admin, form=c.form, region=region or c.yiling, year=YEAR
    )


def approved(c: City, admin, region) -> StatisticalReturn:
    r = prepared(c, admin, region)
    services.return_submit(actor=admin, statistical_return=r)
    return services.return_approve(actor=c.chief, statistical_return=r)


def told(user, kind) -> int:
    return Notification.objects.filter(user=user, kind=kind).count()


# Services ---------------------------------------------------------------------------------------


def test_a_district_return_is_filled_from_its_own_records_of_the_period(c):
    r = prepared(c)
    assert r.status == Status.DRAFT and r.period_end == date(YEAR, 12, 31)
    assert r.figures["certified"] == {"computed": 2, "value": 2, "reason": "", "note": ""}
    assert r.figures["money_paid"]["value"] == "0.00"
    assert prepared(c).pk == r.pk  # opened again, not a second one
    assert list(r.steps.values_list("action", flat=True)) == ["fill"]
    assert AuditEntry.objects.filter(action="statistical_return.fill").exists()


def test_only_a_city_defines_forms_and_only_with_figures_of_the_registry(c):
    with pytest.raises(PermissionDenied):
        services.form_define(
            actor=c.yiling_admin, owner=c.yiling, name="区表", period="yearly", figure_keys=["certified"]
        )
    with pytest.raises(ValidationError) as error:
        services.form_define(actor=c.chief, owner=c.city, name="", period="monthly", figure_keys=["nonsense"])
    assert set(error.value.message_dict) == {"name", "period", "figures"}


def test_a_corrected_figure_keeps_the_records_value_and_needs_a_reason(c):
    r = prepared(c)
    with pytest.raises(ValidationError) as error:
        services.return_figures_save(
            actor=c.yiling_admin,
            statistical_return=r,
            version=r.version,
            entries={"certified": {"value": "3"}},
        )
    assert "certified" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.return_figures_save(
            actor=c.yiling_admin,
            statistical_return=r,
            version=r.version,
            entries={"certified": {"value": "-1"}},
        )
    assert "certified" in error.value.message_dict
    r = services.return_figures_save(
        actor=c.yiling_admin, statistical_return=r, version=r.version,
        entries={"certified": {"value": "3", "reason": "一人证书待录入", "note": "已核"}},
    )  # fmt: skip
    assert r.figures["certified"] == {"computed": 2, "value": 3, "reason": "一人证书待录入", "note": "已核"}
    step = r.steps.get(action="correct")
    assert step.comment == "Certified social workers: the records give 2, reported 3: 一人证书待录入"
    assert step.actor == c.yiling_admin
    r = services.return_fill(actor=c.yiling_admin, statistical_return=r)  # read again: the correction stays
    assert r.figures["certified"]["value"] == 3


def test_an_edit_on_a_stale_version_is_refused(c):
    r = prepared(c)
    services.return_figures_save(actor=c.yiling_admin, statistical_return=r, version=r.version, entries={})
    with pytest.raises(ValidationError) as error:
        services.return_submit(actor=c.yiling_admin, statistical_return=r, version=1)
    assert "version" in error.value.message_dict


def test_submit_return_resubmit_approve_each_on_the_timeline_and_told(c):
    r = prepared(c)
    with pytest.raises(PermissionDenied):
        services.return_submit(actor=c.dianjun_admin, statistical_return=r)  # another district
    with pytest.raises(PermissionDenied):
        services.return_approve(actor=c.chief, statistical_return=r)  # not submitted yet
    r = services.return_submit(actor=c.yiling_admin, statistical_return=r)
    assert r.status == Status.SUBMITTED and told(c.chief, "statistical_return_submitted") == 1
    with pytest.raises(PermissionDenied):
        services.return_approve(
            actor=c.yiling_admin, statistical_return=r
        )  # a district never approves its own
    with pytest.raises(PermissionDenied):
        services.return_figures_save(actor=c.yiling_admin, statistical_return=r, version=None, entries={})
    with pytest.raises(ValidationError) as error:
        services.return_send_back(actor=c.chief, statistical_return=r, comment="  ")
    assert "comment" in error.value.message_dict
    r = services.return_send_back(actor=c.chief, statistical_return=r, comment="持证人数请核对")
    assert r.status == Status.RETURNED and told(c.yiling_admin, "statistical_return_decided") == 1
    assert told(c.dianjun_admin, "statistical_return_decided") == 0
    r = services.return_submit(actor=c.yiling_admin, statistical_return=r)
    r = services.return_approve(actor=c.chief, statistical_return=r, comment="同意")
    assert r.status == Status.APPROVED and r.is_locked and r.approved_at
    assert told(c.yiling_admin, "statistical_return_decided") == 2
    steps = list(r.steps.values_list("action", "actor__username", "comment"))
    assert steps == [
        ("fill", "district", ""), ("submit", "district", ""), ("return", "city", "持证人数请核对"),
        ("submit", "district", ""), ("approve", "city", "同意"),
    ]  # fmt: skip


def test_a_locked_return_changes_only_after_the_city_reopens_it(c):
    r = approved(c, c.yiling_admin, c.yiling)
    for step in (
        lambda: services.return_figures_save(
            actor=c.yiling_admin, statistical_return=r, version=None, entries={}
        ),
        lambda: services.return_fill(actor=c.yiling_admin, statistical_return=r),
        lambda: services.return_submit(actor=c.yiling_admin, statistical_return=r),
        lambda: services.return_reopen(actor=c.yiling_admin, statistical_return=r, reason="改"),
    ):
        with pytest.raises(PermissionDenied):
            step()
    with pytest.raises(ValidationError):
        services.return_reopen(actor=c.chief, statistical_return=r, reason="")
    r = services.return_reopen(actor=c.chief, statistical_return=r, reason="补录证书")
    assert r.status == Status.REOPENED and r.is_editable
    r = services.return_submit(actor=c.yiling_admin, statistical_return=r)
    assert r.status == Status.SUBMITTED


def test_a_change_to_a_locked_periods_records_is_flagged_once_and_told_to_the_city(c):
    r = approved(c, c.yiling_admin, c.yiling)
    assert selectors.differences(statistical_return=r) == []
    assert services.flags_check() == 0
    make_worker("甲四", unit=ServiceUnit.objects.get(name="甲区社工服务中心"), certificate_year=2015)
    make_worker(
        "乙二", unit=ServiceUnit.objects.get(name="乙区社工服务中心"), certificate_year=2015
    )  # not Yiling's
    [difference] = selectors.differences(statistical_return=r)
    assert (difference.key, difference.approved, difference.now) == ("certified", 2, 3)
    assert statistical_flags_check() == 1
    assert statistical_flags_check() == 0  # the same change is told once
    flag = StatisticalFlag.objects.get()
    assert (flag.figure, flag.approved, flag.found, flag.closed_at) == ("certified", "2", "3", None)
    assert (
        told(c.chief, "statistical_return_flagged") == 1
        and told(c.yiling_admin, "statistical_return_flagged") == 0
    )
    assert r.steps.filter(action="flag", actor=None).exists()
    services.return_reopen(actor=c.chief, statistical_return=r, reason="补录证书")
    flag.refresh_from_db()
    assert flag.closed_at is not None


def test_the_check_of_locked_periods_is_in_the_database_beat_schedule(db):
    scheduled = dict(PeriodicTask.objects.values_list("task", "crontab__minute"))
    assert scheduled["reports.upward.tasks.statistical_flags_check"] == "17"  # hourly


def test_a_case_opened_in_a_locked_period_is_flagged(c):
    manager = make_user("manager", Role.STATION_MANAGER, unit=c.station)
    r = approved(c, c.yiling_admin, c.yiling)
    make_case(manager, intake_on=date(YEAR, 6, 1))
    assert [d.key for d in selectors.differences(statistical_return=r)] == ["cases_opened"]


def test_the_citys_own_return_waits_for_every_district_then_sums_their_approved_figures(c):
    own = prepared(c, c.chief, c.city)
    assert own.is_rollup and own.figures["certified"]["value"] == 0
    yiling = approved(c, c.yiling_admin, c.yiling)
    with pytest.raises(ValidationError) as error:
        services.return_submit(actor=c.chief, statistical_return=own)
    assert "乙区" in error.value.messages[0] and "甲区" not in error.value.messages[0]
    with pytest.raises(PermissionDenied):
        services.return_submit(actor=c.yiling_admin, statistical_return=own)  # the city's, not a district's
    dianjun = prepared(c, c.dianjun_admin, c.dianjun)
    services.return_figures_save(
        actor=c.dianjun_admin, statistical_return=dianjun, version=None,
        entries={"certified": {"value": "4", "reason": "含借调人员"}},
    )  # fmt: skip
    services.return_submit(actor=c.dianjun_admin, statistical_return=dianjun)
    services.return_approve(actor=c.chief, statistical_return=dianjun)
    own = services.return_submit(actor=c.chief, statistical_return=own)
    assert own.status == Status.SUBMITTED
    assert own.figures["certified"]["value"] == yiling.figures["certified"]["value"] + 4 == 6
    with pytest.raises(PermissionDenied):
        services.return_approve(actor=c.chief, statistical_return=own)  # no province above: final


def test_a_province_reviews_the_citys_own_return(db):
    province = make_region("测试省", L.PROVINCE)
    city = make_region("测试市", L.CITY, province)
    district = make_region("甲区", L.DISTRICT, city)
    governor = make_user("province", Role.DISTRICT_ADMIN, region=province)
    chief = make_user("city", Role.DISTRICT_ADMIN, region=city)
    admin = make_user("district", Role.DISTRICT_ADMIN, region=district)
    form = services.form_define(
        actor=chief, owner=city, name="年报", period="quarterly", figure_keys=["certified"]
    )
    r = services.return_prepare(actor=admin, form=form, region=district, year=YEAR, quarter=2)
    assert (r.period_start, r.period_end, r.period_label) == (date(YEAR, 4, 1), date(YEAR, 6, 30), "2015 Q2")
    services.return_submit(actor=admin, statistical_return=r)
    services.return_approve(actor=chief, statistical_return=r)
    own = services.return_prepare(actor=chief, form=form, region=city, year=YEAR, quarter=2)
    services.return_submit(actor=chief, statistical_return=own)
    assert told(governor, "statistical_return_submitted") == 1
    assert services.return_approve(actor=governor, statistical_return=own).status == Status.APPROVED


def test_the_demo_city_reports_2015_through_every_step(db):
    c = build_city(city_code="420500", codes=("420506", "420504"))
    c.form.delete()
    assert seed_statistical_returns() == 3
    assert seed_statistical_returns() == 0  # seeded once
    returns = {r.region.code: r for r in StatisticalReturn.objects.filter(form__name=FORM_NAME)}
    assert {code: r.status for code, r in returns.items()} == {
        "420506": Status.APPROVED, "420504": Status.APPROVED, "420500": Status.SUBMITTED,
    }  # fmt: skip
    assert returns["420500"].figures["certified"]["value"] == 3  # 2 in 甲区 and 1 in 乙区


# Who sees what ----------------------------------------------------------------------------------


def test_a_district_sees_its_own_returns_and_the_city_its_districts(c):
    yiling, dianjun = prepared(c), prepared(c, c.dianjun_admin, c.dianjun)
    own = prepared(c, c.chief, c.city)
    assert set(selectors.returns_visible_to(user=c.yiling_admin)) == {yiling}
    assert set(selectors.returns_visible_to(user=c.dianjun_admin)) == {dianjun}
    assert set(selectors.returns_visible_to(user=c.chief)) == {yiling, dianjun, own}
    manager = make_user("manager", Role.STATION_MANAGER, unit=c.station)
    assert not selectors.returns_visible_to(user=manager).exists()
    assert set(selectors.forms_visible_to(user=c.yiling_admin)) == {c.form}


def test_pages_show_each_place_its_own_and_refuse_the_rest(c, as_user):
    yiling, dianjun = prepared(c), prepared(c, c.dianjun_admin, c.dianjun)
    page = as_user(c.yiling_admin).get(reverse("reports:upward_list")).content.decode()
    assert yiling.get_absolute_url() in page and dianjun.get_absolute_url() not in page
    assert as_user(c.yiling_admin).get(dianjun.get_absolute_url()).status_code == 404
    assert (
        as_user(c.yiling_admin).post(reverse("reports:upward_step", args=[dianjun.pk, "submit"])).status_code
        == 404
    )
    assert as_user(c.yiling_admin).get(reverse("reports:upward_board", args=[c.form.pk])).status_code == 403
    manager = make_user("manager", Role.STATION_MANAGER, unit=c.station)
    assert as_user(manager).get(reverse("reports:upward_list")).status_code == 403
    menu = {
        person: {url for _label, url in as_user(person).get("/").context["nav_items"]}
        for person in (c.chief, manager)
    }
    assert (
        reverse("reports:upward_list") in menu[c.chief]
        and reverse("reports:upward_list") not in menu[manager]
    )
    board = as_user(c.chief).get(reverse("reports:upward_board", args=[c.form.pk]) + f"?year={YEAR}")
    assert "甲区" in board.content.decode() and "乙区" in board.content.decode()


def test_the_pages_take_each_step(c, as_user):
    district, city = as_user(c.yiling_admin), as_user(c.chief)
    response = district.post(reverse("reports:upward_start", args=[c.form.pk]), {"year": YEAR})
    r = StatisticalReturn.objects.get(region=c.yiling)
    assert response.url == r.get_absolute_url()
    step = lambda client, name, **data: client.post(reverse("reports:upward_step", args=[r.pk, name]), data)  # noqa: E731
    refused = step(
        district, "save", version=r.version, **{"value-certified": "5", "note-certified": "含外聘"}
    )
    assert refused.status_code == 400 and "say why" in refused.content.decode().lower()
    assert 'value="5"' in refused.content.decode() and 'value="含外聘"' in refused.content.decode()  # kept
    assert (
        step(
            district, "save", version=r.version, **{"value-certified": "5", "reason-certified": "外聘"}
        ).status_code
        == 302
    )
    assert step(district, "submit").status_code == 302
    assert step(city, "return").status_code == 400  # a comment is required
    assert step(city, "return", comment="请说明外聘人员").status_code == 302
    assert step(district, "submit").status_code == 302
    assert step(district, "approve").status_code == 403
    assert step(city, "approve").status_code == 302
    r.refresh_from_db()
    assert r.status == Status.APPROVED and r.figures["certified"]["value"] == 5
    page = district.get(r.get_absolute_url()).content.decode()
    assert "请说明外聘人员" in page and 'name="value-certified"' not in page


def test_the_return_page_shows_the_flag_to_district_and_city(c, as_user):
    r = approved(c, c.yiling_admin, c.yiling)
    make_worker("甲四", unit=ServiceUnit.objects.get(name="甲区社工服务中心"), certificate_year=2015)
    for person in (c.yiling_admin, c.chief):
        page = as_user(person).get(r.get_absolute_url()).content.decode()
        assert 'id="upward-flags"' in page and "approved 2, records now say 3" in page


def test_the_workbook_holds_the_figures_and_the_timeline(c, as_user):
    r = prepared(c)
    services.return_figures_save(
        actor=c.yiling_admin,
        statistical_return=r,
        version=None,
        entries={"certified": {"value": "3", "reason": "补录"}},
    )
    response = as_user(c.yiling_admin).get(reverse("reports:upward_xlsx", args=[r.pk]))
    sheet = load_workbook(__import__("io").BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert ["Certified social workers", 3, 2, "补录", None] in rows
    assert any(row[1] == "Figure corrected" for row in rows)


# API --------------------------------------------------------------------------------------------


def test_the_api_takes_each_step_and_answers_refusals_with_field_errors(c, api):
    district, city = api(c.yiling_admin), api(c.chief)
    response = district.post(
        "/api/v1/statistical-returns/start/", {"form": c.form.pk, "year": YEAR}, format="json"
    )
    assert response.status_code == 201, response.content
    pk, version = response.json()["id"], response.json()["version"]
    url = f"/api/v1/statistical-returns/{pk}/"
    bad = district.post(
        url + "figures/", {"version": version, "figures": {"certified": {"value": "9"}}}, format="json"
    )
    assert bad.status_code == 400 and "certified" in bad.json()
    assert district.post(url + "submit/", {"version": version}, format="json").status_code == 200
    assert district.post(url + "approve/", {}, format="json").status_code == 403
    no_comment = city.post(url + "return/", {}, format="json")
    assert no_comment.status_code == 400 and "comment" in no_comment.json()
    assert city.post(url + "approve/", {"comment": "同意"}, format="json").json()["status"] == "approved"
    assert api(c.dianjun_admin).get(url).status_code == 404
    assert [row["id"] for row in city.get("/api/v1/statistical-returns/").json()["results"]] == [pk]
    assert (
        district.post(
            "/api/v1/statistical-forms/", {"name": "区表", "figures": ["certified"]}, format="json"
        ).status_code
        == 403
    )


# Admin ------------------------------------------------------------------------------------------


def test_the_admin_is_read_only_and_scoped(c, as_user):
    yiling, dianjun = prepared(c), prepared(c, c.dianjun_admin, c.dianjun)
    page = as_user(c.yiling_admin).get(reverse("admin:reports_statisticalreturn_changelist"))
    assert page.status_code == 200
    assert reverse("admin:reports_statisticalreturn_change", args=[yiling.pk]) in page.content.decode()
    assert reverse("admin:reports_statisticalreturn_change", args=[dianjun.pk]) not in page.content.decode()
    assert as_user(c.chief).get(reverse("admin:reports_statisticalreturn_add")).status_code == 403


# What the pages cost ----------------------------------------------------------------------------


def test_the_pages_cost_a_bounded_number_of_queries(c, as_user, django_assert_max_num_queries):
    for admin, region in ((c.yiling_admin, c.yiling), (c.dianjun_admin, c.dianjun)):
        approved(c, admin, region)
    r = prepared(c, c.chief, c.city)
    city = as_user(c.chief)
    with django_assert_max_num_queries(20):
        assert city.get(reverse("reports:upward_list")).status_code == 200
    with django_assert_max_num_queries(20):
        assert (
            city.get(reverse("reports:upward_board", args=[c.form.pk]) + f"?year={YEAR}").status_code == 200
        )
    with django_assert_max_num_queries(25):
        assert city.get(r.get_absolute_url()).status_code == 200
    district_return = StatisticalReturn.objects.get(region=c.yiling)
    with django_assert_max_num_queries(25):  # the figures read again from the records: one query each
        assert city.get(district_return.get_absolute_url()).status_code == 200
