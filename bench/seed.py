"""Seed a large region for the benchmark with PostgreSQL's COPY.

The demo city (`seed_demo`: 宜昌市 with Yiling, 12 towns and streets, about 200 communities and
villages, 16 stations, 179 rooms, and the smaller 点军区; the demo accounts, the city's
administrator `city` among them) is the network; `add_districts` builds more districts under the
city (`bench/run.py --districts N`), each with its centre, and a station, rooms and posts in its
towns; `add_cities` more cities under the province (`bench/run.py --cities N`), each with such
districts, and the province's administrator. On that network, across all its districts, this
module adds, at `scale` times the issue's volumes: social workers, positions (most of them
filled), projects, training enrolments, and one social worker account per service room, each with
its share of the cases; each case has one client and five service notes. The caseloads the
casework services keep as they write are then built from those rows in one statement.

Rows are generated in Python and streamed to COPY in chunks (`copy_rows`). Primary keys are
given explicitly, so later tables can point at earlier ones, and each table's identity sequence
is moved past them afterwards. The cases, clients, their links and notes are loaded as
pg_restore loads a dump (`built_after_load`): their secondary indexes, unique constraints and
foreign keys are dropped first and made again once the rows are in, each checked as it is made, so
nothing is skipped. Every value respects the models' constraints: case numbers are unique per numbering station and
year, certificate and position codes are unique, a worker enrols once per session. Clients' ID
numbers, phones and addresses are encrypted fields: they are left NULL (as for a client who gave
none), which keeps the seed fast and makes no difference to the pages measured, which show none
of them in lists.
"""

import io
import json
import random
import time
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models
from django.utils import timezone

from casework.models import Case, CaseClient, Client, ServiceNote, VulnerabilityCategory
from casework.services.caseload import caseload_rebuild
from casework.services.tallies import tallies_rebuild
from positions.models import HostInstitution, Position, Region, ServiceUnit, SocialWorker, tree_insert
from positions.models.workforce import Appointment
from projects.models import Call, Project, SocialOrganization
from socialwork.crypto.fields import DerivedField, EncryptedMixin
from socialwork.models import User
from socialwork.roles import Role
from training.models import Enrolment, TrainingSession

# The hardening issue's volumes, at scale 1: a district of a million cases.
VOLUMES = {
    "cases": 1_000_000,
    "notes": 5_000_000,
    "workers": 100_000,
    "positions": 20_000,
    "projects": 10_000,
    "enrolments": 50_000,
}
# The province issue's (24), at scale 10: ten times the cases, projects and enrolments, but a
# workforce only half as large again (a province does not employ ten districts' social workers).
PROVINCE_SCALE = 10
PROVINCE = {
    "cases": 10_000_000,
    "notes": 50_000_000,
    "workers": 150_000,
    "positions": 30_000,
    "projects": 100_000,
    "enrolments": 500_000,
}
NOTES_PER_CASE = 5
CHUNK = 50_000
BENCH_PASSWORD = "bench-2026"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国丹峰宇浩凯婷雪琳晨阳"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def volumes(scale: float) -> dict[str, int]:
    """Up to scale 1, that share of the district's volumes; from 1 to 10, each volume moves in a
    straight line from the district's to the province's (and on past it above 10)."""
    if scale <= 1:
        counts = {name: max(1, round(count * scale)) for name, count in VOLUMES.items()}
    else:
        step = (scale - 1) / (PROVINCE_SCALE - 1)
        counts = {name: round(count + (PROVINCE[name] - count) * step) for name, count in VOLUMES.items()}
    counts["notes"] = counts["cases"] * NOTES_PER_CASE
    return counts


def counts() -> dict[str, int]:
    """The volumes a seeded database holds, counted (for a run that only measures)."""
    models_ = {"cases": Case, "notes": ServiceNote, "workers": SocialWorker, "positions": Position,
               "projects": Project, "enrolments": Enrolment}  # fmt: skip
    found = {name: model.objects.count() for name, model in models_.items()}
    return {**_places(), **found}


def _places() -> dict[str, int]:
    """The network the volumes spread over: the province's cities, the demo city's districts."""
    province = Region.objects.get(code="420000")
    cities = Region.objects.filter(path__startswith=province.path, depth=province.depth + 1).count()
    return {"cities under the province": cities, "districts under the city": _districts_under_city()}


def _districts_under_city() -> int:
    city = Region.objects.get(code="420500")
    return Region.objects.filter(path__startswith=city.path, depth=city.depth + 1).count()


def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


class Copier:
    """COPY rows into a model's table: `given` names the columns each row supplies (the primary key
    first); every other column gets the field's default, computed once."""

    def __init__(self, model: type[models.Model], given: list[str]):
        self.model = model
        now = timezone.now()
        fields = list(model._meta.concrete_fields)
        by_attname = {field.attname: field for field in fields}
        missing = [name for name in given if name not in by_attname]
        if missing:
            raise ValueError(f"{model.__name__} has no columns {missing}")
        self.columns = list(given)
        # Encrypted columns (socialwork/crypto) are encrypted here, and their digests and shown
        # tails computed from them, as a save would.
        self.encrypted = [
            (i, by_attname[name])
            for i, name in enumerate(given)
            if isinstance(by_attname[name], EncryptedMixin)
        ]
        self.derived = [
            (field, given.index(field.source))
            for field in fields
            if isinstance(field, DerivedField) and field.source in given
        ]
        self.columns += [field.attname for field, _source in self.derived]
        constants = []
        for field in fields:
            if field.attname in given or any(field is derived for derived, _source in self.derived):
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default():
                value = field.get_db_prep_save(field.get_default(), connection)
            elif field.null:
                value = None
            elif field.empty_strings_allowed and field.get_internal_type() in (
                "CharField",
                "TextField",
                "FileField",
                "SlugField",
            ):
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{field.name} needs a value")
            self.columns.append(field.column)
            constants.append(_text(value))
        self.suffix = ("\t" + "\t".join(constants)) if constants else ""
        self.columns = [by_attname[name].column if name in by_attname else name for name in self.columns]

    def protect(self, row) -> list:
        """The row with its encrypted values encrypted, then its digests and tails."""
        plain, row = row, list(row)
        for i, field in self.encrypted:
            row[i] = field.get_db_prep_save(row[i], connection)
        return row + [field.compute(plain[source]) for field, source in self.derived]

    def copy(self, rows) -> int:
        table = connection.ops.quote_name(self.model._meta.db_table)
        sql = f"COPY {table} ({', '.join(connection.ops.quote_name(c) for c in self.columns)}) FROM STDIN"
        count = 0
        buffer = io.StringIO()
        with connection.cursor() as cursor:
            for row in rows:
                if self.encrypted or self.derived:
                    row = self.protect(row)
                buffer.write("\t".join(map(_text, row)) + self.suffix + "\n")
                count += 1
                if count % CHUNK == 0:
                    buffer.seek(0)
                    cursor.copy_expert(sql, buffer)
                    buffer = io.StringIO()
            if buffer.tell():
                buffer.seek(0)
                cursor.copy_expert(sql, buffer)
            pk = self.model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE((SELECT MAX({pk}) FROM {table}), 1))",
                [self.model._meta.db_table, pk],
            )
        return count


@contextmanager
def built_after_load(*tables: type[models.Model], log=print):
    """Load `tables` first and build their indexes after, as pg_restore does: the secondary
    indexes, unique constraints and foreign keys are dropped, then made again from their own
    definitions (pg_get_indexdef, pg_get_constraintdef), each unique constraint and foreign key
    checked over the whole table as it is made. Kept on: the primary keys, which the loaded rows
    extend at their right end. Maintained row by row, the indexes of ten million cases and fifty
    million notes cost most of the province's seed: each row's entry went to a page that was no
    longer in memory. Each index is built by one sort, with PostgreSQL's parallel workers."""
    names = [model._meta.db_table for model in tables]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                WHERE t.relname = ANY(%s) AND NOT i.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
            [names],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)
                 FROM pg_constraint
                WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('u', 'f')
                ORDER BY contype DESC""",  # unique constraints before the foreign keys
            [names],
        )
        constraints = cursor.fetchall()
        for table, name, _kind, _definition in reversed(constraints):
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    log(f"loading {', '.join(names)} without {len(indexes)} indexes and {len(constraints)} constraints")
    try:
        yield
    finally:
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("SET max_parallel_maintenance_workers = 2")
            for _name, definition in indexes:
                cursor.execute(definition)
            for table, name, _kind, definition in constraints:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute("RESET max_parallel_maintenance_workers")
        log(
            f"built {len(indexes)} indexes and {len(constraints)} constraints in {time.monotonic() - started:.1f} s"
        )


def copy_rows(model, given: list[str], rows) -> int:
    return Copier(model, given).copy(rows)


def _next_id(model) -> int:
    return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _id_number(seq: int, born: date, gender_male: bool) -> str:
    order = (seq % 500) * 2 + (1 if gender_male else 0)
    body = f"42{seq // 500 % 10000:04d}{born:%Y%m%d}{order:03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _values(field_owner, name: str) -> list:
    return [value for value, _label in field_owner._meta.get_field(name).choices if value != ""]


# The demo city's other districts and county-level cities (division codes of 宜昌市), in the order
# `add_districts` builds them; past these, made-up codes.
CITY_DISTRICTS = [
    ("西陵区", "420502", Region.Level.DISTRICT), ("伍家岗区", "420503", Region.Level.DISTRICT),
    ("猇亭区", "420505", Region.Level.DISTRICT), ("宜都市", "420581", Region.Level.COUNTY_CITY),
    ("当阳市", "420582", Region.Level.COUNTY_CITY), ("枝江市", "420583", Region.Level.COUNTY_CITY),
    ("远安县", "420525", Region.Level.DISTRICT), ("兴山县", "420526", Region.Level.DISTRICT),
    ("秭归县", "420527", Region.Level.DISTRICT),
]  # fmt: skip
TOWNS_PER_DISTRICT, COMMUNITIES_PER_TOWN = 8, 12


def add_districts(total: int, *, log=print) -> int:
    """Districts under the demo city until it has `total` (the demo has two): see _build_district.
    Returns how many were built."""
    city = Region.objects.get(code="420500")
    wanted = max(0, total - _districts_under_city())
    made = 0
    codes = iter(
        CITY_DISTRICTS + [(f"基准区{n:02d}", f"4205{n:02d}", Region.Level.DISTRICT) for n in range(30, 100)]
    )
    while made < wanted:
        name, code, level = next(codes)
        if Region.objects.filter(code=code).exists():
            continue
        _build_district(city, name, code, level)
        made += 1
    if made:
        log(f"built {made} more districts under {city.name}")
    return made


# The province's other cities (division codes of 湖北省), in the order `add_cities` builds them;
# past these, made-up codes.
PROVINCE_CITIES = [
    ("武汉市", "420100"), ("黄石市", "420200"), ("十堰市", "420300"), ("襄阳市", "420600"),
    ("鄂州市", "420700"), ("荆门市", "420800"), ("孝感市", "420900"), ("荆州市", "421000"),
    ("黄冈市", "421100"), ("咸宁市", "421200"), ("随州市", "421300"),
]  # fmt: skip
PROVINCE_ACCOUNT = "bench-province"


def add_cities(total: int, *, districts: int, log=print) -> int:
    """Cities under the demo's province (湖北省) until it has `total` (the demo has one, 宜昌市),
    each with a city centre and `districts` districts (see _build_district); and, once the
    province has more than one city, its administrator `bench-province` (a district
    administrator placed at the province, as `city` is at the city). Returns how many cities were
    built."""
    province = Region.objects.get(code="420000")
    wanted = max(0, total - _places()["cities under the province"])
    made = 0
    codes = iter(PROVINCE_CITIES + [(f"基准市{n:02d}", f"42{n:02d}00") for n in range(30, 100)])
    while made < wanted:
        name, code = next(codes)
        if Region.objects.filter(code=code).exists():
            continue
        city = tree_insert(
            Region(name=name, code=code, level=Region.Level.CITY), Region.objects.get(pk=province.pk)
        )
        tree_insert(
            ServiceUnit(
                name=f"{name}社会工作服务中心", code=f"CT-{code}", level=ServiceUnit.Level.CENTRE, region=city
            ),
            None,
        )
        for d in range(1, districts + 1):
            _build_district(city, f"{name}第{d}区", f"{code[:4]}{d:02d}", Region.Level.DISTRICT)
        made += 1
    if made:
        log(f"built {made} more cities under {province.name}, {districts} districts each")
    if total > 1 and not User.objects.filter(username=PROVINCE_ACCOUNT).exists():
        unit = tree_insert(
            ServiceUnit(
                name=f"{province.name}社会工作服务中心", code="CT-420000", level=ServiceUnit.Level.CENTRE,
                region=province,
            ),
            None,
        )  # fmt: skip
        user = User(
            username=PROVINCE_ACCOUNT, full_name="省民政厅（基准）", unit=unit, region=province, is_staff=True
        )
        user.set_password(BENCH_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=Role.DISTRICT_ADMIN))
    return made


def _build_district(city: Region, name: str, code: str, level: str) -> Region:
    """A district under `city`, with a social workers' association and its service centre,
    TOWNS_PER_DISTRICT towns with a station, and COMMUNITIES_PER_TOWN communities with a room and
    a post."""
    L, U = Region.Level, ServiceUnit.Level
    district = tree_insert(Region(name=name, code=code, level=level), Region.objects.get(pk=city.pk))
    association = tree_insert(
        ServiceUnit(name=f"{name}社会工作者协会", code=f"AS-{code}", level=U.ASSOCIATION, region=district),
        None,
    )
    centre = tree_insert(
        ServiceUnit(name=f"{name}社会工作服务中心", code=f"CT-{code}", level=U.CENTRE, region=district),
        association,
    )
    for t in range(1, TOWNS_PER_DISTRICT + 1):
        town = tree_insert(
            Region(name=f"{name}第{t}镇", code=f"{code}{100 + t:03d}", level=L.TOWN),
            Region.objects.get(pk=district.pk),
        )
        station = tree_insert(
            ServiceUnit(
                name=f"{town.name}社会工作服务站", code=f"ST-{town.code}", level=U.STATION, region=town
            ),
            ServiceUnit.objects.get(pk=centre.pk),
        )
        for c in range(1, COMMUNITIES_PER_TOWN + 1):
            community = tree_insert(
                Region(
                    name=f"{town.name}第{c}村",
                    code=f"{town.code}{c:03d}",
                    level=L.COMMUNITY if c == 1 else L.VILLAGE,
                ),
                Region.objects.get(pk=town.pk),
            )
            room = tree_insert(
                ServiceUnit(
                    name=f"{community.name}社会工作服务室", code=f"RM-{community.code}", level=U.ROOM,
                    region=community,
                ),
                ServiceUnit.objects.get(pk=station.pk),
            )  # fmt: skip
            tree_insert(
                ServiceUnit(
                    name=f"{community.name}综合服务岗", code=f"PT-{community.code}-01", level=U.POST,
                    region=community,
                ),
                room,
            )  # fmt: skip
    return district


def seed(scale: float, *, log=print) -> dict:
    """Add the benchmark's volumes to the demo district; returns the counts and the seconds taken."""
    rng = random.Random(2026)
    counts = volumes(scale)
    timings = {}
    today = timezone.localdate()
    stations = list(ServiceUnit.objects.filter(level=ServiceUnit.Level.STATION).select_related("region"))
    rooms = list(ServiceUnit.objects.filter(level=ServiceUnit.Level.ROOM).select_related("region"))
    posts = list(ServiceUnit.objects.filter(level=ServiceUnit.Level.POST).values_list("pk", flat=True))
    communities = list(Region.objects.filter(level__in=Region.COMMUNITY_LEVELS).values_list("pk", "path"))
    station_of_room = {}
    for room in rooms:
        station_of_room[room.pk] = next(s for s in stations if room.path.startswith(s.path))

    # Accounts: one social worker per service room.
    started = time.monotonic()
    password = make_password(BENCH_PASSWORD)
    first = _next_id(User)
    users = [(first + i, room) for i, room in enumerate(rooms)]
    copy_rows(
        User,
        ["id", "username", "full_name", "password", "unit_id", "region_id", "is_active", "date_joined"],
        (
            (
                pk,
                f"bench-worker-{i + 1:04d}",
                _name(rng),
                password,
                room.pk,
                room.region_id,
                True,
                timezone.now(),
            )
            for i, (pk, room) in enumerate(users)
        ),
    )
    group = Group.objects.get(name=Role.SOCIAL_WORKER)
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=pk, group_id=group.pk) for pk, _ in users
    )
    timings["accounts"] = time.monotonic() - started

    # Social workers, positions and appointments.
    started = time.monotonic()
    first_worker = _next_id(SocialWorker)
    employers = [room.pk for room in rooms] + [s.pk for s in stations] + posts[:2000]
    levels = _values(SocialWorker, "certificate_level")
    educations = _values(SocialWorker, "education")

    def workers():
        for i in range(counts["workers"]):
            male = rng.random() < 0.3
            born = _day(rng, date(1965, 1, 1), date(2002, 12, 31))
            level = rng.choice(levels)
            certified = level != "none"
            yield (
                first_worker + i, _name(rng), "male" if male else "female", born, _id_number(i, born, male),
                rng.choice(educations), rng.choice(employers), level,
                f"BENCH{i:08d}" if certified else "", rng.randint(2008, 2025) if certified else None,
                _day(rng, today, today + timedelta(days=1500)) if certified else None,
                "left" if rng.random() < 0.05 else "active",
            )  # fmt: skip

    copy_rows(
        SocialWorker,
        ["id", "name", "gender", "birth_date", "id_number", "education", "employer_unit_id",
         "certificate_level", "certificate_number", "certificate_year", "registration_valid_until", "status"],
        workers(),
    )  # fmt: skip
    # Link each bench account to a worker record, as the demo links its own.
    with connection.cursor() as cursor:
        for i, (pk, _room) in enumerate(users[: counts["workers"]]):
            cursor.execute(
                "UPDATE positions_socialworker SET user_id = %s WHERE id = %s", [pk, first_worker + i]
            )

    hosts = list(HostInstitution.objects.values_list("pk", flat=True)) or [
        HostInstitution.objects.create(name="基准测试主管单位").pk
    ]
    units = [room.pk for room in rooms] + posts
    first_position = _next_id(Position)
    categories = _values(Position, "category")
    modes = _values(Position, "setup_mode")
    copy_rows(
        Position,
        ["id", "code", "title", "unit_id", "host_id", "category", "setup_mode", "quota", "established_on"],
        (
            (
                first_position + i, f"BP-{i:06d}", f"社会工作岗位 {i + 1}", rng.choice(units), rng.choice(hosts),
                rng.choice(categories), rng.choice(modes), rng.randint(1, 3), _day(rng, date(2015, 1, 1), today),
            )
            for i in range(counts["positions"])
        ),
    )  # fmt: skip
    first_appointment = _next_id(Appointment)
    filled = min(counts["workers"], int(counts["positions"] * 0.8))
    copy_rows(
        Appointment,
        ["id", "worker_id", "position_id", "starts_on"],
        (
            (first_appointment + i, first_worker + i, first_position + i, _day(rng, date(2018, 1, 1), today))
            for i in range(filled)
        ),
    )
    timings["workforce"] = time.monotonic() - started

    # Projects and enrolments.
    started = time.monotonic()
    calls = list(Call.objects.values_list("pk", "year"))
    organizations = list(SocialOrganization.objects.values_list("pk", flat=True)[:500])
    district = User.objects.get(username="district")
    areas = _values(Project, "service_area")
    statuses = _values(Project, "status")
    first_project = _next_id(Project)
    copy_rows(
        Project,
        ["id", "call_id", "year", "title", "service_area", "community_id", "organization_id", "beneficiaries",
         "beneficiary_count", "requested_amount", "status", "created_by_id"],
        (
            (
                first_project + i, *rng.choice(calls), f"社区服务项目 {i + 1}", rng.choice(areas),
                rng.choice(communities)[0], rng.choice(organizations), "社区居民", rng.randint(20, 2000),
                Decimal(rng.randint(2, 30) * 10000), rng.choice(statuses), district.pk,
            )
            for i in range(counts["projects"])
        ),
    )  # fmt: skip
    sessions = list(TrainingSession.objects.values_list("pk", flat=True))
    first_enrolment = _next_id(Enrolment)

    def enrolments():
        # Distinct (session, worker) pairs: worker i enrols in sessions i, i+1, ... modulo their number.
        for i in range(counts["enrolments"]):
            worker = i % counts["workers"]
            session = sessions[(worker + i // counts["workers"]) % len(sessions)]
            attended = rng.random() < 0.8
            yield (
                first_enrolment + i, session, first_worker + worker, "confirmed", attended,
                Decimal("3.0") if attended else Decimal("0.0"),
            )  # fmt: skip

    copy_rows(
        Enrolment, ["id", "session_id", "worker_id", "status", "attended", "hours_credited"], enrolments()
    )
    timings["projects and training"] = time.monotonic() - started

    # Cases, their clients and service notes.
    started = time.monotonic()
    categories = list(VulnerabilityCategory.objects.values_list("pk", flat=True)) + [None]
    sources = _values(Case, "source")
    risks = _values(Case, "risk_level")
    case_statuses = [s for s in _values(Case, "status") if s != "reopened"]
    methods = _values(ServiceNote, "method")
    communities_of = {
        s.pk: [pk for pk, path in communities if path.startswith(s.region.path)] or [communities[0][0]]
        for s in stations
    }
    first_case, first_client = _next_id(Case), _next_id(Client)
    first_link, first_note = _next_id(CaseClient), _next_id(ServiceNote)
    sequences: dict[tuple[int, int], int] = {}
    for station_pk, year, sequence in Case.objects.values_list("numbered_by", "year", "sequence"):
        sequences[(station_pk, year)] = max(sequences.get((station_pk, year), 0), sequence)
    plan = []  # (case id, worker user id, station, intake date, closed date) kept for the notes
    for i in range(counts["cases"]):
        user_pk, room = users[i % len(users)]
        station = station_of_room[room.pk]
        year = rng.randint(today.year - 4, today.year)
        intake = _day(rng, date(year, 1, 1), min(date(year, 12, 31), today))
        status = rng.choice(case_statuses)
        closed = _day(rng, intake, min(intake + timedelta(days=300), today)) if status == "closed" else None
        plan.append((first_case + i, user_pk, station, year, intake, status, closed))

    def cases():
        for pk, user_pk, station, year, intake, status, closed in plan:
            sequence = sequences[(station.pk, year)] = sequences.get((station.pk, year), 0) + 1
            yield (
                pk, f"{station.code}-{year}-{sequence:04d}", station.pk, year, sequence, rng.choice(categories),
                intake, rng.choice(sources), "家庭经济困难，需要链接资源与情绪支持", rng.choice(risks), station.pk,
                user_pk, status, closed, closed or intake, user_pk, False,
            )  # fmt: skip

    with built_after_load(Case, Client, CaseClient, ServiceNote, log=log):
        copy_rows(
            Case,
            ["id", "number", "numbered_by_id", "year", "sequence", "category_id", "intake_on", "source",
             "presenting_problem", "risk_level", "station_id", "worker_id", "status", "closed_on", "last_note_on",
             "opened_by_id", "clients_elsewhere"],
            cases(),
        )  # fmt: skip
        copy_rows(
            Client,
            ["id", "name", "gender", "birth_date", "community_id", "station_id", "consents_to_services",
             "consents_to_data_processing", "consent_recorded_on", "created_by_id"],
            (
                (
                    first_client + n, _name(rng), rng.choice(("female", "male")),
                    _day(rng, date(1940, 1, 1), date(2015, 12, 31)), rng.choice(communities_of[station.pk]),
                    station.pk, True, True, intake, user_pk,
                )
                for n, (_pk, user_pk, station, _year, intake, _status, _closed) in enumerate(plan)
            ),
        )  # fmt: skip
        copy_rows(
            CaseClient,
            ["id", "case_id", "client_id", "primary"],
            ((first_link + n, case[0], first_client + n, True) for n, case in enumerate(plan)),
        )

        def notes():
            n = first_note
            for pk, user_pk, _station, _year, intake, _status, closed in plan:
                end = closed or today
                for _ in range(NOTES_PER_CASE):
                    yield (
                        n, pk, _day(rng, intake, end), rng.choice(methods), rng.choice((30, 45, 60, 90)),
                        "入户走访，了解近况并商定下一步服务", user_pk,
                    )  # fmt: skip
                    n += 1

        copy_rows(
            ServiceNote, ["id", "case_id", "noted_on", "method", "minutes", "content", "author_id"], notes()
        )
        loaded = time.monotonic()
    timings["cases"] = loaded - started
    timings["their indexes and constraints"] = time.monotonic() - loaded

    # What the casework services keep as they write, made in one statement for the copied rows
    # (once the planner knows their sizes).
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE casework_case, casework_caseclient, casework_client")
    caseload_rebuild()
    timings["caseloads"] = time.monotonic() - started
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE casework_servicenote")
    tallies_rebuild()
    timings["figures' tallies"] = time.monotonic() - started

    started = time.monotonic()
    # VACUUM as well: autovacuum keeps a production table's visibility map set, which a table just
    # loaded by COPY lacks (index-only scans would read every heap page instead). CHECKPOINT: the
    # seed's gigabytes are written out now, not by the checkpointer while the pages are measured.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    timings["vacuum, analyze and checkpoint"] = time.monotonic() - started
    log(f"seeded {counts} in {sum(timings.values()):.1f} s")
    counts = {**_places(), **counts}
    return {"counts": counts, "timings": timings, "first_worker_account": f"bench-worker-{1:04d}"}
