from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from positions.selectors.allowance import can_view_allowances
from socialwork.accounts.twofactor import Need, second_factor_outstanding
from socialwork.roles import Role, outside_only


def navigation(request):
    """The header: navigation by role, grouped into menus, the unread count and the language switch.

    `nav_menus` is what the header shows, each entry (label, url, items): a link when `items` is
    empty, else a menu of (label, url) items. `nav_items` is every link flat, for whoever needs to
    know what a person can reach."""
    user = request.user
    context = {"languages": [(code, settings.LANGUAGE_LABELS[code]) for code, _name in settings.LANGUAGES]}
    if not user.is_authenticated:
        return context
    if second_factor_outstanding(request) is not Need.NONE:
        # Until the second factor is given, the password alone shows no menu, inbox or name.
        context["second_factor_pending"] = True
        return context
    # Outside people (an expert reviewer, an evaluator) work only on what they were brought in for.
    menus = [] if outside_only(user) else [(_("Service network"), reverse("positions:network"))]
    place_wide = user.is_district_wide or user.has_role(Role.STATION_MANAGER)

    workforce = []
    if place_wide:
        workforce += [
            (_("Coverage"), reverse("positions:coverage")),
            (_("Network by region"), reverse("positions:region_tree")),
            (_("Positions"), reverse("positions:position_list")),
            (_("Social workers"), reverse("positions:worker_list")),
            (_("Exams"), reverse("positions:exam_list")),
            (_("Assessments"), reverse("positions:assessment_schemes")),
        ]
    if can_view_allowances(user):
        workforce.append((_("Allowances"), reverse("positions:allowance_rolls")))
    if place_wide:
        workforce += [
            (_("Awards"), reverse("positions:award_list")),
            (_("Brand studios"), reverse("positions:studio_list")),
            (_("Statistics"), reverse("positions:workforce_statistics")),
        ]
    if workforce:
        menus.append((_("Workforce"), workforce))

    if user.is_district_wide or user.has_role(Role.STATION_MANAGER, Role.SUPERVISOR):
        menus.append((_("Training"), reverse("training:series_list")))

    projects = []
    if user.is_district_wide or user.has_role(Role.STATION_MANAGER, Role.SUPERVISOR, Role.ORG_STAFF):
        projects.append((_("Projects"), reverse("projects:project_list")))
    if user.is_district_wide:
        projects.append((_("Organizations"), reverse("projects:organization_list")))
    if user.is_district_wide or user.has_role(Role.EVALUATOR, Role.ORG_STAFF):
        projects.append((_("Evaluations"), reverse("projects:evaluation_list")))
    if user.is_district_wide:
        projects.append((_("Evaluation schemes"), reverse("projects:evaluation_scheme_list")))
        projects.append((_("Review panels"), reverse("projects:panel_list")))
    if projects:
        menus.append((_("Projects"), projects) if len(projects) > 1 else projects[0])
    if user.has_role(Role.REVIEWER):
        menus.append((_("My review panels"), reverse("projects:panel_list")))

    casework = []
    if user.has_role(Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.STATION_MANAGER):
        casework += [
            (_("My cases"), reverse("casework:my_cases")),
            # The pages a phone keeps for use without a connection (casework.views.field).
            (pgettext_lazy("menu", "Field work on a phone"), reverse("casework:field_home")),
            (_("Calendar"), reverse("casework:calendar")),
            (_("Cases"), reverse("casework:case_list")),
            (_("Clients"), reverse("casework:client_list")),
            (_("Groups"), reverse("casework:group_list")),
        ]
    if user.is_district_wide or user.has_role(Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.STATION_MANAGER):
        casework += [
            (_("Community activities"), reverse("casework:activity_list")),
            (_("Volunteers"), reverse("casework:volunteer_list")),
            (_("Policy advocacy"), reverse("casework:advocacy_list")),
        ]
    if user.is_district_wide and user.has_perm("casework.add_accessgrant"):
        casework += [
            (_("Case access grants"), reverse("casework:grant_list")),
            (_("Duplicate clients"), reverse("casework:merge_list")),
            (_("Case records policy"), reverse("casework:policy")),
        ]
    if (
        user.is_district_wide
        and user.has_perm("casework.change_subjectrequestpolicy")
        or user.has_role(Role.STATION_MANAGER)
    ):
        casework.append((_("Personal information requests"), reverse("casework:subject_request_list")))
    if casework:
        menus.append((_("Casework"), casework))

    if user.is_district_wide or user.has_role(Role.STATION_MANAGER):
        menus.append(
            (
                _("Reports"),
                [
                    (_("Dashboard"), reverse("reports:dashboard")),
                    (_("Annual report"), reverse("reports:annual_list")),
                    (_("Dossiers"), reverse("reports:dossier_list")),
                    # Statistical reports submitted upward: the district's and the city's administrators.
                    *(
                        [(_("Statistical reports"), reverse("reports:upward_list"))]
                        if user.is_superuser or (user.region_id and user.has_role(Role.DISTRICT_ADMIN))
                        else []
                    ),
                    # The district's whole archive: its district administrators only.
                    *(
                        [(_("District archive"), reverse("reports:archive"))]
                        if user.region_id and user.has_role(Role.DISTRICT_ADMIN)
                        else []
                    ),
                ],
            )
        )

    # The import page, for the roles its registers are for (the page asks each register's own rule:
    # socialwork.imports.registry.registers_for; the header asks roles only, to cost no query).
    if user.is_superuser or user.has_role(Role.DISTRICT_ADMIN, Role.STATION_MANAGER, Role.SOCIAL_WORKER):
        menus.append((pgettext_lazy("menu", "Import"), reverse("positions:import")))

    if hasattr(user, "worker"):
        menus.append((_("My profile"), user.worker.get_absolute_url()))
    if user.is_staff:
        menus.append((_("Administration"), reverse("admin:index")))
    menus.append((_("API"), reverse("api-docs")))
    context["nav_menus"] = [
        (label, None, target) if isinstance(target, list) else (label, target, []) for label, target in menus
    ]
    context["nav_items"] = [
        link
        for label, target in menus
        for link in (target if isinstance(target, list) else [(label, target)])
    ]
    context["unread_count"] = user.notifications.filter(in_app=True, read_at__isnull=True).count()
    return context
