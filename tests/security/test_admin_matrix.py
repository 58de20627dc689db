"""Every role against every domain model's admin: its list, add, change and delete pages.

A record a service writes is read-only in the admin for everyone, superusers included
(socialwork.admin_base.ReadOnlyAdmin): adding and deleting answer 403, the change page has no
save button and its post is refused and changes nothing. Only the short list of reference data
below, which no service and no page keeps, is edited in the admin, each change audited
(AuditedAdmin). Those who hold a model's view permission open its list and the records their
place holds; a case record is absent for every administrator. The people and records are
tests/security/test_role_matrix.py's small district.
"""

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.forms.models import model_to_dict
from django.test import Client, RequestFactory
from django.urls import reverse

from socialwork.admin_base import AuditedAdmin
from socialwork.models import User
from socialwork.roles import DOMAIN_APPS, Role
from tests.security.seed import seed
from tests.security.test_role_matrix import ROLES, SUPERUSER, browser

R = Role
SOCIALWORK_RECORDS = {"socialwork.notification", "socialwork.notificationpreference"}

# Reference data a district keeps with no service and no page of its own: edited in the admin,
# every add, change and delete an audit row. Reviewed: add a model here only with its reason.
EDITABLE = {
    "positions.hostinstitution": "host institutions: imports and positions only read them",
    "positions.award": "awards: listed on the honours page, kept only here until issue 18's pages",
    "positions.studio": "studios and their projects: as awards",
    "training.trainer": "the trainers' roster: the training pages only list it",
    "training.practicebase": "practice bases: the training pages only list them",
    "training.hoursrequirement": "the year's continuing-education hours: read by reminders and pages",
    "projects.yearbudget": "the year's budget: contract signing reads it, nothing else sets it",
    "projects.serviceteam": "an organization's service teams and their members: shown on its page",
    "projects.teammember": "as service teams",
    "projects.stationing": "workers stationed at or mentoring an organization: shown on its page",
    "casework.vulnerabilitycategory": "the groups the district serves; built-in ones are never deleted",
}
UNDELETABLE = {"casework.vulnerabilitycategory"}  # the seeded (first) category is a built-in one

STAFF = [R.DISTRICT_ADMIN, R.AUDITOR, R.SYSTEM_ADMIN, R.SECURITY_ADMIN, SUPERUSER]
NOT_STAFF = [role for role in ROLES if role not in STAFF]
DOMAIN_VIEWERS = {R.DISTRICT_ADMIN, R.AUDITOR, SUPERUSER}  # roles.py: view on every domain app
EDITORS = {R.DISTRICT_ADMIN, SUPERUSER}

# Records that follow the cases' rule (casework.selectors): no administrator reaches the seeded
# case, its client, its group or its grant's case, so they are missing from lists and pages.
CASE_RECORDS = {
    "casework.case", "casework.client", "casework.caseclient", "casework.casetransition",
    "casework.householdmember", "casework.assessment", "casework.assessmentdomain",
    "casework.serviceplan", "casework.plangoal", "casework.plantask", "casework.servicenote",
    "casework.referral", "casework.followup", "casework.supervisorreview", "casework.closing",
    "casework.transfer", "casework.group", "casework.groupmember", "casework.groupsession",
    "casework.groupattendance", "casework.volunteerpairing",
}  # fmt: skip


@pytest.fixture(scope="module")
def district(django_db_setup, django_db_blocker):
    """test_role_matrix's district, built once and rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        data = seed()
        data.sessions = {}
        for role, user in data.users.items():
            client = Client()
            client.force_login(user)
            data.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield data
        transaction.set_rollback(True)


def label(model) -> str:
    return model._meta.label_lower


def domain_admins() -> dict:
    return {
        label(model): model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in DOMAIN_APPS or label(model) in SOCIALWORK_RECORDS
    }


DOMAIN = sorted(domain_admins())


# The system administrator reads the network to place accounts in it (roles.py).
NETWORK = {"positions.region", "positions.serviceunit"}


def viewers(name: str) -> set:
    if name in SOCIALWORK_RECORDS:
        return {SUPERUSER}
    return DOMAIN_VIEWERS | {R.SYSTEM_ADMIN} if name in NETWORK else DOMAIN_VIEWERS


def test_every_domain_model_is_read_only_in_the_admin_or_reviewed_reference_data(db):
    request = RequestFactory().get("/admin/")
    request.user = User(username="root", is_superuser=True, is_staff=True, is_active=True)
    writable = {}
    for name, model_admin in domain_admins().items():
        doors = [(model_admin, (request,))] + [
            (inline, (request, None)) for inline in model_admin.get_inline_instances(request, None)
        ]
        allowed = [
            f"{type(door).__name__}.{verb}"
            for door, args in doors
            for verb in ("add", "change", "delete")
            if getattr(door, f"has_{verb}_permission")(*(args if verb == "add" else (request, None)))
        ]
        if "delete_selected" in model_admin.get_actions(request):
            allowed.append("delete_selected")
        if allowed:
            writable[name] = allowed
        if name in EDITABLE:
            assert isinstance(model_admin, AuditedAdmin), f"{name}: edited in the admin, so audited"
    assert set(writable) == set(EDITABLE), "a service writes these: make their admin a ReadOnlyAdmin"


def seeded(name: str):
    model = next(model for model in admin.site._registry if label(model) == name)
    return model._default_manager.order_by("pk").first()


def urls(name: str, obj) -> dict:
    app, model = name.split(".")
    found = {"list": reverse(f"admin:{app}_{model}_changelist"), "add": reverse(f"admin:{app}_{model}_add")}
    if obj is not None:
        found["change"] = reverse(f"admin:{app}_{model}_change", args=[obj.pk])
        found["delete"] = reverse(f"admin:{app}_{model}_delete", args=[obj.pk])
    return found


def stored(obj) -> dict:
    return {key: str(value) for key, value in model_to_dict(obj).items()}


@pytest.mark.parametrize("role", NOT_STAFF)
def test_people_without_a_staff_account_meet_a_login_page_on_every_admin_page(district, db, role):
    client = browser(district, role)
    logins = (reverse("admin:login"), reverse("login"))
    for name in DOMAIN:
        for url in urls(name, seeded(name)).values():
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith(logins), url


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("name", DOMAIN)
def test_each_administrator_meets_each_domain_model_as_intended(district, db, role, name):
    client, obj = browser(district, role), seeded(name)
    pages = urls(name, obj)
    views, edits = role in viewers(name), name in EDITABLE and role in EDITORS
    reaches = views and name not in CASE_RECORDS

    listing = client.get(pages["list"])
    assert listing.status_code == (200 if views else 403), pages["list"]
    if views and obj is not None:
        assert (pages["change"] in listing.content.decode()) == reaches, "scoped like the pages"

    assert client.get(pages["add"]).status_code == (200 if edits else 403), pages["add"]
    if obj is None:
        return

    page = client.get(pages["change"])
    if not views:
        assert page.status_code == 403
    elif not reaches:
        assert page.status_code == 302 and page["Location"] == reverse("admin:index")  # "does not exist"
    else:
        assert page.status_code == 200
        assert ('name="_save"' in page.content.decode()) == edits, "a save button only where edited"

    before = stored(obj)
    if not edits:
        assert client.post(pages["change"], before).status_code == 403
        assert client.post(pages["delete"], {"post": "yes"}).status_code == 403
        obj.refresh_from_db()
        assert stored(obj) == before, "a refused post changes nothing"
    else:
        deletable = name not in UNDELETABLE
        assert client.get(pages["delete"]).status_code == (200 if deletable else 403)


@pytest.mark.parametrize("role", [R.DISTRICT_ADMIN, SUPERUSER])
def test_the_attack_on_the_admin_finds_every_write_refused(district, db, role):
    """Issue 16, finding 4: a payment of 1,000,000 on a 40,000 contract, a second appointment on a
    post, a closed roll reopened, a contract's amount edited, a payment deleted."""
    client, o = browser(district, role), district.objects
    contract, payment, roll, appointment = o["contract"], o["payment"], o["roll"], o["appointment"]
    someone = district.users[R.AUDITOR]
    attempts = [
        (
            reverse("admin:projects_payment_add"),
            {"contract": contract.pk, "amount": "1000000", "paid_on": "2026-01-01", "recorded_by": someone.pk},
        ),
        (
            reverse("admin:positions_appointment_add"),
            {"worker": appointment.worker_id, "position": appointment.position_id, "starts_on": "2026-01-01"},
        ),
        (reverse("admin:positions_allowanceroll_change", args=[roll.pk]), {**stored(roll), "status": "draft"}),
        (reverse("admin:projects_contract_change", args=[contract.pk]), {**stored(contract), "amount": "999999"}),
        (reverse("admin:projects_payment_delete", args=[payment.pk]), {"post": "yes"}),
        (reverse("admin:projects_payment_changelist"), {"action": "delete_selected", "_selected_action": [payment.pk], "post": "yes"}),
    ]  # fmt: skip
    for obj in (contract, payment, roll):
        obj.refresh_from_db()
    counts = {model: model._default_manager.count() for model in (type(payment), type(appointment))}
    for url, data in attempts[:-1]:
        assert client.post(url, data).status_code == 403, url
    client.post(*attempts[-1])  # the bulk delete is no longer offered: "no action selected"
    for obj in (contract, payment, roll):
        before = stored(obj)
        obj.refresh_from_db()
        assert stored(obj) == before, obj
    assert {model: model._default_manager.count() for model in counts} == counts
