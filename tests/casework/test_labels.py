"""Security labels (安全标记) and break-glass: a case or client labelled sensitive reaches only the
case's worker and supervisor, through every door; a station manager or district administrator opens
it by break-glass, for the policy's hours, audited and told (casework.services.labels)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casework import selectors, services
from casework.models import BreakGlass, Case, CaseworkPolicy, Client, LabelChange
from casework.reminders import casework_quiet_cases, casework_unassigned_high_risk
from socialwork.actions import ActionNotAllowed
from socialwork.models import AuditEntry, Notification
from tests.casework.factories import case_in_intervention, grant_access, make_case
from tests.casework.test_matrix import body, listings, page_urls
from tests.factories import AUDIT_CHAIN

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def labelled(social_worker, supervisor):
    """A domestic-violence case in the intervention, labelled by its worker, with its client."""
    case = case_in_intervention(social_worker, supervisor)
    services.case_label_set(actor=social_worker, case=case, reason="domestic_violence")
    case.refresh_from_db()
    return case, case.clients.get()


@pytest.fixture
def granted(labelled, district_admin, district_admin2, colleague):
    """The colleague holds an approved grant to the case, made before it was labelled would not
    matter: a grant opens no labelled case."""
    case, _client = labelled
    return grant_access(
        actor=district_admin, case_number=case.number, user=colleague, reason="代班",
        expires_on=TODAY + timedelta(days=7), approver=district_admin2,
    )  # fmt: skip


# The rule of who sees, at the selectors


def test_labelling_a_case_shuts_out_the_station_manager_grant_holders_and_the_district(
    labelled, granted, social_worker, supervisor, station_manager, colleague, district_admin
):
    case, client = labelled
    for person in (social_worker, supervisor):
        assert selectors.cases_visible_to(user=person).filter(pk=case.pk).exists()
        assert selectors.clients_visible_to(user=person).filter(pk=client.pk).exists()
    for person in (station_manager, colleague, district_admin):
        assert not selectors.cases_visible_to(user=person).filter(pk=case.pk).exists()
        assert not selectors.clients_visible_to(user=person).filter(pk=client.pk).exists()
    assert client.sensitive and Client.objects.get(pk=client.pk).label_reason == "domestic_violence"


def test_the_station_manager_still_sees_the_stations_unlabelled_cases(
    labelled, social_worker, station_manager
):
    other = make_case(social_worker)
    visible = set(selectors.cases_visible_to(user=station_manager).values_list("pk", flat=True))
    assert other.pk in visible and labelled[0].pk not in visible


def test_a_transfer_of_a_labelled_case_names_the_receiving_worker(
    labelled, social_worker, network, other_worker
):
    case, _client = labelled
    with pytest.raises(ValidationError) as error:
        services.transfer_request(actor=social_worker, case=case, to_station=network.station_b, reason="搬家")
    assert "to_worker" in error.value.message_dict
    services.transfer_request(
        actor=social_worker, case=case, to_station=network.station_b, reason="搬家", to_worker=other_worker
    )
    assert selectors.cases_visible_to(user=other_worker).filter(pk=case.pk).exists()


# Every door, as a person meets it


@pytest.mark.parametrize("who", ["station_manager", "colleague", "district_admin"])
def test_a_labelled_case_is_missing_from_every_list_export_search_api_and_admin(
    request, labelled, granted, who, as_user
):
    case, client = labelled
    user = request.getfixturevalue(who)
    user.is_staff = True
    user.save()
    browser = as_user(user)
    for url in page_urls(case, client)[1:]:
        assert browser.get(url).status_code == 404, url
    for url, secret in listings(case, client):
        response = browser.get(url)
        assert response.status_code in (200, 302, 403), url
        assert secret not in body(response), url
    for url in (
        f"/api/v1/cases/{case.pk}/",
        f"/api/v1/clients/{client.pk}/",
        reverse("casework:case_pdf", args=[case.pk]),
        reverse("search") + f"?q={case.number}",
        reverse("casework:calendar") + "?whose=team",
    ):
        response = browser.get(url)
        assert response.status_code in (200, 404), url
        # Pages echo their own path and a search its text: look for a link to the case.
        assert f'href="{case.get_absolute_url()}' not in body(response), url
    exported = browser.post(reverse("casework:client_subject_export", args=[client.pk]))
    assert exported.status_code == 404


@pytest.mark.parametrize("who", ["social_worker", "supervisor"])
def test_the_worker_and_supervisor_find_the_labelled_case_everywhere(request, labelled, who, as_user):
    case, client = labelled
    browser = as_user(request.getfixturevalue(who))
    for url, secret in listings(case, client):
        if "/admin/" in url or (url == reverse("casework:my_cases") and who != "social_worker"):
            continue
        assert secret in body(browser.get(url)), url
    page = body(browser.get(case.get_absolute_url()))
    assert 'id="sensitive"' in page and "security-label" in page
    assert browser.get(reverse("casework:case_pdf", args=[case.pk])).status_code == 200
    assert browser.post(reverse("casework:client_subject_export", args=[client.pk])).status_code == 200


def test_the_case_list_counts_no_labelled_case_for_the_manager_within_bounded_queries(
    as_user, social_worker, supervisor, station_manager, django_assert_max_num_queries
):
    cases = [make_case(social_worker, supervisor=supervisor) for _ in range(10)]
    for case in cases[:4]:
        services.case_label_set(actor=social_worker, case=case, reason="protected_witness")
    manager, worker = as_user(station_manager), as_user(social_worker)
    station_manager.roles  # noqa: B018 (the login's role lookup, not the list's)
    # (a case list page reads its ids part by part, then its rows: socialwork.pages.InParts)
    with django_assert_max_num_queries(24 + AUDIT_CHAIN):
        response = manager.get(reverse("casework:case_list"))
    assert response.context["page"].paginator.count == 6
    with django_assert_max_num_queries(24 + AUDIT_CHAIN):
        response = worker.get(reverse("casework:case_list"))
    assert response.context["page"].paginator.count == 10
    with django_assert_max_num_queries(23 + AUDIT_CHAIN):
        response = manager.get(reverse("casework:client_list"))
    assert response.context["page"].paginator.count == 6


def test_the_districts_counts_by_category_keep_counting_labelled_cases(
    labelled, social_worker, district_admin
):
    """Aggregate counts show no record: leaving labelled cases out would falsify the district's
    statistics (and tell how many are labelled), so the dashboard and annual report count them."""
    from reports.figures import chapters

    make_case(social_worker)
    casework = next(c for c in chapters(user=district_admin, year=TODAY.year) if c.key == "casework")
    opened = sum(row[1] for row in casework.tables[0].rows)
    assert opened == 2


def test_a_group_names_a_labelled_member_only_to_those_who_see_them(
    labelled, social_worker, supervisor, station_manager, as_user, api
):
    from tests.casework.test_groups import start_group

    _case, client = labelled
    group = start_group(social_worker, supervisor=supervisor)
    services.member_add(actor=social_worker, group=group, client=client, joined_on=group.starts_on)
    url = reverse("casework:group_detail", args=[group.pk])
    manager_page = body(as_user(station_manager).get(url))
    assert client.name not in manager_page and "A protected member" in manager_page
    assert client.name in body(as_user(social_worker).get(url))
    members = api(station_manager).get(f"/api/v1/groups/{group.pk}/").json()["members"]
    assert [member["client_name"] for member in members] == [None]
    members = api(social_worker).get(f"/api/v1/groups/{group.pk}/").json()["members"]
    assert [member["client_name"] for member in members] == [client.name]


# Services: label, unlabel


def test_only_the_worker_or_supervisor_labels_and_only_the_supervisor_removes(
    social_worker, supervisor, station_manager
):
    case = case_in_intervention(social_worker, supervisor)
    with pytest.raises(ActionNotAllowed):
        services.case_label_set(actor=station_manager, case=case, reason="domestic_violence")
    with pytest.raises(ValidationError):
        services.case_label_set(actor=social_worker, case=case, reason="other", note="")
    services.case_label_set(actor=supervisor, case=case, reason="other", note="邻里纠纷中的证人")
    with pytest.raises(ActionNotAllowed):
        services.case_label_set(actor=supervisor, case=case, reason="other", note="再次")
    client = case.clients.get()
    with pytest.raises(ActionNotAllowed):
        services.case_label_remove(actor=social_worker, case=case, reason="风险解除")
    with pytest.raises(ActionNotAllowed, match="client"):
        services.case_label_remove(actor=supervisor, case=case, reason="风险解除")
    with pytest.raises(ValidationError):
        services.client_label_remove(actor=supervisor, client=client, reason="")
    services.client_label_remove(actor=supervisor, client=client, reason="风险解除")
    services.case_label_remove(actor=supervisor, case=case, reason="风险解除")
    case.refresh_from_db()
    assert not case.sensitive and case.label_reason == ""
    actions = list(AuditEntry.objects.filter(action__in=["case.label", "case.unlabel", "client.label",
                                                        "client.unlabel"]).values_list("action", flat=True))  # fmt: skip
    assert sorted(actions) == ["case.label", "case.unlabel", "client.label", "client.unlabel"]
    assert [c.sensitive for c in LabelChange.objects.filter(case=case)] == [True, False]


def test_labelling_is_told_to_the_other_of_worker_and_supervisor(social_worker, supervisor):
    case = case_in_intervention(social_worker, supervisor)
    services.case_label_set(actor=social_worker, case=case, reason="child_sexual_abuse")
    told = Notification.objects.filter(kind="casework_label")
    assert [n.user for n in told] == [supervisor]
    assert case.number in str(told.get().title)


def test_labelling_a_client_labels_their_cases_and_a_new_case_starts_labelled(social_worker, supervisor):
    case = case_in_intervention(social_worker, supervisor)
    client = case.clients.get()
    services.client_label_set(actor=social_worker, client=client, reason="protected_witness")
    case.refresh_from_db()
    assert case.sensitive and case.label_reason == "protected_witness"
    second = make_case(social_worker, client=client, supervisor=supervisor)
    assert second.sensitive and second.label_reason == "protected_witness"


def test_the_case_timeline_shows_the_label_and_break_glass(labelled, social_worker, station_manager, as_user):
    case, _client = labelled
    services.break_glass_open(actor=station_manager, case_number=case.number, reason="夜间紧急安置")
    page = body(as_user(social_worker).get(case.get_absolute_url()))
    assert "event-label" in page and "event-break-glass" in page and "夜间紧急安置" in page


def test_the_case_and_client_pages_offer_the_label_steps(labelled, social_worker, supervisor, as_user):
    case, client = labelled
    fresh = make_case(social_worker, supervisor=supervisor)
    assert 'data-action="label_set"' in body(as_user(social_worker).get(fresh.get_absolute_url()))
    assert 'data-action="label_remove"' not in body(as_user(supervisor).get(case.get_absolute_url()))
    assert 'data-action="client_label_remove"' in body(as_user(supervisor).get(client.get_absolute_url()))
    response = as_user(supervisor).post(
        reverse("casework:client_unlabel", args=[client.pk]), {"unlabel-reason": "已搬离施暴者住所"}
    )
    assert response.status_code == 302
    assert 'data-action="label_remove"' in body(as_user(supervisor).get(case.get_absolute_url()))
    response = as_user(social_worker).post(
        reverse("casework:case_label", args=[fresh.pk]), {"label-reason": "domestic_violence"}
    )
    assert response.status_code == 302
    fresh.refresh_from_db()
    assert fresh.sensitive
    response = as_user(social_worker).post(
        reverse("casework:case_label", args=[make_case(social_worker).pk]), {"label-reason": "other"}
    )
    assert response.status_code == 400 and response.context["label_form"].errors["note"]


# Break-glass


def test_break_glass_opens_the_case_to_the_manager_for_the_policys_hours_and_tells_everyone(
    labelled, social_worker, supervisor, station_manager, auditor, district_admin
):
    case, client = labelled
    CaseworkPolicy.objects.update_or_create(pk=1, defaults={"break_glass_hours": 2})
    opened = services.break_glass_open(actor=station_manager, case_number=case.number.lower(), reason="紧急")
    assert timedelta(hours=1, minutes=59) < opened.expires_at - timezone.now() <= timedelta(hours=2)
    assert selectors.cases_visible_to(user=station_manager).filter(pk=case.pk).exists()
    assert selectors.clients_visible_to(user=station_manager).filter(pk=client.pk).exists()
    assert not selectors.cases_visible_to(user=district_admin).filter(pk=case.pk).exists()
    entry = AuditEntry.objects.get(action="case.break_glass")
    assert entry.actor == station_manager and entry.changes["reason"] == "紧急"
    told = {n.user for n in Notification.objects.filter(kind="casework_break_glass")}
    assert told == {social_worker, supervisor, auditor}
    BreakGlass.objects.filter(pk=opened.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not selectors.cases_visible_to(user=station_manager).filter(pk=case.pk).exists()
    assert not selectors.clients_visible_to(user=station_manager).filter(pk=client.pk).exists()


def test_break_glass_is_refused_alike_for_an_unknown_a_distant_and_an_unlabelled_case(
    labelled, social_worker, station_manager, other_station_manager, district_admin
):
    case, _client = labelled
    plain = make_case(social_worker)
    messages = set()
    for actor, number in (
        (station_manager, "NO-SUCH-2026-0001"),
        (station_manager, plain.number),
        (other_station_manager, case.number),
    ):
        with pytest.raises(ValidationError) as error:
            services.break_glass_open(actor=actor, case_number=number, reason="紧急")
        messages.add(str(error.value.message_dict))
    assert len(messages) == 1
    with pytest.raises(ValidationError):
        services.break_glass_open(actor=district_admin, case_number=case.number, reason=" ")
    services.break_glass_open(actor=district_admin, case_number=case.number, reason="区级督查")
    assert selectors.cases_visible_to(user=district_admin).filter(pk=case.pk).exists()


def test_a_worker_cannot_break_glass(labelled, colleague):
    case, _client = labelled
    with pytest.raises(ValidationError):
        services.break_glass_open(actor=colleague, case_number=case.number, reason="好奇")
    assert not BreakGlass.objects.exists()


def test_break_glass_hours_are_the_policys_between_1_and_72(district_admin):
    with pytest.raises(ValidationError):
        services.policy_update(
            actor=district_admin, retention_days=365, quiet_case_days=30, break_glass_hours=0
        )
    services.policy_update(actor=district_admin, retention_days=365, quiet_case_days=30, break_glass_hours=8)
    assert CaseworkPolicy.at(district_admin.region).break_glass_hours == 8


def test_the_restricted_notice_and_break_glass_page(labelled, station_manager, colleague, as_user):
    case, _client = labelled
    manager = as_user(station_manager)
    notice = manager.get(case.get_absolute_url())
    assert notice.status_code == 403 and "restricted-case" in body(notice)
    refused = AuditEntry.objects.get(actor=station_manager, action="access.denied")
    assert (refused.target_type, refused.target_id) == ("casework.case", str(case.pk))
    assert as_user(colleague).get(case.get_absolute_url()).status_code == 404
    form = manager.get(reverse("casework:break_glass") + f"?number={case.number}")
    assert form.status_code == 200 and case.number in body(form)
    opened = manager.post(
        reverse("casework:break_glass"), {"case_number": case.number, "reason": "紧急"}, follow=True
    )
    assert opened.status_code == 200 and opened.request["PATH_INFO"] == case.get_absolute_url()


def test_break_glass_says_until_when_in_local_time_and_its_button_is_not_opening_a_new_case(
    labelled, station_manager, as_user, settings
):
    """The message after break-glass gives the end of the access in the bureau's time zone, as
    the case page does; and the page's button reads as an emergency opening in Chinese, not as
    开案 (opening a new case)."""
    from django.contrib.messages import get_messages

    settings.LANGUAGE_CODE = "zh-hans"
    case, _client = labelled
    manager = as_user(station_manager)
    form = body(manager.get(reverse("casework:break_glass") + f"?number={case.number}"))
    assert "紧急查阅</button>" in form and "开案</button>" not in form
    opened = manager.post(reverse("casework:break_glass"), {"case_number": case.number, "reason": "紧急"})
    grant = BreakGlass.objects.get(case=case)
    local = timezone.localtime(grant.expires_at).strftime("%Y-%m-%d %H:%M")
    assert local in " ".join(str(m) for m in get_messages(opened.wsgi_request))


# Reminders that name a case


def test_reminders_name_a_labelled_case_to_its_supervisor_not_the_station_manager(
    social_worker, supervisor, station_manager
):
    case = make_case(social_worker, supervisor=supervisor, intake_on=TODAY - timedelta(days=60))
    services.case_label_set(actor=social_worker, case=case, reason="domestic_violence")
    told = {reminder.user for reminder in casework_quiet_cases(TODAY)}
    assert told == {social_worker, supervisor}
    Case.objects.filter(pk=case.pk).update(worker=None, risk_level="high")
    reminders = list(casework_unassigned_high_risk(TODAY))
    by_user = {reminder.user: reminder.url for reminder in reminders}
    assert by_user[supervisor] == case.get_absolute_url()
    assert by_user[station_manager].startswith(reverse("casework:break_glass"))


def test_the_api_labels_and_unlabels_a_case_as_the_page_does(social_worker, supervisor, station_manager, api):
    case = case_in_intervention(social_worker, supervisor)
    url = f"/api/v1/cases/{case.pk}/"
    assert "label_set" in api(social_worker).get(url).json()["actions"]
    assert (
        api(station_manager).post(f"{url}label/", {"reason": "domestic_violence"}, format="json").status_code
        == 403
    )
    response = api(social_worker).post(f"{url}label/", {"reason": "other"}, format="json")
    assert response.status_code == 400 and "note" in response.json()
    labelled = api(social_worker).post(f"{url}label/", {"reason": "protected_witness"}, format="json")
    assert labelled.status_code == 200 and "label_set" not in labelled.json()["actions"]
    assert api(station_manager).get(url).status_code == 404
    services.client_label_remove(actor=supervisor, client=case.clients.get(), reason="风险解除")
    assert api(social_worker).post(f"{url}unlabel/", {"reason": "解除"}, format="json").status_code == 403
    assert api(supervisor).post(f"{url}unlabel/", {"reason": "风险解除"}, format="json").status_code == 200
    assert api(station_manager).get(url).status_code == 200


def test_the_case_file_of_a_labelled_case_says_so(labelled, social_worker, as_user):
    from tests.casework.test_case_pdf import download
    from tests.pdfs import pdf_text, squeezed

    case, _client = labelled
    assert squeezed("Sensitive · Domestic violence") in squeezed(
        pdf_text(download(as_user(social_worker), case))
    )
