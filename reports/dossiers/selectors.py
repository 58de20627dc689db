"""Who may build and download which dossier: read from the apps' own scoping selectors, never a
rule of a page's own. A project's dossier: the district (any project in its region), a station
manager (the projects of their station's area), a social organization's staff (their own
organization's projects) and an evaluator (the projects they are assigned to evaluate), each as
`projects_visible_to` scopes them. A station's dossier: the district (any station) and a station
manager (their own), as `units_visible_to` scopes them."""

from django.db.models import Q, QuerySet

from positions.models import ServiceUnit
from positions.selectors.network import units_visible_to
from projects.models import Project
from projects.selectors import projects_visible_to
from reports.models import Dossier
from socialwork.roles import Role

PROJECT_ROLES = (Role.STATION_MANAGER, Role.ORG_STAFF, Role.EVALUATOR)


def projects_for_dossier(*, user) -> QuerySet[Project]:
    """The projects whose evaluation dossier the person may build and download."""
    if not user.is_authenticated:
        return Project.objects.none()
    if not (user.is_district_wide or user.is_superuser or user.has_role(*PROJECT_ROLES)):
        return Project.objects.none()
    projects = projects_visible_to(user=user)
    if not (
        user.is_district_wide or user.is_superuser or user.has_role(Role.STATION_MANAGER, Role.EVALUATOR)
    ):
        # Organization staff: their organization's projects, not merely those they drafted.
        if not user.organization_id:
            return Project.objects.none()
        projects = projects.filter(
            Q(organization_id=user.organization_id) | Q(provider_id=user.organization_id)
        )
    return projects


def stations_for_dossier(*, user) -> QuerySet[ServiceUnit]:
    """The stations whose yearly dossier the person may build and download."""
    if not user.is_authenticated:
        return ServiceUnit.objects.none()
    if not (user.is_district_wide or user.is_superuser or user.has_role(Role.STATION_MANAGER)):
        return ServiceUnit.objects.none()
    return units_visible_to(user=user).filter(level=ServiceUnit.Level.STATION)


def may_build_project_dossier(*, user, project: Project) -> bool:
    return projects_for_dossier(user=user).filter(pk=project.pk).exists()


def may_build_station_dossier(*, user, station: ServiceUnit) -> bool:
    return stations_for_dossier(user=user).filter(pk=station.pk).exists()


def dossiers_visible_to(*, user) -> QuerySet[Dossier]:
    """The dossiers the person may follow and download: those of the projects and stations whose
    dossier they may build, whoever requested them."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return Dossier.objects.filter(
        Q(kind=Dossier.Kind.PROJECT, project__in=projects_for_dossier(user=user).values("pk"))
        | Q(kind=Dossier.Kind.STATION, station__in=stations_for_dossier(user=user).values("pk"))
    ).select_related("project", "station", "requested_by")
