"""The monthly qualification allowance: eligibility, amounts, rolls, export, pages and API."""

import re
from datetime import date
from decimal import Decimal
from io import BytesIO
from itertools import count
from uuid import uuid4

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from positions.models import (
    AllowanceLine,
    AllowancePolicy,
    AllowanceRoll,
    AllowanceRollRun,
    Appointment,
    CertificateLevel,
    HostInstitution,
    Position,
    SocialWorker,
)
from positions.selectors.allowance import allowance_amounts_on
from positions.services.allowance import (
    allowance_policy_create,
    allowance_roll_close,
    allowance_roll_generate,
)
from positions.tasks import allowance_roll_generate_task
from socialwork.actions import ActionNotAllowed
from socialwork.models import AuditEntry

C = CertificateLevel
MARCH, APRIL, MAY = date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1)
_numbers = count(1)


# Local helpers: a worker, a post and an appointment, each with only what the test cares about.


def make_position(unit, code: str | None = None) -> Position:
    host, _created = HostInstitution.objects.get_or_create(name="民政")
    code = code or f"P{next(_numbers):05d}"
    return Position.objects.create(
        code=code, title=f"岗位{code}", unit=unit, host=host, category="grid", setup_mode="contract"
    )


def make_worker(
    name: str,
    level: str = C.SOCIAL_WORKER,
    *,
    unit=None,
    registered_on: date | None = date(2020, 1, 1),
    valid_until: date | None = None,
    status: str = SocialWorker.Status.ACTIVE,
) -> SocialWorker:
    number = next(_numbers)
    return SocialWorker.objects.create(
        name=name,
        gender="female",
        id_number=f"T{number:017d}",
        employer_unit=unit,
        certificate_level=level,
        certificate_number=f"C{number:06d}" if level != C.NONE else "",
        registered_on=registered_on,
        registration_valid_until=valid_until,
        status=status,
    )


def appoint(worker, position, starts_on=date(2020, 1, 1), ends_on=None) -> Appointment:
    return Appointment.objects.create(worker=worker, position=position, starts_on=starts_on, ends_on=ends_on)


def in_post(name: str, unit, level: str = C.SOCIAL_WORKER, **fields) -> SocialWorker:
    """An eligible worker: certified, registered, holding a post in `unit`."""
    worker = make_worker(name, level, unit=unit, **fields)
    appoint(worker, make_position(unit))
    return worker


def paid(roll: AllowanceRoll) -> dict[str, Decimal]:
    return {line.worker.name: line.amount for line in roll.lines.select_related("worker")}


def snapshot(roll: AllowanceRoll) -> list[tuple]:
    return list(roll.lines.order_by("worker_id").values_list("worker_id", "level", "amount", "unit_name"))


@pytest.fixture
def policies(db):
    """Seed 001: 200 yuan a month for a social worker, 100 for an assistant."""
    AllowancePolicy.objects.create(
        level=C.SOCIAL_WORKER, monthly_amount=Decimal(200), effective_from=date(2020, 1, 1)
    )
    AllowancePolicy.objects.create(
        level=C.ASSISTANT, monthly_amount=Decimal(100), effective_from=date(2020, 1, 1)
    )


@pytest.fixture
def staff(network, policies):
    """Two paid workers in station A (a social worker and an assistant), one in station B."""
    return {
        "a_sw": in_post("甲社工", network.posts_a[0]),
        "a_asst": in_post("甲助理", network.posts_a[1], C.ASSISTANT),
        "b_sw": in_post("乙社工", network.post_b),
    }


# Eligibility and amounts.


def test_only_certified_registered_active_workers_in_post_on_the_first_are_paid(
    network, policies, district_admin
):
    post = network.posts_a[0]
    in_post("社工", post)
    in_post("助理", post, C.ASSISTANT)
    in_post("未持证", post, C.NONE)
    in_post("未登记", post, registered_on=None)
    in_post("登记在后", post, registered_on=date(2025, 3, 2))
    in_post("登记过期", post, valid_until=date(2025, 2, 28))
    in_post("登记当日到期", post, valid_until=MARCH)
    in_post("已离职", post, status=SocialWorker.Status.LEFT)
    make_worker("不在岗", unit=post)
    appoint(make_worker("上岗在后", unit=post), make_position(post), starts_on=date(2025, 3, 2))
    appoint(make_worker("月初前离岗", unit=post), make_position(post), ends_on=date(2025, 2, 28))
    appoint(make_worker("月初当日离岗", unit=post), make_position(post), ends_on=MARCH)

    roll = allowance_roll_generate(actor=district_admin, month=MARCH)

    assert paid(roll) == {
        "社工": Decimal("200.00"),
        "助理": Decimal("100.00"),
        "登记当日到期": Decimal("200.00"),
        "月初当日离岗": Decimal("200.00"),
    }
    assert roll.total == Decimal("700.00") and roll.worker_count == 4
    assert roll.status == AllowanceRoll.Status.DRAFT and roll.generated_at is not None


def test_senior_gets_the_social_worker_amount_until_a_senior_policy_exists(network, policies, district_admin):
    senior = in_post("高级社工", network.posts_a[0], C.SENIOR)
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    line = roll.lines.get(worker=senior)
    assert (line.level, line.amount) == (C.SENIOR, Decimal("200.00"))

    AllowancePolicy.objects.create(level=C.SENIOR, monthly_amount=Decimal(400), effective_from=APRIL)
    assert allowance_roll_generate(actor=district_admin, month=APRIL).lines.get().amount == Decimal("400.00")


def test_a_level_without_any_policy_is_not_paid(network, district_admin):
    AllowancePolicy.objects.create(level=C.SOCIAL_WORKER, monthly_amount=Decimal(200), effective_from=MARCH)
    in_post("社工", network.posts_a[0])
    in_post("助理", network.posts_a[0], C.ASSISTANT)
    assert paid(allowance_roll_generate(actor=district_admin, month=MARCH)) == {"社工": Decimal("200.00")}
    # Before the first policy took effect nobody is paid.
    assert allowance_roll_generate(actor=district_admin, month=date(2025, 2, 1)).worker_count == 0


def test_the_amount_is_the_policy_in_force_on_the_first_of_the_month(network, policies, district_admin):
    in_post("社工", network.posts_a[0])
    allowance_policy_create(
        actor=district_admin,
        level=C.SOCIAL_WORKER,
        monthly_amount=Decimal(300),
        effective_from=date(2025, 4, 15),
    )
    assert allowance_amounts_on(day=APRIL, place=network.district)[C.SOCIAL_WORKER] == Decimal("200.00")
    assert paid(allowance_roll_generate(actor=district_admin, month=APRIL)) == {"社工": Decimal("200.00")}
    assert paid(allowance_roll_generate(actor=district_admin, month=MAY)) == {"社工": Decimal("300.00")}


def test_the_unit_is_that_of_the_first_post_by_code_held_on_the_first(network, policies, district_admin):
    worker = make_worker("兼岗", unit=network.room_a)
    appoint(worker, make_position(network.post_b, code="B-2"))
    appoint(worker, make_position(network.posts_a[2], code="A-9"))
    appoint(worker, make_position(network.posts_a[1], code="A-1"), ends_on=date(2025, 1, 31))
    line = allowance_roll_generate(actor=district_admin, month=MARCH).lines.get()
    assert line.unit_name == network.posts_a[2].name


# Rolls: regenerating, closing, audit.


def test_generating_a_month_twice_gives_the_same_roll(staff, district_admin):
    first = allowance_roll_generate(actor=district_admin, month=MARCH)
    lines = snapshot(first)
    second = allowance_roll_generate(actor=district_admin, month=date(2025, 3, 17))
    assert second.pk == first.pk and AllowanceRoll.objects.count() == 1
    assert snapshot(second) == lines and len(lines) == 3
    assert (second.total, second.worker_count) == (Decimal("500.00"), 3)


def test_regenerating_a_draft_follows_the_facts(staff, district_admin):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    SocialWorker.objects.filter(pk=staff["b_sw"].pk).update(status=SocialWorker.Status.LEFT)
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    assert set(paid(roll)) == {"甲社工", "甲助理"} and roll.total == Decimal("300.00")


def test_a_closed_month_never_changes_and_refuses_regeneration(staff, district_admin):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    lines = snapshot(roll)
    roll = allowance_roll_close(actor=district_admin, roll=roll)
    assert roll.status == AllowanceRoll.Status.CLOSED and roll.closed_by == district_admin

    allowance_policy_create(
        actor=district_admin,
        level=C.SOCIAL_WORKER,
        monthly_amount=Decimal(300),
        effective_from=date(2025, 2, 1),
    )
    with pytest.raises(ValidationError) as refused:
        allowance_roll_generate(actor=district_admin, month=MARCH)
    assert refused.value.message_dict == {
        "month": ["The roll for 2025-03 is closed and cannot be generated again."]
    }

    roll.refresh_from_db()
    assert snapshot(roll) == lines
    assert (roll.total, roll.worker_count, roll.status) == (Decimal("500.00"), 3, AllowanceRoll.Status.CLOSED)
    # The next month takes the new amount.
    assert allowance_roll_generate(actor=district_admin, month=APRIL).total == Decimal("700.00")
    with pytest.raises(ActionNotAllowed):  # "close" is no longer among the roll's actions
        allowance_roll_close(actor=district_admin, roll=roll)


def test_a_month_that_has_not_begun_cannot_be_generated(network, policies, district_admin):
    with pytest.raises(ValidationError, match="from its first day"):
        allowance_roll_generate(actor=district_admin, month=date(2999, 1, 1))
    assert not AllowanceRoll.objects.exists()


def test_generating_closing_and_policies_leave_audit_rows(staff, district_admin):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    allowance_roll_close(actor=district_admin, roll=roll)
    policy = allowance_policy_create(
        actor=district_admin, level=C.ASSISTANT, monthly_amount=Decimal(150), effective_from=APRIL
    )
    actions = set(AuditEntry.objects.filter(actor=district_admin).values_list("action", "target_id"))
    assert {
        ("allowance_roll.generate", str(roll.pk)),
        ("allowance_roll.close", str(roll.pk)),
        ("allowance_policy.create", str(policy.pk)),
    } <= actions


def test_a_policy_twice_for_a_level_and_date_or_negative_is_refused(network, policies, district_admin):
    with pytest.raises(ValidationError) as duplicate:
        allowance_policy_create(
            actor=district_admin,
            level=C.ASSISTANT,
            monthly_amount=Decimal(120),
            effective_from=date(2020, 1, 1),
        )
    assert "effective_from" in duplicate.value.message_dict
    with pytest.raises(ValidationError) as negative:
        allowance_policy_create(
            actor=district_admin, level=C.ASSISTANT, monthly_amount=Decimal(-1), effective_from=MAY
        )
    assert "monthly_amount" in negative.value.message_dict


def test_the_task_generates_the_roll_and_is_safe_to_run_twice(staff, district_admin):
    first = allowance_roll_generate_task.delay(MARCH.isoformat(), district_admin.pk).get()
    lines = snapshot(AllowanceRoll.objects.get(pk=first))
    second = allowance_roll_generate_task.delay(MARCH.isoformat(), district_admin.pk).get()
    assert first == second and snapshot(AllowanceRoll.objects.get(pk=second)) == lines


# Pages.


def test_district_admin_generates_a_month_in_the_background_and_follows_progress(
    as_user, staff, district_admin, django_capture_on_commit_callbacks
):
    client = as_user(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("positions:allowance_rolls"), {"month": "2025-03"})
    assert response.status_code == 302
    roll = AllowanceRoll.objects.get(month=MARCH)
    assert roll.worker_count == 3

    page = client.get(response.url)
    task = page.context["task"]
    assert task["ready"] and not task["failed"] and task["percent"] == 100
    assert client.get(reverse("task_progress", args=[task["id"]])).json()["state"] == "SUCCESS"
    assert roll.get_absolute_url() in page.content.decode()


def test_the_generation_block_asks_for_itself_until_done_then_shows_the_roll(as_user, staff, district_admin):
    """The rolls page follows a generation without a reload: htmx swaps the block every two
    seconds while it runs, and the last answer is the roll made, with the list brought up to date."""
    run = AllowanceRollRun.objects.create(id=uuid4(), month=MARCH, requested_by=district_admin)
    client = as_user(district_admin)
    progress = reverse("positions:allowance_roll_progress", args=[run.id])
    running = client.get(progress, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in running and 'data-state="running"' in running
    assert 'id="allowance-rolls"' not in running  # the list is left alone meanwhile

    allowance_roll_generate_task.apply(args=[MARCH.isoformat(), district_admin.pk], task_id=str(run.id))
    done = client.get(progress, headers={"HX-Request": "true"}).content.decode()
    roll = AllowanceRoll.objects.get(month=MARCH)
    assert 'data-state="done"' in done and "hx-trigger" not in done.split('id="allowance-rolls"')[0]
    assert roll.get_absolute_url() in done and "3 workers" in done
    assert '<table id="allowance-rolls" hx-swap-oob="true">' in done


def test_the_page_shows_why_a_closed_month_is_not_generated(
    as_user, staff, district_admin, django_capture_on_commit_callbacks
):
    allowance_roll_close(
        actor=district_admin, roll=allowance_roll_generate(actor=district_admin, month=MARCH)
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = as_user(district_admin).post(reverse("positions:allowance_rolls"), {"month": "2025-03"})
    assert response.status_code == 200 and not callbacks
    assert response.context["form"].errors == {
        "month": ["The roll for 2025-03 is closed and cannot be generated again."]
    }
    assert "closed and cannot be generated again" in response.content.decode()


@pytest.mark.parametrize("month", ["", "2025-13", "March"])
def test_a_bad_month_is_a_form_error(as_user, network, district_admin, month):
    response = as_user(district_admin).post(reverse("positions:allowance_rolls"), {"month": month})
    assert response.status_code == 200 and "month" in response.context["form"].errors
    assert not AllowanceRoll.objects.exists()


def test_roll_list_query_count_is_bounded(as_user, staff, district_admin, django_assert_max_num_queries):
    for month in (1, 2, 3, 4):
        allowance_roll_generate(actor=district_admin, month=date(2025, month, 1))
    client = as_user(district_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("positions:allowance_rolls"))
    assert response.status_code == 200 and len(response.context["rolls"]) == 4


def test_roll_page_query_count_is_bounded(
    as_user, network, policies, district_admin, django_assert_max_num_queries
):
    for i in range(15):
        in_post(f"社工{i:02d}", network.posts_a[i % 3])
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    client = as_user(district_admin)
    with django_assert_max_num_queries(12):
        response = client.get(roll.get_absolute_url())
    page = response.content.decode()
    assert response.context["page"].worker_count == 15 and "¥3,000.00" in page


def test_station_manager_sees_only_their_workers_and_their_totals(
    as_user, staff, station_manager, district_admin, django_assert_max_num_queries
):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    client = as_user(station_manager)
    with django_assert_max_num_queries(12):
        listing = client.get(reverse("positions:allowance_rolls"))
    [shown] = listing.context["rolls"]
    assert (shown.shown_count, shown.shown_total) == (2, Decimal("300.00"))
    assert listing.context["form"] is None

    with django_assert_max_num_queries(12):
        detail = client.get(roll.get_absolute_url())
    page = detail.content.decode()
    assert "甲社工" in page and "甲助理" in page and "乙社工" not in page
    assert (detail.context["page"].worker_count, detail.context["page"].total) == (2, Decimal("300.00"))
    assert reverse("positions:allowance_roll_export", args=[roll.pk]) not in page


def test_station_manager_cannot_generate_close_or_export(as_user, staff, station_manager, district_admin):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    client = as_user(station_manager)
    assert client.post(reverse("positions:allowance_rolls"), {"month": "2025-04"}).status_code == 403
    assert client.post(reverse("positions:allowance_roll_close", args=[roll.pk])).status_code == 403
    assert client.get(reverse("positions:allowance_roll_export", args=[roll.pk])).status_code == 403
    assert client.post(reverse("positions:allowance_policies"), {"level": C.ASSISTANT}).status_code == 403
    roll.refresh_from_db()
    assert (
        roll.status == AllowanceRoll.Status.DRAFT and not AllowanceRoll.objects.filter(month=APRIL).exists()
    )


def test_other_station_manager_sees_none_of_station_a(as_user, staff, other_station_manager, district_admin):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    detail = as_user(other_station_manager).get(roll.get_absolute_url())
    page = detail.content.decode()
    assert "乙社工" in page and "甲社工" not in page and detail.context["page"].total == Decimal("200.00")


@pytest.mark.parametrize("who", ["social_worker", "org_staff", "supervisor"])
def test_other_roles_are_refused(request, as_user, staff, district_admin, who):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    client = as_user(request.getfixturevalue(who))
    assert client.get(reverse("positions:allowance_rolls")).status_code == 403
    assert client.get(roll.get_absolute_url()).status_code == 403
    assert client.get(reverse("positions:allowance_policies")).status_code == 403


def test_auditor_reads_whole_rolls_but_cannot_export_or_close(as_user, staff, auditor, district_admin):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    client = as_user(auditor)
    assert client.get(roll.get_absolute_url()).context["page"].worker_count == 3
    assert client.get(reverse("positions:allowance_roll_export", args=[roll.pk])).status_code == 403
    assert client.post(reverse("positions:allowance_roll_close", args=[roll.pk])).status_code == 403


def test_district_admin_closes_a_roll_from_its_page_once_they_confirm(
    as_user, staff, district_admin, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    client = as_user(district_admin)
    close = reverse("positions:allowance_roll_close", args=[roll.pk])
    asked = client.post(close)
    assert asked.status_code == 200 and asked.templates[0].name == "partials/confirm_page.html"
    page = asked.content.decode()
    assert "关闭后" in page and 'name="confirmed" value="1"' in page and f'action="{close}"' in page
    roll.refresh_from_db()
    assert roll.status == AllowanceRoll.Status.DRAFT  # asked, not closed
    response = client.post(close, {"confirmed": "1"}, follow=True)
    assert response.status_code == 200 and 'data-action="close"' not in response.content.decode()
    roll.refresh_from_db()
    assert roll.status == AllowanceRoll.Status.CLOSED


def test_excel_export_has_a_header_a_row_per_worker_and_a_total(as_user, staff, district_admin):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    client = as_user(district_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("positions:allowance_roll_export", args=[roll.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="allowance-2025-03.xlsx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    rows = list(
        load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[0] == ("No.", "Name", "Unit", "Certificate level", "Certificate number", "Amount (yuan)")
    body = {row[1]: (row[2], row[3], Decimal(str(row[5]))) for row in rows[1:-1]}
    assert body == {
        "甲社工": ("甲社区岗位0", "Social worker", Decimal(200)),
        "甲助理": ("甲社区岗位1", "Assistant social worker", Decimal(100)),
        "乙社工": ("乙社区岗位", "Social worker", Decimal(200)),
    }
    assert rows[-1][0] == "Total" and rows[-1][1] == "3 workers" and Decimal(str(rows[-1][5])) == Decimal(500)


def test_policies_page_lists_and_adds_amounts(
    as_user, network, policies, district_admin, django_assert_max_num_queries
):
    client = as_user(district_admin)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("positions:allowance_policies")).status_code == 200
    response = client.post(
        reverse("positions:allowance_policies"),
        {"level": C.SOCIAL_WORKER, "monthly_amount": "300", "effective_from": "2025-04-01"},
    )
    assert response.status_code == 302
    assert allowance_amounts_on(day=APRIL, place=network.district)[C.SOCIAL_WORKER] == Decimal("300.00")


def test_policies_form_shows_clear_errors(as_user, network, policies, district_admin):
    client = as_user(district_admin)
    duplicate = client.post(
        reverse("positions:allowance_policies"),
        {"level": C.ASSISTANT, "monthly_amount": "120", "effective_from": "2020-01-01"},
    )
    assert duplicate.context["form"].errors == {
        "effective_from": ["There is already an amount for this level from this date."]
    }
    negative = client.post(
        reverse("positions:allowance_policies"),
        {"level": C.ASSISTANT, "monthly_amount": "-5", "effective_from": "2025-04-01"},
    )
    assert "monthly_amount" in negative.context["form"].errors
    assert AllowancePolicy.objects.count() == 2


# API.


def test_api_lists_rolls_and_shows_lines(api, staff, district_admin, django_assert_max_num_queries):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    allowance_roll_generate(actor=district_admin, month=APRIL)
    client = api(district_admin)
    with django_assert_max_num_queries(6):
        listing = client.get("/api/v1/allowance-rolls/").json()
    assert [item["month"] for item in listing["results"]] == ["2025-04", "2025-03"]
    assert listing["results"][1]["total"] == "500.00" and listing["results"][1]["worker_count"] == 3
    detail = client.get(f"/api/v1/allowance-rolls/{roll.pk}/").json()
    assert {line["worker_name"]: line["amount"] for line in detail["lines"]} == {
        "甲社工": "200.00", "甲助理": "100.00", "乙社工": "200.00",
    }  # fmt: skip


def test_api_station_manager_sees_only_their_lines(api, staff, station_manager, district_admin):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    client = api(station_manager)
    [item] = client.get("/api/v1/allowance-rolls/").json()["results"]
    assert (item["total"], item["worker_count"]) == ("300.00", 2)
    lines = client.get(f"/api/v1/allowance-rolls/{roll.pk}/").json()["lines"]
    assert {line["worker_name"] for line in lines} == {"甲社工", "甲助理"}
    assert client.post("/api/v1/allowance-rolls/generate/", {"month": "2025-04"}).status_code == 403


def test_api_generate_answers_202_with_the_task(
    api, staff, district_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(district_admin).post(
            "/api/v1/allowance-rolls/generate/", {"month": "2025-03"}, format="json"
        )
    assert response.status_code == 202
    body = response.json()
    assert body["month"] == "2025-03" and body["progress_url"] == f"/tasks/{body['task_id']}/"
    assert AllowanceRoll.objects.get(month=MARCH).worker_count == 3


def test_api_generate_refuses_bad_input_and_closed_months(api, staff, district_admin):
    client = api(district_admin)
    bad = client.post("/api/v1/allowance-rolls/generate/", {"month": "2025-13"}, format="json")
    assert bad.status_code == 400 and "month" in bad.json()
    allowance_roll_close(
        actor=district_admin, roll=allowance_roll_generate(actor=district_admin, month=MARCH)
    )
    closed = client.post("/api/v1/allowance-rolls/generate/", {"month": "2025-03"}, format="json")
    assert closed.status_code == 400
    assert closed.json() == {"month": ["The roll for 2025-03 is closed and cannot be generated again."]}


def test_api_refuses_other_roles_and_anonymous(api, staff, social_worker, district_admin):
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    assert api(social_worker).get("/api/v1/allowance-rolls/").status_code == 403
    assert api(social_worker).get(f"/api/v1/allowance-rolls/{roll.pk}/").status_code == 403
    assert APIClient().get("/api/v1/allowance-rolls/").status_code in (401, 403)
    assert AllowanceLine.objects.count() == 3


def test_a_month_reads_as_chinese_writes_it_on_the_rolls_pages(
    as_user, staff, district_admin, settings, django_capture_on_commit_callbacks
):
    """Found in Chinese: "2025-03补贴发放表", "正在生成2025-03的补贴发放表" while the PDF of the same
    roll reads 2025年3月. A month is written the language's way on every rolls page."""
    settings.LANGUAGE_CODE = "zh-hans"
    client = as_user(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("positions:allowance_rolls"), {"month": "2025-03"})
    roll = AllowanceRoll.objects.get(month=MARCH)
    pages = [
        client.get(response.url).content.decode(),  # the message, the generation block, the list
        client.get(roll.get_absolute_url()).content.decode(),
    ]
    for html in pages:
        assert "2025年3月" in html
        assert not re.search(r">[^<\"]*2025-03(?!-)", html), re.findall(r">[^<]*2025-03(?!-)[^<]*", html)


def test_a_rolls_head_count_is_grouped_like_its_money(as_user, staff, district_admin, settings):
    """Found in Chinese: "人数 1180" beside "合计 ¥161,800.00" on the same roll."""
    settings.LANGUAGE_CODE = "zh-hans"
    roll = allowance_roll_generate(actor=district_admin, month=MARCH)
    AllowanceRoll.objects.filter(pk=roll.pk).update(worker_count=1180)
    client = as_user(district_admin)
    detail = client.get(roll.get_absolute_url()).content.decode()
    assert re.search(r'id="roll-count">1,180<', detail)
    listed = client.get(reverse("positions:allowance_rolls")).content.decode()
    assert "<td>1,180</td>" in listed and "<td>1180</td>" not in listed
