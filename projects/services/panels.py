"""Writes of review panels: setting one up, a reviewer's declaration of any conflict of interest,
and their score. Each runs in one transaction, refuses a step not open to the actor now
(`selectors.panels.panel_actions_for`, the same answer the pages and the API show), writes its
audit row and tells the people concerned."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects import notifications
from projects.models import (
    Call,
    ConflictDeclaration,
    PanelApplication,
    PanelMember,
    Project,
    Review,
    ReviewPanel,
    ReviewRevision,
)
from projects.selectors import projects_visible_to
from projects.selectors.panels import (
    PANEL_STATUSES,
    manages_panels,
    member_row,
    panel_actions_for,
)
from socialwork.actions import action_require
from socialwork.roles import Role
from socialwork.services import audit_record


def _score(value) -> Decimal:
    try:
        score = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"score": _("Enter a score from 0 to 100.")}) from None
    if not (score.is_finite() and 0 <= score <= 100):
        raise ValidationError({"score": _("Enter a score from 0 to 100.")})
    return score


def _threshold(value) -> Decimal:
    try:
        threshold = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        threshold = Decimal(-1)
    if not (threshold.is_finite() and 0 <= threshold <= 100):
        raise ValidationError({"threshold": _("Enter a threshold from 0 to 100.")})
    return threshold


def panel_save(
    *,
    actor,
    call: Call,
    name: str,
    members,
    applications,
    threshold=60,
    panel: ReviewPanel | None = None,
) -> ReviewPanel:
    """Set up (or change) a review panel of a call: its members are expert reviewers or the
    district's staff, its applications the call's submitted or under review, several reviewers for
    each. A member who has declared or scored stays, and so does an application someone declared
    on. New members are told which applications wait for them."""
    if not manages_panels(actor):
        raise ValidationError(_("Only the district's project administrators can do this."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the panel a name.")})
    threshold = _threshold(threshold)
    members, applications = list(dict.fromkeys(members)), list(dict.fromkeys(applications))
    if not members:
        raise ValidationError({"members": _("Choose the panel's reviewers.")})
    for member in members:
        if not member.is_active or not member.has_role(Role.REVIEWER, Role.DISTRICT_ADMIN):
            raise ValidationError(
                {
                    "members": _("%(name)s is neither an expert reviewer nor district staff.")
                    % {"name": member.get_full_name() or member.username}
                }
            )
    if not applications:
        raise ValidationError({"applications": _("Choose the applications the panel reviews.")})
    visible = set(
        projects_visible_to(user=actor)
        .filter(pk__in=[p.pk for p in applications])
        .values_list("pk", flat=True)
    )
    for project in applications:
        if project.pk not in visible:
            raise ValidationError({"applications": _("This project is outside what you can see.")})
        if project.call_id != call.pk:
            raise ValidationError(
                {"applications": _("%(project)s was not made to this call.") % {"project": project.title}}
            )
        if project.status not in PANEL_STATUSES:
            raise ValidationError(
                {
                    "applications": _("%(project)s is not submitted or under review.")
                    % {"project": project.title}
                }
            )
    with transaction.atomic():
        created = panel is None
        if created:
            panel = ReviewPanel(created_by=actor)
        else:
            panel = ReviewPanel.objects.select_for_update().get(pk=panel.pk)
        panel.call, panel.name, panel.threshold = call, name, threshold
        panel.full_clean(exclude=["created_by"])
        panel.save()
        had_members = set(panel.memberships.values_list("user_id", flat=True))
        had_projects = set(panel.entries.values_list("project_id", flat=True))
        member_ids, project_ids = {m.pk for m in members}, {p.pk for p in applications}
        acted = set(ConflictDeclaration.objects.filter(panel=panel).values_list("reviewer_id", "project_id"))
        if any(reviewer not in member_ids for reviewer, _project in acted):
            raise ValidationError({"members": _("A reviewer who has declared or scored stays on the panel.")})
        if any(project not in project_ids for _reviewer, project in acted):
            raise ValidationError(
                {"applications": _("An application a reviewer has declared on stays on the panel.")}
            )
        panel.memberships.exclude(user_id__in=member_ids).delete()
        panel.entries.exclude(project_id__in=project_ids).delete()
        PanelMember.objects.bulk_create(
            PanelMember(panel=panel, user=member) for member in members if member.pk not in had_members
        )
        added = [project for project in applications if project.pk not in had_projects]
        PanelApplication.objects.bulk_create(
            PanelApplication(panel=panel, project=project) for project in added
        )
        audit_record(
            actor=actor,
            action="panel.create" if created else "panel.update",
            target=panel,
            summary=f"{panel.name} · {len(members)} · {len(applications)}",
        )
        for project in added:  # on each application's timeline
            audit_record(actor=actor, action="panel.application_add", target=project, summary=panel.name)
        new_members = [member for member in members if member.pk not in had_members]
        notifications.panel_member_added(actor=actor, panel=panel, members=new_members)
    return panel


def _panel_step(*, actor, panel: ReviewPanel, project: Project, name: str):
    """The locked panel entry's project and the actor's own row on it, once the step is theirs."""
    if not PanelApplication.objects.filter(panel=panel, project=project).exists():
        raise ValidationError(_("The panel does not review this application."))
    if not panel.memberships.filter(user=actor).exists():
        raise ValidationError(_("You do not sit on this panel."))
    project = Project.objects.select_for_update().get(pk=project.pk)
    row = member_row(panel=panel, project=project, user=actor)
    action = action_require(panel_actions_for(user=actor, panel=panel, project=project, row=row), name)
    return project, row, action


def conflict_declare(
    *, actor, panel: ReviewPanel, project: Project, has_conflict: bool, reason: str = ""
) -> ConflictDeclaration:
    """Before scoring, a reviewer declares whether they have a conflict of interest with the
    application (working for or with the applying organization, a relative…), with the reason when
    they do. A declared conflict removes them from the application: they cannot score it, a score
    they gave no longer counts, and the district is told who withdrew and why. Declaring no conflict
    is done once; a conflict may still be declared after it."""
    reason = (reason or "").strip()
    if has_conflict and not reason:
        raise ValidationError({"reason": _("Say what the conflict of interest is.")})
    with transaction.atomic():
        project, row, _action = _panel_step(actor=actor, panel=panel, project=project, name="declare")
        declaration = row.declaration
        if declaration is not None and not has_conflict:
            raise ValidationError(
                _("You have already declared no conflict of interest with this application.")
            )
        if declaration is None:
            declaration = ConflictDeclaration(panel=panel, project=project, reviewer=actor)
        declaration.has_conflict, declaration.reason = has_conflict, reason if has_conflict else ""
        declaration.full_clean()
        declaration.save()
        audit_record(
            actor=actor,
            action="panel.conflict_declared" if has_conflict else "panel.no_conflict_declared",
            target=declaration,
            summary=f"{panel.name} · {project.title}",
        )
        if has_conflict:
            notifications.panel_conflict_declared(actor=actor, panel=panel, declaration=declaration)
    return declaration


def review_write(
    *, actor, project: Project, panel: ReviewPanel | None, score, comment: str = "", reason: str = ""
) -> Review:
    """Record the actor's score of an application (0–100, with a comment). A second score replaces
    the first only with a reason; the earlier score and comment, the new ones, the reason, who and
    when are kept (ReviewRevision). Called inside the caller's transaction, the project locked."""
    score = _score(score)
    comment = (comment or "").strip()
    review = Review.objects.select_for_update().filter(project=project, reviewer=actor).first()
    if review is None:
        review = Review.objects.create(
            project=project, reviewer=actor, panel=panel, score=score, comment=comment
        )
        audit_record(actor=actor, action="review.create", target=review, summary=f"{project} {score}")
        return review
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("You have scored this application already: give the reason for the new score.")}
        )
    ReviewRevision.objects.create(
        review=review, previous_score=review.score, previous_comment=review.comment, score=score,
        comment=comment, reason=reason, revised_by=actor,
    )  # fmt: skip
    before = review.score
    review.score, review.comment = score, comment
    review.panel = review.panel or panel
    review.save(update_fields=["score", "comment", "panel", "updated_at"])
    audit_record(
        actor=actor,
        action="review.update",
        target=review,
        summary=f"{project} {before} → {score}",
        changes={"score": [str(before), str(score)]},
    )
    return review


def review_score(
    *, actor, panel: ReviewPanel, project: Project, score, comment: str = "", reason: str = ""
) -> Review:
    """A panel member's score of an application under review, once they declared no conflict of
    interest with it; a second score needs a reason and keeps the first on record."""
    with transaction.atomic():
        project, row, _action = _panel_step(
            actor=actor,
            panel=panel,
            project=project,
            name="revise" if _has_review(actor, project) else "score",
        )
        return review_write(
            actor=actor, project=project, panel=panel, score=score, comment=comment, reason=reason
        )


def _has_review(actor, project: Project) -> bool:
    return Review.objects.filter(project=project, reviewer=actor).exists()
