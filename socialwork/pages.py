"""What every page shares."""

from collections.abc import Callable
from functools import reduce
from operator import or_

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property

from socialwork.actions import Action

PAGE_SIZE = 50
# A list counts its rows up to this many; beyond, it says "more than 10,000" (see CappedPaginator).
COUNT_CAP = 10_000


class InParts:
    """The rows of a list (`rows`, a queryset in its order) that are those of any of a few `parts`:
    conditions each read through its own index in the list's order, such as a person's own cases,
    those they supervise and their station's. Written as one OR, PostgreSQL cannot read such a
    list in its order from those indexes: it walked the whole list's order (the intake day's index)
    past every case the person may not see, 52,139 pages at a province's ten million cases for a
    social worker's page of 50 (240 ms). A page's ids are read instead as a UNION ALL of the parts,
    each without the rows of those before it and each read from its index in the list's order up
    to the page's last row, which PostgreSQL merges (a Merge Append); then the page's rows are read
    by id, with what the list prefetches. The list is counted as one query, as before.

    `within` is the list's filters over the records without the person's scope (each part is a
    piece of it), when the list gives it: a part read from `rows` repeated the scope's OR, and the
    planner, multiplying the two, took a social worker's own 7,424 cases for 5 and read them all
    with a bitmap and a sort instead of the page's 51 from their index."""

    ordered = True

    def __init__(self, rows: QuerySet, parts: list[Q], *, within: QuerySet | None = None):
        self.rows = rows
        self.within = rows if within is None else within
        self.parts = [part & ~reduce(or_, parts[:n]) if n else part for n, part in enumerate(parts)]
        pk = rows.model._meta.pk.attname
        self.order = [
            f"-{pk}" if name == "-pk" else pk if name == "pk" else name for name in rows.query.order_by
        ]

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list:
        if page.stop is not None and page.stop <= (page.start or 0):
            return []  # (the page of an empty list; a part sliced to nothing is none() and no part)
        pk = self.rows.model._meta.pk.attname
        columns = [name.lstrip("-") for name in self.order]
        columns += [] if pk in columns else [pk]
        keys = self.within.order_by().prefetch_related(None).values_list(*columns)
        members = [keys.filter(part) for part in self.parts]
        if page.stop is not None and connection.features.supports_slicing_ordering_in_compound:
            # Each part in the list's order up to the page's last row, planned on its own from its
            # index. Ordered only outside, the parts were read whole and sorted: PostgreSQL does
            # not carry a part's own condition into the order of the union's merge.
            members = [member.order_by(*self.order)[: page.stop] for member in members]
        at = columns.index(pk)
        found = [row[at] for row in members[0].union(*members[1:], all=True).order_by(*self.order)[page]]
        rows = {row.pk: row for row in self.rows.order_by().filter(pk__in=found)}
        return [rows[pk] for pk in found if pk in rows]


def in_parts(
    rows: QuerySet,
    parts: list[Q] | None,
    *,
    order: list | tuple | None = None,
    within: QuerySet | None = None,
):
    """`rows` read by page as `InParts`, when its selector gave the parts of the person's scope
    and the rows are still in the list's own `order` (a client's ?ordering= reads them as one
    query); else `rows` itself. `within`: see `InParts`."""
    if not parts or len(parts) < 2 or rows.query.distinct:
        return rows
    if order is not None and tuple(rows.query.order_by) != tuple(order):
        return rows
    return InParts(rows, parts, within=within)


def unscoped(filterset) -> QuerySet | None:
    """A list's filters over the records without the person's scope, for `InParts`, when its
    selector gave them (`filterset.unscoped`: the case list's cases not removed)."""
    base = getattr(filterset, "unscoped", None)
    return None if base is None else filterset.filter_queryset(base)


class CappedPage(Page):
    """A page of a capped list: whether a next page exists is read from the rows, not the count."""

    def __init__(self, object_list, number, paginator, *, has_more: bool):
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self) -> bool:
        return self.has_more


class CappedPaginator(Paginator):
    """A paginator that stops counting at COUNT_CAP rows. Counting a station's hundred thousand
    cases on every page view cost more than the rest of the page; a list that long is narrowed
    with its filters, and the exact figures are on the dashboard. Past the cap every page is
    still reachable with "Next": each page reads one row more to know whether another follows.

    `counted`, when given, is what is counted instead of the rows: other rows known to be as
    many and cheaper to count."""

    def __init__(self, object_list, per_page, *args, counted: QuerySet | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.counted = counted

    @cached_property
    def count(self) -> int:
        rows = self.object_list if self.counted is None else self.counted
        if isinstance(rows, InParts):
            rows = rows.rows
        if isinstance(rows, QuerySet):
            return rows.order_by()[: COUNT_CAP + 1].count()
        return len(rows)

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger from error
        if number < 1:
            raise EmptyPage
        return number

    def get_page(self, number) -> Page:
        """The page asked for; past the last row, the last counted page."""
        try:
            return super().get_page(number)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number) -> Page:
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage
        return CappedPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)


def page_of(request, items, *, counted: QuerySet | None = None) -> Page:
    """The page of `items` the request asks for (?page=), PAGE_SIZE rows a page."""
    return CappedPaginator(items, PAGE_SIZE, counted=counted).get_page(request.GET.get("page"))


def year_of(request) -> int:
    """The year the request asks for (?year=), this year when it asks for none or nonsense."""
    return year_in(request.GET)


def year_in(params) -> int:
    """The `year` of a query (a QueryDict or dict), this year when there is none or nonsense."""
    try:
        return int(params.get("year", ""))
    except ValueError:
        return timezone.localdate().year


def refusal_text(error: Exception) -> str:
    """A service's refusal (a ValidationError, or an ActionNotAllowed) as one sentence to show."""
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def show_errors(form, error: Exception) -> None:
    """Put a service's refusal on the form: a ValidationError's messages on their fields when the
    form has them, else on top; any other refusal (ActionNotAllowed) on top."""
    if not isinstance(error, ValidationError):
        form.add_error(None, str(error))
    elif hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


CONFIRMED = "confirmed"


def confirmation(request, action: Action | None, *, subject, back) -> HttpResponse | None:
    """None when the step may be taken now; else the page that asks the person to confirm it.

    A step declared with `confirm` (it cannot be undone) is taken only from a POST carrying
    `confirmed=1`. The first POST, from the button on the record's page, answers a page saying
    what the step means for `subject`, with a form that posts the same fields again plus the
    confirmation, and a way back to `back`. It needs no script, so no browser skips it. An
    action not open to the person (None) is left to the service to refuse."""
    if action is None or action.confirm is None or request.POST.get(CONFIRMED) == "1":
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", CONFIRMED)
        for value in values
    ]
    context = {"action": action, "subject": subject, "back": back, "fields": fields, "confirmed": CONFIRMED}
    return render(request, "partials/confirm_page.html", context)


def form_page(
    request, form, *, save: Callable[[dict], object], message: Callable[[object], str], title, cancel=None
):
    """A create or edit page. On a valid POST, `save(cleaned_data)` calls the service; a
    ValidationError it raises lands on the form, field by field; on success the person sees
    `message(saved)` and goes to the saved object's page."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, message(saved))
            return redirect(saved)
    return render(request, "partials/form_page.html", {"form": form, "title": title, "object": cancel})
