"""Pages of group work: the list of groups, a group's page with its members, sessions, attendance
and evaluation, and the forms that write them. Groups hold clients: they are read through
`groups_visible_to` (404 for everyone else) and each group page, which names its members, is
written to the audit log. The list names no client."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import selectors, services
from casework.forms_groups import (
    GroupEvaluateForm,
    GroupForm,
    MemberAddForm,
    MemberLeaveForm,
    SessionPlanForm,
    SessionRecordForm,
)
from casework.models import Group, GroupMember, GroupSession
from socialwork.pages import form_page, page_of, show_errors


def group_list(request):
    filters = selectors.groups_list(user=request.user, params=request.GET)
    return render(
        request,
        "casework/group_list.html",
        {
            "filter": filters,
            "page": page_of(request, filters.qs),
            "can_start": request.user.has_perm("casework.add_group")
            and selectors.station_of(request.user.unit) is not None,
        },
    )


def _visible_group(request, pk) -> Group:
    return get_object_or_404(selectors.groups_visible_to(user=request.user), pk=pk)


def _attendance_grid(members, sessions):
    """One row per member: the member and, for each session, True (present), False (absent) or
    None (not recorded, or not a member then)."""
    marks = {
        (mark.member_id, session.pk): mark.present
        for session in sessions
        for mark in session.attendance.all()
    }
    return [(member, [marks.get((member.pk, session.pk)) for session in sessions]) for member in members]


def _group_page(request, group: Group, **bound):
    """The group's page with the forms its writers may use; `bound` holds a form that failed, to
    show again with its errors (status 400)."""
    group = (
        selectors.groups_visible_to(user=request.user)
        .prefetch_related(
            Prefetch(
                "members", queryset=GroupMember.objects.select_related("client").order_by("joined_on", "pk")
            ),
            Prefetch(
                "sessions", queryset=GroupSession.objects.prefetch_related("attendance").order_by("number")
            ),
        )
        .get(pk=group.pk)
    )
    members, sessions = list(group.members.all()), list(group.sessions.all())
    if any(member.client.sensitive for member in members):
        hidden = selectors.clients_hidden_from(user=request.user, client_ids=[m.client_id for m in members])
        for member in members:
            member.protected = member.client_id in hidden
    for session in sessions:
        session.present_count = sum(mark.present for mark in session.attendance.all())
    services.access_record(
        actor=request.user, target=group, action="group.view", ids=[member.client_id for member in members]
    )
    writer = services.group_may_write(request.user, group)
    running = group.status != Group.Status.ENDED

    def form(name, build, show):
        return bound.get(name) or (build() if show else None)

    return render(
        request,
        "casework/group_detail.html",
        {
            "group": group,
            "members": members,
            "sessions": sessions,
            "grid": _attendance_grid(members, sessions),
            "writer": writer,
            "member_form": form(
                "member_form", lambda: MemberAddForm(user=request.user, prefix="member"), writer and running
            ),
            "leave_form": MemberLeaveForm(prefix="leave") if writer else None,
            "plan_form": form("plan_form", lambda: SessionPlanForm(prefix="plan"), writer and running),
            "evaluate_form": form(
                "evaluate_form", lambda: GroupEvaluateForm(prefix="evaluate"), writer and running
            ),
        },
        status=400 if bound else 200,
    )


def group_detail(request, pk):
    return _group_page(request, _visible_group(request, pk))


@permission_required("casework.add_group", raise_exception=True)
def group_create(request):
    return form_page(
        request,
        GroupForm(request.POST or None, user=request.user),
        save=lambda data: services.group_create(actor=request.user, **data),
        message=lambda saved: _("The group %(name)s was started.") % {"name": saved.name},
        title=_("New group"),
    )


def group_update(request, pk):
    group = _visible_group(request, pk)
    if not services.group_may_write(request.user, group):
        raise PermissionDenied
    title = _("Edit %(group)s") % {"group": group}
    return form_page(
        request,
        GroupForm(request.POST or None, instance=group, user=request.user),
        save=lambda data: services.group_update(actor=request.user, group=group, **data),
        message=lambda saved: _("The group %(name)s was saved.") % {"name": saved.name},
        title=title,
        cancel=group,
    )


def _step(request, pk, *, form, name: str, service, message: str):
    """A POST of one of the group page's forms: call the service, back to the page; on bad input
    or a refusal, the page again with the form's errors."""
    group = _visible_group(request, pk)
    if form.is_valid():
        try:
            service(group, form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(group)
    return _group_page(request, group, **{name: form})


@require_POST
def member_add(request, pk):
    return _step(
        request, pk, form=MemberAddForm(request.POST, user=request.user, prefix="member"), name="member_form",
        message=_("The member was added."),
        service=lambda group, data: services.member_add(actor=request.user, group=group, **data),
    )  # fmt: skip


@require_POST
def session_plan(request, pk):
    return _step(
        request, pk, form=SessionPlanForm(request.POST, prefix="plan"), name="plan_form",
        message=_("The session was planned."),
        service=lambda group, data: services.session_plan(actor=request.user, group=group, **data),
    )  # fmt: skip


@require_POST
def group_evaluate(request, pk):
    return _step(
        request, pk, form=GroupEvaluateForm(request.POST, prefix="evaluate"), name="evaluate_form",
        message=_("The group was evaluated and has ended."),
        service=lambda group, data: services.group_evaluate(actor=request.user, group=group, **data),
    )  # fmt: skip


@require_POST
def member_leave(request, pk, member_pk):
    group = _visible_group(request, pk)
    member = get_object_or_404(GroupMember, pk=member_pk, group=group)
    form = MemberLeaveForm(request.POST, prefix="leave")
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the day the member left."))
        services.member_leave(actor=request.user, member=member, left_on=form.cleaned_data["left_on"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The member left the group."))
    return redirect(group)


def session_record(request, pk, session_pk):
    """Record a held session with its attendance: a page of its own, or, asked by htmx from the
    group's page, only the form, put in place under the session."""
    group = _visible_group(request, pk)
    session = get_object_or_404(GroupSession.objects.select_related("group"), pk=session_pk, group=group)
    if not services.group_may_write(request.user, group):
        raise PermissionDenied
    if request.method == "POST":
        form = SessionRecordForm(request.POST, session=session, prefix="record")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.session_record(
                    actor=request.user,
                    session=session,
                    held_on=data["held_on"],
                    record=data["record"],
                    present={member.pk for member in data["present"]},
                )
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("Session %(number)d was recorded.") % {"number": session.number})
                return redirect(group)
    else:
        present = session.attendance.filter(present=True).values_list("member_id", flat=True)
        form = SessionRecordForm(
            session=session,
            prefix="record",
            initial={
                "held_on": session.held_on or session.planned_on,
                "record": session.record,
                "present": list(present),
            },
        )
    services.access_record(
        actor=request.user,
        target=group,
        action="group.view",
        ids=list(group.members.values_list("client_id", flat=True)),
    )
    template = "casework/group_session_record.html"
    if request.htmx and request.method == "GET":
        template += "#record-form"
    return render(
        request,
        template,
        {"group": group, "session": session, "form": form},
        status=400 if form.is_bound else 200,
    )


urlpatterns = [
    path("groups/", group_list, name="group_list"),
    path("groups/new/", group_create, name="group_create"),
    path("groups/<int:pk>/", group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", group_update, name="group_update"),
    path("groups/<int:pk>/members/", member_add, name="group_member_add"),
    path("groups/<int:pk>/members/<int:member_pk>/leave/", member_leave, name="group_member_leave"),
    path("groups/<int:pk>/sessions/", session_plan, name="group_session_plan"),
    path("groups/<int:pk>/sessions/<int:session_pk>/record/", session_record, name="group_session_record"),
    path("groups/<int:pk>/evaluate/", group_evaluate, name="group_evaluate"),
]
