"""The district's case records pages: the policy and access grants, for district administrators
only. A grant is made by case number and the list never shows a client."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import AccessGrant, CaseworkPolicy
from casework.selectors import cases_visible_to
from socialwork.models import AuditEntry, Notification
from socialwork.roles import Role
from tests.casework.factories import grant_access, make_case, make_client
from tests.factories import make_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


@pytest.fixture
def case(social_worker, supervisor):
    return make_case(social_worker, supervisor=supervisor, client=make_client(social_worker, name="叶先生"))


@pytest.mark.parametrize("who", ["station_manager", "social_worker", "supervisor", "auditor", "org_staff"])
def test_district_pages_are_for_district_administrators_only(request, as_user, who, case):
    browser = as_user(request.getfixturevalue(who))
    assert browser.get(url("policy")).status_code == 403
    assert browser.get(url("grant_list")).status_code == 403
    response = browser.post(
        url("grant_list"),
        {
            "case_number": case.number,
            "user": request.getfixturevalue(who).pk,
            "reason": "看",
            "expires_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 403
    assert browser.post(url("grant_decide", 1), {"decision": "approve"}).status_code == 403
    assert not AccessGrant.objects.exists()


def test_the_district_administrator_sets_the_policy(as_user, district_admin):
    browser = as_user(district_admin)
    response = browser.get(url("policy"))
    assert response.status_code == 200
    assert (
        response.context["form"]["retention_days"].value()
        == CaseworkPolicy.at(district_admin.region).retention_days
    )
    assert response.context["form"]["grant_max_days"].value() == 30
    response = browser.post(
        url("policy"),
        {"retention_days": "100", "quiet_case_days": "14", "grant_max_days": "30", "break_glass_hours": "4"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["retention_days"] == ["Keep removed clients at least 180 days."]
    response = browser.post(
        url("policy"),
        {"retention_days": "730", "quiet_case_days": "14", "grant_max_days": "14", "break_glass_hours": "8"},
    )
    assert response.status_code == 302
    policy = CaseworkPolicy.at(district_admin.region)
    assert (policy.retention_days, policy.quiet_case_days, policy.grant_max_days) == (730, 14, 14)
    assert policy.break_glass_hours == 8
    assert AuditEntry.objects.filter(actor=district_admin, action="casework_policy.update").exists()


def ask(browser, case_number, person, *, days=7, reason="代班"):
    return browser.post(
        url("grant_list"),
        {
            "case_number": case_number,
            "user": person.pk,
            "reason": reason,
            "expires_on": (TODAY + timedelta(days=days)).isoformat(),
        },
    )


def test_a_district_administrator_cannot_grant_themselves_a_case(as_user, district_admin, case):
    admin = as_user(district_admin)
    response = ask(admin, case.number, district_admin, days=30)
    assert response.status_code == 400
    assert "user" in response.context["form"].errors
    assert not AccessGrant.objects.exists()
    assert admin.get(case.get_absolute_url()).status_code == 404
    with pytest.raises(ValidationError) as error:
        services.access_request(
            actor=district_admin, case_number=case.number, user=district_admin, reason="看", expires_on=TODAY
        )
    assert "user" in error.value.message_dict


def test_a_grant_is_a_request_that_a_second_district_administrator_approves(
    as_user, district_admin, district_admin2, colleague, case
):
    admin = as_user(district_admin)
    assert ask(admin, case.number, colleague).status_code == 302
    grant = AccessGrant.objects.get()
    assert (grant.status, grant.requested_by, grant.user) == ("requested", district_admin, colleague)
    # Waiting opens nothing.
    assert as_user(colleague).get(case.get_absolute_url()).status_code == 404
    # The asker cannot approve their own request; it is not offered to them.
    response = admin.get(url("grant_list"))
    assert response.context["waiting"] == []
    admin.post(url("grant_decide", grant.pk), {"decision": "approve"})
    grant.refresh_from_db()
    assert grant.status == "requested"
    assert as_user(colleague).get(case.get_absolute_url()).status_code == 404

    second = as_user(district_admin2)
    page = second.get(url("grant_list"))
    assert page.context["waiting"] == [grant]
    assert case.number in page.content.decode() and "叶先生" not in page.content.decode()
    assert second.post(url("grant_decide", grant.pk), {"decision": "approve"}).status_code == 302
    grant.refresh_from_db()
    assert (grant.status, grant.decided_by) == ("approved", district_admin2)
    assert as_user(colleague).get(case.get_absolute_url()).status_code == 200
    # Neither administrator sees the case by asking or approving.
    assert admin.get(case.get_absolute_url()).status_code == 404
    assert second.get(case.get_absolute_url()).status_code == 404

    actions = list(AuditEntry.objects.filter(action__startswith="case.access").values_list("action", "actor"))
    assert actions == [
        ("case.access_approve", district_admin2.pk),
        ("case.access_request", district_admin.pk),
    ]

    assert admin.post(url("grant_revoke", grant.pk)).status_code == 302
    grant.refresh_from_db()
    assert grant.status == "revoked" and grant.revoked_by == district_admin
    assert as_user(colleague).get(case.get_absolute_url()).status_code == 404


def test_a_declined_request_says_why_and_opens_nothing(
    as_user, district_admin, district_admin2, colleague, case
):
    ask(as_user(district_admin), case.number, colleague)
    grant = AccessGrant.objects.get()
    second = as_user(district_admin2)
    second.post(url("grant_decide", grant.pk), {"decision": "decline"})
    grant.refresh_from_db()
    assert grant.status == "requested"  # no reason given: refused
    second.post(url("grant_decide", grant.pk), {"decision": "decline", "comment": "理由不足"})
    grant.refresh_from_db()
    assert (grant.status, grant.decision_comment) == ("declined", "理由不足")
    assert as_user(colleague).get(case.get_absolute_url()).status_code == 404
    assert AuditEntry.objects.filter(actor=district_admin2, action="case.access_decline").exists()


def test_the_person_named_cannot_approve_their_own_access(district_admin, district_admin2, case):
    grant = services.access_request(
        actor=district_admin, case_number=case.number, user=district_admin2, reason="复核", expires_on=TODAY
    )
    with pytest.raises(ValidationError, match="second district administrator"):
        services.access_decide(actor=district_admin2, grant=grant, approve=True)
    with pytest.raises(ValidationError, match="second district administrator"):
        services.access_decide(actor=district_admin, grant=grant, approve=True)
    assert not cases_visible_to(user=district_admin2).exists()


def test_a_grant_needs_a_reason_and_lasts_at_most_the_policys_days(as_user, district_admin, colleague, case):
    admin = as_user(district_admin)
    response = ask(admin, case.number, colleague, days=31)
    assert response.status_code == 400
    assert response.context["form"].errors["expires_on"] == [
        f"A grant lasts at most 30 days: until {(TODAY + timedelta(days=30)).isoformat()} at the latest."
    ]
    response = ask(admin, case.number, colleague, days=-1)
    assert response.status_code == 400 and "expires_on" in response.context["form"].errors
    response = ask(admin, case.number, colleague, reason="  ")
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    assert ask(admin, case.number, colleague, days=30).status_code == 302
    policy = CaseworkPolicy.at(None)
    policy.grant_max_days = 3
    policy.save()
    response = ask(admin, case.number, colleague, days=4)
    assert response.status_code == 400 and "expires_on" in response.context["form"].errors
    assert AccessGrant.objects.count() == 1


def test_an_unknown_case_number_and_a_case_outside_the_district_get_the_same_answer(
    as_user, network, colleague, case
):
    # A district administrator placed over street B only: station A's case is out of reach.
    elsewhere_admin = make_user(
        "district_b", Role.DISTRICT_ADMIN, unit=network.centre, region=network.town_b, is_staff=True
    )
    admin = as_user(elsewhere_admin)
    # The person asked for is in street B, inside the administrator's place (the form offers no one else).
    worker_b = make_user("worker_b", Role.SOCIAL_WORKER, unit=network.room_b)
    unknown = ask(admin, "ST-000000000-2026-9999", worker_b)
    outside = ask(admin, case.number, worker_b)
    assert unknown.status_code == outside.status_code == 400
    assert unknown.context["form"].errors == outside.context["form"].errors
    assert outside.context["form"].errors["case_number"] == ["No case with this number is in your district."]
    assert not AccessGrant.objects.exists()
    # The admin's list of grants is bounded by the district as well.
    assert not AccessGrant.objects.exists()


def test_the_worker_the_supervisor_the_person_and_the_approvers_are_told_by_case_number_only(
    as_user, district_admin, district_admin2, colleague, social_worker, supervisor, case
):
    ask(as_user(district_admin), case.number, colleague)
    grant = AccessGrant.objects.get()
    told = Notification.objects.filter(kind="casework_access_request")
    assert list(told.values_list("user", flat=True)) == [district_admin2.pk]
    as_user(district_admin2).post(url("grant_decide", grant.pk), {"decision": "approve"})
    told = Notification.objects.filter(kind="casework_access_grant")
    assert set(told.values_list("user", flat=True)) == {
        colleague.pk,
        social_worker.pk,
        supervisor.pk,
        district_admin.pk,
    }
    for notification in Notification.objects.all():
        assert case.number in notification.title
        assert "叶先生" not in notification.title + notification.body


def test_the_grant_list_stays_within_a_bounded_number_of_queries(
    as_user, district_admin, district_admin2, colleague, social_worker, django_assert_max_num_queries
):
    for _n in range(20):
        grant_access(
            actor=district_admin,
            case_number=make_case(social_worker).number,
            user=colleague,
            reason="督导抽查",
            expires_on=TODAY,
        )
    browser = as_user(district_admin)
    for _n in range(5):
        services.access_request(
            actor=district_admin2,
            case_number=make_case(social_worker).number,
            user=colleague,
            reason="督导抽查",
            expires_on=TODAY,
        )
    with django_assert_max_num_queries(14):
        response = browser.get(url("grant_list"))
    assert len(response.context["page"]) == 25 and len(response.context["waiting"]) == 5
