"""Two districts under one city: nothing of one reaches the other, and the city sees both.

Every door a list goes through is walked as the administrator of each district and as the city's
(a district administrator placed at the city): every page that takes no argument (the lists,
the dashboards, the calendars…), every list endpoint of the API's router, every changelist of
the admin, every export (the spreadsheet download and the background task), the header search
and every picker. Each district's records carry its own tag in their names; a page may show the
district's own names and never a name of the district beside it. Each district's names are
also found somewhere in its own administrator's walk and in the city's, so that the walk is
known to reach every kind of record.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client, TestCase
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from casework import services as casework
from positions.models import Region, ServiceUnit
from positions.services import honours, workforce
from projects import services as projects
from projects.models import Project
from reports import exports
from reports.export_tasks import export_for_download, export_start
from socialwork.api_urls import router
from socialwork.models import ImportRun
from socialwork.pickers import KINDS
from socialwork.roles import Role
from tests.casework.factories import case_in_intervention
from tests.factories import make_region, make_unit, make_user
from tests.positions.test_workforce import make_position, make_worker
from tests.projects.factories import make_organization, make_project
from tests.training.test_api import make_series, make_session
from training.models import Trainer

L, U = Region.Level, ServiceUnit.Level
TAGS = ("DJQ", "YLQ")  # 点军区's, Yiling's: in every name of their records


@dataclass
class Place:
    tag: str
    admin: object = None
    manager: object = None
    names: dict = field(default_factory=dict)  # kind -> a name only this district's record holds


def build_district(city: Region, city_association: ServiceUnit, tag: str, code: str) -> Place:
    """A small district under the city with one record of each kind, all named with its tag."""
    place = Place(tag)
    district = make_region(f"{tag}区", L.DISTRICT, city, code=code)
    town = make_region(f"{tag}镇", L.TOWN, district)
    community = make_region(f"{tag}社区", L.COMMUNITY, town)
    association = make_unit(f"{tag}社工协会", U.ASSOCIATION, None, district)
    centre = make_unit(f"{tag}社工中心", U.CENTRE, association, district)
    station = make_unit(f"{tag}服务站", U.STATION, centre, town)
    room = make_unit(f"{tag}服务室", U.ROOM, station, community)
    place.admin = admin = make_user(
        f"admin_{tag}", Role.DISTRICT_ADMIN, unit=centre, region=district, is_staff=True
    )
    place.manager = make_user(f"manager_{tag}", Role.STATION_MANAGER, unit=station)
    worker_user = make_user(f"worker_{tag}", Role.SOCIAL_WORKER, unit=room, full_name=f"{tag}社工账号")
    supervisor = make_user(f"supervisor_{tag}", Role.SUPERVISOR, unit=centre)
    today = timezone.localdate()
    names = place.names
    names["unit"] = station.name
    names["town"] = town.name
    names["account"] = worker_user.full_name

    position = make_position(room, title=f"{tag}网格岗")
    names["position"] = position.title
    worker = make_worker(f"{tag}张敏", unit=room)
    names["worker"] = worker.name
    workforce.appointment_create(
        actor=admin, worker=worker, position=position, starts_on=today - timedelta(days=30)
    )
    workforce.exam_record(actor=admin, worker=worker, year=2024, level="social_worker", passed=True)
    names["award"] = honours.award_save(
        actor=admin, name=f"{tag}优秀社工奖", level="city", year=2024, worker=worker
    ).name
    names["studio"] = honours.studio_save(actor=admin, name=f"{tag}工作室", leader=worker, unit=station).name

    organization = make_organization(f"{tag}阳光社工", region=district)
    names["organization"] = organization.name
    # A worker employed by the district's organization, with no unit of the network.
    names["organization_worker"] = make_worker(f"{tag}李机构", employer_organization=organization).name
    call = projects.call_save(
        actor=admin, year=today.year, kind="micro", title=f"{tag}公益创投", budget_ceiling=Decimal(50000),
        opens_on=today - timedelta(days=5), closes_on=today + timedelta(days=30),
    )  # fmt: skip
    names["call"] = call.title
    names["project"] = make_project(
        call=call, community=community, created_by=admin, organization=organization, title=f"{tag}关爱项目",
        status=Project.Status.APPROVED, approved="30000",
    ).title  # fmt: skip

    series = make_series(station, title=f"{tag}实务培训")
    names["series"] = series.title
    make_session(series, topic=f"{tag}会谈技巧")
    names["trainer"] = Trainer.objects.create(
        name=f"{tag}王老师", affiliation="三峡大学", affiliation_kind="university", region=district
    ).name

    case = case_in_intervention(worker_user, supervisor)
    names["client"] = case.clients.get().name  # the case team's only: checked for the station manager
    names["group"] = casework.group_create(
        actor=worker_user, supervisor=supervisor, name=f"{tag}亲子小组", kind="support", aims="亲子",
        starts_on=today - timedelta(days=10),
    ).name  # fmt: skip
    names["activity"] = casework.activity_save(
        actor=worker_user, community=community, theme=f"{tag}邻里节", held_on=today - timedelta(days=3), participants=30
    ).theme  # fmt: skip
    names["volunteer"] = casework.volunteer_save(
        actor=worker_user, name=f"{tag}王阿姨", phone="13812345678", registered_on=today
    ).name
    names["advocacy"] = casework.advocacy_save(
        actor=worker_user, title=f"{tag}康复补贴倡导", problem="负担", evidence_note="个案", proposal="提高", department="残联"
    ).title  # fmt: skip
    names["import_run"] = ImportRun.objects.create(
        started_by=admin, register="positions", file_name=f"{tag}岗位.xlsx", status="done", finished_at=timezone.now()
    ).file_name  # fmt: skip
    return place


@dataclass
class City:
    admin: object
    districts: tuple


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        region = make_region("试点市", L.CITY, code="429900")
        association = make_unit("市社工协会", U.ASSOCIATION, None, region)
        centre = make_unit("市社工中心", U.CENTRE, association, region)
        admin_ = make_user("city_admin", Role.DISTRICT_ADMIN, unit=centre, region=region, is_staff=True)
        with TestCase.captureOnCommitCallbacks(execute=True):
            districts = (
                build_district(region, association, TAGS[0], "429901"),
                build_district(region, association, TAGS[1], "429902"),
            )
        yield City(admin_, districts)
        transaction.set_rollback(True)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# The doors


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith(("admin/", "api/")):
                continue
            inner = (
                f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            )
            yield from _walk(pattern.url_patterns, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groupindex:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


# Pages that take no argument but do something on a GET, or are not pages.
NOT_LISTS = {"logout", "set_language", "offline", "webmanifest", "service_worker"}


def page_urls() -> list[str]:
    urls = []
    for name in sorted(set(_walk(get_resolver().url_patterns))):
        if name.split(":")[-1] in NOT_LISTS:
            continue
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            continue
    return urls


def api_list_urls() -> list[str]:
    urls = []
    for prefix, _viewset, basename in router.registry:
        if "(?P<" in prefix:
            continue  # nested under a record (a case's notes): its record's door is checked
        try:
            urls.append(reverse(f"{basename}-list"))
        except NoReverseMatch:
            continue
    return urls


def admin_urls() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


def _text(response) -> str:
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(BytesIO(body), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
    return body.decode("utf-8", errors="replace")


def walk(user) -> dict[str, str]:
    """What each door answers the person: url -> the text shown (the lists, API lists, admin
    changelists, export downloads, search and pickers)."""
    client = signed_in(user)
    seen = {}
    for url in page_urls() + api_list_urls() + admin_urls():
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200:
            seen[url] = _text(response)
    for key, export in exports.REGISTRY.items():
        if not export.allowed(user):
            continue
        url = reverse("reports:export", kwargs={"key": key, "fmt": "xlsx"})
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = _text(response)
    for tag in TAGS:
        seen[f"search {tag}"] = _text(client.get(reverse("search"), {"q": tag}))
        for kind in KINDS:
            response = client.get(reverse("pick", kwargs={"kind": kind}), {"q": tag})
            if response.status_code == 200:
                seen[f"pick {kind} {tag}"] = _text(response)
    return seen


def background_exports(user) -> dict[str, str]:
    """Every export the person may run, built by its background task and downloaded."""
    seen = {}
    for key, export in exports.REGISTRY.items():
        if not export.allowed(user):
            continue
        with TestCase.captureOnCommitCallbacks(execute=True):
            request_id = export_start(user=user, key=key, fmt="csv", query="")
        request = export_for_download(user=user, request_id=request_id)
        assert request is not None, key
        with request.file.open("rb") as stored:
            seen[f"task {key}"] = stored.read().decode("utf-8-sig")
    return seen


def leaks(seen: dict[str, str], names: dict[str, str]) -> list[tuple[str, str]]:
    return [(kind, door) for kind, name in names.items() for door, text in seen.items() if name in text]


def missing(seen: dict[str, str], names: dict[str, str]) -> list[str]:
    everything = "\n".join(seen.values())
    return [kind for kind, name in names.items() if name not in everything]


# Case records and groups reach only the case team (tests/casework/test_matrix.py): the administrators see
# none of them, in either district.
CASE_TEAM_ONLY = {"client", "group"}


@pytest.mark.django_db
def test_a_district_administrator_sees_nothing_of_the_district_beside(city):
    mine, theirs = city.districts
    for me, other in ((mine, theirs), (theirs, mine)):
        seen = walk(me.admin) | background_exports(me.admin)
        found = leaks(seen, other.names)
        assert not found, "\n".join(map(str, found))
        assert missing(seen, me.names) == sorted(CASE_TEAM_ONLY)


@pytest.mark.django_db
def test_a_station_manager_sees_nothing_of_the_district_beside(city):
    mine, theirs = city.districts
    seen = walk(mine.manager)
    assert leaks(seen, theirs.names) == []
    assert {"client", "worker", "activity"} <= set(mine.names) - set(missing(seen, mine.names))


@pytest.mark.django_db
def test_the_city_administrator_sees_both_districts(city):
    seen = walk(city.admin) | background_exports(city.admin)
    for district in city.districts:
        assert missing(seen, district.names) == sorted(CASE_TEAM_ONLY)
