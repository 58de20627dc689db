"""The dossier (台账): every figure checked against the records it came from, in the JSON, the
workbook and the PDF; who may build which; the pages and their queries."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from casework.models import (
    Approval,
    Case,
    Closing,
    CommunityActivity,
    FollowUp,
    Group,
    GroupAttendance,
    GroupMember,
    GroupSession,
    Referral,
    Volunteer,
    VolunteerHours,
)
from positions.models import Appointment, SocialWorker
from projects.models import ContractAmendment, Payment, ProgressReport, Project, SupervisionVisit
from reports.dossiers import selectors, services
from reports.dossiers.xlsx import cell_value
from reports.models import Dossier
from socialwork.models import AuditEntry, Notification
from socialwork.roles import Role
from tests.casework.factories import make_case, make_client
from tests.factories import make_user
from tests.pdfs import pdf_text, squeezed
from tests.positions.test_workforce import make_position, make_worker
from tests.projects.factories import make_call, make_contract, make_milestone, make_organization, make_project
from tests.training.test_services import make_series, make_session
from training.models import Enrolment

YEAR = timezone.localdate().year
DAY = date(YEAR, 1, 10)


@pytest.fixture
def records(network, district_admin, social_worker, settings):
    """A project of community A run by an organization, with its contract, money, reports and the
    case records done under it at station A; and records of station A (and B) outside it."""
    settings.SITE_URL = "https://sw.example.gov.cn"
    organization = make_organization()
    project = make_project(
        call=make_call(year=YEAR),
        community=network.community_a,
        created_by=district_admin,
        status=Project.Status.IN_PROGRESS,
        requested="50000",
        organization=organization,
    )
    project.budget_lines.create(item="场地租赁", amount=Decimal("8000.50"))
    project.plan_document.save("plan.pdf", ContentFile(b"%PDF plan"), save=True)
    contract = make_contract(project, organization, amount="40000", starts_on=DAY, ends_on=date(YEAR, 12, 31))
    contract.signed_file.save("contract.pdf", ContentFile(b"%PDF contract"), save=True)
    ContractAmendment.objects.create(
        contract=contract, amount=Decimal("45000"), starts_on=DAY, ends_on=date(YEAR, 12, 31),
        previous_amount=Decimal("40000"), previous_starts_on=DAY, previous_ends_on=date(YEAR, 12, 31),
        reason="增加服务内容", signed_on=DAY + timedelta(days=5), recorded_by=district_admin,
    )  # fmt: skip
    make_milestone(
        contract, DAY + timedelta(days=60), amount=Decimal("20000"), completed_on=DAY + timedelta(days=58)
    )
    make_milestone(contract, DAY + timedelta(days=200), title="终期评估", amount=Decimal("25000"))
    for amount in ("12000.00", "8000.25"):
        Payment.objects.create(
            contract=contract, amount=Decimal(amount), paid_on=DAY, recorded_by=district_admin
        )
    report = ProgressReport.objects.create(
        project=project, period="第一季度", content="开展活动", submitted_by=district_admin
    )
    report.attachment.save("photos.zip", ContentFile(b"PK photos"), save=True)
    ProgressReport.objects.create(
        project=project, period="第二季度", content="个案跟进", submitted_by=district_admin
    )
    SupervisionVisit.objects.create(
        project=project, visited_on=DAY, inspector="李督导", findings="良好", rating="good"
    )

    # Cases: four of the project at stages, one removed; one of station A without the project; one of B.
    cases = []
    for status in ("intake", "intervention", "closed", "closed"):
        case = make_case(social_worker, intake_on=DAY)
        Case.objects.filter(pk=case.pk).update(project=project, status=status)
        cases.append(case)
    removed = make_case(social_worker, intake_on=DAY)
    Case.objects.filter(pk=removed.pk).update(project=project, removed_at=timezone.now())
    own = make_case(social_worker, intake_on=DAY)
    Case.objects.filter(pk=own.pk).update(status="closed", closed_on=DAY + timedelta(days=30))
    Case.objects.filter(pk__in=[cases[2].pk, cases[3].pk]).update(closed_on=DAY + timedelta(days=30))
    for case, score in ((cases[2], 5), (cases[3], 3), (own, 4)):
        Closing.objects.create(
            case=case, reason="goals_reached", summary="目标达成", satisfaction=score,
            status=Approval.APPROVED, author=social_worker,
        )  # fmt: skip
    for case, status, outcome in (
        (cases[0], "succeeded", "financial_aid"),
        (cases[1], "requested", ""),
        (cases[1], "succeeded", "job"),
        (own, "declined", ""),
    ):
        Referral.objects.create(
            case=case, target_kind="department", target="区人社局", request="就业", referred_on=DAY,
            status=status, outcome=outcome, author=social_worker,
        )  # fmt: skip
    # Deadlines: the project's first referral answered and concluded in time, its waiting one long
    # overdue; the rest made before deadlines were kept.
    Referral.objects.filter(case=cases[0]).update(
        answer_by=DAY + timedelta(days=10), answered_on=DAY + timedelta(days=3),
        outcome_by=DAY + timedelta(days=60), concluded_on=DAY + timedelta(days=20),
    )  # fmt: skip
    Referral.objects.filter(case=cases[1], status="requested").update(
        answer_by=DAY - timedelta(days=1), outcome_by=DAY + timedelta(days=1)
    )
    # Follow-ups after closing: one closed case of the project satisfied, the station's own not.
    for case, average in ((cases[2], Decimal("4.5")), (own, Decimal("3.0"))):
        FollowUp.objects.create(
            case=case, kind=FollowUp.Kind.AFTER_CLOSING, method=FollowUp.Method.PHONE, due_on=DAY,
            purpose="结案回访", done_on=DAY + timedelta(days=40), satisfaction_average=average,
            author=social_worker, done_by=social_worker,
        )  # fmt: skip

    # Activities and a group with sessions and sign-ins.
    def activity(station, participants, project=None, community=network.community_a):
        return CommunityActivity.objects.create(
            theme=f"社区活动{participants}", held_on=DAY, community=community, station=station,
            project=project, participants=participants, organizer=social_worker,
        )  # fmt: skip

    project_activity = activity(network.station_a, 30, project)
    activity(network.room_a, 12, project)
    station_activity = activity(network.station_a, 20)
    activity(network.station_b, 99, community=network.community_b)
    group = Group.objects.create(
        name="亲子小组", kind="support", aims="改善亲子关系", station=network.station_a, project=project,
        worker=social_worker, starts_on=DAY,
    )  # fmt: skip
    members = [
        GroupMember.objects.create(group=group, client=make_client(social_worker), joined_on=DAY)
        for _ in range(4)
    ]
    for number, present in ((1, [True, True, True, False]), (2, [True, True, False, False])):
        session = GroupSession.objects.create(
            group=group,
            number=number,
            planned_on=DAY,
            theme=f"第{number}节",
            held_on=DAY + timedelta(days=number),
        )
        for member, here in zip(members, present, strict=True):
            GroupAttendance.objects.create(session=session, member=member, present=here)
    GroupSession.objects.create(group=group, number=3, planned_on=DAY + timedelta(days=30), theme="未开展")

    volunteer = Volunteer.objects.create(name="王志愿", station=network.station_a, registered_on=DAY)
    for hours, activity_ in (("2.5", project_activity), ("1.5", station_activity), ("3.0", None)):
        VolunteerHours.objects.create(
            volunteer=volunteer, activity=activity_, served_on=DAY, hours=Decimal(hours)
        )

    # Staff: two workers of the organization, one holding a post at station A.
    staff = [
        make_worker("赵社工", employer_organization=organization),
        make_worker("钱社工", employer_organization=organization),
    ]
    station_worker = make_worker("孙社工", unit=network.room_a)
    Appointment.objects.create(
        worker=station_worker, position=make_position(network.posts_a[0]), starts_on=DAY
    )
    session = make_session(make_series(network), capacity=10, hours="6.0")
    for worker, status in (
        (staff[0], Enrolment.Status.CONFIRMED),
        (staff[1], Enrolment.Status.CANCELLED),
        (station_worker, Enrolment.Status.CONFIRMED),
    ):
        Enrolment.objects.create(session=session, worker=worker, status=status, hours_credited=Decimal("6.0"))
    return project


def build(django_capture_on_commit_callbacks, **kwargs) -> Dossier:
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_request(**kwargs)
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.DONE, dossier.error
    return dossier


def stored(file) -> bytes:
    with default_storage.open(file.name, "rb") as handle:
        return handle.read()


def figures_of(dossier: Dossier) -> dict:
    return {figure["key"]: figure["value"] for section in dossier.figures for figure in section["figures"]}


def money(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def expected_counts(cases, referrals, prefix_total="cases.total") -> dict:
    """Cases by stage and referrals by status and outcome, counted here on their own."""
    expected = {prefix_total: cases.count()}
    for status, _label in Case.Status.choices:
        expected[f"cases.{status}"] = cases.filter(status=status).count()
    expected["referrals.total"] = referrals.count()
    for status, _label in Referral.Status.choices:
        expected[f"referrals.status.{status}"] = referrals.filter(status=status).count()
    for outcome, _label in Referral.Outcome.choices:
        if outcome:
            expected[f"referrals.outcome.{outcome}"] = referrals.filter(outcome=outcome).count()
    today = timezone.localdate()
    kept = [r for r in referrals if r.answer_by]
    expected["referrals.answer_due"] = sum(1 for r in kept if r.answered_on or r.answer_by < today)
    expected["referrals.answered_in_time"] = sum(
        1 for r in kept if r.answered_on and r.answered_on <= r.answer_by
    )
    expected["referrals.outcome_due"] = sum(
        1 for r in referrals if r.concluded_on or (r.outcome_by and r.outcome_by < today)
    )
    expected["referrals.with_result"] = referrals.filter(status="succeeded").count()
    expected["referrals.overdue"] = sum(
        1
        for r in referrals
        if (r.status == "requested" and r.answer_by and r.answer_by < today)
        or (not r.concluded_on and r.outcome_by and r.outcome_by < today)
    )
    return expected


def expected_satisfaction(closed) -> dict:
    closings = Closing.objects.filter(case__in=closed, status=Approval.APPROVED, satisfaction__isnull=False)
    rated = closings.count()
    total = closings.aggregate(total=Sum("satisfaction"))["total"]
    done = FollowUp.objects.filter(case__in=closed, kind=FollowUp.Kind.AFTER_CLOSING, done_on__isnull=False)
    followed_up = closed.filter(pk__in=done.values("case")).count()
    answered = done.filter(satisfaction_average__isnull=False)
    satisfied = answered.filter(satisfaction_average__gte=4).count()  # the policy's default threshold
    return {
        "satisfaction.closed": closed.count(),
        "satisfaction.followed_up": followed_up,
        "satisfaction.followed_up_rate": f"{Decimal(followed_up) * 100 / closed.count():.1f}"
        if closed.count()
        else "—",
        "satisfaction.answered": answered.count(),
        "satisfaction.satisfied": satisfied,
        "satisfaction.rate": f"{Decimal(satisfied) * 100 / answered.count():.1f}"
        if answered.count()
        else "—",
        "satisfaction.rated": rated,
        "satisfaction.average": money(Decimal(total) / rated) if rated else "—",
    }


def expected_activities(activities, sessions) -> dict:
    return {
        "activities.activities": activities.count(),
        "activities.participants": activities.aggregate(n=Sum("participants"))["n"] or 0,
        "activities.groups": sessions.values("group").distinct().count(),
        "activities.sessions": sessions.count(),
        "activities.sign_ins": GroupAttendance.objects.filter(session__in=sessions, present=True).count(),
    }


def expected_volunteers(hours) -> dict:
    return {
        "volunteers.hours": str(
            (hours.aggregate(n=Sum("hours"))["n"] or Decimal(0)).quantize(Decimal("0.1"))
        ),
        "volunteers.records": hours.count(),
        "volunteers.volunteers": hours.values("volunteer").distinct().count(),
    }


def expected_training(workers, first, last) -> dict:
    enrolments = Enrolment.objects.filter(
        worker__in=workers, status="confirmed", session__starts_at__date__range=(first, last)
    )
    hours = enrolments.aggregate(n=Sum("hours_credited"))["n"] or Decimal(0)
    return {"training.staff": workers.count(), "training.hours": str(hours.quantize(Decimal("0.1")))}


def test_every_figure_of_the_project_dossier_matches_its_records(
    records, district_admin, django_capture_on_commit_callbacks
):
    project = records
    dossier = build(django_capture_on_commit_callbacks, actor=district_admin, project=project)

    contract = project.contract
    amendment = contract.amendments.get()
    budget = project.budget_lines.aggregate(n=Sum("amount"))["n"]
    paid = Payment.objects.filter(contract=contract).aggregate(n=Sum("amount"))["n"]
    cases = Case.objects.filter(project=project, removed_at__isnull=True)
    referrals = Referral.objects.filter(case__in=cases)
    sessions = GroupSession.objects.filter(group__project=project, held_on__isnull=False)
    staff = SocialWorker.objects.filter(employer_organization=project.organization)
    documents = 1 + 1 + ProgressReport.objects.filter(project=project).exclude(attachment="").count()
    expected = {
        "contract.number": contract.number,
        "contract.amount": money(amendment.amount),
        "contract.amendments": ContractAmendment.objects.filter(contract=contract).count(),
        "budget.budget": money(budget),
        "budget.paid": money(paid),
        "budget.balance": money(budget - paid),
        "budget.rate": f"{paid * 100 / budget:.1f}",
        "milestones.milestones": contract.milestones.count(),
        "milestones.completed": contract.milestones.filter(completed_on__isnull=False).count(),
        "milestones.payments": Payment.objects.filter(contract=contract).count(),
        "milestones.paid": money(paid),
        "progress.reports": ProgressReport.objects.filter(project=project).count(),
        "supervision.visits": SupervisionVisit.objects.filter(project=project).count(),
        **expected_activities(CommunityActivity.objects.filter(project=project), sessions),
        **expected_counts(cases, referrals),
        **expected_volunteers(VolunteerHours.objects.filter(activity__project=project)),
        **expected_satisfaction(cases.filter(status="closed")),
        **expected_training(staff, amendment.starts_on, amendment.ends_on),
        "documents.files": documents,
    }
    assert figures_of(dossier) == expected  # every figure, and no other
    # The figures the records give, spelled out once: a slip in both counts would not pass.
    assert expected["cases.total"] == 4 and expected["cases.closed"] == 2
    assert expected["activities.sign_ins"] == 5 and expected["activities.participants"] == 42
    assert expected["volunteers.hours"] == "2.5" and expected["training.hours"] == "6.0"
    assert expected["satisfaction.average"] == "4.00" and expected["satisfaction.rate"] == "100.0"
    assert expected["satisfaction.followed_up_rate"] == "50.0"
    assert expected["referrals.answered_in_time"] == 1 and expected["referrals.overdue"] == 1

    listings = {listing["key"]: listing for section in dossier.figures for listing in section["listings"]}
    signed_in = {
        row[1]: row[4] for row in listings["activities.sessions"]["rows"]
    }  # session number: sign-ins
    assert signed_in == {s.number: s.attendance.filter(present=True).count() for s in sessions}
    assert sorted(row[2] for row in listings["activities.records"]["rows"]) == sorted(
        CommunityActivity.objects.filter(project=project).values_list("participants", flat=True)
    )
    assert [row[1] for row in listings["milestones.payments"]["rows"]] == [
        money(p)
        for p in Payment.objects.filter(contract=contract)
        .order_by("paid_on", "pk")
        .values_list("amount", flat=True)
    ]
    assert_figures_in_files(dossier)
    assert_no_client_named(dossier)


def test_every_figure_of_the_station_dossier_matches_its_records(
    records, network, station_manager, django_capture_on_commit_callbacks
):
    station = network.station_a
    dossier = build(django_capture_on_commit_callbacks, actor=station_manager, station=station, year=YEAR)

    under = Q(station__path__startswith=station.path)
    cases = Case.objects.filter(under, removed_at__isnull=True, intake_on__year=YEAR)
    referrals = Referral.objects.filter(
        case__station__path__startswith=station.path, case__removed_at__isnull=True, referred_on__year=YEAR
    )
    sessions = GroupSession.objects.filter(group__station__path__startswith=station.path, held_on__year=YEAR)
    workers = Appointment.objects.filter(position__unit__path__startswith=station.path).values("worker")
    projects = Project.objects.filter(community__path__startswith=station.region.path, year=YEAR).exclude(
        status__in=["draft", "rejected"]
    )
    expected = {
        **expected_activities(CommunityActivity.objects.filter(under, held_on__year=YEAR), sessions),
        **expected_counts(cases, referrals),
        **expected_volunteers(
            VolunteerHours.objects.filter(
                volunteer__station__path__startswith=station.path, served_on__year=YEAR
            )
        ),
        **expected_satisfaction(
            Case.objects.filter(under, removed_at__isnull=True, status="closed", closed_on__year=YEAR)
        ),
        **expected_training(
            SocialWorker.objects.filter(pk__in=workers), date(YEAR, 1, 1), date(YEAR, 12, 31)
        ),
        "projects.projects": projects.count(),
        "documents.files": (
            projects.exclude(plan_document="").count()
            + projects.filter(contract__isnull=False).exclude(contract__signed_file="").count()
            + ContractAmendment.objects.filter(contract__project__in=projects).exclude(signed_file="").count()
            + ProgressReport.objects.filter(project__in=projects).exclude(attachment="").count()
        ),
    }
    assert figures_of(dossier) == expected
    assert expected["activities.participants"] == 62  # not station B's 99
    assert expected["cases.total"] == 5 and expected["referrals.total"] == 4
    assert expected["training.staff"] == 1 and expected["volunteers.hours"] == "7.0"
    assert_figures_in_files(dossier)
    assert_no_client_named(dossier)


def assert_figures_in_files(dossier: Dossier) -> None:
    """Each figure of the JSON stands in its section's sheet beside its label, as a number where
    it is one, its cell a hyperlink to where it came from; and in the PDF's text."""
    book = load_workbook(io.BytesIO(stored(dossier.xlsx)))
    sheets = book.sheetnames[1:]
    assert len(sheets) == len(dossier.figures)
    for sheet_name, section in zip(sheets, dossier.figures, strict=True):
        rows = {}
        for row in book[sheet_name].iter_rows(min_col=1, max_col=3):
            if row[0].value:
                rows.setdefault(row[0].value, row)  # the figure, not a listing of the same title
        for figure in section["figures"]:
            label, value_cell, source = rows[figure["label"]]
            value = cell_value(figure["value"])
            if isinstance(value, Decimal):  # a number in the sheet, read back as a float
                assert isinstance(value_cell.value, int | float), figure["key"]
                assert value_cell.number_format == "0." + "0" * -value.as_tuple().exponent
                assert Decimal(str(value_cell.value)) == value, figure["key"]
            else:
                assert value_cell.value == value, figure["key"]
            assert value_cell.hyperlink.target == figure["url"] == source.value
            assert figure["url"].startswith("https://sw.example.gov.cn/")
        for listing in section["listings"]:
            assert len(listing["links"]) == len(listing["rows"])
            assert all(url.startswith("https://sw.example.gov.cn/") for url in listing["links"])
    text = squeezed(pdf_text(stored(dossier.pdf)))
    for section in dossier.figures:
        for figure in section["figures"]:
            assert squeezed(f"{figure['label']}{figure['value']}") in text, figure["key"]
    pages = int(re.search(r"共(\d+)页", text).group(1))
    assert f"第{pages}页共{pages}页" in text


def assert_no_client_named(dossier: Dossier) -> None:
    names = set(Case.objects.values_list("clients__name", flat=True)) - {None}
    text = pdf_text(stored(dossier.pdf)) + str(dossier.figures)
    assert names and not any(name in text for name in names)


def test_the_contents_give_the_page_each_section_starts_on(
    records, district_admin, django_capture_on_commit_callbacks
):
    dossier = build(django_capture_on_commit_callbacks, actor=district_admin, project=records)
    pages = pdf_text(stored(dossier.pdf)).split("\f")
    entries = {}
    for line in pages[1].splitlines():  # "一、合同与补充协议 . . . . . 3"
        if found := re.match(r"^\s*\S+、(.+?)[ .]+(\d+)\s*$", line):
            entries[squeezed(found.group(1))] = int(found.group(2))
    assert list(entries) == [squeezed(section["title"]) for section in dossier.figures]
    for title, page in entries.items():
        assert title in squeezed(pages[page - 1]), title


def test_the_requester_is_notified_and_a_download_is_audited(
    records, district_admin, as_user, django_capture_on_commit_callbacks
):
    dossier = build(django_capture_on_commit_callbacks, actor=district_admin, project=records)
    note = Notification.objects.get(user=district_admin, key=f"dossier:{dossier.pk}")
    assert note.url == dossier.get_absolute_url()
    response = as_user(district_admin).get(reverse("reports:dossier_download", args=[dossier.pk, "pdf"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="dossier.download", actor=district_admin).count() == 1


def test_building_twice_leaves_the_built_dossier(records, district_admin, django_capture_on_commit_callbacks):
    dossier = build(django_capture_on_commit_callbacks, actor=district_admin, project=records)
    first = dossier.pdf.name
    again = services.dossier_build(dossier_id=dossier.pk)
    assert again.pdf.name == first and again.status == Dossier.Status.DONE


# Who may build which


@pytest.fixture
def people(
    network, records, district_admin, station_manager, other_station_manager, social_worker, supervisor
):
    organization = records.organization
    return {
        "district": district_admin,
        "manager_a": station_manager,
        "manager_b": other_station_manager,
        "worker": social_worker,
        "supervisor": supervisor,
        "own_org": make_user("own_org", Role.ORG_STAFF, region=network.district, organization=organization),
        "other_org": make_user(
            "other_org", Role.ORG_STAFF, region=network.district, organization=make_organization("别的机构")
        ),
    }


@pytest.mark.parametrize(
    ("who", "project", "station_a", "station_b"),
    [
        ("district", True, True, True),
        ("manager_a", True, True, False),
        ("manager_b", False, False, True),
        ("worker", False, False, False),
        ("supervisor", False, False, False),
        ("own_org", True, False, False),
        ("other_org", False, False, False),
    ],
)
def test_who_may_build_which_dossier(people, records, network, who, project, station_a, station_b):
    user = people[who]
    assert selectors.may_build_project_dossier(user=user, project=records) is project
    assert selectors.may_build_station_dossier(user=user, station=network.station_a) is station_a
    assert selectors.may_build_station_dossier(user=user, station=network.station_b) is station_b


def test_pages_refuse_who_may_not_build_or_download(
    people, records, network, as_user, django_capture_on_commit_callbacks
):
    dossier = build(django_capture_on_commit_callbacks, actor=people["district"], project=records)
    for who in ("manager_b", "worker", "other_org"):
        client = as_user(people[who])
        assert client.post(reverse("reports:dossier_request_project", args=[records.pk])).status_code == 404
        assert client.get(reverse("reports:dossier_download", args=[dossier.pk, "pdf"])).status_code == 404
        assert client.get(reverse("reports:dossier_status", args=[dossier.pk])).status_code == 404
    client = as_user(people["manager_b"])
    response = client.post(
        reverse("reports:dossier_request_station", args=[network.station_a.pk]), {"year": YEAR}
    )
    assert response.status_code == 404
    own = as_user(people["own_org"])
    assert own.get(reverse("reports:dossier_download", args=[dossier.pk, "xlsx"])).status_code == 200


def test_the_project_page_offers_the_dossier_and_the_request_follows_it(
    records, district_admin, as_user, django_capture_on_commit_callbacks
):
    client = as_user(district_admin)
    page = client.get(records.get_absolute_url())
    assert reverse("reports:dossier_request_project", args=[records.pk]).encode() in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:dossier_request_project", args=[records.pk]))
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == dossier.get_absolute_url()
    assert AuditEntry.objects.filter(action="dossier.request", actor=district_admin).exists()


def test_the_station_page_offers_the_yearly_dossier_to_its_manager_only(
    network, station_manager, social_worker, as_user
):
    url = reverse("reports:dossier_request_station", args=[network.station_a.pk]).encode()
    unit_page = reverse("positions:unit_detail", args=[network.station_a.pk])
    assert url in as_user(station_manager).get(unit_page).content
    assert url not in as_user(social_worker).get(unit_page).content


def test_the_dossier_list_costs_a_bounded_number_of_queries(
    records,
    network,
    district_admin,
    as_user,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    for _ in range(3):
        dossier = build(django_capture_on_commit_callbacks, actor=district_admin, project=records)
        build(django_capture_on_commit_callbacks, actor=district_admin, station=network.station_a, year=YEAR)
    client = as_user(district_admin)
    client.get(reverse("reports:dossier_list"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reports:dossier_list") + f"?dossier={dossier.pk}")
    assert response.status_code == 200 and response.content.count(b"dossier-pdf") >= 6


# The API


def test_the_api_builds_a_station_dossier_and_hands_out_its_figures_and_files(
    records, network, station_manager, other_station_manager, api, django_capture_on_commit_callbacks
):
    client = api(station_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/dossiers/", {"station": network.station_a.pk, "year": YEAR}, format="json"
        )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    detail = client.get(f"/api/v1/dossiers/{pk}/").json()
    assert detail["status"] == "done" and detail["progress"] == 100
    figures = {f["key"]: f["value"] for s in detail["figures"] for f in s["figures"]}
    assert figures == figures_of(Dossier.objects.get(pk=pk))
    download = client.get(f"/api/v1/dossiers/{pk}/download/?format=xlsx")
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxml")
    assert AuditEntry.objects.filter(action="dossier.download", actor=station_manager).count() == 1

    other = api(other_station_manager)
    assert other.get(f"/api/v1/dossiers/{pk}/").status_code == 404
    assert other.get(f"/api/v1/dossiers/{pk}/download/?format=pdf").status_code == 404
    refused = other.post("/api/v1/dossiers/", {"station": network.station_a.pk, "year": YEAR}, format="json")
    assert refused.status_code == 400 and "station" in refused.json()
    project = other.post("/api/v1/dossiers/", {"project": records.pk}, format="json")
    assert project.status_code == 400 and "project" in project.json()
