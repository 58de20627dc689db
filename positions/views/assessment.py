"""Pages of the annual practice assessment: the schemes, one scheme with its assessments, the
scheme form and the scoring form."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from positions.forms_assessment import (
    AssessmentRecordForm,
    AssessmentSchemeForm,
    CriterionFormSet,
    GradeRulesForm,
    SubjectChooserForm,
    show_service_error,
)
from positions.models import AssessmentScheme, Grade
from positions.selectors import assessment as selectors
from positions.selectors.evidence import worker_evidence
from positions.services import assessment as services
from socialwork.local_rules_views import rule_context


def scheme_list(request):
    return render(
        request, "positions/assessment/scheme_list.html", {"rows": selectors.scheme_list(user=request.user)}
    )


def scheme_detail(request, pk):
    try:
        page = selectors.scheme_page(
            user=request.user,
            pk=pk,
            grade=request.GET.get("grade", ""),
            search=request.GET.get("q", ""),
            sort=request.GET.get("sort", "-total"),
            page=request.GET.get("page", 1),
        )
    except AssessmentScheme.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "positions/assessment/scheme_detail.html",
        {
            "page": page,
            "scheme": page.scheme,
            "grade": request.GET.get("grade", ""),
            "q": request.GET.get("q", ""),
            "sort": request.GET.get("sort", "-total"),
            "can_edit": selectors.may_edit_scheme(request.user, page.scheme),
            # Where the person's place stands for this year and kind; taking one's own copy or
            # going back to the city's leads to the list, where the scheme that applies is.
            **rule_context(
                request.user, AssessmentScheme, year=page.scheme.year, subject=page.scheme.subject
            ),
            "rule_next": reverse("positions:assessment_schemes"),
        },
    )


def _scheme_form(request, scheme: AssessmentScheme | None):
    """Create a scheme or change one; one page holds the scheme, its criteria and grade rules."""
    locked = bool(scheme and scheme.assessments.exists())
    if scheme is None:
        initial, criteria_initial, rules_initial = {}, [], {}
    else:
        initial = {"year": scheme.year, "subject": scheme.subject, "title": scheme.title}
        criteria_initial = [
            {"name": c.name, "weight": c.weight, "source": c.source, "full_marks_at": c.full_marks_at}
            for c in scheme.criteria.order_by("pk")
        ]
        rules_initial = GradeRulesForm.initial_from(scheme)
    data = request.POST if request.method == "POST" else None
    form = AssessmentSchemeForm(data, initial=initial, locked=locked)
    criteria = CriterionFormSet(data, initial=criteria_initial, prefix="criteria", locked=locked)
    rules = GradeRulesForm(data, initial=rules_initial, prefix="rules")
    sections = {"criteria": [], "grade_rules": []}
    if data is not None and all([form.is_valid(), criteria.is_valid(), rules.is_valid()]):
        try:
            scheme = services.assessment_scheme_save(
                actor=request.user,
                scheme=scheme,
                year=form.cleaned_data["year"],
                subject=form.cleaned_data["subject"],
                title=form.cleaned_data["title"],
                criteria=criteria.rows(),
                grade_rules=rules.rows(),
            )
        except ValidationError as error:
            show_service_error(error, form, sections)
        else:
            messages.success(request, _("The scheme “%(scheme)s” was saved.") % {"scheme": scheme})
            return redirect("positions:assessment_scheme_detail", pk=scheme.pk)
    title = _("Edit %(scheme)s") % {"scheme": scheme} if scheme else _("New assessment scheme")
    return render(
        request,
        "positions/assessment/scheme_form.html",
        {
            "form": form,
            "criteria": criteria,
            "rules": rules,
            "sections": sections,
            "locked": locked,
            "scheme": scheme,
            "title": title,
        },
    )


@permission_required("positions.add_assessmentscheme", raise_exception=True)
def scheme_create(request):
    return _scheme_form(request, None)


@permission_required("positions.change_assessmentscheme", raise_exception=True)
def scheme_update(request, pk):
    return _scheme_form(request, get_object_or_404(selectors.schemes_editable_by(user=request.user), pk=pk))


def _evidence(scheme: AssessmentScheme, subject) -> list:
    if subject is None or scheme.subject != AssessmentScheme.Subject.WORKER:
        return []
    return worker_evidence(worker=subject, year=scheme.year)


CHOOSER = "choose"  # the typed chooser's prefix; ?subject=<id> is a link's choice


@permission_required("positions.add_assessment", raise_exception=True)
def assessment_record(request, pk):
    """Score one subject under the scheme; a subject assessed before is scored again. Choosing a
    worker first shows what the records say and pre-fills the criteria linked to a figure; the
    assessor confirms or changes every score."""
    scheme = get_object_or_404(selectors.schemes_visible_to(user=request.user), pk=pk)
    criteria = list(scheme.criteria.all())
    initial, evidence, suggestions = {}, [], {}
    subject, chooser = None, None
    if request.method == "GET" and (subject_id := request.GET.get("subject", "")).isdigit():
        subject = selectors.subject_choices(user=request.user, scheme=scheme).filter(pk=subject_id).first()
    elif request.method == "GET" and request.GET.get(f"{CHOOSER}-subject"):
        # Typed in the chooser: resolved like any picker; several or none is said beside it.
        chooser = SubjectChooserForm(request.GET, prefix=CHOOSER, user=request.user, scheme=scheme)
        subject = chooser.cleaned_data["subject"] if chooser.is_valid() else None
    if subject is not None:
        initial["subject"] = subject
        evidence = _evidence(scheme, subject)
        suggestions = services.score_suggestions(criteria=criteria, figures=evidence)
        previous = selectors.assessment_for(user=request.user, scheme=scheme, subject=subject)
        if previous:
            initial["comment"] = previous.comment
        for criterion in criteria:
            # A score recorded before stands; otherwise the records suggest one.
            if previous and (score := previous.scores.get(str(criterion.pk))) is not None:
                initial[f"score_{criterion.pk}"] = score
            elif (suggestion := suggestions.get(criterion.pk)) and suggestion.score is not None:
                initial[f"score_{criterion.pk}"] = initial[f"prefilled_{criterion.pk}"] = suggestion.score
                initial["prefilled_for"] = subject.pk
    data = request.POST if request.method == "POST" else None
    form = AssessmentRecordForm(data, initial=initial, user=request.user, scheme=scheme, criteria=criteria)
    if data is not None and form.is_valid():
        try:
            assessment = services.assessment_record(
                actor=request.user,
                scheme=scheme,
                subject=form.cleaned_data["subject"],
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                prefilled=form.prefilled(),
            )
        except ValidationError as error:
            show_service_error(error, form)
        else:
            messages.success(
                request,
                _("%(subject)s: weighted score %(total)s, %(grade)s.")
                % {
                    "subject": assessment.subject,
                    "total": assessment.total,
                    "grade": Grade(assessment.grade).label,
                },
            )
            return redirect(reverse("positions:assessment_scheme_detail", args=[scheme.pk]))
    subject = initial.get("subject")
    if form.is_bound and (subject := form.cleaned_data.get("subject")) is not None:
        evidence = _evidence(scheme, subject)
        suggestions = services.score_suggestions(criteria=criteria, figures=evidence)
    form.show_suggestions(suggestions)
    if chooser is None or chooser.is_valid():
        chooser = SubjectChooserForm(
            initial={"subject": subject}, prefix=CHOOSER, user=request.user, scheme=scheme
        )
    return render(
        request,
        "positions/assessment/record_form.html",
        {
            "form": form,
            "chooser": chooser,
            "scheme": scheme,
            "criteria": criteria,
            "subject": subject,
            "evidence": evidence,
        },
    )


urlpatterns = [
    path("assessments/", scheme_list, name="assessment_schemes"),
    path("assessments/new/", scheme_create, name="assessment_scheme_create"),
    path("assessments/<int:pk>/", scheme_detail, name="assessment_scheme_detail"),
    path("assessments/<int:pk>/edit/", scheme_update, name="assessment_scheme_update"),
    path("assessments/<int:pk>/record/", assessment_record, name="assessment_record"),
]
