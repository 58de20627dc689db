"""No page offers a select a person cannot read: every page of the app, opened as each demo
role on the demo district (4,324 workers, 195 communities, 749 organizations), renders no
<select> of more than 200 options. People, communities and organizations are typed instead.

The walk writes the pages it opened to test-artifacts/select-walk.txt, so that a reader sees
what it covered.
"""

import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from casework import models as cw
from positions import models as pm
from positions.services.assessment import assessment_scheme_save
from projects import models as prj
from reports.models import AnnualReport
from socialwork.models import User
from training import models as tr

MAX_OPTIONS = 200
ROLES = [
    "admin",
    "district",
    "district2",
    "station",
    "worker",
    "supervisor",
    "org",
    "auditor",
    "sysadmin",
    "security",
]
SKIPPED_PREFIXES = ("admin/", "api/", "static/", "__", "accounts/logout/", "i18n/", "healthz/", "tasks/")


class SelectCounter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.selects: list[tuple[str, int]] = []
        self._current: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "select":
            self._current = [dict(attrs).get("name", "?"), 0]
        elif tag == "option" and self._current is not None:
            self._current[1] += 1

    def handle_endtag(self, tag):
        if tag == "select" and self._current is not None:
            self.selects.append(tuple(self._current))
            self._current = None


def patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


# The record behind the first <int:pk> of a route, by where the route starts, taken among those
# the person sees (so that a station manager's pages are the station's, not a 404); a route whose
# second key names a child record takes the child first and its parent as pk.
def _visible():
    from casework import selectors as cws
    from positions.selectors import allowance, assessment, network, workforce
    from projects import selectors as prs
    from training import selectors as trs

    def open_cases(user):
        return cws.cases_visible_to(user=user).exclude(status=cw.Case.Status.CLOSED)

    return [
        ("network/units/", lambda user: network.units_visible_to(user=user)),
        ("network/regions/", lambda user: network.regions_visible_to(user=user)),
        ("positions/", lambda user: workforce.positions_visible_to(user=user)),
        (
            "appointments/",
            lambda user: pm.Appointment.objects.filter(
                position__in=workforce.positions_visible_to(user=user)
            ),
        ),
        ("workers/", lambda user: workforce.workers_visible_to(user=user)),
        ("assessments/", lambda user: assessment.schemes_visible_to(user=user)),
        ("allowances/", lambda user: allowance.allowance_rolls_visible_to(user=user)),
        ("training/certificates/", lambda user: trs.certificates_visible_to(user=user)),
        ("training/series/", lambda user: trs.series_visible_to(user=user)),
        ("training/sessions/", lambda user: trs.sessions_visible_to(user=user).order_by("-starts_at")),
        (
            "training/enrolments/",
            lambda user: tr.Enrolment.objects.filter(session__in=trs.sessions_visible_to(user=user)),
        ),
        ("projects/organizations/", lambda user: prs.organizations_visible_to(user=user)),
        ("projects/calls/", lambda user: prj.Call.objects.all()),
        ("projects/evaluations/", lambda user: prj.Evaluation.objects.all()),
        ("projects/panels/", lambda user: prj.ReviewPanel.objects.all()),
        ("projects/", lambda user: prs.projects_visible_to(user=user)),
        ("casework/cases/", open_cases),
        ("casework/clients/", lambda user: cws.clients_visible_to(user=user)),
        ("casework/groups/", lambda user: cws.groups_visible_to(user=user)),
        ("casework/activities/", lambda user: cws.activities_visible_to(user=user)),
        ("casework/volunteers/", lambda user: cws.volunteers_visible_to(user=user)),
        ("casework/evaluations/", lambda user: prj.Evaluation.objects.all()),
        ("casework/advocacy/", lambda user: cws.advocacy_visible_to(user=user)),
        ("casework/grants/", lambda user: cws.grants_visible_to(user=user)),
        ("reports/annual/", lambda user: AnnualReport.objects.all()),
        ("inbox/", lambda user: user.notifications.all()),
    ]


CHILDREN = {
    "bid_pk": (prj.Bid, "procurement__project_id", "projects/"),
    "milestone_pk": (prj.Milestone, "contract__project_id", "projects/"),
    "task_pk": (cw.PlanTask, "plan__case_id", "casework/cases/"),
    "referral_pk": (cw.Referral, "case_id", "casework/cases/"),
    "follow_up_pk": (cw.FollowUp, "case_id", "casework/cases/"),
    "member_pk": (cw.GroupMember, "group_id", "casework/groups/"),
    "session_pk": (cw.GroupSession, "group_id", "casework/groups/"),
    "pairing_pk": (cw.VolunteerPairing, "volunteer_id", "casework/volunteers/"),
    "item_pk": (prj.RectificationItem, "evaluation_id", "projects/evaluations/"),
    "sampled_pk": (cw.SampledCase, "sample__evaluation_id", "casework/evaluations/"),
    # A panel's application is keyed by its project: the key is read off the entry.
    "project_pk": (prj.PanelApplication, "panel_id", "projects/panels/", "project_id"),
}


def _value(obj, path):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


def concrete_urls(user) -> tuple[list[str], list[str]]:
    """Each route with real keys from the demo, among the records `user` sees."""
    visible = _visible()
    urls, unfilled = [], []
    for route in patterns():
        if (
            route.startswith(SKIPPED_PREFIXES)
            or "<uuid:" in route
            or "<str:" in route
            or "<slug:" in route
            or "(?P<" in route
        ):
            continue
        keys = re.findall(r"<int:(\w+)>", route)
        values = {}
        child_keys = [key for key in keys if key in CHILDREN]
        parents = next((pick for start, pick in visible if route.startswith(start)), None)
        parent_ids = parents(user) if parents else None
        if child_keys:
            model, parent, _start, *key = CHILDREN[child_keys[0]]
            children = model.objects.order_by("pk")
            if parent_ids is not None:
                children = children.filter(**{f"{parent}__in": parent_ids.values("pk")})
            child = children.first()
            if child is None:
                unfilled.append(route)
                continue
            values = {child_keys[0]: _value(child, key[0] if key else "pk"), "pk": _value(child, parent)}
        elif "pk" in keys:
            record = (
                parent_ids.order_by(*parent_ids.query.order_by or ["pk"]).first()
                if parent_ids is not None
                else None
            )
            if record is None:
                unfilled.append(route)
                continue
            values["pk"] = record.pk
        if "case_pk" in keys:
            values["case_pk"] = cw.Case.objects.order_by("pk").first().pk
        urls.append("/" + re.sub(r"<int:(\w+)>", lambda m, values=values: str(values[m.group(1)]), route))
    return urls, unfilled


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", verbosity=0)
    # The demo has no assessment scheme: one of each kind, so that scoring pages are walked.
    district = User.objects.get(username="district")
    for subject in pm.AssessmentScheme.Subject.values:
        assessment_scheme_save(
            actor=district,
            year=2015,
            subject=subject,
            title=f"2015 {subject}",
            criteria=[("Casework", Decimal(100))],
            grade_rules=[
                ("excellent", Decimal(90), "", Decimal(0)),
                ("competent", Decimal(0), "", Decimal(0)),
            ],
        )


def test_no_page_renders_a_select_of_more_than_200_options(demo, client):
    assert pm.SocialWorker.objects.count() > MAX_OPTIONS
    assert pm.Region.objects.filter(level__in=pm.Region.COMMUNITY_LEVELS).count() > MAX_OPTIONS - 10
    assert prj.SocialOrganization.objects.count() > MAX_OPTIONS
    visited, too_long, unfilled = [], [], []
    for username in ROLES:
        user = User.objects.get(username=username)
        urls, missing = concrete_urls(user)
        unfilled += [f"{username:10} {route}" for route in missing]
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                visited.append(f"{username:10} {response.status_code} {url}")
                continue
            parser = SelectCounter()
            parser.feed(response.content.decode())
            pickers = response.content.decode().count("data-picker=")
            visited.append(f"{username:10} 200 {url} selects={len(parser.selects)} pickers={pickers}")
            too_long += [
                f"{username} {url} <select name={name}> {count} options"
                for name, count in parser.selects
                if count > MAX_OPTIONS
            ]
    report = Path("test-artifacts/select-walk.txt")
    report.parent.mkdir(exist_ok=True)
    lines = [
        *visited,
        "",
        "routes without a demo record:",
        *unfilled,
        "",
        "selects over the limit:",
        *too_long,
        "",
    ]
    report.write_text("\n".join(lines), encoding="utf-8")
    opened = [line for line in visited if " 200 " in line]
    assert len(opened) > 300, "the walk opened too few pages to mean anything"
    # The pages of the finding were opened, and offer typed pickers: enrolment (on the session's
    # page), scoring, a referral (on the case's page), an application's community.
    for page in (r"district .* /training/sessions/\d+/ ", r"district .* /assessments/\d+/record/ ",
                 r"worker .* /casework/cases/\d+/ ", r"district .* /projects/apply/ "):  # fmt: skip
        assert any(re.match(page, line) and "pickers=0" not in line for line in opened), page
    assert not too_long, "\n".join(too_long)
