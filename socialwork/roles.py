"""The roles people hold. Each role is a Django group, created by a migration.

A role's model permissions are declared here and synchronised after every migrate, so a model
added by a later issue gets its permissions without another data migration.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    STATION_MANAGER = "station_manager", _("Station manager")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    ORG_STAFF = "org_staff", _("Social organization staff")
    AUDITOR = "auditor", _("Auditor")
    # MLPS 2.0 level 3 separates three administrators ("三员分立"): the system administrator runs
    # accounts, groups and schedules; the security administrator runs lockouts and sessions; the
    # auditor (above) is the audit administrator, the only one who reads the audit log. None of
    # the three reads case records.
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    # Outside people the district brings in (issue 21): a third-party evaluation organization's
    # evaluator sees only the evaluations assigned to them and what their scheme needs; an expert
    # reviewer sees only the applications of the panels they sit on.
    EVALUATOR = "evaluator", _("Evaluator")
    REVIEWER = "reviewer", _("Expert reviewer")


# Outside people the district brings in for one piece of work: someone holding only these roles
# reaches that work and nothing of the district's registers, even those every member of staff
# reads (trainers, the network's tree). projects.selectors.panels scopes the reviewer's work.
OUTSIDE_ROLES = (Role.EVALUATOR, Role.REVIEWER)


def outside_only(user) -> bool:
    """Whether the person holds only outside roles (OUTSIDE_ROLES): an expert reviewer or evaluator."""
    roles = user.roles if user.is_authenticated else frozenset()
    return bool(roles) and not user.is_superuser and roles <= set(OUTSIDE_ROLES)


# A district administrator placed above the district (positions.Region.ABOVE_DISTRICT_LEVELS) is
# the same role with a wider place (the scoping is one path prefix); only its name says so.
LABELS_ABOVE_DISTRICT = {
    "city": _("City administrator"),
    "province": _("Province administrator"),
}


def role_label(role: str, level: str | None = None) -> str:
    """The name of a role for a person placed at a region of `level`: the one place that decides
    that a district administrator at a city is the "City administrator"."""
    if role == Role.DISTRICT_ADMIN and level in LABELS_ABOVE_DISTRICT:
        return LABELS_ABOVE_DISTRICT[level]
    return Role(role).label


# Roles whose holders see the whole of their region rather than only their own unit.
DISTRICT_WIDE_ROLES = (Role.DISTRICT_ADMIN, Role.AUDITOR)

DOMAIN_APPS = ("positions", "training", "projects", "casework", "reports")

# Case records: who may touch them at all. Which case a person reaches is decided per case by
# casework.selectors (worker, supervisor, station manager), not by these permissions.
CASEWORK_WORK = [
    ("casework", model, ("view", "add", "change"))
    for model in (
        "client", "householdmember", "case", "caseclient", "assessment", "assessmentdomain", "serviceplan",
        "plangoal", "plantask", "servicenote", "homevisit", "referral", "followup", "supervisorreview", "closing",
        "transfer", "group", "groupmember", "groupsession", "groupattendance", "communityactivity", "volunteer",
        "volunteerhours", "volunteerpairing", "advocacyrecord", "subjectrequest",
    )
] + [("casework", "vulnerabilitycategory", ("view",)), ("casework", "satisfactionquestion", ("view",))]  # fmt: skip

# Reference data the district keeps in the admin with no service of its own (socialwork.admin_base
# AuditedAdmin, reviewed in tests/security/test_admin_matrix.py EDITABLE): the only domain models
# anybody adds, changes or deletes in the admin. Every other domain model is read-only there.
ADMIN_EDITABLE = [
    (app, model, ("add", "change", "delete"))
    for app, models_ in (
        ("positions", ("hostinstitution", "registrationhourspolicy")),
        ("training", ("trainer", "practicebase", "hoursrequirement")),
        ("projects", ("yearbudget", "serviceteam", "teammember", "stationing")),
        ("casework", ("vulnerabilitycategory", "satisfactionquestion")),
    )
    for model in models_
]

# What the district's pages, API and services ask a model permission for (has_perm,
# permission_required, `perms.` in a template, the API's RolePermissions on a write): there the
# permission is the rule "the district writes these, through their services". The admin still
# shows these models read-only. Adding, changing or deleting anything else (an allowance roll, an
# enrolment, a case's transition, a payment's deletion…) is nobody's model permission: its
# workflow's declaration (positions.workflow, training.workflow…) or its service decides.
DISTRICT_WRITES = [
    ("positions", "region", ("add", "change")),
    ("positions", "serviceunit", ("add", "change")),
    ("positions", "position", ("add", "change")),
    ("positions", "socialworker", ("add", "change")),
    ("positions", "appointment", ("add", "change")),
    ("positions", "assessmentscheme", ("add", "change")),
    ("positions", "exam", ("add",)),
    ("positions", "assessment", ("add",)),
    ("positions", "allowancepolicy", ("add",)),
    ("positions", "award", ("add", "change")),
    ("positions", "studio", ("add", "change")),  # adding a project to a studio changes the studio
    ("training", "trainingseries", ("add", "change")),
    ("training", "trainingsession", ("add", "change")),
    ("training", "certificate", ("add",)),
    ("projects", "socialorganization", ("add", "change")),
    ("projects", "call", ("add", "change")),
    ("projects", "project", ("add", "change")),  # the district's side of every project step
    ("projects", "contract", ("add",)),  # the API's contract and payment endpoints
    ("projects", "payment", ("add",)),
    ("projects", "reviewpanel", ("add", "change")),  # the API's review panel endpoint
    ("casework", "accessgrant", ("add", "change")),
    ("casework", "clientmerge", ("add", "change")),  # propose, decide, undo (casework.services.merges)
    ("casework", "caseworkpolicy", ("change",)),
    ("casework", "subjectrequestpolicy", ("change",)),
]

# Per role: (app label, model name or "*", actions). An action is a default one (view, add,
# change, delete) or the codename of a custom permission. Later issues extend this table.
ROLE_PERMISSIONS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    # The district reads every domain model; it writes through pages and services (DISTRICT_WRITES,
    # and the case records as the case team does, per case) and edits reference data in the admin.
    Role.DISTRICT_ADMIN: [(app, "*", ("view",)) for app in DOMAIN_APPS]
    + ADMIN_EDITABLE
    + DISTRICT_WRITES
    + [(app, model, ("add", "change")) for app, model, _actions in CASEWORK_WORK if "add" in _actions]
    + [
        ("django_celery_beat", "*", ("view", "change")),
        ("positions", "socialworker", ("view_full_id_number",)),
    ],
    Role.AUDITOR: [(app, "*", ("view",)) for app in DOMAIN_APPS] + [("socialwork", "auditentry", ("view",))],
    # Station managers run their own station's posts and people (scoped by their place).
    Role.STATION_MANAGER: [
        ("positions", model, ("view", "add", "change"))
        for model in ("position", "socialworker", "appointment", "exam", "award")
    ]
    + [("training", "enrolment", ("view",))]  # enrolling: training.workflow's organizers
    + [("training", model, ("view",)) for model in ("trainingseries", "trainingsession", "trainer")]
    + CASEWORK_WORK,
    # Accounts are created, placed, deactivated and their passwords reset through
    # socialwork.accounts.services, which decides who may do what (the model permissions only open
    # the admin's pages). Groups are the roles declared here: nobody edits their permissions. The
    # network's regions and units are read to place an account (the user admin's autocomplete).
    Role.SYSTEM_ADMIN: [
        ("socialwork", "user", ("view", "add", "change")),
        ("auth", "group", ("view",)),
        ("positions", "region", ("view",)),
        ("positions", "serviceunit", ("view",)),
        ("django_celery_beat", "*", ("view", "add", "change", "delete")),
    ],
    # The security administrator grants and removes roles and unlocks accounts and addresses
    # (socialwork.accounts.services, audited); login attempts are read, never edited or deleted.
    Role.SECURITY_ADMIN: [
        ("axes", "*", ("view",)),
        ("sessions", "session", ("view", "delete")),
        ("socialwork", "user", ("view", "change")),
        ("auth", "group", ("view",)),
        # Who holds an API token (revoking is deleting it) and how long tokens last.
        ("socialwork", "apitoken", ("view", "delete")),
        ("socialwork", "apitokenpolicy", ("view", "change")),
        # Which optional roles must use a second factor.
        ("socialwork", "secondfactorpolicy", ("view", "change")),
    ],
    Role.SOCIAL_WORKER: CASEWORK_WORK,
    Role.SUPERVISOR: CASEWORK_WORK,
    # Which evaluation or application they reach is decided per record by projects.selectors.
    Role.EVALUATOR: [],
    # An expert reviewer holds no model permission: they reach the applications of the panels they
    # sit on, and nothing else, through projects.selectors.panels; declaring and scoring are the
    # service's rule (projects.services.panels), not a permission.
    Role.REVIEWER: [],
    # Organization staff apply and report for their own organization (scoped by projects.selectors).
    Role.ORG_STAFF: [
        ("projects", model, ("view", "add", "change"))
        for model in ("project", "budgetline", "progressreport")
    ],
}


# The three administrators of MLPS 2.0 are three people: an account holding one of these roles
# holds no other role (socialwork.accounts.services.user_roles_set).
ADMINISTRATOR_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR)

# Roles whose work is in the admin site: their holders are staff (is_staff follows the roles).
STAFF_ROLES = (Role.DISTRICT_ADMIN, Role.AUDITOR, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)

# The second factor (socialwork.accounts.twofactor): required of those who reach personal data
# across a unit or run the system; social workers and organization staff may set one up, and the
# security administrator may require it of them too (socialwork.SecondFactorPolicy).
SECOND_FACTOR_REQUIRED_ROLES = (
    Role.DISTRICT_ADMIN,
    Role.STATION_MANAGER,
    Role.SUPERVISOR,
    Role.AUDITOR,
    Role.SYSTEM_ADMIN,
    Role.SECURITY_ADMIN,
    Role.EVALUATOR,  # a sampled satisfaction call shows them a client's phone number
)
SECOND_FACTOR_OPTIONAL_ROLES = (Role.SOCIAL_WORKER, Role.ORG_STAFF, Role.REVIEWER)

# Models holding personal information of clients, workers or outside people (names, ID numbers,
# phones, case records, the audit log's account of who did what to whom). A role with view on any
# of them reads personal data: granting it is audited as such and shown to the audit
# administrators. "*" stands for every model of the app.
PERSONAL_DATA_MODELS = {
    ("casework", "*"),
    ("positions", "socialworker"),
    ("positions", "appointment"),
    ("positions", "exam"),
    ("positions", "assessment"),
    ("positions", "registrationperiod"),
    ("positions", "outsidetraining"),
    ("positions", "allowanceroll"),
    ("positions", "allowanceline"),
    ("training", "enrolment"),
    ("training", "certificate"),
    ("training", "trainer"),
    ("projects", "socialorganization"),
    ("socialwork", "auditentry"),
}


def reads_personal_data(role: str) -> bool:
    """Whether the role's permissions let its holder view any model of PERSONAL_DATA_MODELS."""
    for app_label, model, actions in ROLE_PERMISSIONS.get(role, []):
        if "view" not in actions:
            continue
        if model == "*":
            if any(app == app_label for app, _model in PERSONAL_DATA_MODELS):
                return True
        elif (app_label, model) in PERSONAL_DATA_MODELS or (app_label, "*") in PERSONAL_DATA_MODELS:
            return True
    return False


def sync_role_permissions(sender=None, **kwargs):
    """Give each role's group exactly the permissions ROLE_PERMISSIONS declares."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # post_migrate reaches this app before the apps after it have their permissions made.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)

    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = []
        for app_label, model, actions in ROLE_PERMISSIONS[role]:
            permissions = Permission.objects.filter(content_type__app_label=app_label).select_related(
                "content_type"
            )
            if model != "*":
                permissions = permissions.filter(content_type__model=model)
            wanted += [
                permission
                for permission in permissions
                if permission.codename in actions
                or permission.codename in {f"{action}_{permission.content_type.model}" for action in actions}
            ]
        group.permissions.set(wanted)
