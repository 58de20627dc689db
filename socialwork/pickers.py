"""Pickers that scale: a person, a community, a unit, a post or an organization is chosen by
typing, never from a list of thousands.

Each app declares its kinds in a `pickers` module (found at start-up like `notifications`):
what a person may pick (`visible`), how typed text narrows it (`match`, backed by an index),
how a candidate reads (`label`: a worker with their unit and masked ID number, a community with
its town, an organization with its credit code) and whether a search reveals personal data
(`personal`: then it is audited). One declaration serves the form field (`PickerField`, which
resolves what was typed on the server, so that the page works without JavaScript), the live
suggestions (`suggest`, served to htmx at /pick/<kind>/) and the header search.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from socialwork.forms import offer_with_current

SEP = " · "
LIMIT = 10


@dataclass(frozen=True)
class PickerKind:
    name: str
    model: type[Model]
    noun: Promise  # what one candidate is: "social worker"
    hint: Promise  # what may be typed
    visible: Callable  # (user) -> QuerySet: what the person may pick, already scoped
    match: Callable  # (queryset, text) -> QuerySet: the candidates for what was typed, ordered
    label: Callable  # (obj) -> str: how a candidate reads, unique enough to pick it again
    title: Promise | str = ""  # the heading of its results in the header search
    personal: Callable = lambda text: False  # whether searching `text` reveals personal data
    audit_action: str = ""
    # (user) -> QuerySet: what a form may offer when that is wider than what the person may open
    # (an organization's name and credit code are public; its page is not); None: `visible`.
    pickable: Callable | None = None

    def offered(self, user) -> QuerySet:
        """What the person may pick in a form (the header search keeps to `visible`)."""
        return (self.pickable or self.visible)(user)

    def search(self, queryset: QuerySet, text: str) -> list[Model]:
        """Candidates for `text`: what it matches, or, when it is a candidate's label (picked
        from the suggestions, or a record shown as it reads), that candidate."""
        text = " ".join(text.split())
        if not text:
            return []
        if SEP in text:
            for part in text.split(SEP):
                exact = [
                    obj for obj in self.match(queryset, part.strip())[: LIMIT * 5] if self.label(obj) == text
                ]
                if exact:
                    return exact
            return []
        found = list(self.match(queryset, text)[: LIMIT * 5])
        # A town's name is also the beginning of its communities' labels: the exact one wins.
        exact = [obj for obj in found if self.label(obj) == text]
        return exact or found[: LIMIT + 1]


KINDS: dict[str, PickerKind] = {}


def picker_kind(name: str, **declaration) -> PickerKind:
    KINDS[name] = kind = PickerKind(name=name, **declaration)
    return kind


def audited(kind: PickerKind, *, user, text: str, found: int) -> None:
    """A search that reveals personal data (ID number digits, a client's name) leaves a row;
    one that found nobody revealed nothing."""
    if user is None or not found or not kind.personal(text):
        return
    from socialwork.services import audit_record

    audit_record(
        actor=user,
        action=kind.audit_action,
        target_type=kind.model._meta.label_lower,
        summary=f"{text} ({found})",
    )


def suggest(kind: PickerKind, *, user, text: str, within: QuerySet | None = None) -> list[tuple[Model, str]]:
    """At most LIMIT candidates for what the person typed, with their labels."""
    queryset = kind.offered(user) if within is None else within
    found = kind.search(queryset, text)[:LIMIT]
    audited(kind, user=user, text=text, found=len(found))
    return [(obj, kind.label(obj)) for obj in found]


class PickerInput(forms.TextInput):
    """A text input with a list of suggestions the server fills as the person types (htmx);
    without JavaScript the list holds the candidates of the last submission."""

    template_name = "socialwork/widgets/picker.html"

    def __init__(self, kind: str, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.kind = kind
        self.options: list[str] = []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["options"] = self.options
        context["widget"]["suggest_url"] = reverse("pick", args=[self.kind])
        context["widget"]["field_name"] = name
        return context


class PickerField(forms.Field):
    """One record of `kind` among `queryset`, chosen by typing. What was typed is resolved on
    the server: one candidate is the choice; none, or several, is an error on the field that
    lists the candidates (and offers them in the input's suggestions)."""

    def __init__(self, kind: str, *, queryset: QuerySet | None = None, user=None, **kwargs):
        self.kind_name, self.queryset, self.user = kind, queryset, user
        kwargs.setdefault("widget", PickerInput(kind))
        super().__init__(**kwargs)
        if not self.help_text:
            self.help_text = self.kind.hint

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.options = []
        return result

    @property
    def kind(self) -> PickerKind:
        return KINDS[self.kind_name]

    def _within(self) -> QuerySet:
        if self.queryset is not None:
            return self.queryset
        return self.kind.offered(self.user) if self.user is not None else self.kind.model.objects.none()

    def prepare_value(self, value):
        """A record (or a ModelForm's initial key) reads as its label; typed text as typed."""
        if isinstance(value, int):
            value = self._within().filter(pk=value).first() or value
        return self.kind.label(value) if isinstance(value, Model) else value

    def to_python(self, value):
        if isinstance(value, Model):  # a disabled field's initial record
            return value
        if isinstance(value, int):  # a disabled field's initial key
            return self._within().filter(pk=value).first()
        text = " ".join(str(value or "").split())
        if not text:
            return None
        found = self.kind.search(self._within(), text)
        audited(self.kind, user=self.user, text=text, found=len(found))
        if len(found) == 1:
            return found[0]
        # A record's key, as a link or a client of the old select posts it; never where digits
        # are a search of their own (a worker's ID number).
        keyed = not found and text.isdigit() and not self.kind.personal(text)
        if keyed and (record := self._within().filter(pk=text).first()) is not None:
            return record
        self.widget.options = [self.kind.label(obj) for obj in found[:LIMIT]]
        if not found:
            raise ValidationError(
                _("No %(kind)s you may choose matches “%(text)s”."),
                code="invalid_choice",
                params={"kind": self.kind.noun, "text": text},
            )
        message = _("“%(text)s” matches more than one %(kind)s: %(listed)s. Choose one or type more.")
        if len(found) > LIMIT:
            message = _("“%(text)s” matches more than ten %(kind)s, among them %(listed)s. Type more.")
        raise ValidationError(
            message,
            code="ambiguous",
            params={"text": text, "kind": self.kind.noun, "listed": "; ".join(self.widget.options)},
        )

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        return str(self.prepare_value(initial) or "") != " ".join(str(data or "").split())


# The header search: what it looks for, in the order the results page shows them.
SEARCHED = ("case", "client", "worker", "position", "organization", "project")


@dataclass
class SearchGroup:
    kind: PickerKind
    results: list[tuple[Model, str]]
    more: bool


def search_everything(*, user, text: str) -> list[SearchGroup]:
    """What `text` finds of each kind the header searches, only among what the person sees;
    the searches that reveal personal data are audited."""
    groups = []
    for name in SEARCHED:
        if (kind := KINDS.get(name)) is None:
            continue
        found = kind.search(kind.visible(user), text)
        audited(kind, user=user, text=text, found=len(found))
        if found:
            groups.append(
                SearchGroup(kind, [(obj, kind.label(obj)) for obj in found[:LIMIT]], len(found) > LIMIT)
            )
    return groups


def use_picker(form: forms.BaseForm, name: str, kind: str, *, queryset: QuerySet, user) -> None:
    """Replace the form's select `name` (a foreign key's, say) by a picker of `kind` among
    `queryset`, keeping its label, whether it is required and its help; a record's current value
    stays a valid choice (socialwork.forms.offer_with_current), so that saving it unchanged keeps it."""
    old = form.fields[name]
    form.fields[name] = PickerField(
        kind,
        queryset=queryset,
        user=user,
        label=old.label,
        required=old.required,
        help_text=old.help_text,
        disabled=old.disabled,
    )
    if isinstance(form, forms.ModelForm) and name in {f.name for f in form.instance._meta.get_fields()}:
        offer_with_current(form, name, queryset)
