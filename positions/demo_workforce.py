"""The demo workforce, with the figures of the seeds.

Seed 000: 57 standardized posts in public institutions, 1,367 grid posts, 22 civil affairs
assistant posts, 20 community correction posts and 8 anti-drug posts; three brand studios.
Seed 001: 3,263 certified workers (1,094 social workers, 2,169 assistants); 1,715 exam candidates
and 659 passes in 2015, 56.5% and 40.5% more than in 2014 (so 1,096 and 469); the allowance of
200 yuan a month for a social worker and 100 for an assistant.

Idempotent: rows are recognised by their code or ID number and never made twice.
"""

from datetime import date
from itertools import cycle, islice

from positions.models import (
    AllowancePolicy,
    Appointment,
    Award,
    CertificateLevel,
    Exam,
    HostInstitution,
    Position,
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
EXAMS = {2014: (1096, 469), 2015: (1715, 659)}
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
    made["appointments"] = _seed_appointments()
    for level, amount, since in POLICIES:
        AllowancePolicy.objects.get_or_create(
            level=level, effective_from=since, defaults={"monthly_amount": amount}
        )
    _seed_studios_and_awards()
    return made


def _units(level, **filters) -> list[ServiceUnit]:
    return list(ServiceUnit.objects.filter(level=level, **filters).order_by("path"))


def _seed_positions() -> int:
    # The nine of seed 000 come from a migration; made here too for a database emptied since.
    hosts = {name: HostInstitution.objects.get_or_create(name=name)[0] for name in SEED_HOSTS}
    hosts.update({host.name: host for host in HostInstitution.objects.all()})
    department_hosts = ["民政", "卫生", "教育", "计划生育", "工会", "共青团", "残疾人联合会", "妇女联合会"]
    stations = _units(ServiceUnit.Level.STATION, code__startswith="ST-42")
    department_units = _units(ServiceUnit.Level.STATION, code__startswith="ST-D") + _units(
        ServiceUnit.Level.CENTRE
    )
    posts = _units(ServiceUnit.Level.POST)
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
    Position.objects.bulk_create(new)
    return len(new)


def _seed_workers() -> int:
    """3,263 certified workers, then the 1,056 who failed the 2015 exam (uncertified)."""
    failed_2015 = EXAMS[2015][0] - EXAMS[2015][1]
    levels = [L.SOCIAL_WORKER] * SOCIAL_WORKERS + [L.ASSISTANT] * ASSISTANTS + [L.NONE] * failed_2015
    existing = set(SocialWorker.objects.values_list("id_number", flat=True))
    new = []
    for n, level in enumerate(levels, start=1):
        id_number, born = _id_number(n)
        if id_number in existing:
            continue
        certified = level != L.NONE
        # The newest passes: 659 in 2015 and 469 in 2014; the rest certified earlier.
        year = 2015 if n <= 659 else 2014 if n <= 659 + 469 else 2010 + n % 4
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
    """2015: the 659 newest certified passed, the 1,056 uncertified failed. 2014: the 469 certified
    that year passed; 627 failed, of whom most passed in 2015 and the rest are still uncertified."""
    if Exam.objects.exists():
        return
    certified = list(SocialWorker.objects.exclude(certificate_level=L.NONE).order_by("pk"))
    uncertified = list(SocialWorker.objects.filter(certificate_level=L.NONE).order_by("pk"))
    passed_2015, passed_2014 = certified[:659], certified[659 : 659 + 469]
    failed_2014 = passed_2015[:400] + uncertified[: EXAMS[2014][0] - EXAMS[2014][1] - 400]
    exams = [Exam(worker=w, year=2015, level=w.certificate_level, passed=True) for w in passed_2015]
    exams += [Exam(worker=w, year=2015, level=L.ASSISTANT, passed=False) for w in uncertified]
    exams += [Exam(worker=w, year=2014, level=w.certificate_level, passed=True) for w in passed_2014]
    exams += [Exam(worker=w, year=2014, level=L.ASSISTANT, passed=False) for w in failed_2014]
    Exam.objects.bulk_create(exams)


def _seed_appointments() -> int:
    """Nineteen posts in twenty are filled, by workers employed where the post is."""
    if Appointment.objects.exists():
        return 0
    positions = list(Position.objects.select_related("unit").order_by("code"))
    # Every other certified worker, so that social workers and assistants both hold posts.
    workers = list(SocialWorker.objects.exclude(certificate_level=L.NONE).order_by("pk"))[1::2]
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
    return len(appointments)


def _seed_studios_and_awards() -> None:
    """Each studio is led by one of the certified social workers, renamed after the seed's leader."""
    for name, leader_name, unit_code, projects in STUDIOS:
        if Studio.objects.filter(name=name).exists():
            continue
        unit = ServiceUnit.objects.get(code=unit_code)
        leader = SocialWorker.objects.filter(certificate_level=L.SOCIAL_WORKER, studios__isnull=True).first()
        leader.name, leader.is_supervisor, leader.employer_unit = leader_name, True, unit
        leader.save(update_fields=["name", "is_supervisor", "employer_unit", "updated_at"])
        studio = Studio.objects.create(name=name, leader=leader, unit=unit, established_on=date(2014, 9, 1))
        StudioProject.objects.bulk_create(StudioProject(studio=studio, name=p, year=2015) for p in projects)
        Award.objects.create(name="优秀社会工作人才", level=Award.Level.CITY, year=2015, worker=leader)
