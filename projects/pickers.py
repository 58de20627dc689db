"""Organizations and projects are chosen and found by typing (socialwork.pickers)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import Project, SocialOrganization
from projects.selectors import (
    organizations_matching,
    organizations_pickable,
    organizations_visible_to,
    projects_matching,
    projects_visible_to,
)
from socialwork.pickers import SEP, picker_kind


def organization_label(organization: SocialOrganization) -> str:
    """The name with the unified social credit code, which tells namesakes apart."""
    return (
        f"{organization.name}{SEP}{organization.credit_code}"
        if organization.credit_code
        else organization.name
    )


picker_kind(
    "organization",
    title=pgettext_lazy("search results", "Social organizations"),
    model=SocialOrganization,
    noun=pgettext_lazy("picker", "social organization"),
    hint=_("Type part of the organization's name or its unified social credit code."),
    visible=lambda user: organizations_visible_to(user=user),
    # Any organization of the place (or above it) may be a case's referral target, a bidder or a provider.
    pickable=lambda user: organizations_pickable(user=user),
    match=organizations_matching,
    label=organization_label,
)
picker_kind(
    "project",
    title=pgettext_lazy("search results", "Projects"),
    model=Project,
    noun=pgettext_lazy("picker", "project"),
    hint=_("Type part of the project's title."),
    visible=lambda user: projects_visible_to(user=user),
    match=projects_matching,
    label=lambda project: f"{project.title}{SEP}{project.year}",
)
