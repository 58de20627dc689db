"""Pages for social organizations, calls, projects from application to acceptance, and the
money overview. Every write goes through projects/services.py; every read through the scoped
selectors."""

import posixpath

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from positions.selectors.network import figures_place
from projects import selectors, services
from projects.forms import (
    AcceptanceForm,
    AmendmentForm,
    ApplicationForm,
    BidForm,
    BudgetLineFormSet,
    CallForm,
    ContractForm,
    DecisionForm,
    HonourForm,
    MilestoneCompleteForm,
    MoveForm,
    OrganizationForm,
    PaymentForm,
    ProcurementForm,
    ProgressReportForm,
    RescindAwardForm,
    ReviewForm,
    SupervisionVisitForm,
    new_upload,
)
from projects.models import (
    Bid,
    Contract,
    Milestone,
    Project,
    Stationing,
)
from projects.pdf import contract_summary_pdf
from projects.selectors.evaluations import (
    EVALUABLE,
    evaluations_visible_to,
    final_evaluation_of,
    is_evaluator,
    past_final_grades,
)
from projects.selectors.panels import panels_of_project
from projects.timeline import TIMELINE_PREFETCH, project_timeline
from projects.workflow import APPLICANT, DISTRICT, MOVES, actions_for, roles_of
from socialwork.actions import Action, action_require
from socialwork.files import file_response
from socialwork.pages import confirmation, form_page, page_of, show_errors, year_of
from socialwork.pdf import PDF_CONTENT_TYPE

S = Project.Status


# Organizations


def organization_list(request):
    filters = selectors.organizations_list(user=request.user, params=request.GET)
    return render(
        request, "projects/organization_list.html", {"filter": filters, "page": page_of(request, filters.qs)}
    )


def organization_detail(request, pk):
    organization = get_object_or_404(
        selectors.organizations_visible_to(user=request.user).select_related("region"), pk=pk
    )
    projects = (
        selectors.projects_visible_to(user=request.user)
        .filter(organization=organization)
        .order_by("-year", "title", "pk")
    )
    stationings = organization.stationings.select_related("worker").order_by("-starts_on", "pk")
    return render(
        request,
        "projects/organization_detail.html",
        {
            "organization": organization,
            "teams": organization.teams.prefetch_related("members__worker").order_by("name", "pk"),
            "stationed": [s for s in stationings if s.kind == Stationing.Kind.STATIONED],
            "mentoring": [s for s in stationings if s.kind == Stationing.Kind.MENTORING],
            "projects": projects,
            "grades": past_final_grades(organization_id=organization.pk).filter(
                project__in=projects.values("pk")
            ),
            "contracts": Contract.objects.filter(organization=organization, project__in=projects.values("pk"))
            .select_related("project")
            .annotate(paid=Sum("payments__amount"))
            .order_by("-signed_on", "pk"),
        },
    )


@permission_required("projects.add_socialorganization", raise_exception=True)
def organization_create(request):
    return form_page(
        request,
        OrganizationForm(request.POST or None),
        save=lambda data: services.organization_save(actor=request.user, **data),
        message=lambda saved: _("The organization %(name)s was added.") % {"name": saved.name},
        title=_("New social organization"),
    )


@permission_required("projects.change_socialorganization", raise_exception=True)
def organization_update(request, pk):
    organization = get_object_or_404(selectors.organizations_visible_to(user=request.user), pk=pk)
    return form_page(
        request,
        OrganizationForm(request.POST or None, instance=organization),
        save=lambda data: services.organization_save(actor=request.user, organization=organization, **data),
        message=lambda saved: _("The organization %(name)s was saved.") % {"name": saved.name},
        title=_("Edit %(organization)s") % {"organization": organization},
        cancel=organization,
    )


# Calls


def call_list(request):
    filters = selectors.calls_list(user=request.user, params=request.GET)
    return render(
        request, "projects/call_list.html", {"filter": filters, "page": page_of(request, filters.qs)}
    )


def call_detail(request, pk):
    call = get_object_or_404(selectors.calls_visible_to(user=request.user), pk=pk)
    return render(
        request,
        "projects/call_detail.html",
        {
            "call": call,
            "projects": selectors.projects_visible_to(user=request.user)
            .filter(call=call)
            .order_by("community__path", "title", "pk"),
            "short": selectors.communities_short(user=request.user, call=call),
        },
    )


@permission_required("projects.add_call", raise_exception=True)
def call_create(request):
    return form_page(
        request,
        CallForm(request.POST or None),
        save=lambda data: services.call_save(actor=request.user, **data),
        message=lambda saved: _("The call %(title)s was opened.") % {"title": saved.title},
        title=_("New call for projects"),
    )


@permission_required("projects.change_call", raise_exception=True)
def call_update(request, pk):
    call = get_object_or_404(selectors.calls_visible_to(user=request.user), pk=pk)
    return form_page(
        request,
        CallForm(request.POST or None, instance=call),
        save=lambda data: services.call_save(actor=request.user, call=call, **data),
        message=lambda saved: _("The call %(title)s was saved.") % {"title": saved.title},
        title=_("Edit %(call)s") % {"call": call},
        cancel=call,
    )


# Projects


def project_list(request):
    filters = selectors.projects_list(user=request.user, params=request.GET)
    can_apply = request.user.has_perm("projects.add_project") or (
        bool(request.user.organization_id) and not is_evaluator(request.user)
    )
    return render(
        request,
        "projects/project_list.html",
        {"filter": filters, "page": page_of(request, filters.qs), "can_apply": can_apply},
    )


def _visible_project(request, pk) -> Project:
    return get_object_or_404(selectors.projects_visible_to(user=request.user), pk=pk)


def _project_page(request, project: Project, **bound):
    """The project's page with everything about it, its timeline, and exactly the buttons and
    forms of the actions this person may take now (workflow.actions_for). `bound` holds a form
    that failed, to show again with its errors."""
    project = (
        selectors.projects_visible_to(user=request.user)
        .select_related("created_by", "contract__organization", "procurement", "provider")
        .prefetch_related("budget_lines", *TIMELINE_PREFETCH)
        .get(pk=project.pk)
    )
    actions = actions_for(request.user, project)
    contract = getattr(project, "contract", None)
    procurement = getattr(project, "procurement", None)
    bids = list(procurement.bids.all()) if procurement else []
    awarded = next((bid for bid in bids if bid.awarded), None)
    payments = list(contract.payments.all()) if contract else []
    money = selectors.contract_money_loaded(project, contract) if contract else None
    approved = project.approved_amount
    for bid in bids:  # the page explains why a bid above the approved amount has no award button
        bid.above_approved = approved is not None and bid.price > approved
    awards = sorted((award for bid in bids for award in bid.awards.all()), key=lambda award: award.pk)

    def form(name, action, build):
        return bound.get(name) or (build() if action in actions else None)

    # The final evaluation's grade feeds the acceptance; the organization's past grades its next
    # application (projects.selectors.evaluations).
    final_evaluation = final_evaluation_of(project) if "acceptance_record" in actions else None
    district = DISTRICT in roles_of(request.user, project)
    past_grades = (
        list(past_final_grades(organization_id=project.organization_id).exclude(project=project)[:10])
        if district and project.organization_id and project.status in (S.SUBMITTED, S.UNDER_REVIEW)
        else None
    )

    forms = {
        "review_form": form("review_form", "review_record", lambda: ReviewForm(prefix="review")),
        "decision_form": form("decision_form", "decide", lambda: DecisionForm(prefix="decision")),
        "procurement_form": form(
            "procurement_form", "procurement_open", lambda: ProcurementForm(prefix="procurement")
        ),
        "bid_form": form("bid_form", "bid_record", lambda: BidForm(prefix="bid")),
        "contract_form": form(
            "contract_form",
            "contract_sign",
            lambda: ContractForm(
                project=project,
                prefix="contract",
                initial={
                    "organization": awarded.organization_id if awarded else project.organization_id,
                    "amount": awarded.price if awarded else project.approved_amount,
                },
            ),
        ),
        "payment_form": form("payment_form", "payment_record", lambda: PaymentForm(prefix="payment")),
        "rescind_form": form("rescind_form", "rescind_award", lambda: RescindAwardForm(prefix="rescind")),
        "amendment_form": form("amendment_form", "amend_contract", lambda: AmendmentForm(prefix="amendment")),
        "visit_form": form(
            "visit_form", "supervision_visit_record", lambda: SupervisionVisitForm(prefix="visit")
        ),
        "acceptance_form": form(
            "acceptance_form",
            "acceptance_record",
            lambda: AcceptanceForm(prefix="acceptance", initial=_acceptance_initial(final_evaluation)),
        ),
        "progress_form": form(
            "progress_form", "progress_report_submit", lambda: ProgressReportForm(prefix="progress")
        ),
        "honour_form": form(
            "honour_form",
            "honour_add",
            lambda: HonourForm(prefix="honour", initial={"year": timezone.localdate().year}),
        ),
        "milestone_form": form(
            "milestone_form", "milestone_complete", lambda: MilestoneCompleteForm(prefix="milestone")
        ),
    }
    moves = [
        (name, action, bound.get(f"move_{name}") or MoveForm(prefix=name))
        for name, action in actions.items()
        if name in MOVES
    ]
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "actions": actions,
            "can_edit": "edit" in actions,
            "can_award": "bid_award" in actions,
            "moves": moves,
            "procurement": procurement,
            "bids": bids,
            "awarded": awarded,
            "contract": contract,
            "payments": payments,
            "money": money,
            "awards": awards,
            # Organization staff see the signed contract only of their own organization's contract.
            "contract_document": bool(contract and contract.signed_file)
            and selectors.contracts_visible_to(user=request.user).filter(pk=contract.pk).exists(),
            "contract_summary": bool(contract)
            and selectors.contract_shown_to(user=request.user, contract=contract),
            "timeline": project_timeline(project),
            "evaluations": evaluations_visible_to(user=request.user).filter(project=project).order_by("pk"),
            "can_assign_evaluation": district and project.status in EVALUABLE,
            "final_evaluation": final_evaluation,
            "past_grades": past_grades,
            "panels": panels_of_project(user=request.user, project=project),
            # Counts of the cases done under the project, named by no one.
            "satisfaction": _satisfaction_of(project),
            # The applicant and the provider link to their pages only for who may open them.
            "organizations_shown": set(
                selectors.organizations_visible_to(user=request.user)
                .filter(pk__in=[project.organization_id, project.provider_id])
                .values_list("pk", flat=True)
            ),
            **forms,
        },
        # Shown again with a form's errors: 400, so scripts and tests can tell.
        status=400 if bound else 200,
    )


def _acceptance_initial(evaluation) -> dict:
    """The acceptance form, prefilled from the project's concluded final evaluation."""
    if evaluation is None:
        return {}
    by = evaluation.evaluating_organization.name if evaluation.evaluating_organization else _("the district")
    return {"evaluator": by, "score": evaluation.score}


def _satisfaction_of(project: Project):
    """The satisfaction figures of the cases done under the project, once it has any."""
    from casework import selectors as casework_selectors
    from casework.models import Case

    cases = Case.objects.filter(project=project, removed_at__isnull=True)
    figures = casework_selectors.satisfaction_figures(cases)
    return figures if figures.closed or figures.answered else None


def project_detail(request, pk):
    return _project_page(request, _visible_project(request, pk))


def project_document(request, kind, pk):
    """A document attached to a project's record (its planning document, signed contract, a
    progress report's attachment, an evaluation report), to whoever sees it on the project's page;
    404 to anyone else. Every download is audited: what an organization attaches may name people."""
    record = get_object_or_404(selectors.documents_visible_to(user=request.user, kind=kind), pk=pk)
    document = getattr(record, selectors.DOCUMENTS[kind][1])
    if not document:
        raise Http404
    response = file_response(document.name, filename=posixpath.basename(document.name))
    services.document_download_audit(actor=request.user, record=record, kind=kind)
    return response


def contract_summary(request, pk):
    """The project's contract summary on paper, for whoever may see the contract."""
    contract = get_object_or_404(
        selectors.contracts_visible_to(user=request.user).select_related("project", "organization"),
        project_id=pk,
    )
    response = HttpResponse(contract_summary_pdf(contract=contract), content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="contract-{contract.number}.pdf"'
    return response


def _project_for(request, pk, *by: str) -> Project:
    """The project for a step that only the district or the applicant (`by`) takes: 404 for who
    does not see it, 403 for who sees it but does not hold the role, before any form is read."""
    project = _visible_project(request, pk)
    if not roles_of(request.user, project) & set(by):
        raise PermissionDenied
    return project


def _step(
    request,
    pk,
    *,
    form_class,
    name: str,
    service,
    message: str,
    form_kwargs=None,
    by=(DISTRICT,),
    confirm=None,
):
    """A POST of one of the project page's forms: parse, call the service, back to the page;
    on bad input or a refusal, the page again with the form's errors. `confirm(project, form)`
    names the action to confirm first when the step cannot be undone (socialwork.pages)."""
    project = _project_for(request, pk, *by)
    form = form_class(request.POST, request.FILES, **(form_kwargs or {}))
    if form.is_valid():
        asked = confirm and confirmation(request, confirm(project, form), subject=project, back=project)
        if asked:
            return asked
        try:
            service(project, form)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(project)
    return _project_page(request, project, **{name: form})


@require_POST
def project_move(request, pk, move):
    if move not in MOVES:
        raise Http404
    # Whoever holds a part in the project reaches the service, which explains a move not theirs.
    project = _project_for(request, pk, DISTRICT, APPLICANT)
    form = MoveForm(request.POST, prefix=move)
    if form.is_valid():
        action = actions_for(request.user, project).get(move)
        asked = confirmation(request, action, subject=project, back=project)
        if asked:
            return asked
        try:
            services.project_move(
                actor=request.user, project=project, move=move, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(move)s: the project is now %(status)s.")
                % {"move": MOVES[move].label, "status": Project.Status(MOVES[move].target).label},
            )
    return redirect(project)


@require_POST
def project_review(request, pk):
    return _step(
        request, pk, form_class=ReviewForm, name="review_form", form_kwargs={"prefix": "review"}, message=_("Your review was recorded."),
        service=lambda project, form: services.review_record(actor=request.user, project=project, **form.cleaned_data),
    )  # fmt: skip


@require_POST
def project_decide(request, pk):
    def decide(project, form):
        data = form.cleaned_data
        services.project_decide(
            actor=request.user,
            project=project,
            approve=data["decision"] == DecisionForm.APPROVE,
            amount=data["amount"],
            reason=data["reason"],
        )

    def rejection(project, form) -> Action | None:
        """Rejecting is final: asked first (approving leads on to the contract)."""
        if form.cleaned_data["decision"] != DecisionForm.REJECT or "decide" not in actions_for(
            request.user, project
        ):
            return None
        return Action(MOVES["reject"].label, confirm=MOVES["reject"].confirm)

    return _step(
        request, pk, form_class=DecisionForm, name="decision_form", service=decide, form_kwargs={"prefix": "decision"},
        message=_("The decision was recorded."), confirm=rejection,
    )  # fmt: skip


@require_POST
def procurement_open(request, pk):
    return _step(
        request, pk, form_class=ProcurementForm, name="procurement_form", form_kwargs={"prefix": "procurement"}, message=_("The procurement was opened."),
        service=lambda project, form: services.procurement_open(
            actor=request.user, project=project, **form.cleaned_data
        ),
    )  # fmt: skip


@require_POST
def bid_record(request, pk):
    def record(project, form):
        procurement = getattr(project, "procurement", None)
        if procurement is None:
            raise ValidationError(_("Open the procurement first."))
        services.bid_record(actor=request.user, procurement=procurement, **form.cleaned_data)

    return _step(
        request,
        pk,
        form_class=BidForm,
        name="bid_form",
        service=record,
        message=_("The bid was recorded."),
        form_kwargs={"prefix": "bid"},
    )


@require_POST
def bid_award(request, pk, bid_pk):
    project = _project_for(request, pk, DISTRICT)
    bid = get_object_or_404(
        Bid.objects.select_related("organization"), pk=bid_pk, procurement__project=project
    )
    try:
        services.bid_award(actor=request.user, bid=bid)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The bid of %(organization)s won.") % {"organization": bid.organization})
    return redirect(project)


@require_POST
def contract_sign(request, pk):
    return _step(
        request, pk, form_class=ContractForm, name="contract_form", message=_("The contract was signed."),
        form_kwargs={"project": _project_for(request, pk, DISTRICT), "prefix": "contract"},
        service=lambda project, form: services.contract_sign(
            actor=request.user, project=project, **form.service_arguments()
        ),
    )  # fmt: skip


@require_POST
def bid_award_rescind(request, pk, bid_pk):
    project = _project_for(request, pk, DISTRICT)
    bid = get_object_or_404(
        Bid.objects.select_related("organization"), pk=bid_pk, procurement__project=project
    )
    return _step(
        request, pk, form_class=RescindAwardForm, name="rescind_form", form_kwargs={"prefix": "rescind"},
        message=_("The award to %(organization)s was rescinded.") % {"organization": bid.organization},
        service=lambda project, form: services.bid_award_rescind(
            actor=request.user, bid=bid, reason=form.cleaned_data["reason"]
        ),
    )  # fmt: skip


@require_POST
def contract_amend(request, pk):
    def amend(project, form):
        contract = getattr(project, "contract", None)
        if contract is None:
            raise ValidationError(_("Sign the contract first."))
        data = dict(form.cleaned_data, signed_file=new_upload(form.cleaned_data["signed_file"]))
        services.contract_amend(actor=request.user, contract=contract, **data)

    return _step(
        request, pk, form_class=AmendmentForm, name="amendment_form", service=amend,
        message=_("The supplementary agreement was recorded."), form_kwargs={"prefix": "amendment"},
    )  # fmt: skip


@require_POST
def payment_record(request, pk):
    def record(project, form):
        contract = getattr(project, "contract", None)
        if contract is None:
            raise ValidationError(_("Sign the contract first."))
        services.payment_record(actor=request.user, contract=contract, **form.cleaned_data)

    return _step(
        request, pk, form_class=PaymentForm, name="payment_form", service=record,
        message=_("The payment was recorded."), form_kwargs={"prefix": "payment"},
    )  # fmt: skip


@require_POST
def milestone_complete(request, pk, milestone_pk):
    project = _project_for(request, pk, DISTRICT, APPLICANT)
    milestone = get_object_or_404(Milestone, pk=milestone_pk, contract__project=project)
    form = MilestoneCompleteForm(request.POST, prefix="milestone")
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the date the milestone was completed."))
        services.milestone_complete(
            actor=request.user, milestone=milestone, completed_on=form.cleaned_data["completed_on"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The milestone %(title)s was completed.") % {"title": milestone.title})
    return redirect(project)


@require_POST
def supervision_visit_record(request, pk):
    return _step(
        request, pk, form_class=SupervisionVisitForm, name="visit_form", form_kwargs={"prefix": "visit"},
        message=_("The supervision visit was recorded."),
        service=lambda project, form: services.supervision_visit_record(
            actor=request.user, project=project, **form.cleaned_data
        ),
    )  # fmt: skip


@require_POST
def acceptance_record(request, pk):
    def record(project, form):
        data = dict(form.cleaned_data, report=new_upload(form.cleaned_data["report"]))
        services.acceptance_record(actor=request.user, project=project, **data)

    return _step(
        request, pk, form_class=AcceptanceForm, name="acceptance_form", form_kwargs={"prefix": "acceptance"},
        service=record, message=_("The acceptance evaluation was recorded."),
    )  # fmt: skip


@require_POST
def progress_report_submit(request, pk):
    def submit(project, form):
        data = dict(form.cleaned_data, attachment=new_upload(form.cleaned_data["attachment"]))
        services.progress_report_submit(actor=request.user, project=project, **data)

    return _step(
        request, pk, form_class=ProgressReportForm, name="progress_form", form_kwargs={"prefix": "progress"},
        service=submit, message=_("The progress report was submitted."), by=(DISTRICT, APPLICANT),
    )  # fmt: skip


@require_POST
def honour_add(request, pk):
    return _step(
        request, pk, form_class=HonourForm, name="honour_form", form_kwargs={"prefix": "honour"},
        message=_("The honour was added."),
        service=lambda project, form: services.honour_add(actor=request.user, project=project, **form.cleaned_data),
    )  # fmt: skip


# Applications


def _application_page(request, project: Project | None):
    """The application form with its budget lines. A new application needs the right to add
    projects or a place in an organization; an edit, the action "edit" (a draft, by its side)."""
    if project is None and not (
        request.user.has_perm("projects.add_project")
        or (request.user.organization_id and not is_evaluator(request.user))
    ):
        raise PermissionDenied
    if project is not None:
        action_require(actions_for(request.user, project), "edit")
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = ApplicationForm(data, files, instance=project, user=request.user)
    # Initial rows only for the page as first shown: a bound row equal to its initial would
    # count as unchanged, and an unchanged extra row is skipped.
    initial = (
        [{"item": line.item, "amount": line.amount} for line in project.budget_lines.all()]
        if project and data is None
        else []
    )
    lines = BudgetLineFormSet(data, prefix="lines", initial=initial)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        arguments = dict(form.cleaned_data, budget_lines=lines.lines())
        arguments["plan_document"] = new_upload(arguments["plan_document"])
        if "studio" not in arguments:
            arguments["studio"] = None
        try:
            saved = services.project_save(actor=request.user, project=project, **arguments)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The application %(title)s was saved.") % {"title": saved.title})
            return redirect(saved)
    title = _("Edit %(project)s") % {"project": project} if project else _("New application")
    return render(
        request,
        "projects/application_form.html",
        {"form": form, "lines": lines, "title": title, "project": project},
        status=400 if request.method == "POST" else 200,
    )


def application_create(request):
    return _application_page(request, None)


def application_update(request, pk):
    return _application_page(request, _visible_project(request, pk))


# Overview


def _part_heading(user) -> str:
    """The overview's tab of the person's parts: a city's districts, a district's towns."""
    place = figures_place(user=user)
    if place is not None and place.level == place.Level.PROVINCE:
        return _("By city")
    if place is not None and place.level == place.Level.CITY:
        return _("By district or county-level city")
    return _("By town or street")


def overview(request):
    """The year's tables by service area and by town, and every year side by side. The budget
    figures are for district-wide people only: a district's own budget; a city's own and its
    districts' added up, then each district's side by side with the city's own."""
    year = year_of(request)
    tables = selectors.overview(user=request.user, year=year)
    wide = request.user.is_district_wide
    place = figures_place(user=request.user) if wide else None
    return render(
        request,
        "projects/overview.html",
        {
            "year": year,
            "money": selectors.year_money(year=year, place=place) if wide else None,
            "budgets": selectors.budgets_side_by_side(year=year, place=place) if wide else [],
            "place": place,
            "tables": [
                ("by-area", _("By service area"), tables["by_area"]),
                ("by-town", _part_heading(request.user), tables["by_part"]),
                ("by-year", _("By year"), selectors.overview(user=request.user)["by_year"]),
            ],
        },
    )


urlpatterns = [
    path("", project_list, name="project_list"),
    path("overview/", overview, name="overview"),
    path("apply/", application_create, name="application_create"),
    path("<int:pk>/", project_detail, name="project_detail"),
    path("<int:pk>/edit/", application_update, name="application_update"),
    path("<int:pk>/move/<str:move>/", project_move, name="project_move"),
    path("<int:pk>/review/", project_review, name="project_review"),
    path("<int:pk>/decide/", project_decide, name="project_decide"),
    path("<int:pk>/procurement/", procurement_open, name="procurement_open"),
    path("<int:pk>/bids/", bid_record, name="bid_record"),
    path("<int:pk>/bids/<int:bid_pk>/award/", bid_award, name="bid_award"),
    path("<int:pk>/bids/<int:bid_pk>/rescind/", bid_award_rescind, name="bid_award_rescind"),
    path("<int:pk>/contract/", contract_sign, name="contract_sign"),
    path("<int:pk>/contract/amend/", contract_amend, name="contract_amend"),
    path("<int:pk>/contract/summary/", contract_summary, name="contract_summary"),
    path("<int:pk>/payments/", payment_record, name="payment_record"),
    path("<int:pk>/milestones/<int:milestone_pk>/complete/", milestone_complete, name="milestone_complete"),
    path("<int:pk>/visits/", supervision_visit_record, name="supervision_visit_record"),
    path("<int:pk>/acceptance/", acceptance_record, name="acceptance_record"),
    path("<int:pk>/progress/", progress_report_submit, name="progress_report_submit"),
    path("<int:pk>/honours/", honour_add, name="honour_add"),
    re_path(
        r"^documents/(?P<kind>plan|contract|amendment|progress-report|acceptance)/(?P<pk>[0-9]+)/$",
        project_document,
        name="project_document",
    ),
    path("organizations/", organization_list, name="organization_list"),
    path("organizations/new/", organization_create, name="organization_create"),
    path("organizations/<int:pk>/", organization_detail, name="organization_detail"),
    path("organizations/<int:pk>/edit/", organization_update, name="organization_update"),
    path("calls/", call_list, name="call_list"),
    path("calls/new/", call_create, name="call_create"),
    path("calls/<int:pk>/", call_detail, name="call_detail"),
    path("calls/<int:pk>/edit/", call_update, name="call_update"),
]
