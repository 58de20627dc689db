"""Writes of projects, from the call to acceptance. Each runs in one transaction, locks what it
must, first refuses a step not open to the actor now (`workflow.actions_for`, the same answer the
page and the API show), and leaves an audit row; a status moves only through `_transition`, which
also records the Transition. The people concerned are told of outcomes (projects.notifications)."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from positions.models import Region
from projects import notifications, workflow
from projects.models import (
    FINAL_SHARE_MAX,
    FINAL_SHARE_MIN,
    Acceptance,
    Award,
    Bid,
    BudgetLine,
    Call,
    Contract,
    ContractAmendment,
    Honour,
    Milestone,
    Payment,
    Procurement,
    ProgressReport,
    Project,
    Review,
    ServiceArea,
    ServiceTeam,
    SocialOrganization,
    SupervisionVisit,
)
from projects.selectors import budget_for, contract_money, projects_visible_to
from projects.selectors.evaluations import final_evaluation_of
from socialwork.actions import action_require
from socialwork.money import format_yuan, yuan
from socialwork.scoping import place_of, region_scope, shared_down_scope
from socialwork.services import apply_changes, audit_record

ORGANIZATION_FIELDS = (
    "name", "credit_code", "kind", "registration", "registered_on", "region", "grade", "grade_year",
    "service_areas", "legal_representative", "contact_person", "phone", "address",
)  # fmt: skip
CALL_FIELDS = (
    "year", "kind", "title", "budget_ceiling", "opens_on", "closes_on", "min_applications_per_community",
)  # fmt: skip


def _money(value, *, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount in yuan.")}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")})
    return amount


def _require_district(actor, permission: str = "projects.change_project") -> None:
    if not (actor.is_district_wide and actor.has_perm(permission)):
        raise ValidationError(_("Only the district's project administrators can do this."))


def _locked_project(*, actor, project: Project) -> Project:
    """The project, locked, once the actor is known to see it."""
    if not projects_visible_to(user=actor).filter(pk=project.pk).exists():
        raise ValidationError(_("This project is outside what you can see."))
    return Project.objects.select_for_update(of=("self",)).select_related("call").get(pk=project.pk)


def _transition(*, actor, project: Project, name: str, reason: str = "") -> Project:
    """Move a locked project along the workflow move `name`, record the Transition and audit it.
    Refuses a move that does not start from the current status, one the actor's side may not
    make, and a move that needs a reason without one."""
    move = workflow.MOVES.get(name)
    if move is None:
        raise ValidationError({"move": _("There is no such step in the project workflow.")})
    if project.status not in move.sources:
        raise ValidationError(
            {
                "move": _("A project that is %(status)s cannot take the step “%(move)s”.")
                % {"status": project.get_status_display().lower(), "move": move.label}
            }
        )
    if move.by not in workflow.roles_of(actor, project):
        who = _("the district") if move.by == workflow.DISTRICT else _("the applicant")
        raise ValidationError(
            {"move": _("Only %(who)s can take the step “%(move)s”.") % {"who": who, "move": move.label}}
        )
    reason = (reason or "").strip()
    if move.needs_reason and not reason:
        raise ValidationError({"reason": _("Give a reason for “%(move)s”.") % {"move": move.label}})
    before = project.status
    project.status = move.target
    project.save(update_fields=["status", "updated_at"])
    project.transitions.create(from_status=before, to_status=move.target, actor=actor, reason=reason)
    audit_record(
        actor=actor,
        action=f"project.{name}",
        target=project,
        summary=f"{before} → {move.target} {reason}".strip(),
        changes={"status": [before, move.target]},
    )
    return project


def year_budget_check(
    *, year: int, amount: Decimal, community: Region, contract: Contract | None = None
) -> None:
    """The contracts of a year never add up to more than its budget: `amount` for `contract` (a
    new contract when None) with every other contract of `year` paid from the same budget. The
    budget is the district's own, the district the project's community lies in (a row without an
    owner, on an installation whose budgets have none, is everyone's). The budget row is locked
    before the sum, so two contracts signed (or amended, or imported) at once cannot both pass.
    Every door that commits money to a year calls it: signing, amending, importing."""
    budget = budget_for(year=year, community=community, lock=True)
    if budget is None:
        raise ValidationError(_("There is no budget for %(year)s yet; set it first.") % {"year": year})
    others = Contract.objects.filter(year=year)
    if budget.region_id is not None:
        others = others.filter(project__community__path__startswith=budget.region.path)
    if contract is not None:
        others = others.exclude(pk=contract.pk)
    committed = others.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if committed + amount > budget.amount:
        left = budget.amount - committed - (contract.amount if contract is not None else Decimal(0))
        raise ValidationError(
            {
                "amount": _("Only %(left)s of the %(year)s budget is left uncommitted.")
                % {"left": format_yuan(max(left, Decimal(0))), "year": year}
            }
        )


def organization_save(
    *, actor, organization: SocialOrganization | None = None, **fields
) -> SocialOrganization:
    """Register a social organization or change its record (district administrators). The credit
    code must pass the GB 32100 check. Service areas are kept in the order of the list of areas,
    each once, as the page sends them (so that saving the page unchanged changes nothing)."""
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"organization_save got unexpected fields: {sorted(unknown)}")
    if "credit_code" in fields:
        fields["credit_code"] = (fields["credit_code"] or "").strip().upper()
    if fields.get("service_areas"):
        order = {area: index for index, area in enumerate(ServiceArea.values)}
        fields["service_areas"] = sorted(
            set(fields["service_areas"]), key=lambda area: (order.get(area, len(order)), area)
        )
    with transaction.atomic():
        if organization is None:
            _require_district(actor, "projects.add_socialorganization")
            organization, action = SocialOrganization(), "organization.create"
        else:
            _require_district(actor, "projects.change_socialorganization")
            organization = SocialOrganization.objects.select_for_update().get(pk=organization.pk)
            action = "organization.update"
        diff = apply_changes(organization, fields)
        if organization.pk is None and organization.region_id is None:
            organization.region = place_of(actor)  # registered in the actor's place, unless named
        organization.full_clean()
        organization.save()
        audit_record(actor=actor, action=action, target=organization, summary=organization.name, changes=diff)
    return organization


def organization_teams_add(
    *, actor, organization: SocialOrganization, teams: list[tuple[str, str]]
) -> list[ServiceTeam]:
    """Add professional service teams, each (name, speciality), to an organization (district
    administrators, as in the admin). A team the organization already has by that name is kept
    as it is: the teams added are returned."""
    _require_district(actor, "projects.add_serviceteam")
    with transaction.atomic():
        organization = SocialOrganization.objects.select_for_update().get(pk=organization.pk)
        held = {name.casefold() for name in organization.teams.values_list("name", flat=True)}
        added = []
        for name, speciality in teams:
            name, speciality = (name or "").strip(), (speciality or "").strip()
            if not name or name.casefold() in held:
                continue
            held.add(name.casefold())
            team = ServiceTeam(organization=organization, name=name, speciality=speciality)
            team.full_clean()
            added.append(team)
        ServiceTeam.objects.bulk_create(added)
        if added:
            audit_record(
                actor=actor,
                action="organization.teams_add",
                target=organization,
                summary=organization.name,
                changes={"teams": [team.name for team in added]},
            )
    return added


def call_save(*, actor, call: Call | None = None, **fields) -> Call:
    """Open a call for projects or change one (district administrators). It closes on or after the
    day it opens. A new call is the actor's place's (their district's, or their city's, reaching
    every district under it); only that place or one above it changes it."""
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"call_save got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        if call is None:
            _require_district(actor, "projects.add_call")
            call, action = Call(region=place_of(actor)), "call.create"
        else:
            _require_district(actor, "projects.change_call")
            call, action = Call.objects.select_for_update().get(pk=call.pk), "call.update"
            if not Call.objects.filter(
                region_scope(actor, via="region") | Q(region__isnull=True), pk=call.pk
            ).exists():
                raise ValidationError(
                    _("This call was published above your place; only its publisher changes it.")
                )
        diff = apply_changes(call, fields)
        if call.opens_on and call.closes_on and call.closes_on < call.opens_on:
            raise ValidationError({"closes_on": _("A call cannot close before it opens.")})
        call.full_clean()
        call.save()
        audit_record(actor=actor, action=action, target=call, summary=call.title, changes=diff)
    return call


def project_save(
    *,
    actor,
    project: Project | None = None,
    call: Call,
    title: str,
    service_area: str,
    community: Region,
    organization: SocialOrganization | None = None,
    studio=None,
    beneficiaries: str,
    beneficiary_count: int = 0,
    summary: str = "",
    plan_document=None,
    budget_lines: list[tuple[str, Decimal]],
) -> Project:
    """Draft an application or change a draft. Only drafts change; organization staff apply only
    for their own organization; a new application (or a move to another call) needs the call
    open today. The budget lines replace the old ones; the requested amount is their sum, with
    at least one line and no more than the call's ceiling per project."""
    lines = []
    for item, amount in budget_lines:
        item = (item or "").strip()
        if not item:
            raise ValidationError({"budget_lines": _("Every budget line needs an item.")})
        lines.append((item, _money(amount, field="budget_lines")))
    if not lines:
        raise ValidationError({"budget_lines": _("Add at least one budget line.")})
    requested = sum((amount for _item, amount in lines), Decimal(0))

    with transaction.atomic():
        if project is None:
            if not actor.has_perm("projects.add_project"):
                raise ValidationError(_("You may not apply for projects."))
            project, action = Project(created_by=actor), "project.create"
        else:
            project = _locked_project(actor=actor, project=project)
            action_require(workflow.actions_for(actor, project), "edit")
            action = "project.update"
        if not actor.is_district_wide:
            if actor.organization_id:
                organization = organization or actor.organization
                if organization.pk != actor.organization_id:
                    raise ValidationError(
                        {"organization": _("You can apply only for your own organization.")}
                    )
        elif not Region.objects.filter(region_scope(actor)).filter(pk=community.pk).exists():
            raise ValidationError({"community": _("This community is outside your region.")})
        if not Call.objects.filter(shared_down_scope(actor), pk=call.pk).exists():
            raise ValidationError({"call": _("This call is another place's.")})
        if project.pk is None or project.call_id != call.pk:
            today = timezone.localdate()
            if not call.opens_on <= today <= call.closes_on:
                raise ValidationError(
                    {
                        "call": _("This call takes applications from %(opens)s to %(closes)s only.")
                        % {"opens": call.opens_on, "closes": call.closes_on}
                    }
                )
        if requested > call.budget_ceiling:
            raise ValidationError(
                {
                    "budget_lines": _(
                        "The budget adds up to %(total)s, above the call's ceiling of %(ceiling)s."
                    )
                    % {"total": format_yuan(requested), "ceiling": format_yuan(call.budget_ceiling)}
                }
            )
        fields = {
            "call": call,
            "title": title,
            "service_area": service_area,
            "community": community,
            "organization": organization,
            "studio": studio,
            "beneficiaries": beneficiaries,
            "beneficiary_count": beneficiary_count,
            "summary": summary,
            "requested_amount": requested,
        }
        if plan_document is not None:
            fields["plan_document"] = plan_document
        diff = apply_changes(project, fields)
        diff.pop("plan_document", None)
        project.full_clean(exclude=["created_by"])
        project.save()
        project.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(project=project, item=item, amount=amount) for item, amount in lines
        )
        audit_record(actor=actor, action=action, target=project, summary=project.title, changes=diff)
    return project


def project_move(*, actor, project: Project, move: str, reason: str = "") -> Project:
    """Take one direct step of the workflow (submit, start the review, return for changes, reject,
    start the work, ask for acceptance, terminate). Approving goes through `project_decide`, since
    it needs an amount; signing and accepting through their own services."""
    spec = workflow.MOVES.get(move)
    if spec is None:
        raise ValidationError({"move": _("There is no such step in the project workflow.")})
    if not spec.direct or move == "approve":
        raise ValidationError(
            {
                "move": _("“%(move)s” is done through its own form, not as a single step.")
                % {"move": spec.label}
            }
        )
    with transaction.atomic():
        project = _locked_project(actor=actor, project=project)
        # Rejecting is also the decision's other side: whoever may decide may reject here too.
        action_require(workflow.actions_for(actor, project), "decide" if move == "reject" else move)
        if move == "submit" and not project.budget_lines.exists():
            raise ValidationError(_("Add at least one budget line before submitting."))
        project = _transition(actor=actor, project=project, name=move, reason=reason)
        notifications.project_moved(actor=actor, project=project, move=move, reason=reason)
    return project


def project_decide(*, actor, project: Project, approve: bool, amount=None, reason: str = "") -> Project:
    """Decide an application under review: approve it with an amount (more than zero, at most what
    was requested and at most the call's ceiling), or reject it with a reason."""
    with transaction.atomic():
        project = _locked_project(actor=actor, project=project)
        action_require(workflow.actions_for(actor, project), "decide")
        if not approve:
            project = _transition(actor=actor, project=project, name="reject", reason=reason)
            notifications.project_moved(actor=actor, project=project, move="reject", reason=reason)
            return project
        if amount in (None, ""):
            raise ValidationError({"amount": _("Give the approved amount.")})
        amount = _money(amount, field="amount")
        limit = min(project.requested_amount, project.call.budget_ceiling)
        if amount > limit:
            raise ValidationError(
                {
                    "amount": _(
                        "At most %(limit)s can be approved: what was requested, within the call's ceiling."
                    )
                    % {"limit": format_yuan(limit)}
                }
            )
        project = _transition(actor=actor, project=project, name="approve", reason=reason)
        project.approved_amount = amount
        project.save(update_fields=["approved_amount", "updated_at"])
        notifications.project_moved(actor=actor, project=project, move="approve", reason=reason)
    return project


def review_record(*, actor, project: Project, score, comment: str = "", reason: str = "") -> Review:
    """Record the district's own review of a project under review, outside any panel (expert
    panels: projects.services.panels). A second score replaces the first only with a reason, kept
    on the record with the earlier score (`panels.review_write`)."""
    from projects.services.panels import review_write

    with transaction.atomic():
        project = _locked_project(actor=actor, project=project)
        action_require(workflow.actions_for(actor, project), "review_record")
        return review_write(
            actor=actor, project=project, panel=None, score=score, comment=comment, reason=reason
        )


def procurement_open(*, actor, project: Project, method: str, notes: str = "") -> Procurement:
    """Open the procurement of an approved project; a project has one."""
    with transaction.atomic():
        project = _locked_project(actor=actor, project=project)
        action_require(workflow.actions_for(actor, project), "procurement_open")
        procurement = Procurement(project=project, method=method, notes=notes)
        procurement.full_clean()
        procurement.save()
        audit_record(actor=actor, action="procurement.open", target=procurement, summary=str(procurement))
    return procurement


def bid_record(
    *, actor, procurement: Procurement, organization: SocialOrganization, price, score=None
) -> Bid:
    """Record an organization's bid; each organization bids once, and only before the award."""
    with transaction.atomic():
        project = _locked_project(actor=actor, project=procurement.project)
        action_require(workflow.actions_for(actor, project), "bid_record")
        procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
        if procurement.bids.filter(organization=organization).exists():
            raise ValidationError(
                {"organization": _("%(name)s has already bid.") % {"name": organization.name}}
            )
        bid = Bid(
            procurement=procurement,
            organization=organization,
            price=_money(price, field="price"),
            score=score,
        )
        bid.full_clean()
        bid.save()
        audit_record(actor=actor, action="bid.record", target=bid, summary=str(bid))
    return bid


def bid_award(*, actor, bid: Bid) -> Bid:
    """Award a procurement to one bid; a procurement is awarded once, and never to a bid above
    the project's approved amount. The bid's organization becomes the project's provider: its
    staff run the project from now on (workflow.roles_of); the Award row keeps who and when.
    With no bid within the approved amount the step is not open at all (ActionNotAllowed); with
    one, choosing a bid above it is a field error on `bid`."""
    with transaction.atomic():
        project = _locked_project(actor=actor, project=bid.procurement.project)
        # Open to the district on an approved project whose procurement is not awarded yet and
        # has a bid within the approved amount (once contracted, the provider is the contract's).
        action_require(workflow.actions_for(actor, project), "bid_award")
        Procurement.objects.select_for_update().get(pk=bid.procurement_id)
        bid = Bid.objects.select_related("organization").get(pk=bid.pk)
        if project.approved_amount is not None and bid.price > project.approved_amount:
            raise ValidationError(
                {
                    "bid": _(
                        "The bid of %(price)s is above the approved %(approved)s; "
                        "a bid above the approved amount cannot be awarded."
                    )
                    % {"price": format_yuan(bid.price), "approved": format_yuan(project.approved_amount)}
                }
            )
        bid.awarded = True
        bid.save(update_fields=["awarded", "updated_at"])
        Award.objects.create(bid=bid, awarded_by=actor, previous_provider=project.provider)
        audit_record(actor=actor, action="bid.award", target=bid, summary=str(bid))
        _provider_set(actor=actor, project=project, provider=bid.organization)
    return bid


def bid_award_rescind(*, actor, bid: Bid, reason: str) -> Bid:
    """Take back the award of a procurement (the district, with a reason) while no contract is
    signed. The project returns to where it stood before the award: no bid awarded, the provider
    it had before, bids open again."""
    reason = (reason or "").strip()
    with transaction.atomic():
        project = _locked_project(actor=actor, project=bid.procurement.project)
        # Open to the district on an approved project with an awarded bid and no contract yet.
        action_require(workflow.actions_for(actor, project), "rescind_award")
        Procurement.objects.select_for_update().get(pk=bid.procurement_id)
        bid = Bid.objects.select_related("organization").get(pk=bid.pk)
        if not bid.awarded:
            raise ValidationError({"bid": _("This bid is not awarded.")})
        if not reason:
            raise ValidationError({"reason": _("Give the reason for rescinding the award.")})
        award = (
            Award.objects.select_for_update(of=("self",))
            .filter(bid=bid, rescinded_at__isnull=True)
            .select_related("previous_provider")
            .last()
        )
        bid.awarded = False
        bid.save(update_fields=["awarded", "updated_at"])
        if award is not None:
            award.rescinded_by, award.rescinded_at, award.rescind_reason = actor, timezone.now(), reason
            award.save(update_fields=["rescinded_by", "rescinded_at", "rescind_reason"])
        audit_record(
            actor=actor,
            action="bid.award_rescind",
            target=bid,
            summary=f"{bid} {reason}",
            changes={"awarded": [True, False]},
        )
        _provider_set(actor=actor, project=project, provider=award.previous_provider if award else None)
    return bid


def _provider_set(*, actor, project: Project, provider: SocialOrganization | None) -> None:
    """Make `provider` the locked project's provider, audited (the timeline shows the change)."""
    if project.provider_id == (provider.pk if provider else None):
        return
    before = project.provider
    project.provider = provider
    project.save(update_fields=["provider", "updated_at"])
    audit_record(
        actor=actor,
        action="project.provider",
        target=project,
        summary=f"{before or '—'} → {provider or '—'}",
        changes={"provider": [str(before or ""), str(provider or "")]},
    )


def _check_provider(project: Project, organization: SocialOrganization) -> None:
    """The provider is the awarded bidder when there was a procurement, else the applicant."""
    awarded = (
        Bid.objects.filter(procurement__project=project, awarded=True).select_related("organization").first()
    )
    expected = awarded.organization if awarded else project.organization
    if expected is not None and organization != expected:
        raise ValidationError(
            {"organization": _("The contract must be signed with %(provider)s.") % {"provider": expected}}
        )


def contract_sign(
    *,
    actor,
    project: Project,
    number: str,
    organization: SocialOrganization,
    amount,
    starts_on: date,
    ends_on: date,
    signed_on: date,
    deliverables: str = "",
    signed_file=None,
    milestones: list[tuple] = (),
    final_share_percent: int | None = None,
) -> Contract:
    """Sign the contract of an approved project, for at most the approved amount, and move the
    project to contracted. The contracts of a year never add up to more than its budget: the
    YearBudget row is locked before the sum, so two contracts signed at once cannot both pass.
    Its payment schedule: each milestone (title, due date, and the instalment it releases) falls
    within the contract's term; the final share (FINAL_SHARE_MIN–MAX percent) is held back until
    acceptance passes, so the instalments add up to no more than the rest."""
    with transaction.atomic():
        project = _locked_project(actor=actor, project=project)
        action_require(workflow.actions_for(actor, project), "contract_sign")
        amount = _money(amount, field="amount")
        if final_share_percent in (None, ""):
            final_share_percent = Contract._meta.get_field("final_share_percent").default
        final_share_percent = _final_share(final_share_percent)
        rows = _milestone_rows(milestones, starts_on=starts_on, ends_on=ends_on)
        _check_schedule(rows, amount=amount, final_share_percent=final_share_percent, field="milestones")
        if project.approved_amount is not None and amount > project.approved_amount:
            raise ValidationError(
                {
                    "amount": _("The contract cannot exceed the approved %(approved)s.")
                    % {"approved": format_yuan(project.approved_amount)}
                }
            )
        if ends_on < starts_on:
            raise ValidationError({"ends_on": _("A contract cannot end before it starts.")})
        _check_provider(project, organization)
        year = project.call.year
        year_budget_check(year=year, amount=amount, community=project.community)
        contract = Contract(
            project=project,
            number=(number or "").strip(),
            year=year,
            organization=organization,
            amount=amount,
            starts_on=starts_on,
            ends_on=ends_on,
            signed_on=signed_on,
            deliverables=deliverables,
            signed_file=signed_file or "",
            final_share_percent=final_share_percent,
        )
        contract.full_clean()
        contract.save()
        for title, due_on, instalment in rows:
            milestone = Milestone(contract=contract, title=title, due_on=due_on, amount=instalment)
            milestone.full_clean()
            milestone.save()
        audit_record(actor=actor, action="contract.sign", target=contract, summary=f"{contract} {amount}")
        if project.provider_id is None:
            _provider_set(actor=actor, project=project, provider=organization)
        _transition(actor=actor, project=project, name="contract")
        notifications.contract_signed(actor=actor, contract=contract)
    return contract


def _final_share(value) -> int:
    try:
        percent = int(value)
    except (TypeError, ValueError):
        percent = None
    if (
        percent is None
        or str(percent) != str(value).strip()
        or not FINAL_SHARE_MIN <= percent <= FINAL_SHARE_MAX
    ):
        raise ValidationError(
            {
                "final_share_percent": _("The final share is a whole percentage from %(min)s to %(max)s.")
                % {"min": FINAL_SHARE_MIN, "max": FINAL_SHARE_MAX}
            }
        )
    return percent


def _milestone_rows(milestones, *, starts_on: date, ends_on: date) -> list[tuple[str, date, Decimal]]:
    """(title, due date, instalment) rows, each due within the contract's term."""
    rows = []
    for row in milestones:
        title, due_on = (row[0] or "").strip(), row[1]
        try:
            instalment = Decimal(0) if len(row) < 3 or row[2] in (None, "") else Decimal(str(row[2]))
        except (InvalidOperation, TypeError, ValueError):
            instalment = Decimal("NaN")
        if not title:
            raise ValidationError({"milestones": _("Name every milestone.")})
        if not instalment.is_finite() or instalment < 0:
            raise ValidationError({"milestones": _("An instalment is an amount in yuan, zero or more.")})
        if starts_on <= ends_on and not starts_on <= due_on <= ends_on:
            raise ValidationError(
                {
                    "milestones": _(
                        "The milestone “%(title)s” is due on %(due)s, outside the contract's term "
                        "from %(starts)s to %(ends)s."
                    )
                    % {"title": title, "due": due_on, "starts": starts_on, "ends": ends_on}
                }
            )
        rows.append((title, due_on, instalment))
    return rows


def _check_schedule(rows, *, amount: Decimal, final_share_percent: int, field: str) -> None:
    """The milestones' instalments leave the final share held back for acceptance."""
    scheduled = sum((row[2] for row in rows), Decimal(0))
    limit = amount - yuan(amount * final_share_percent / 100)
    if scheduled > limit:
        raise ValidationError(
            {
                field: _(
                    "The instalments add up to %(scheduled)s; with %(percent)s%% held back until "
                    "acceptance, at most %(limit)s is paid on milestones."
                )
                % {
                    "scheduled": format_yuan(scheduled),
                    "percent": final_share_percent,
                    "limit": format_yuan(limit),
                }
            }
        )


def milestone_complete(*, actor, milestone: Milestone, completed_on: date) -> Milestone:
    """Mark a milestone of a running project done (the applicant or the district)."""
    with transaction.atomic():
        project = _locked_project(actor=actor, project=milestone.contract.project)
        action_require(workflow.actions_for(actor, project), "milestone_complete")
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.completed_on is not None:
            raise ValidationError(_("This milestone is already completed."))
        if completed_on > timezone.localdate():
            raise ValidationError({"completed_on": _("A milestone cannot be completed on a future date.")})
        milestone.completed_on = completed_on
        milestone.save(update_fields=["completed_on"])
        audit_record(actor=actor, action="milestone.complete", target=milestone, summary=str(milestone))
    return milestone


def progress_report_submit(
    *, actor, project: Project, period: str, content: str, attachment=None
) -> ProgressReport:
    """Report progress on a contracted or running project (the applicant or the district)."""
    with transaction.atomic():
        project = _locked_project(actor=actor, project=project)
        action_require(workflow.actions_for(actor, project), "progress_report_submit")
        report = ProgressReport(
            project=project, period=period, content=content, attachment=attachment or "", submitted_by=actor
        )
        report.full_clean()
        report.save()
        audit_record(actor=actor, action="progress_report.submit", target=report, summary=str(report))
    return report


def supervision_visit_record(
    *, actor, project: Project, visited_on: date, inspector: str, findings: str, rating: str
) -> SupervisionVisit:
    """Record a district supervision visit to a running project."""
    with transaction.atomic():
        project = _locked_project(actor=actor, project=project)
        action_require(workflow.actions_for(actor, project), "supervision_visit_record")
        visit = SupervisionVisit(
            project=project, visited_on=visited_on, inspector=inspector, findings=findings, rating=rating
        )
        visit.full_clean()
        visit.save()
        audit_record(actor=actor, action="supervision_visit.record", target=visit, summary=str(visit))
    return visit


def payment_record(*, actor, contract: Contract, amount, paid_on: date, note: str = "") -> Payment:
    """Record an instalment paid under a contract, dated today or earlier. The instalments never add
    up to more than is due now (and so never to more than the contract): the instalments of completed
    milestones, and the rest (the final share) only once acceptance passed. The contract row is
    locked before the sums, so two payments at once cannot both pass. While nothing is due the step
    is not open at all (ActionNotAllowed); an amount above what is due is a field error."""
    with transaction.atomic():
        project = _locked_project(actor=actor, project=contract.project)
        action_require(workflow.actions_for(actor, project), "payment_record")
        amount = _money(amount, field="amount")
        if paid_on > timezone.localdate():
            raise ValidationError({"paid_on": _("A payment cannot be dated in the future.")})
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        money = contract_money(contract=contract)
        if amount > money.due:
            raise ValidationError(
                {
                    "amount": _(
                        "Only %(due)s is due now: the instalments of completed milestones; "
                        "%(held)s is held back until acceptance passes."
                    )
                    % {"due": format_yuan(money.due), "held": format_yuan(money.held_back)}
                }
            )
        payment = Payment(contract=contract, amount=amount, paid_on=paid_on, note=note, recorded_by=actor)
        payment.full_clean()
        payment.save()
        audit_record(actor=actor, action="payment.record", target=payment, summary=f"{contract} {amount}")
        notifications.payment_made(actor=actor, payment=payment)
    return payment


def contract_amend(
    *,
    actor,
    contract: Contract,
    amount=None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    reason: str,
    signed_on: date,
    signed_file=None,
) -> ContractAmendment:
    """Amend a signed contract by a supplementary agreement (the district, while the project
    runs): a new amount and/or a new term, with a reason and the date it was signed. The new
    amount stays within the approved amount and the year's budget (the YearBudget row locked
    before the sum, as at signing), and not below what is paid or scheduled on milestones; the
    milestones stay within the new term. The contract's terms become the agreement's; the
    agreement keeps what they were."""
    with transaction.atomic():
        project = _locked_project(actor=actor, project=contract.project)
        action_require(workflow.actions_for(actor, project), "amend_contract")
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": _("Give the reason for the supplementary agreement.")})
        if signed_on is None:
            raise ValidationError({"signed_on": _("Give the date the agreement was signed.")})
        if signed_on > timezone.localdate():
            raise ValidationError({"signed_on": _("An agreement cannot be signed on a future date.")})
        new_amount = None if amount in (None, "") else _money(amount, field="amount")
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        new_amount = contract.amount if new_amount is None else new_amount
        starts_on, ends_on = starts_on or contract.starts_on, ends_on or contract.ends_on
        if (new_amount, starts_on, ends_on) == (contract.amount, contract.starts_on, contract.ends_on):
            raise ValidationError(_("The agreement changes neither the amount nor the term."))
        if signed_on < contract.signed_on:
            raise ValidationError({"signed_on": _("An agreement cannot be signed before the contract.")})
        if ends_on < starts_on:
            raise ValidationError({"ends_on": _("A contract cannot end before it starts.")})
        if project.approved_amount is not None and new_amount > project.approved_amount:
            raise ValidationError(
                {
                    "amount": _("The contract cannot exceed the approved %(approved)s.")
                    % {"approved": format_yuan(project.approved_amount)}
                }
            )
        if new_amount > contract.amount:
            year_budget_check(
                year=contract.year, amount=new_amount, community=project.community, contract=contract
            )
        paid = contract.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
        if new_amount < paid:
            raise ValidationError(
                {
                    "amount": _("%(paid)s is already paid; the contract cannot be less.")
                    % {"paid": format_yuan(paid)}
                }
            )
        milestones = list(contract.milestones.all())
        _check_schedule(
            [(m.title, m.due_on, m.amount) for m in milestones],
            amount=new_amount,
            final_share_percent=contract.final_share_percent,
            field="amount",
        )
        outside = [m for m in milestones if not starts_on <= m.due_on <= ends_on]
        if outside:
            raise ValidationError(
                {
                    "ends_on": _("The milestone “%(title)s” due on %(due)s would fall outside the new term.")
                    % {"title": outside[0].title, "due": outside[0].due_on}
                }
            )
        amendment = ContractAmendment(
            contract=contract,
            amount=new_amount,
            starts_on=starts_on,
            ends_on=ends_on,
            previous_amount=contract.amount,
            previous_starts_on=contract.starts_on,
            previous_ends_on=contract.ends_on,
            reason=reason,
            signed_on=signed_on,
            signed_file=signed_file or "",
            recorded_by=actor,
        )
        amendment.full_clean()
        amendment.save()
        diff = apply_changes(contract, {"amount": new_amount, "starts_on": starts_on, "ends_on": ends_on})
        contract.full_clean()
        contract.save(update_fields=["amount", "starts_on", "ends_on", "updated_at"])
        audit_record(
            actor=actor,
            action="contract.amend",
            target=contract,
            summary=f"{contract} {amendment.previous_amount} → {new_amount} {reason}",
            changes=diff,
        )
    return amendment


ACCEPTANCE_MOVES = {
    Acceptance.Conclusion.PASS: "complete",
    Acceptance.Conclusion.RECTIFY: "rectify",
    Acceptance.Conclusion.FAIL: "terminate",
}


def acceptance_record(
    *, actor, project: Project, evaluator: str, score, conclusion: str, evaluated_on: date, report=None
) -> Acceptance:
    """Record the acceptance evaluation of a project under acceptance: a pass completes it, a call
    to rectify sends it back to work, a fail terminates it. It rests on the project's concluded
    final evaluation when there is one (linked)."""
    with transaction.atomic():
        project = _locked_project(actor=actor, project=project)
        action_require(workflow.actions_for(actor, project), "acceptance_record")
        if conclusion not in ACCEPTANCE_MOVES:
            raise ValidationError({"conclusion": _("Choose pass, rectify or fail.")})
        acceptance = Acceptance(
            project=project,
            evaluator=evaluator,
            score=score,
            conclusion=conclusion,
            evaluated_on=evaluated_on,
            report=report or "",
            evaluation=final_evaluation_of(project),
        )
        acceptance.full_clean()
        acceptance.save()
        audit_record(actor=actor, action="acceptance.record", target=acceptance, summary=str(acceptance))
        reason = _("Acceptance evaluation: %(conclusion)s") % {
            "conclusion": acceptance.get_conclusion_display()
        }
        _transition(actor=actor, project=project, name=ACCEPTANCE_MOVES[conclusion], reason=reason)
        notifications.acceptance_concluded(actor=actor, acceptance=acceptance)
    return acceptance


def honour_add(*, actor, project: Project, name: str, awarded_by: str = "", year: int) -> Honour:
    """Record an honour a completed project won (the district)."""
    with transaction.atomic():
        project = _locked_project(actor=actor, project=project)
        action_require(workflow.actions_for(actor, project), "honour_add")
        honour = Honour(project=project, name=(name or "").strip(), awarded_by=awarded_by, year=year)
        honour.full_clean()
        honour.save()
        audit_record(actor=actor, action="honour.add", target=honour, summary=str(honour))
    return honour


def document_download_audit(*, actor, record, kind: str) -> None:
    """A document attached to a project's record was downloaded. What an organization attaches
    (beneficiaries, its staff's ID numbers) may name people, so each download is audited: by whom,
    which record and which kind of document, never the file's name."""
    audit_record(actor=actor, action="project.document_download", target=record, summary=kind)


# Projects of past years, brought in from a bureau's registers (projects.imports) -----------------

# Where an imported project lands: a pass completes it, a fail terminates it, a call to rectify or
# no acceptance yet leaves it running (contracted while its term has not begun).
IMPORTED_STATUS = {
    Acceptance.Conclusion.PASS: Project.Status.COMPLETED,
    Acceptance.Conclusion.FAIL: Project.Status.TERMINATED,
    Acceptance.Conclusion.RECTIFY: Project.Status.IN_PROGRESS,
}


def project_import(
    *,
    actor,
    call: Call,
    title: str,
    service_area: str,
    community: Region,
    organization: SocialOrganization,
    beneficiaries: str,
    beneficiary_count: int = 0,
    number: str = "",
    amount,
    starts_on: date,
    ends_on: date,
    signed_on: date,
    final_share_percent: int | None = None,
    acceptance: dict | None = None,
    source: str = "",
) -> list:
    """Bring in a project of a past year as it stands in the bureau's register (the district):
    approved for its contract's amount, contracted with `organization`, and, when `acceptance`
    (evaluator, score, conclusion, evaluated_on) is given, accepted: it lands in its final state
    without walking each step. Its timeline tells the truth: one Transition from draft to that
    state, by the actor, now, whose reason names the source; the contract, acceptance and
    payments keep their own dates. The rules of the steps it skips still hold: the community in
    the actor's region, the contract within the term and within the year's budget
    (`year_budget_check`), an acceptance dated within the past. Returns every record written."""
    _require_district(actor, "projects.add_contract")
    amount = _money(amount, field="amount")
    if final_share_percent in (None, ""):
        final_share_percent = Contract._meta.get_field("final_share_percent").default
    final_share_percent = _final_share(final_share_percent)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("A contract cannot end before it starts.")})
    today = timezone.localdate()
    if signed_on > today:
        raise ValidationError({"signed_on": _("A contract cannot be signed on a future date.")})
    if amount > call.budget_ceiling:
        raise ValidationError(
            {
                "amount": _("The contract of %(amount)s is above the call's ceiling of %(ceiling)s.")
                % {"amount": format_yuan(amount), "ceiling": format_yuan(call.budget_ceiling)}
            }
        )
    conclusion = (acceptance or {}).get("conclusion") or ""
    if conclusion and conclusion not in IMPORTED_STATUS:
        raise ValidationError({"conclusion": _("Choose pass, rectify or fail.")})
    if conclusion and acceptance["evaluated_on"] > today:
        raise ValidationError({"evaluated_on": _("An acceptance cannot be dated in the future.")})
    status = IMPORTED_STATUS.get(conclusion) or (
        Project.Status.IN_PROGRESS if starts_on <= today else Project.Status.CONTRACTED
    )
    with transaction.atomic():
        if not Region.objects.filter(region_scope(actor)).filter(pk=community.pk).exists():
            raise ValidationError({"community": _("This community is outside your region.")})
        year_budget_check(year=call.year, amount=amount, community=community)
        project = Project(
            call=call, title=title, service_area=service_area, community=community, organization=organization,
            provider=organization, beneficiaries=beneficiaries, beneficiary_count=beneficiary_count,
            requested_amount=amount, approved_amount=amount, status=status, created_by=actor,
        )  # fmt: skip
        project.full_clean()
        project.save()
        line = BudgetLine.objects.create(project=project, item=_("Contract amount"), amount=amount)
        contract = Contract(
            project=project,
            number=(number or "").strip() or f"{call.year}-IMP-{project.pk:06d}",
            year=call.year,
            organization=organization,
            amount=amount,
            starts_on=starts_on,
            ends_on=ends_on,
            signed_on=signed_on,
            final_share_percent=final_share_percent,
        )
        contract.full_clean()
        contract.save()
        written = [project, line, contract]
        if conclusion:
            record = Acceptance(project=project, **acceptance)
            record.full_clean()
            record.save()
            written.append(record)
        reason = _("Imported from %(source)s") % {"source": source} if source else _("Imported")
        written.append(
            project.transitions.create(
                from_status=Project.Status.DRAFT, to_status=status, actor=actor, reason=reason
            )
        )
        audit_record(
            actor=actor,
            action="project.import",
            target=project,
            summary=f"{contract} {amount} → {status} {reason}",
            changes={"status": [Project.Status.DRAFT, status]},
        )
    return written


def payment_import(
    *, actor, contract: Contract, amount, paid_on: date, stage: str = "", final: bool = False
) -> list:
    """Bring in an instalment the bureau paid under a contract (the district), with the stage it
    paid for. An instalment of a stage is paid on a milestone reached: the milestone is recorded
    as completed on the day it was paid (due within the contract's term), and the milestones'
    instalments still leave the final share for acceptance (`_check_schedule`, as at signing). The
    final payment (`final`) follows a passed acceptance and has no milestone. The instalments
    never add up to more than the contract. Returns every record written."""
    _require_district(actor, "projects.add_payment")
    amount = _money(amount, field="amount")
    stage = (stage or "").strip()
    with transaction.atomic():
        project = _locked_project(actor=actor, project=contract.project)
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if project.status not in (*workflow.PAYABLE, Project.Status.TERMINATED):
            raise ValidationError(_("Nothing is paid on a project without a signed contract."))
        if paid_on > timezone.localdate():
            raise ValidationError({"paid_on": _("A payment cannot be dated in the future.")})
        if paid_on < contract.signed_on:
            raise ValidationError(
                {"paid_on": _("A payment cannot be made before the contract was signed on %(signed)s.")
                 % {"signed": contract.signed_on}}
            )  # fmt: skip
        money = contract_money(contract=contract)
        if money.paid + amount > money.amount:
            raise ValidationError(
                {
                    "amount": _(
                        "The payments would add up to %(total)s, more than the contract's %(amount)s."
                    )
                    % {"total": format_yuan(money.paid + amount), "amount": format_yuan(money.amount)}
                }
            )
        written = []
        if final:
            if not money.accepted:
                raise ValidationError({"stage": _("The final payment is made only once acceptance passed.")})
        else:
            due_on = min(max(paid_on, contract.starts_on), contract.ends_on)
            rows = [(m.title, m.due_on, m.amount) for m in contract.milestones.all()]
            _check_schedule(
                [*rows, (stage, due_on, amount)], amount=contract.amount,
                final_share_percent=contract.final_share_percent, field="amount",
            )  # fmt: skip
            milestone = Milestone(
                contract=contract, title=stage or _("Instalment"), due_on=due_on, completed_on=paid_on, amount=amount
            )  # fmt: skip
            milestone.full_clean()
            milestone.save()
            written.append(milestone)
        payment = Payment(
            contract=contract, amount=amount, paid_on=paid_on, note=stage[:200], recorded_by=actor
        )
        payment.full_clean()
        payment.save()
        written.append(payment)
        audit_record(
            actor=actor, action="payment.import", target=payment, summary=f"{contract} {amount} {stage}"
        )
    return written


def project_import_acceptance(*, actor, project: Project, acceptance: dict, source: str = "") -> list:
    """Bring in the acceptance a project imported earlier has had since (the district): the
    bureau's register, imported again, now gives its result. Only a project still running without
    a final acceptance takes one; it lands in the state the result gives, with one more transition
    naming the source. Returns every record written (none when the register says nothing new)."""
    _require_district(actor, "projects.add_contract")
    conclusion = (acceptance or {}).get("conclusion") or ""
    with transaction.atomic():
        project = _locked_project(actor=actor, project=project)
        if not conclusion:
            return []
        if conclusion not in IMPORTED_STATUS:
            raise ValidationError({"conclusion": _("Choose pass, rectify or fail.")})
        if project.acceptances.filter(
            conclusion=conclusion, evaluated_on=acceptance["evaluated_on"]
        ).exists():
            return []
        if project.status not in workflow.RUNNING:
            raise ValidationError(
                {
                    "conclusion": _("A project that is %(status)s takes no acceptance.")
                    % {"status": project.get_status_display().lower()}
                }
            )
        if acceptance["evaluated_on"] > timezone.localdate():
            raise ValidationError({"evaluated_on": _("An acceptance cannot be dated in the future.")})
        record = Acceptance(project=project, **acceptance)
        record.full_clean()
        record.save()
        before, status = project.status, IMPORTED_STATUS[conclusion]
        project.status = status
        project.save(update_fields=["status", "updated_at"])
        reason = _("Imported from %(source)s") % {"source": source} if source else _("Imported")
        transition = project.transitions.create(
            from_status=before, to_status=status, actor=actor, reason=reason
        )
        audit_record(
            actor=actor,
            action="project.import",
            target=project,
            summary=f"{before} → {status} {reason}",
            changes={"status": [before, status]},
        )
    return [record, transition, project]
