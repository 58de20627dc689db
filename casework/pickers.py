"""Cases and clients are found by typing in the header search (socialwork.pickers), only
among those the person sees (`case_scope`, `client_scope`). A client's name is personal data:
every search for one is audited."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.models import Case, Client
from casework.selectors import cases_matching, cases_visible_to, clients_matching, clients_visible_to
from socialwork.pickers import SEP, picker_kind


def client_label(client: Client) -> str:
    """The name with the community and station that registered the client (never the ID)."""
    place = [p.name for p in (client.community, client.station) if p is not None]
    return SEP.join([client.name, *place])


picker_kind(
    "case",
    title=pgettext_lazy("search results", "Cases"),
    model=Case,
    noun=pgettext_lazy("picker", "case"),
    hint=_("Type the case number."),
    visible=lambda user: cases_visible_to(user=user),
    match=cases_matching,
    label=lambda case: case.number,
)
picker_kind(
    "client",
    title=pgettext_lazy("search results", "Clients"),
    model=Client,
    noun=pgettext_lazy("picker", "client"),
    hint=_("Type the beginning of the client's name."),
    visible=lambda user: clients_visible_to(user=user),
    match=clients_matching,
    label=client_label,
    personal=lambda text: True,
    audit_action="client.search",
)
