"""The demo legacy workbook's sheets of case records (casework.demo_imports): its good rows import
and each wrong row is refused with the reason its docstring gives."""

import pytest

from casework import demo_imports
from casework.models import Case, Client
from positions.models import Region, ServiceUnit
from socialwork.imports import reading
from socialwork.imports import services as importing
from socialwork.imports.cells import ROW
from socialwork.roles import Role
from tests.casework.factories import make_client
from tests.factories import make_region, make_unit, make_user

L, U = Region.Level, ServiceUnit.Level


@pytest.fixture
def sandouping(db):
    """The demo's 三斗坪镇 station with the communities the sheets name, and its people."""
    district = make_region("夷陵区", L.DISTRICT, code="420506")
    town = make_region("三斗坪镇", L.TOWN, district, code="420506104")
    street = make_region("小溪塔街道", L.STREET, district, code="420506001")
    make_region("兴安社区", L.COMMUNITY, street, code="420506001001")
    community = make_region("三斗坪社区", L.COMMUNITY, town, code="420506104001")
    for index, name in enumerate(
        ["新店村", "黄河村", "金垭村", "山庄村", "梅溪村", "和岩村", "寿湖村", "石湾村"], 2
    ):
        make_region(name, L.VILLAGE, town, code=f"420506104{index:03d}")
    centre = make_unit("夷陵区社会工作服务中心", U.CENTRE, None, district, code="CT-01")
    station = make_unit("三斗坪镇社会工作服务站", U.STATION, centre, town, code="ST-420506104")
    room = make_unit("三斗坪社区社会工作服务室", U.ROOM, station, community, code="RM-420506104001")
    manager = make_user("station", Role.STATION_MANAGER, unit=station, full_name="李强（三斗坪镇站长）")
    make_user("worker", Role.SOCIAL_WORKER, unit=room, full_name="胡群泽（社工）")
    make_user("supervisor", Role.SUPERVISOR, unit=centre, full_name="陈敏（督导）")
    make_client(manager, name="叶先生", id_number=demo_imports.YE, community=community)
    return manager


def rows_of(sheet: list[list], kind: str) -> list[dict]:
    return reading.rows_from_records(iter(sheet), reading.get(kind).columns)


def test_the_legacy_sheets_import_and_explain_every_wrong_row(sandouping):
    sheets = demo_imports.legacy_rows()
    manager = sandouping
    clients = rows_of(sheets["服务对象"], "clients")
    preview = importing.import_preview(actor=manager, kind="clients", rows=clients)
    assert sorted(p.row for p in preview.problems) == [5, 6, 7, 8, 9, 10, 11, 13]
    assert [d.row for d in preview.duplicates] == [12]
    good = [row for row in clients if row[ROW] in (2, 3, 4, 12)]
    importing.import_commit(actor=manager, kind="clients", rows=good, on_duplicate="skip")
    assert Client.objects.count() == 4  # 叶先生 and the three good rows

    cases = rows_of(sheets["个案"], "cases")
    preview = importing.import_preview(actor=manager, kind="cases", rows=cases)
    assert sorted(p.row for p in preview.problems) == [6, 7, 8, 9]
    good = [row for row in cases if row[ROW] in (2, 3, 4, 5)]
    importing.import_commit(actor=manager, kind="cases", rows=good)

    closed = rows_of(sheets["历年结案"], "closed_cases")
    preview = importing.import_preview(actor=manager, kind="closed_cases", rows=closed)
    assert sorted(p.row for p in preview.problems) == [5, 6]
    importing.import_commit(
        actor=manager, kind="closed_cases", rows=[r for r in closed if r[ROW] in (2, 3, 4)]
    )
    assert Case.objects.filter(status=Case.Status.CLOSED).count() == 3
    assert Case.objects.exclude(status=Case.Status.CLOSED).count() == 4
