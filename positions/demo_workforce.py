"""The demo workforce, with the figures of the seeds.

Seed 000: 57 standardized posts in public institutions, 1,367 grid posts, 22 civil affairs
assistant posts, 20 community correction posts and 8 anti-drug posts; three brand studios.
Seed 001: 3,263 certified workers (1,094 social workers, 2,169 assistants); 1,715 exam candidates
and 659 passes in 2015, 56.5% and 40.5% more than in 2014 (so 1,096 and 469); the allowance of
200 yuan a month for a social worker and 100 for an assistant; 8 winners of the city's 2015
award; 110 full-time social assistance posts in the towns and streets.

Seed 001's figures are the demo CITY's (宜昌市): its two districts share them. 点军区 holds a smaller
share (DIANJUN: 94 social workers, 169 assistants and 56 uncertified workers, spread evenly over
each level's certificate years, so over the exams too), employed by its own units; Yiling holds
the rest (1,000 social workers and 2,000 assistants) and seed 000's posts. The 110 assistance
posts are 8 in each of Yiling's eleven towns with a station and 22 in 点军区's four.

Idempotent: rows are recognised by their code or ID number and never made twice.
"""

from datetime import date
from itertools import cycle, islice

from django.db.models import Q

from positions.models import (
    AllowancePolicy,
    Appointment,
    Award,
    CertificateLevel,
    Exam,
    HostInstitution,
    Position,
    Region,
    ServiceUnit,
    SocialWorker,
    Studio,
    StudioProject,
)
from socialwork.idnumbers import check_character, gender

SEED_HOSTS = ["民政", "卫生", "教育", "计划生育", "工会", "共青团", "残疾人联合会", "妇女联合会", "司法所"]

C, M, L = Position.Category, Position.SetupMode, CertificateLevel
POSTS = {C.STANDARDIZED: 57, C.GRID: 1367, C.ASSISTANT: 22, C.CORRECTION: 20, C.ANTI_DRUG: 8}
SOCIAL_WORKERS, ASSISTANTS = 1094, 2169
# The demo city's second district: how many of each level's workers are its own.
YILING, DIANJUN = "420506", "420504"
DIANJUN_WORKERS = {L.SOCIAL_WORKER: 94, L.ASSISTANT: 169, L.NONE: 56}
# Town full-time social assistance posts (seed 001: 110 in the towns), at the towns' stations.
ASSISTANCE_POSTS = {YILING: 8, DIANJUN: None}  # 8 at each of Yiling's stations; 点军区 the rest
ASSISTANCE_TOTAL = 110
CITY_AWARD, CITY_AWARD_BY, CITY_AWARD_WINNERS = "优秀社会工作人才", "宜昌市民政局", 8
EXAMS = {2014: (1096, 469), 2015: (1715, 659)}
# How each year's passes split by level, as the exam's results do: far more pass the assistant
# (初级) level than the social worker (中级) level, and the senior (高级) level is rare (2015: 15
# social workers sat it, none passed). 2015: 1,100 assistant candidates, 600 social worker, 15
# senior; 2014: 469 passes.
PASSES = {2015: {L.ASSISTANT: 509, L.SOCIAL_WORKER: 150}, 2014: {L.ASSISTANT: 330, L.SOCIAL_WORKER: 139}}
FAILED_2015 = {L.ASSISTANT: 591, L.SOCIAL_WORKER: 450, L.SENIOR: 15}
FAILED_2014 = {"assistant_passed_2015": 300, "social_worker_passed_2015": 100, "uncertified": 227}
POLICIES = [(L.SOCIAL_WORKER, "200.00", date(2014, 1, 1)), (L.ASSISTANT, "100.00", date(2014, 1, 1))]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉宇浩凯健俊帆琳晨欣怡"
STUDIOS = [
    ("牛焕菊社会工作室", "牛焕菊", "ST-420506104", ["脑瘫儿童心连心康复服务", "青少年人际交往训练营"]),
    ("祁阳社会工作室", "祁阳", "ST-420506106", ["妇女志愿服务三留守服务"]),
    ("旭日社会工作室", "旭日", "ST-D02", ["军民鱼水一家亲"]),
]


def _name(n: int) -> str:
    return (
        SURNAMES[n % len(SURNAMES)]
        + GIVEN[(n * 7) % len(GIVEN)]
        + ("" if n % 3 else GIVEN[(n * 13) % len(GIVEN)])
    )


def _id_number(n: int) -> tuple[str, date]:
    born = date(1965 + n % 35, 1 + n % 12, 1 + n % 28)
    first17 = f"420506{born:%Y%m%d}{n % 1000:03d}"
    return first17 + check_character(first17), born


def seed_workforce() -> dict[str, int]:
    made = {"positions": _seed_positions()}
    made["workers"] = _seed_workers()
    districts = _worker_districts()
    made["appointments"] = _seed_appointments(districts)
    # The amounts are the city's default, which its districts follow (socialwork.local_rules).
    city = Region.objects.filter(code="420500").first()
    for level, amount, since in POLICIES:
        AllowancePolicy.objects.get_or_create(
            region=city, level=level, effective_from=since, defaults={"monthly_amount": amount}
        )
    _seed_studios(districts)
    _place_workers(districts)
    _seed_city_award()
    return made


def _units(level, **filters) -> list[ServiceUnit]:
    return list(ServiceUnit.objects.filter(level=level, **filters).order_by("path"))


def _district(code: str) -> Region:
    return Region.objects.get(code=code)


def _in(district: Region, via: str = "region") -> Q:
    return Q(**{f"{via}__path__startswith": district.path})


def _seed_positions() -> int:
    # The nine of seed 000 come from a migration; made here too for a database emptied since.
    hosts = {name: HostInstitution.objects.get_or_create(name=name)[0] for name in SEED_HOSTS}
    hosts.update({host.name: host for host in HostInstitution.objects.all()})
    department_hosts = ["民政", "卫生", "教育", "计划生育", "工会", "共青团", "残疾人联合会", "妇女联合会"]
    yiling, dianjun = _district(YILING), _district(DIANJUN)
    stations = _units(ServiceUnit.Level.STATION, code__startswith=f"ST-{YILING}")
    department_units = _units(ServiceUnit.Level.STATION, code__startswith="ST-D") + _units(
        ServiceUnit.Level.CENTRE, region=yiling
    )
    posts = _units(ServiceUnit.Level.POST, region__path__startswith=yiling.path)
    plan = {
        C.STANDARDIZED: (M.DIRECT, zip(cycle(department_units), cycle(department_hosts)), "社会工作岗位"),
        C.GRID: (M.CONTRACT, zip(posts, cycle(["民政"])), "网格社会工作者"),
        C.ASSISTANT: (M.GOVERNMENT_EMPLOYEE, zip(cycle(stations), cycle(["民政"])), "民政社工助理"),
        C.CORRECTION: (M.PURCHASED, zip(cycle(stations), cycle(["司法所"])), "社区矫正社工"),
        C.ANTI_DRUG: (M.PURCHASED, zip(cycle(stations), cycle(["司法所"])), "社区禁毒社工"),
    }
    existing = set(Position.objects.values_list("code", flat=True))
    new = []
    for category, (mode, places, title) in plan.items():
        for number, (unit, host) in enumerate(islice(places, POSTS[category]), start=1):
            code = f"P-{category.upper()}-{number:04d}"
            if code not in existing:
                new.append(
                    Position(
                        code=code,
                        title=title,
                        unit=unit,
                        host=hosts[host],
                        category=category,
                        setup_mode=mode,
                        quota=1,
                        required_level=L.ASSISTANT if category == C.STANDARDIZED else L.NONE,
                        established_on=date(2014, 1 + number % 12, 1),
                        policy_basis="《夷陵区社会工作岗位设置管理办法》",
                        duties="个案、小组与社区工作；需求调研；资源链接。",
                    )  # fmt: skip
                )
    # The towns' full-time social assistance posts: 8 at each of Yiling's town stations, the rest
    # spread over 点军区's.
    dianjun_stations = _units(ServiceUnit.Level.STATION, region__path__startswith=dianjun.path)
    in_yiling = ASSISTANCE_POSTS[YILING] * len(stations)
    places = [s for station in stations for s in [station] * ASSISTANCE_POSTS[YILING]]
    places += list(islice(cycle(dianjun_stations), ASSISTANCE_TOTAL - in_yiling))
    for number, unit in enumerate(places, start=1):
        code = f"P-{C.ASSISTANCE.upper()}-{number:04d}"
        if code not in existing:
            in_dianjun = unit.region.path.startswith(dianjun.path)
            new.append(
                Position(
                    code=code,
                    title="乡镇（街道）社会救助专职工作人员",
                    unit=unit,
                    host=hosts["民政"],
                    category=C.ASSISTANCE,
                    setup_mode=M.CONTRACT,
                    quota=1,
                    required_level=L.ASSISTANT,
                    established_on=date(2015, 1 + number % 6, 1),
                    policy_basis="《宜昌市乡镇（街道）社会救助专职工作人员配备办法》",
                    duties="社会救助对象排查、入户核查与个案帮扶；"
                    + ("点军区" if in_dianjun else "夷陵区")
                    + "救助政策宣传。",
                )
            )
    Position.objects.bulk_create(new)
    return len(new)


def _level_counts() -> dict[str, int]:
    return {L.SOCIAL_WORKER: SOCIAL_WORKERS, L.ASSISTANT: ASSISTANTS, L.NONE: EXAMS[2015][0] - EXAMS[2015][1]}


def _levels() -> list[str]:
    counts = _level_counts()
    return (
        [L.SOCIAL_WORKER] * counts[L.SOCIAL_WORKER]
        + [L.ASSISTANT] * counts[L.ASSISTANT]
        + [L.NONE] * counts[L.NONE]
    )


def _worker_districts() -> dict[str, str]:
    """Worker n's district, by their ID number: 点军区's share of each level, spread evenly over
    the level's ranks (so over its certificate years and exams), Yiling the rest."""
    counts, of_level, districts = _level_counts(), {}, {}
    for n, level in enumerate(_levels(), start=1):
        rank = of_level[level] = of_level.get(level, 0) + 1
        share, whole = DIANJUN_WORKERS[level], counts[level]
        districts[_id_number(n)[0]] = (
            DIANJUN if rank * share // whole != (rank - 1) * share // whole else YILING
        )
    return districts


def _seed_workers() -> int:
    """3,263 certified workers, then 1,056 without a certificate (591 of them failed the 2015
    exam). The newest certificates are those of the 2015 and 2014 passes at each level."""
    levels = _levels()
    existing = set(SocialWorker.objects.values_list("id_number", flat=True))
    new, of_level = [], dict.fromkeys(levels, 0)
    for n, level in enumerate(levels, start=1):
        of_level[level] += 1
        id_number, born = _id_number(n)
        if id_number in existing:
            continue
        certified = level != L.NONE
        # The newest passes of each level: 2015's, then 2014's; the rest certified earlier.
        in_2015, in_2014 = PASSES[2015].get(level, 0), PASSES[2014].get(level, 0)
        rank = of_level[level]
        year = 2015 if rank <= in_2015 else 2014 if rank <= in_2015 + in_2014 else 2010 + n % 4
        new.append(
            SocialWorker(
                name=_name(n),
                gender=gender(id_number),  # and the birth date: those of the ID number
                birth_date=born,
                id_number=id_number,
                phone=f"139{n:08d}",
                education=["junior_college", "bachelor", "master"][n % 3],
                major="社会工作" if n % 2 else "",
                certificate_level=level,
                certificate_number=f"ZS{year}{n:06d}" if certified else "",
                certificate_year=year if certified else None,
                registration_number=f"DJ{n:06d}" if certified and n % 10 else "",
                registered_on=date(year, 6, 1) if certified and n % 10 else None,
                # Renewed and current, but for one in seven whose registration has lapsed.
                registration_valid_until=(date(2028, 5, 31) if n % 7 else date(2025, 5, 31))
                if certified and n % 10
                else None,
                is_supervisor=level == L.SOCIAL_WORKER and n % 40 == 0,
            )  # fmt: skip
        )
    SocialWorker.objects.bulk_create(new)
    _seed_exams()
    return len(new)


def _seed_exams() -> None:
    """Each year's passes are the workers certified that year, at their level; the failures are
    uncertified workers at the assistant level, assistants trying the social worker level and a
    few social workers trying the senior level (PASSES, FAILED_2015, FAILED_2014)."""
    if Exam.objects.exists():
        return
    certified = list(SocialWorker.objects.exclude(certificate_level=L.NONE).order_by("pk"))
    uncertified = list(SocialWorker.objects.filter(certificate_level=L.NONE).order_by("pk"))

    def certified_in(level, years) -> list[SocialWorker]:
        return [w for w in certified if w.certificate_level == level and w.certificate_year in years]

    earlier = range(2000, 2015)
    exams = []
    for year in (2015, 2014):
        exams += [
            Exam(worker=w, year=year, level=level, passed=True)
            for level in PASSES[year]
            for w in certified_in(level, [year])
        ]
    failed_2015 = {
        L.ASSISTANT: uncertified[: FAILED_2015[L.ASSISTANT]],
        L.SOCIAL_WORKER: certified_in(L.ASSISTANT, earlier)[: FAILED_2015[L.SOCIAL_WORKER]],
        L.SENIOR: certified_in(L.SOCIAL_WORKER, earlier)[: FAILED_2015[L.SENIOR]],
    }
    exams += [
        Exam(worker=w, year=2015, level=level, passed=False) for level, ws in failed_2015.items() for w in ws
    ]
    failed_2014 = {
        L.ASSISTANT: certified_in(L.ASSISTANT, [2015])[: FAILED_2014["assistant_passed_2015"]]
        + uncertified[: FAILED_2014["uncertified"]],
        L.SOCIAL_WORKER: certified_in(L.SOCIAL_WORKER, [2015])[: FAILED_2014["social_worker_passed_2015"]],
    }
    exams += [
        Exam(worker=w, year=2014, level=level, passed=False) for level, ws in failed_2014.items() for w in ws
    ]
    Exam.objects.bulk_create(exams)


def _seed_appointments(districts: dict[str, str]) -> int:
    """Nineteen posts in twenty are filled, by the district's own certified workers (every other
    one first), employed where the post is. A district's posts of a category are filled once."""
    made = 0
    for code in (YILING, DIANJUN):
        district = _district(code)
        held = set(
            Appointment.objects.filter(_in(district, "position__unit__region"))
            .values_list("position__category", flat=True)
            .distinct()
        )
        positions = list(
            Position.objects.filter(_in(district, "unit__region"))
            .exclude(category__in=held)
            .select_related("unit")
            .order_by("code")
        )
        if not positions:
            continue
        certified = [
            w
            for w in SocialWorker.objects.exclude(certificate_level=L.NONE)
            .filter(appointments__isnull=True)
            .order_by("pk")
            if districts.get(w.id_number) == code
        ]
        workers = certified[1::2] + certified[0::2]
        appointments = []
        for index, (position, worker) in enumerate(zip(positions, workers, strict=False)):
            if index % 20 == 19:
                continue
            worker.employer_unit = position.unit
            appointments.append(
                Appointment(worker=worker, position=position, starts_on=date(2015, 1 + index % 12, 1))
            )
        SocialWorker.objects.bulk_update([a.worker for a in appointments], ["employer_unit"])
        Appointment.objects.bulk_create(appointments)
        made += len(appointments)
    return made


def _seed_studios(districts: dict[str, str]) -> None:
    """Each studio is led by one of Yiling's certified social workers, renamed after the seed's
    leader, and one of the city's award winners."""
    for name, leader_name, unit_code, projects in STUDIOS:
        if Studio.objects.filter(name=name).exists():
            continue
        unit = ServiceUnit.objects.get(code=unit_code)
        leader = next(
            w
            for w in SocialWorker.objects.filter(certificate_level=L.SOCIAL_WORKER, studios__isnull=True)
            .order_by("name", "pk")  # the first by name, as before the city
            .iterator()
            if districts.get(w.id_number, YILING) == YILING
        )
        leader.name, leader.is_supervisor, leader.employer_unit = leader_name, True, unit
        leader.save(update_fields=["name", "is_supervisor", "employer_unit", "updated_at"])
        studio = Studio.objects.create(name=name, leader=leader, unit=unit, established_on=date(2014, 9, 1))
        StudioProject.objects.bulk_create(StudioProject(studio=studio, name=p, year=2015) for p in projects)
        Award.objects.create(
            name=CITY_AWARD, level=Award.Level.CITY, year=2015, worker=leader, awarded_by=CITY_AWARD_BY
        )


def _place_workers(districts: dict[str, str]) -> None:
    """Every worker is on a district's register: those without a post are employed by Yiling's
    centre, or by 点军区's units in turn (its centre, stations and rooms)."""
    dianjun = _district(DIANJUN)
    yiling_centre = ServiceUnit.objects.filter(level=ServiceUnit.Level.CENTRE, region__code=YILING).order_by(
        "path"
    )
    dianjun_units = cycle(
        ServiceUnit.objects.filter(_in(dianjun))
        .filter(level__in=[ServiceUnit.Level.CENTRE, ServiceUnit.Level.STATION, ServiceUnit.Level.ROOM])
        .order_by("path")
    )
    centre = yiling_centre.first()
    unplaced = list(
        SocialWorker.objects.filter(employer_unit__isnull=True, employer_organization__isnull=True).order_by(
            "pk"
        )
    )
    for worker in unplaced:
        worker.employer_unit = next(dianjun_units) if districts.get(worker.id_number) == DIANJUN else centre
    SocialWorker.objects.bulk_update(unplaced, ["employer_unit"], batch_size=1000)


def _seed_city_award() -> None:
    """Seed 001's 8 winners of the city's 2015 award: the three studio leaders and three more of
    Yiling's social workers, and two of 点军区's."""
    Award.objects.filter(name=CITY_AWARD, level=Award.Level.CITY, year=2015, awarded_by="").update(
        awarded_by=CITY_AWARD_BY
    )
    awards = Award.objects.filter(name=CITY_AWARD, level=Award.Level.CITY, year=2015)
    for code, winners in ((YILING, CITY_AWARD_WINNERS - 2), (DIANJUN, 2)):
        district = _district(code)
        have = awards.filter(_in(district, "worker__employer_unit__region")).count()
        candidates = (
            SocialWorker.objects.filter(
                _in(district, "employer_unit__region"), certificate_level=L.SOCIAL_WORKER
            )
            .exclude(awards__isnull=False)
            .order_by("pk")[: max(winners - have, 0)]
        )
        Award.objects.bulk_create(
            Award(name=CITY_AWARD, level=Award.Level.CITY, year=2015, worker=w, awarded_by=CITY_AWARD_BY)
            for w in candidates
        )
