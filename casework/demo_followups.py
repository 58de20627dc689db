"""The demo's follow-ups after closing (回访): the district's four questions, the closed demo cases'
follow-ups recorded with answers but one still due, and the closed cases done under a demo project
so that an evaluation of it can draw a sample. Called by casework.demo.seed_casework."""

from django.utils import timezone

from casework import services
from casework.models import Case, FollowUp, SatisfactionQuestion

QUESTIONS = ("服务态度", "服务及时性", "问题解决程度", "总体满意度")
# The answers of the recorded follow-ups, one row per closed case (the last is below the threshold).
SCORES = ((5, 5, 4, 5), (4, 5, 4, 4), (5, 4, 5, 5), (3, 3, 2, 3))
RESULTS = (
    "电话回访：服务对象生活稳定，对社工的服务表示感谢。",
    "上门回访：家中安全隐患已排除，老人精神状态良好。",
    "电话回访：孩子情绪稳定，与同学相处融洽。",
    "电话回访：医疗救助仍在审批中，家属希望加快进度。",
)


def seed_satisfaction_questions() -> int:
    """The district's questions, once (the district edits them in the admin afterwards)."""
    if SatisfactionQuestion.objects.exists():
        return 0
    for order, text in enumerate(QUESTIONS, 1):
        SatisfactionQuestion.objects.create(text=text, order=order)
    return len(QUESTIONS)


def demo_project(station):
    """The running project the station's demo casework is done under: the one the demo evaluator
    evaluates (so that its evaluation has cases to count and to sample), else one of the
    station's area, else the first in progress."""
    from projects.models import Project

    running = Project.objects.filter(status=Project.Status.IN_PROGRESS).order_by("pk")
    return (
        running.filter(evaluations__evaluators__username="evaluator").first()
        or running.filter(community__path__startswith=station.region.path).first()
        or running.first()
    )


def seed_follow_ups(*, worker, station) -> int:
    """Record the closed demo cases' follow-ups after closing, all but the first closed (叶先生's,
    due today); link the closed cases, and a few open ones, to a demo project."""
    today = timezone.localdate()
    questions = list(SatisfactionQuestion.objects.filter(active=True).order_by("order", "pk"))
    follow_ups = list(
        FollowUp.objects.filter(case__station=station, kind=FollowUp.Kind.AFTER_CLOSING, done_on__isnull=True)
        .select_related("case")
        .order_by("case__intake_on", "pk")
    )
    if not follow_ups:
        return 0
    due, *to_record = follow_ups
    FollowUp.objects.filter(pk=due.pk).update(due_on=today)
    for n, follow_up in enumerate(to_record):
        scores = SCORES[n % len(SCORES)]
        services.follow_up_record(
            actor=worker, follow_up=follow_up, done_on=today, result=RESULTS[n % len(RESULTS)],
            method=FollowUp.Method.VISIT if n % 3 == 1 else FollowUp.Method.PHONE,
            answers={q.pk: scores[i % len(scores)] for i, q in enumerate(questions)},
            comment="社工很耐心，帮了大忙。" if scores[0] >= 4 else "希望救助进度能再快一些。",
        )  # fmt: skip
    project = demo_project(station)
    if project is not None:
        closed = Case.objects.filter(station=station, status=Case.Status.CLOSED).values("pk")
        Case.objects.filter(pk__in=closed).update(project=project)
        some_open = Case.objects.filter(station=station, status=Case.Status.INTERVENTION).order_by("pk")[:3]
        Case.objects.filter(pk__in=some_open.values("pk")).update(project=project)
    return len(to_record)
