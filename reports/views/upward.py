"""Pages of statistical returns (统计报表): the forms and my returns, one return (fill, review,
submit; return, approve, reopen), the city's board of a period, and a return's workbook. Who may
do what is `reports.upward.selectors`; every step is its services'."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from positions.models import Region
from reports.models import StatisticalForm, StatisticalReturn
from reports.upward import figures, selectors, services
from reports.upward.xlsx import XLSX_CONTENT_TYPE, return_xlsx
from socialwork.pages import refusal_text

LIST_LENGTH = 100


def _district_wide(request) -> None:
    if not request.user.is_district_wide:
        raise PermissionDenied


def _int(text, default=None):
    text = str(text or "").strip()
    return int(text) if text.isdigit() else default


def upward_list(request):
    """The report forms of my place and the returns I see, newest period first."""
    _district_wide(request)
    user = request.user
    forms = list(selectors.forms_visible_to(user=user))
    returns = selectors.returns_visible_to(user=user).order_by("-period_start", "form__name", "region__path")
    fillable = []
    if user.region_id and selectors.may_fill(
        user=user, statistical_return=StatisticalReturn(region=user.region)
    ):
        fillable = [
            form
            for form in forms
            if form.owner_id == user.region_id
            or (user.region.level in Region.DISTRICT_LEVELS and user.region.path.startswith(form.owner.path))
        ]
    context = {
        "forms": forms,
        "fillable": fillable,
        "runs": [form for form in forms if user.is_superuser or form.owner.path.startswith(user.region.path)],
        "returns": returns[:LIST_LENGTH],
        "year": timezone.localdate().year - 1,
        "may_define": selectors.may_define_forms(user=user),
        "figure_choices": figures.figure_choices(),
        "periods": StatisticalForm.Period.choices,
    }
    return render(request, "reports/upward_list.html", context)


@require_POST
def upward_form_define(request):
    _district_wide(request)
    user = request.user
    try:
        form = services.form_define(
            actor=user,
            owner=user.region,
            name=request.POST.get("name", ""),
            period=request.POST.get("period", ""),
            figure_keys=request.POST.getlist("figures"),
        )
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        return redirect("reports:upward_list")
    messages.success(request, _("The report form %(form)s is defined.") % {"form": form})
    return redirect("reports:upward_list")


@require_POST
def upward_start(request, pk):
    """Start (or open) my place's return of a form for a period."""
    _district_wide(request)
    form = get_object_or_404(selectors.forms_visible_to(user=request.user), pk=pk)
    try:
        statistical_return = services.return_prepare(
            actor=request.user,
            form=form,
            region=request.user.region,
            year=_int(request.POST.get("year"), 0),
            quarter=_int(request.POST.get("quarter")),
        )
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        return redirect("reports:upward_list")
    return redirect(statistical_return)


def upward_return(request, pk):
    """One return: its figures (editable while it is the place's to fill), what the records say
    now when it is locked, the steps open to the person, and its timeline."""
    statistical_return = get_object_or_404(
        selectors.returns_visible_to(user=request.user).select_related("form__owner"), pk=pk
    )
    user = request.user
    fills = selectors.may_fill(user=user, statistical_return=statistical_return)
    reviews = selectors.may_review(user=user, statistical_return=statistical_return)
    posted = getattr(request, "_upward_posted", {})  # what a refused review typed, shown again
    rows = [
        {
            "key": key,
            "label": figures.FIGURES[key].label,
            **statistical_return.figures[key],
            **{
                name: posted[f"{name}-{key}"]
                for name in ("value", "reason", "note")
                if f"{name}-{key}" in posted
            },
        }
        for key in statistical_return.form.figures
        if key in figures.FIGURES and key in statistical_return.figures
    ]
    context = {
        "r": statistical_return,
        "rows": rows,
        "editable": fills and statistical_return.is_editable,
        "fills": fills,
        "reviews": reviews,
        "differences": selectors.differences(statistical_return=statistical_return),
        "flags": list(selectors.open_flags(statistical_return=statistical_return)),
        "steps": statistical_return.steps.select_related("actor"),
        "missing": selectors.rollup_missing(
            form=statistical_return.form, start=statistical_return.period_start
        )
        if statistical_return.is_rollup and statistical_return.is_editable
        else [],
        "errors": getattr(request, "_upward_errors", {}),
    }
    return render(request, "reports/upward_return.html", context)


STEPS = {
    "fill": lambda r, p, u: services.return_fill(
        actor=u, statistical_return=r, version=_int(p.get("version"))
    ),
    "save": lambda r, p, u: services.return_figures_save(
        actor=u, statistical_return=r, version=_int(p.get("version")), entries=_entries(r, p)
    ),
    "submit": lambda r, p, u: services.return_submit(
        actor=u, statistical_return=r, version=_int(p.get("version"))
    ),
    "return": lambda r, p, u: services.return_send_back(
        actor=u, statistical_return=r, comment=p.get("comment", ""), version=_int(p.get("version"))
    ),
    "approve": lambda r, p, u: services.return_approve(
        actor=u, statistical_return=r, comment=p.get("comment", ""), version=_int(p.get("version"))
    ),
    "reopen": lambda r, p, u: services.return_reopen(
        actor=u, statistical_return=r, reason=p.get("reason", ""), version=_int(p.get("version"))
    ),
}
DONE = {
    "fill": gettext_lazy("The figures were read again from the records."),
    "save": gettext_lazy("Your review of the figures is saved."),
    "submit": gettext_lazy("The return is submitted."),
    "return": gettext_lazy("The return is sent back to its district."),
    "approve": gettext_lazy("The return is approved; its period is locked."),
    "reopen": gettext_lazy("The return is reopened."),
}


def _entries(statistical_return, post) -> dict[str, dict]:
    return {
        key: {
            "value": post.get(f"value-{key}", ""),
            "reason": post.get(f"reason-{key}", ""),
            "note": post.get(f"note-{key}", ""),
        }
        for key in statistical_return.figures
        if f"value-{key}" in post
    }


@require_POST
def upward_step(request, pk, step):
    """Take one step on a return; a refusal is shown on the return's page."""
    if step not in STEPS:
        raise Http404
    statistical_return = get_object_or_404(selectors.returns_visible_to(user=request.user), pk=pk)
    try:
        STEPS[step](statistical_return, request.POST, request.user)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            request._upward_errors = {
                key: " ".join(messages_) for key, messages_ in error.message_dict.items()
            }
        request._upward_posted = request.POST
        messages.error(request, refusal_text(error))
        response = upward_return(request, pk)
        response.status_code = 400
        return response
    messages.success(request, DONE[step])
    return redirect(statistical_return)


def upward_board(request, pk):
    """The city's board of a form's period: each district's return side by side, and its own."""
    _district_wide(request)
    form = get_object_or_404(selectors.forms_visible_to(user=request.user), pk=pk)
    user = request.user
    if not (user.is_superuser or form.owner.path.startswith(user.region.path)):
        raise PermissionDenied
    year = _int(request.GET.get("year"), timezone.localdate().year - 1)
    quarter = _int(request.GET.get("quarter"), 1) if form.period == StatisticalForm.Period.QUARTERLY else None
    try:
        start, _end = selectors.period_of(form, year, quarter)
    except ValueError:
        start, _end = selectors.period_of(form, year, 1)
    rows = selectors.board(form=form, start=start)
    own = StatisticalReturn.objects.filter(form=form, region=form.owner, period_start=start).first()
    keys = [key for key in form.figures if key in figures.FIGURES]
    table = [
        {
            "district": row.district,
            "r": row.statistical_return,
            "values": [
                (
                    row.statistical_return.figures.get(key, {}).get("value", "")
                    if row.statistical_return
                    else ""
                )
                for key in keys
            ],
        }
        for row in rows
    ]
    context = {
        "form": form,
        "year": year,
        "quarter": quarter,
        "labels": [figures.FIGURES[key].label for key in keys],
        "table": table,
        "own": own,
        "all_approved": all(row.statistical_return and row.statistical_return.is_locked for row in rows),
        "owner_is_city": form.owner.is_above_district,
        "may_start_own": user.region_id == form.owner_id and form.owner.is_above_district,
    }
    return render(request, "reports/upward_board.html", context)


def upward_xlsx(request, pk):
    statistical_return = get_object_or_404(
        selectors.returns_visible_to(user=request.user).select_related("form__owner"), pk=pk
    )
    response = HttpResponse(return_xlsx(statistical_return), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="statistical-return-{statistical_return.pk}.xlsx"'
    )
    return response


urlpatterns = [
    path("statistics/", upward_list, name="upward_list"),
    path("statistics/forms/", upward_form_define, name="upward_form_define"),
    path("statistics/forms/<int:pk>/start/", upward_start, name="upward_start"),
    path("statistics/forms/<int:pk>/board/", upward_board, name="upward_board"),
    path("statistics/returns/<int:pk>/", upward_return, name="upward_return"),
    path("statistics/returns/<int:pk>/xlsx/", upward_xlsx, name="upward_xlsx"),
    path("statistics/returns/<int:pk>/<slug:step>/", upward_step, name="upward_step"),
]
