"""Every role against every model of the admin: its list, add, change and delete pages.

This file and tests/security/test_role_matrix.py together cover the admin's list, add, change and
delete URLs of every registered model (test_every_model_of_the_admin_is_in_one_of_the_two_matrices)
with the intended answer for every role: people without a staff account meet the login page on
every one of them (here, and the role matrix's resolver skips admin/); the domain models' pages
for each administrator are test_each_administrator_meets_each_domain_model_as_intended, and the
admin's other models (accounts, roles, logins, sessions, tokens, the audit log, schedules, task
results) are PLATFORM's table in test_each_administrator_meets_each_other_model_of_the_admin_as_intended.
The role matrix adds the administrators' own pages (ADMIN_PAGES) and that no case record is read.

A record a service writes is read-only in the admin for everyone, superusers included
(socialwork.admin_base.ReadOnlyAdmin): adding and deleting answer 403, the change page has no
save button and its post is refused and changes nothing. Only the short list of reference data
below, which no service and no page keeps, is edited in the admin, each change audited
(AuditedAdmin). Those who hold a model's view permission open its list and the records their
place holds; a case record is absent for every administrator. The people and records are
tests/security/test_role_matrix.py's small district. The district administrator's permissions
say the same (test_the_district_holds_write_permissions_only_where_a_door_takes_them).
"""

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import transaction
from django.forms.models import model_to_dict
from django.test import Client, RequestFactory
from django.urls import reverse

from positions.models import AllowanceRoll, Region
from positions.services.allowance import allowance_roll_close
from projects.models import Payment
from socialwork.admin_base import AuditedAdmin
from socialwork.models import AuditEntry, User
from socialwork.roles import CASEWORK_WORK, DISTRICT_WRITES, DOMAIN_APPS, Role
from tests.security.seed import seed
from tests.security.test_role_matrix import ROLES, SUPERUSER, browser

R = Role
SOCIALWORK_RECORDS = {"socialwork.notification", "socialwork.notificationpreference"}

# Reference data a district keeps with no service and no page of its own: edited in the admin,
# every add, change and delete an audit row. Reviewed: add a model here only with its reason.
EDITABLE = {
    "positions.hostinstitution": "host institutions: imports and positions only read them",
    "positions.registrationhourspolicy": "the hours a registration period requires per level: renewal reads it",
    "training.trainer": "the trainers' roster: the training pages only list it",
    "training.practicebase": "practice bases: the training pages only list them",
    "training.hoursrequirement": "the year's continuing-education hours: read by reminders and pages",
    "projects.yearbudget": "the year's budget: contract signing reads it, nothing else sets it",
    "projects.serviceteam": "an organization's service teams and their members: shown on its page",
    "projects.teammember": "as service teams",
    "projects.stationing": "workers stationed at or mentoring an organization: shown on its page",
    "casework.vulnerabilitycategory": "the groups the district serves; built-in ones are never deleted",
    "casework.satisfactionquestion": "the questions of the satisfaction questionnaire; answers keep their wording",
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
    "casework.groupattendance", "casework.volunteerpairing", "casework.breakglass", "casework.labelchange",
    "casework.attachment", "casework.clientconsent",
    "casework.homevisit",
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
    records = model._default_manager.order_by("pk")
    if model is Region:  # the district's first region: its city lies above every seeded place
        records = records.exclude(level__in=Region.ABOVE_DISTRICT_LEVELS)
    if name in DISTRICTS_OWN:  # the district's own row, not one of the installation's defaults
        records = records.filter(region__level__in=Region.DISTRICT_LEVELS)
    return records.first()


# Local rules a district keeps in the admin (issue 23): its administrator edits its own rows.
DISTRICTS_OWN = {"positions.registrationhourspolicy", "projects.yearbudget"}


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


def test_the_district_administrator_cannot_pay_99999_yuan_on_a_40000_yuan_contract_in_the_admin(district, db):
    """Issue 17, finding 1: the admin's add page saved this payment, around payment_record's rules
    and with no audit row. It is refused, and nothing is saved or recorded."""
    client, contract = browser(district, R.DISTRICT_ADMIN), district.objects["contract"]
    contract.refresh_from_db()
    assert contract.amount == 40000
    payments = Payment.objects.filter(contract=contract).count()
    rows = AuditEntry.objects.filter(action__startswith="payment.").count()
    response = client.post(
        reverse("admin:projects_payment_add"),
        {"contract": contract.pk, "amount": "99999", "paid_on": "2026-01-05", "note": "admin"},
    )
    assert response.status_code == 403
    assert Payment.objects.filter(contract=contract).count() == payments
    assert AuditEntry.objects.filter(action__startswith="payment.").count() == rows


def test_the_district_administrator_cannot_reopen_a_closed_roll_or_change_its_total_in_the_admin(
    district, db
):
    """Issue 17, finding 1: the admin's change page reopened a closed allowance roll and changed
    its total. Both posts are refused; the roll stays closed with its total, and no row is written."""
    admin_user, roll = district.users[R.DISTRICT_ADMIN], district.objects["roll"]
    roll = allowance_roll_close(actor=admin_user, roll=roll)
    before, rows = stored(roll), AuditEntry.objects.filter(action__startswith="allowance_roll.").count()
    url = reverse("admin:positions_allowanceroll_change", args=[roll.pk])
    client = browser(district, R.DISTRICT_ADMIN)
    assert client.post(url, {**before, "status": "draft"}).status_code == 403
    assert client.post(url, {**before, "total": "999999.00"}).status_code == 403
    roll.refresh_from_db()
    assert stored(roll) == before and roll.status == AllowanceRoll.Status.CLOSED
    assert AuditEntry.objects.filter(action__startswith="allowance_roll.").count() == rows


def test_the_district_holds_write_permissions_only_where_a_door_takes_them(district, db):
    """Issue 17, point 1: the district administrator held add, change and delete on every domain
    model although the admin refuses them. Now the role holds view on every domain model; add,
    change and delete only on the reference data edited in the admin (EDITABLE); and add or change
    only where a page, the API or a service asks for that permission as its rule
    (roles.DISTRICT_WRITES, and the case records, decided per case). Nobody deletes anything else."""
    held = set(
        Group.objects.get(name=R.DISTRICT_ADMIN).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    writes = {f"{app}.{model}": set(actions) for app, model, actions in DISTRICT_WRITES}
    for app, model, actions in CASEWORK_WORK:
        writes.setdefault(f"{app}.{model}", set()).update({"add", "change"} & set(actions))
    for name in DOMAIN:
        if name in SOCIALWORK_RECORDS:
            continue
        app, model = name.split(".")
        assert (app, f"view_{model}") in held, name
        verbs = {verb for verb in ("add", "change", "delete") if (app, f"{verb}_{model}") in held}
        assert verbs == ({"add", "change", "delete"} if name in EDITABLE else writes.get(name, set())), name
    # The findings' records: the roll and the enrolment follow their workflows; a payment is
    # recorded through its service (the API's POST), never changed or deleted.
    for app, codename in [
        ("positions", "change_allowanceroll"), ("positions", "add_allowanceroll"), ("positions", "delete_allowanceroll"),
        ("training", "add_enrolment"), ("training", "change_enrolment"),
        ("projects", "change_payment"), ("projects", "delete_payment"),
    ]:  # fmt: skip
        assert (app, codename) not in held, codename


# The admin's other models: accounts, roles, logins, sessions, tokens, the audit log, schedules and
# task results. Who may open each one's list, add page, a record's change form (with a save button)
# and delete page. Notifications are in DOMAIN above; the domain models in the matrix above.
SYS, SEC, AUD, DA, SU = R.SYSTEM_ADMIN, R.SECURITY_ADMIN, R.AUDITOR, R.DISTRICT_ADMIN, SUPERUSER
NOBODY_ = frozenset()
SCHEDULES = {"list": {DA, SYS, SU}, "add": {SYS, SU}, "change": {DA, SYS, SU}, "delete": {SYS, SU}}
LOGINS = {"list": {SEC, SU}, "add": NOBODY_, "change": NOBODY_, "delete": NOBODY_}
PLATFORM = {
    # Accounts through socialwork.accounts.services: created and placed by the system
    # administrator, their roles set by the security administrator, never deleted.
    "socialwork.user": {"list": {SYS, SEC, SU}, "add": {SYS, SU}, "change": {SYS, SEC, SU}, "delete": NOBODY_},
    "auth.group": {"list": {SYS, SEC, SU}, "add": NOBODY_, "change": NOBODY_, "delete": NOBODY_},
    # Login records are evidence: read by the security administrator, never edited or deleted.
    "axes.accessattempt": LOGINS,
    "axes.accessfailurelog": LOGINS,
    "axes.accesslog": LOGINS,
    # Ending a session and revoking a token are deleting them.
    "sessions.session": {"list": {SEC, SU}, "add": NOBODY_, "change": NOBODY_, "delete": {SEC, SU}},
    "socialwork.apitoken": {"list": {SEC, SU}, "add": NOBODY_, "change": NOBODY_, "delete": {SEC, SU}},
    "socialwork.apitokenpolicy": {"list": {SEC, SU}, "add": NOBODY_, "change": {SEC, SU}, "delete": NOBODY_},
    # Which optional roles must also use a second factor: the security administrator's one row.
    "socialwork.secondfactorpolicy": {"list": {SEC, SU}, "add": NOBODY_, "change": {SEC, SU}, "delete": NOBODY_},
    "socialwork.auditentry": {"list": {AUD}, "add": NOBODY_, "change": NOBODY_, "delete": NOBODY_},
    # How long the audit log is kept: the audit administrator's (socialwork.audit_admin).
    "socialwork.auditpolicy": {"list": {AUD}, "add": NOBODY_, "change": {AUD}, "delete": NOBODY_},
    "django_celery_beat.periodictask": SCHEDULES,
    "django_celery_beat.intervalschedule": SCHEDULES,
    "django_celery_beat.crontabschedule": SCHEDULES,
    "django_celery_beat.solarschedule": SCHEDULES,
    "django_celery_beat.clockedschedule": SCHEDULES,
    # What the background workers did: the superuser's, for diagnosis.
    "django_celery_results.taskresult": {"list": {SU}, "add": NOBODY_, "change": NOBODY_, "delete": {SU}},
    "django_celery_results.groupresult": {"list": {SU}, "add": NOBODY_, "change": NOBODY_, "delete": {SU}},
}  # fmt: skip


def test_every_model_of_the_admin_is_in_one_of_the_two_matrices():
    registered = {label(model) for model in admin.site._registry}
    assert registered == set(DOMAIN) | set(PLATFORM)


def platform_record(name: str, district):
    """A record of the model to open: an ordinary account, a role, one of each log, schedule and
    result, a session and a token of the seeded district."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.utils import timezone
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )  # fmt: skip
    from django_celery_results.models import GroupResult, TaskResult

    from socialwork.models import AuditPolicy

    login = {
        "user_agent": "a",
        "ip_address": "10.0.0.9",
        "username": "someone",
        "path_info": "/accounts/login/",
    }
    make = {
        "socialwork.user": lambda: district.users[R.SOCIAL_WORKER],
        "auth.group": lambda: Group.objects.get(name=R.SOCIAL_WORKER),
        "axes.accessattempt": lambda: AccessAttempt.objects.create(
            **login, get_data="", post_data="", http_accept="", failures_since_start=1
        ),
        "axes.accessfailurelog": lambda: AccessFailureLog.objects.create(
            **login, http_accept="", locked_out=False
        ),
        "axes.accesslog": lambda: AccessLog.objects.create(**login, http_accept=""),
        "django_celery_beat.intervalschedule": lambda: IntervalSchedule.objects.create(
            every=7, period="days"
        ),
        "django_celery_beat.crontabschedule": lambda: CrontabSchedule.objects.create(minute="7"),
        "django_celery_beat.solarschedule": lambda: SolarSchedule.objects.create(
            event="sunrise", latitude=30, longitude=110
        ),
        "django_celery_beat.clockedschedule": lambda: ClockedSchedule.objects.create(
            clocked_time=timezone.now()
        ),
        "django_celery_beat.periodictask": lambda: PeriodicTask.objects.create(
            name="matrix", task="x", interval=IntervalSchedule.objects.create(every=9, period="days")
        ),
        "socialwork.auditpolicy": lambda: AuditPolicy.objects.get_or_create(pk=1)[0],
        "django_celery_results.taskresult": lambda: TaskResult.objects.create(task_id="matrix-task"),
        "django_celery_results.groupresult": lambda: GroupResult.objects.create(group_id="matrix-group"),
    }
    if name in make:
        return make[name]()
    model = next(model for model in admin.site._registry if label(model) == name)
    return model._default_manager.order_by("pk").first()


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("name", sorted(PLATFORM))
def test_each_administrator_meets_each_other_model_of_the_admin_as_intended(district, db, role, name):
    client, obj = browser(district, role), platform_record(name, district)
    assert obj is not None, name
    pages, rule = urls(name, obj), PLATFORM[name]
    answers = {
        "list": client.get(pages["list"]).status_code == 200,
        "add": client.get(pages["add"]).status_code == 200,
        "change": 'name="_save"' in client.get(pages["change"]).content.decode(),
        "delete": client.get(pages["delete"]).status_code == 200,
    }
    assert answers == {verb: role in rule[verb] for verb in answers}
