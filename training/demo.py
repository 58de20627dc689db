"""Demo training with the figures of the seeds.

Seed 000, since 2014: 30 series of practical skills training, 12 on interview skills and 10 series
of volunteer public-welfare lectures, with more than 2,800 participants; 13 expert sessions
(the Ministry's social work department, Wuhan University, Shenzhen's supervisors) with more than
1,100 trainees. Seed 001 (2015): continuing education and a supervision demonstration project.
Plus this year's continuing education, so that hours and the short-of-hours list mean something.

Idempotent: a series is recognised by its title and year.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal
from itertools import cycle

from django.utils import timezone

from positions.models import CertificateLevel, Region, ServiceUnit, SocialWorker
from training.models import (
    Enrolment,
    HoursRequirement,
    PracticeBase,
    Trainer,
    TrainingSeries,
    TrainingSession,
)

C = TrainingSeries.Category
TRAINERS = [
    ("王思斌", "民政部社会工作司", Trainer.Affiliation.MINISTRY, "司长", "社会工作政策"),
    ("向德平", "武汉大学社会学院", Trainer.Affiliation.UNIVERSITY, "教授", "社区工作"),
    ("徐选国", "武汉大学社会学院", Trainer.Affiliation.UNIVERSITY, "副教授", "个案工作"),
    ("罗观翠", "深圳市社会工作督导团队", Trainer.Affiliation.SUPERVISORS, "督导", "社会工作督导"),
    ("易松国", "深圳市社会工作督导团队", Trainer.Affiliation.SUPERVISORS, "督导", "小组工作"),
]
# (category, how many series, participants per series)
EARLY_SERIES = [(C.PRACTICAL_SKILLS, 30, 55), (C.INTERVIEW_SKILLS, 12, 55), (C.VOLUNTEER_LECTURE, 10, 55)]
EXPERT_SESSIONS, EXPERT_TRAINEES = 13, 86
KINDS = cycle(Enrolment.OutsideKind.values)


def _at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed_training() -> dict[str, int]:
    if TrainingSeries.objects.filter(title__startswith="实务技能培训").exists():
        return {"series": 0, "enrolments": 0}
    centre = ServiceUnit.objects.get(code="CT-01")
    trainers = [
        Trainer.objects.get_or_create(name=n, defaults={"affiliation": a, "affiliation_kind": k, "title": t, "expertise": e})[0]
        for n, a, k, t, e in TRAINERS
    ]  # fmt: skip
    PracticeBase.objects.get_or_create(
        university="武汉大学", unit=centre, defaults={"agreement_from": datetime(2014, 3, 1).date()}
    )
    # Yiling's centre trains Yiling's workers: 点军区's keep to their own district.
    workers = list(
        SocialWorker.objects.exclude(certificate_level=CertificateLevel.NONE)
        .filter(employer_unit__region__path__startswith=centre.region.path)
        .order_by("pk")[:2000]
    )
    enrolments, series_count, person = [], 0, 0
    day = datetime(2014, 3, 3).date()

    def session(series, topic, day, count, hours="3.0", host=centre):
        nonlocal person
        new = TrainingSession.objects.create(
            series=series, topic=topic, starts_at=_at(day), ends_at=_at(day, 12), venue="区社会工作服务中心",
            host_unit=host, capacity=count, credit_hours=Decimal(hours),
        )  # fmt: skip
        new.trainers.set([trainers[person % len(trainers)]])
        return new

    for category, count, participants in EARLY_SERIES:
        label = C(category).label
        for number in range(1, count + 1):
            series_count += 1
            series = TrainingSeries.objects.create(
                title=f"{_TITLES[category]}第{number}期", category=category, year=day.year, unit=centre
            )
            held = session(series, f"{_TITLES[category]}（{label}）", day, participants)
            for _n in range(participants):
                person += 1
                enrolments.append(_attended(held, outside=f"学员{person:04d}"))
            day += timedelta(days=14)

    expert = TrainingSeries.objects.create(
        title="专家专题讲座", category=C.EXPERT_LECTURE, year=2015, unit=centre
    )
    pool = cycle(workers[:400])  # the same practitioners come back: participants < person-times
    for number in range(1, EXPERT_SESSIONS + 1):
        held = session(
            expert,
            f"专家专题讲座第{number}讲",
            datetime(2015, 1, 10).date() + timedelta(days=21 * number),
            EXPERT_TRAINEES,
        )
        enrolments += [_attended(held, worker=next(pool)) for _n in range(EXPERT_TRAINEES)]

    for title, category in [("社会工作专业人才继续教育示范培训", C.CONTINUING_EDUCATION),
                            ("社会工作督导服务示范项目", C.SUPERVISION_DEMONSTRATION)]:  # fmt: skip
        series = TrainingSeries.objects.create(title=title, category=category, year=2015, unit=centre)
        held = session(series, title, datetime(2015, 9, 15).date(), 120, hours="6.0")
        enrolments += [_attended(held, worker=w) for w in workers[400:520]]

    # This year: continuing education, two sessions held and one to come.
    today = timezone.localdate()
    # The city's default requirement, which its districts follow (socialwork.local_rules).
    city = Region.objects.filter(code="420500").first()
    HoursRequirement.objects.get_or_create(region=city, year=today.year, defaults={"hours": Decimal("12")})
    this_year = TrainingSeries.objects.create(
        title=f"{today.year}年社会工作者继续教育",
        category=C.CONTINUING_EDUCATION,
        year=today.year,
        unit=centre,
    )
    for months_ago, people in [(3, workers[600:660]), (1, workers[600:640])]:
        held = session(this_year, "伦理与实务", today - timedelta(days=30 * months_ago), 60, hours="6.0")
        enrolments += [_attended(held, worker=w) for w in people]
    session(this_year, "个案管理进阶", today + timedelta(days=10), 40, hours="6.0")
    Enrolment.objects.bulk_create(enrolments)
    return {"series": series_count + 4, "enrolments": len(enrolments)}


_TITLES = {
    C.PRACTICAL_SKILLS: "实务技能培训",
    C.INTERVIEW_SKILLS: "会谈技巧培训",
    C.VOLUNTEER_LECTURE: "志愿公益讲座",
}


def _attended(session, *, worker=None, outside="") -> Enrolment:
    return Enrolment(
        session=session, worker=worker, outside_name=outside, outside_unit="社区" if outside else "",
        outside_kind=next(KINDS) if outside else "", status=Enrolment.Status.CONFIRMED, attended=True,
        checked_in_at=session.starts_at, hours_credited=session.credit_hours,
    )  # fmt: skip
