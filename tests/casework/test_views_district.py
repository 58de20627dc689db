"""The district's case records pages: the policy and access grants, for district administrators
only. A grant is made by case number and the list never shows a client."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import AccessGrant, CaseworkPolicy
from socialwork.models import AuditEntry
from tests.casework.factories import make_case, make_client

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
    assert not AccessGrant.objects.exists()


def test_the_district_administrator_sets_the_policy(as_user, district_admin):
    browser = as_user(district_admin)
    response = browser.get(url("policy"))
    assert response.status_code == 200
    assert response.context["form"]["retention_days"].value() == CaseworkPolicy.current().retention_days
    response = browser.post(url("policy"), {"retention_days": "100", "quiet_case_days": "14"})
    assert response.status_code == 400
    assert response.context["form"].errors["retention_days"] == ["Keep removed clients at least 180 days."]
    response = browser.post(url("policy"), {"retention_days": "730", "quiet_case_days": "14"})
    assert response.status_code == 302
    policy = CaseworkPolicy.current()
    assert (policy.retention_days, policy.quiet_case_days) == (730, 14)
    assert AuditEntry.objects.filter(actor=district_admin, action="casework_policy.update").exists()


def test_a_grant_by_case_number_lets_one_person_see_the_case_until_revoked(
    as_user, district_admin, colleague, case
):
    admin = as_user(district_admin)
    response = admin.post(
        url("grant_list"),
        {
            "case_number": case.number,
            "user": colleague.pk,
            "reason": "代班",
            "expires_on": (TODAY + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    grant = AccessGrant.objects.get()
    assert grant.user == colleague and grant.granted_by == district_admin
    assert as_user(colleague).get(case.get_absolute_url()).status_code == 200
    assert admin.get(case.get_absolute_url()).status_code == 404

    page = admin.get(url("grant_list")).content.decode()
    assert case.number in page and "代班" in page and "叶先生" not in page

    assert admin.post(url("grant_revoke", grant.pk)).status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert as_user(colleague).get(case.get_absolute_url()).status_code == 404


def test_a_grant_for_an_unknown_case_number_or_a_past_day_is_refused(
    as_user, district_admin, colleague, case
):
    admin = as_user(district_admin)
    response = admin.post(
        url("grant_list"),
        {"case_number": "NOPE-1", "user": colleague.pk, "reason": "代班", "expires_on": TODAY.isoformat()},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["case_number"] == ["There is no case with this number."]
    response = admin.post(
        url("grant_list"),
        {
            "case_number": case.number,
            "user": colleague.pk,
            "reason": "代班",
            "expires_on": (TODAY - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "expires_on" in response.context["form"].errors
    assert not AccessGrant.objects.exists()


def test_the_grant_list_stays_within_a_bounded_number_of_queries(
    as_user, district_admin, colleague, social_worker, django_assert_max_num_queries
):
    for _n in range(20):
        services.access_grant(
            actor=district_admin,
            case_number=make_case(social_worker).number,
            user=colleague,
            reason="督导抽查",
            expires_on=TODAY,
        )
    browser = as_user(district_admin)
    with django_assert_max_num_queries(12):
        response = browser.get(url("grant_list"))
    assert len(response.context["page"]) == 20
