import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from positions.models import ServiceUnit
from socialwork.accounts.services import PERSONAL_DATA_ROLE_GRANT
from socialwork.models import AuditEntry, User
from socialwork.roles import Role
from tests.factories import make_user


@pytest.fixture
def admin_client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.mark.parametrize(
    "model", ["positions/serviceunit", "positions/region", "django_celery_beat/periodictask"]
)
def test_district_admin_reaches_the_admin_lists_with_search(admin_client_for, district_admin, model):
    response = admin_client_for(district_admin).get(f"/admin/{model}/?q=甲")
    assert response.status_code == 200


def test_admin_unit_list_is_scoped_like_the_pages(admin_client_for, network):
    manager = make_user("staff_manager", Role.STATION_MANAGER, unit=network.station_a, is_staff=True)
    manager.user_permissions.add(Permission.objects.get(codename="view_serviceunit"))
    page = admin_client_for(manager).get("/admin/positions/serviceunit/").content.decode()
    assert "甲镇服务站" in page and "乙街道服务站" not in page


def test_units_are_set_up_on_the_network_page_not_in_the_admin(admin_client_for, district_admin, network):
    client = admin_client_for(district_admin)
    data = {"name": "丙乡服务站", "code": "ST-C", "level": "station", "parent": network.centre.pk,
            "region": network.town_c.pk}  # fmt: skip
    assert client.post(reverse("admin:positions_serviceunit_add"), data).status_code == 403
    station = network.station_a
    change = reverse("admin:positions_serviceunit_change", args=[station.pk])
    assert 'name="_save"' not in client.get(change).content.decode()
    assert client.post(change, {**data, "code": "ST-Z"}).status_code == 403
    assert not ServiceUnit.objects.filter(code__in=["ST-C", "ST-Z"]).exists()
    assert not AuditEntry.objects.filter(action__startswith="unit.").exists()


def test_audit_log_is_read_only_for_the_auditor(admin_client_for, auditor, network):
    AuditEntry.objects.create(action="unit.create", target_type="positions.serviceunit", target_id="1")
    client = admin_client_for(auditor)
    assert client.get("/admin/socialwork/auditentry/").status_code == 200
    entry = AuditEntry.objects.get()
    page = client.get(f"/admin/socialwork/auditentry/{entry.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert client.post(f"/admin/socialwork/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    # The refused attempt is itself a row (issue 17, point 6).
    refused = AuditEntry.objects.get(action="access.denied")
    assert (refused.actor, refused.target_type, refused.target_id) == (
        auditor,
        "socialwork.auditentry",
        str(entry.pk),
    )


# Issue 16, finding 1: the three administrators are separated (三员分立). The attack, step by step.


@pytest.fixture
def sysadmin(network):
    return make_user("sysadmin", Role.SYSTEM_ADMIN, region=network.district, is_staff=True)


@pytest.fixture
def secadmin(network):
    return make_user("security", Role.SECURITY_ADMIN, region=network.district, is_staff=True)


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", password="Root-Pass-2026x")


def user_page(user, suffix="change/"):
    return f"/admin/socialwork/user/{user.pk}/{suffix}"


def test_the_system_administrator_cannot_make_themselves_superuser_or_take_roles_and_a_unit(
    admin_client_for, sysadmin, network
):
    client = admin_client_for(sysadmin)
    page = client.get(user_page(sysadmin))
    assert page.status_code == 200  # shown, read-only
    assert 'name="is_superuser"' not in page.content.decode() and 'name="_save"' not in page.content.decode()
    attack = {
        "username": "sysadmin", "is_superuser": "on", "is_staff": "on", "is_active": "on",
        "groups": [Group.objects.get(name=Role.AUDITOR).pk, Group.objects.get(name=Role.STATION_MANAGER).pk],
        "roles": [Role.AUDITOR, Role.STATION_MANAGER], "unit": network.station_a.pk, "region": network.town_a.pk,
    }  # fmt: skip
    assert client.post(user_page(sysadmin), attack).status_code == 403
    sysadmin.refresh_from_db()
    assert not sysadmin.is_superuser
    assert set(sysadmin.groups.values_list("name", flat=True)) == {Role.SYSTEM_ADMIN}
    assert sysadmin.unit is None and sysadmin.region == network.district
    assert client.get("/admin/socialwork/auditentry/").status_code == 403
    assert client.get(reverse("casework:case_list")).status_code in (302, 403) or (
        "甲" not in client.get(reverse("casework:case_list")).content.decode()
    )


def test_the_system_administrator_places_others_but_grants_no_role_nor_flag(
    admin_client_for, sysadmin, network
):
    worker = make_user("worker_x", unit=network.room_a)
    client = admin_client_for(sysadmin)
    page = client.get(user_page(worker)).content.decode()
    assert 'name="unit"' in page and 'name="roles"' not in page and 'name="is_superuser"' not in page
    response = client.post(
        user_page(worker),
        {"username": "worker_x", "full_name": "新名", "email": "", "region": network.community_b.pk,
         "unit": network.room_b.pk, "is_superuser": "on", "is_staff": "on",
         "groups": [Group.objects.get(name=Role.DISTRICT_ADMIN).pk], "roles": [Role.DISTRICT_ADMIN]},
    )  # fmt: skip
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.unit == network.room_b and worker.full_name == "新名"
    assert not worker.is_superuser and not worker.is_staff and not worker.groups.exists()
    entry = AuditEntry.objects.get(action="account.place", target_id=str(worker.pk))
    assert entry.actor == sysadmin and "unit" in entry.changes


def test_a_reset_password_must_be_changed_and_its_holder_is_told(admin_client_for, client, sysadmin, network):
    worker = make_user("worker_x", Role.SOCIAL_WORKER, unit=network.room_a, email="x@example.com")
    admin = admin_client_for(sysadmin)
    assert admin.get(user_page(worker, "password/")).status_code == 200
    new = {"password1": "Reset-Pass-2026", "password2": "Reset-Pass-2026"}
    assert admin.post(user_page(worker, "password/"), new).status_code == 302
    entry = AuditEntry.objects.get(action="account.password_reset", target_id=str(worker.pk))
    assert entry.actor == sysadmin and "Reset-Pass-2026" not in str(entry.changes) + entry.summary
    assert worker.notifications.filter(kind="password_reset").count() == 1
    # The attacker logs in with it: sent to change the password before anything else.
    login = Client()
    assert (
        login.post(reverse("login"), {"username": "worker_x", "password": "Reset-Pass-2026"}).status_code
        == 302
    )
    response = login.get(reverse("casework:case_list"))
    assert response.status_code == 302 and response.url == reverse("password_change")


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.AUDITOR, Role.SYSTEM_ADMIN, None])
def test_the_system_administrator_resets_no_administrators_password_nor_their_own(
    admin_client_for, sysadmin, root, network, role
):
    other = root if role is None else make_user("other_admin", role, region=network.district, is_staff=True)
    client = admin_client_for(sysadmin)
    new = {"password1": "Reset-Pass-2026", "password2": "Reset-Pass-2026"}
    for account in (other, sysadmin):
        assert client.post(user_page(account, "password/"), new).status_code == 403
        account.refresh_from_db()
        assert not account.check_password("Reset-Pass-2026")


def test_the_system_administrator_edits_no_group_permissions(admin_client_for, sysadmin):
    group = Group.objects.get(name=Role.SYSTEM_ADMIN)
    client = admin_client_for(sysadmin)
    assert client.get("/admin/auth/group/").status_code == 200
    assert client.get("/admin/auth/group/add/").status_code == 403
    permission = Permission.objects.get(codename="view_case")
    response = client.post(
        f"/admin/auth/group/{group.pk}/change/", {"name": group.name, "permissions": [permission.pk]}
    )
    assert response.status_code == 403
    assert not group.permissions.filter(codename="view_case").exists()


def test_the_security_administrator_grants_roles_but_not_to_themselves(
    admin_client_for, secadmin, auditor, network
):
    worker = make_user("worker_x", unit=network.room_a)
    client = admin_client_for(secadmin)
    assert (
        client.post(user_page(secadmin), {"roles": [Role.SECURITY_ADMIN, Role.DISTRICT_ADMIN]}).status_code
        == 403
    )
    assert set(secadmin.groups.values_list("name", flat=True)) == {Role.SECURITY_ADMIN}
    page = client.get(user_page(worker)).content.decode()
    assert 'name="roles"' in page and 'name="unit"' not in page
    assert client.get(user_page(worker, "password/")).status_code == 403
    response = client.post(user_page(worker), {"roles": [Role.STATION_MANAGER], "unit": network.station_b.pk})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert set(worker.groups.values_list("name", flat=True)) == {Role.STATION_MANAGER}
    assert worker.unit == network.room_a  # the place is the system administrator's
    # A grant that reads personal data is its own audit action, which the auditor filters on.
    entry = AuditEntry.objects.get(target_id=str(worker.pk), target_type="socialwork.user")
    assert entry.action == "account.personal_data_role_grant" and entry.actor == secadmin
    assert auditor.notifications.filter(kind="personal_data_role_granted").count() == 1
    listing = admin_client_for(auditor).get(
        "/admin/socialwork/auditentry/?action=account.personal_data_role_grant"
    )
    assert "worker_x" in listing.content.decode()


def test_an_administrator_role_is_held_alone(admin_client_for, secadmin, network):
    worker = make_user("worker_x", unit=network.room_a)
    response = admin_client_for(secadmin).post(
        user_page(worker), {"roles": [Role.SYSTEM_ADMIN, Role.STATION_MANAGER]}, follow=True
    )
    assert "hold their role alone" in response.content.decode()
    assert not worker.groups.exists()


def test_a_superuser_grants_no_role_to_themselves_and_nobody_deletes_an_account(
    admin_client_for, root, network
):
    worker = make_user("worker_x", unit=network.room_a)
    client = admin_client_for(root)
    assert client.post(user_page(root), {"roles": [Role.AUDITOR]}).status_code == 403
    assert not root.groups.exists()
    assert 'name="is_superuser"' not in client.get(user_page(worker)).content.decode()
    assert client.post(user_page(worker, "delete/"), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=worker.pk).exists()


def test_the_district_administrator_and_the_auditor_change_no_account(
    admin_client_for, district_admin, auditor, network
):
    worker = make_user("worker_x", unit=network.room_a)
    for person in (district_admin, auditor):
        client = admin_client_for(person)
        assert client.post(user_page(worker), {"roles": [Role.DISTRICT_ADMIN]}).status_code == 403
        assert (
            client.post(user_page(worker, "password/"), {"password1": "x", "password2": "x"}).status_code
            == 403
        )
        assert client.get("/admin/socialwork/user/add/").status_code == 403
    assert not worker.groups.exists()


def test_the_system_administrator_creates_a_placed_account_with_no_role(admin_client_for, sysadmin, network):
    client = admin_client_for(sysadmin)
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "socialwork", "model_name": "user", "field_name": "unit", "term": "甲社区服务室"},
    )
    assert found.status_code == 200 and str(network.room_a.pk) in found.content.decode()
    response = client.post(
        "/admin/socialwork/user/add/",
        {"username": "newcomer", "full_name": "新社工", "email": "n@example.com", "region": "",
         "unit": network.room_a.pk, "password1": "First-Pass-2026", "password2": "First-Pass-2026",
         "is_superuser": "on", "is_staff": "on", "groups": [Group.objects.get(name=Role.AUDITOR).pk]},
    )  # fmt: skip
    assert response.status_code == 302
    account = User.objects.get(username="newcomer")
    assert account.unit == network.room_a and account.region == network.community_a
    assert not account.is_superuser and not account.is_staff and not account.groups.exists()
    assert AuditEntry.objects.filter(
        action="account.create", target_id=str(account.pk), actor=sysadmin
    ).exists()


def test_the_account_list_reads_roles_in_few_queries(
    admin_client_for, sysadmin, network, django_assert_max_num_queries
):
    for i in range(10):
        make_user(f"w{i}", Role.SOCIAL_WORKER, unit=network.room_a)
    client = admin_client_for(sysadmin)
    with django_assert_max_num_queries(14):  # constant: roles are prefetched
        assert client.get("/admin/socialwork/user/").status_code == 200


def test_the_security_administrator_unlocks_in_the_admin_and_deletes_no_attempt(
    admin_client_for, secadmin, sysadmin, network
):
    from axes.models import AccessAttempt

    worker = make_user("worker_x", unit=network.room_a)
    for username, ip in (("worker_x", "10.0.0.1"), ("nobody", "10.0.0.2")):
        AccessAttempt.objects.create(
            username=username, ip_address=ip, user_agent="a", failures_since_start=5,
            get_data="", post_data="", http_accept="", path_info="/accounts/login/",
        )  # fmt: skip
    sys_client = admin_client_for(sysadmin)
    response = sys_client.post(
        "/admin/socialwork/user/", {"action": "unlock_selected", "_selected_action": [worker.pk]}
    )
    assert AccessAttempt.objects.filter(username="worker_x").exists()  # not the system administrator's
    client = admin_client_for(secadmin)
    response = client.post(
        "/admin/socialwork/user/", {"action": "unlock_selected", "_selected_action": [worker.pk]}
    )
    assert response.status_code == 302 and not AccessAttempt.objects.filter(username="worker_x").exists()
    attempt = AccessAttempt.objects.get(username="nobody")
    assert client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(
        "/admin/axes/accessattempt/", {"action": "unlock_addresses", "_selected_action": [attempt.pk]}
    )
    assert not AccessAttempt.objects.exists()
    # The refused delete is on the record too (issue 17, point 6).
    assert set(AuditEntry.objects.filter(actor=secadmin).values_list("action", flat=True)) == {
        "account.unlock", "address.unlock", "access.denied",
    }  # fmt: skip


def test_the_system_administrator_places_a_new_account_and_the_security_administrator_gives_its_role(
    admin_client_for, sysadmin, secadmin, network
):
    """Issue 17, point 9: without the superuser, the system administrator creates an account
    through the admin's add form and places it (region and unit, each picked with the
    autocomplete, which offers only their own region's places); the security administrator
    then grants its role. Each step is an audit row."""
    from positions.models import Region
    from tests.factories import make_region, make_unit

    elsewhere = make_region("外区", Region.Level.DISTRICT)
    make_unit("外区服务站", ServiceUnit.Level.STATION, None, elsewhere)
    client = admin_client_for(sysadmin)
    assert client.get("/admin/socialwork/user/add/").status_code == 200

    def offered(field: str, term: str) -> list[str]:
        response = client.get(
            "/admin/autocomplete/",
            {"app_label": "socialwork", "model_name": "user", "field_name": field, "term": term},
        )
        assert response.status_code == 200, field
        return [item["text"] for item in response.json()["results"]]

    assert "甲社区" in offered("region", "甲社区")
    assert offered("region", "外区") == []  # another district's network is not theirs to place in
    assert "甲社区服务室" in " ".join(offered("unit", "甲社区服务室"))
    assert offered("unit", "外区") == []

    response = client.post(
        "/admin/socialwork/user/add/",
        {"username": "placed", "full_name": "新社工", "email": "p@example.com",
         "region": network.community_a.pk, "unit": network.room_a.pk,
         "password1": "First-Pass-2026", "password2": "First-Pass-2026"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    account = User.objects.get(username="placed")
    assert (account.region, account.unit) == (network.community_a, network.room_a)
    assert not account.groups.exists()  # roles are the security administrator's to grant

    granted = admin_client_for(secadmin).post(user_page(account), {"roles": [Role.SOCIAL_WORKER]})
    assert granted.status_code == 302
    account = User.objects.get(pk=account.pk)
    assert account.has_role(Role.SOCIAL_WORKER) and account.unit == network.room_a
    actions = set(
        AuditEntry.objects.filter(target_id=str(account.pk)).values_list("actor__username", "action")
    )
    assert ("sysadmin", "account.create") in actions
    assert {action for actor, action in actions if actor == "security"} & {
        "account.roles_set",
        PERSONAL_DATA_ROLE_GRANT,
    }


def test_the_account_list_filters_by_role_named_in_the_readers_language(
    admin_client_for, secadmin, network, settings
):
    """The filter beside the account list offers the roles by their Chinese names, not the groups'
    codes (station_manager), and keeps the accounts of the role picked."""
    settings.LANGUAGE_CODE = "zh-hans"
    worker = make_user("w_role", Role.SOCIAL_WORKER, unit=network.room_a)
    client = admin_client_for(secadmin)
    page = client.get("/admin/socialwork/user/").content.decode()
    assert "站长" in page and ">station_manager<" not in page
    picked = client.get("/admin/socialwork/user/", {"role": Role.SOCIAL_WORKER})
    assert list(picked.context["cl"].result_list) == [worker]
